import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient } from '../support/frame-client'
import { freePort } from '../support/redis-server'

// `npm start`'s demo server (scripts/demo-server.mjs) runs on react-lifeline/server: the live
// stories talk to it, so its heartbeat, topics and fault controls are checked here.
let child: ChildProcess
let port: number
let output = ''
const printed = new EventEmitter()

/** Resolves once the demo server has logged a line containing `text` (from now on). */
function logged(text: string): Promise<void> {
  const from = output.length
  return new Promise((resolve) => {
    const check = () => {
      if (!output.slice(from).includes(text)) return
      printed.off('data', check)
      resolve()
    }
    printed.on('data', check)
  })
}

beforeAll(async () => {
  port = await freePort()
  child = spawn(process.execPath, ['scripts/demo-server.mjs'], {
    env: { ...process.env, DEMO_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    printed.emit('data')
  })
  await new Promise<void>((resolve, reject) => {
    printed.on('data', () => {
      if (output.includes('listening on')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${output}`)))
  })
}, 20_000)

afterAll(async () => {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

const control = async (query: string) => (await fetch(`http://127.0.0.1:${port}/control?${query}`)).json()

describe('the demo server', () => {
  it('welcomes, answers the heartbeat, relays chat into the chat topic and echoes the rest', async () => {
    const client = await connectClient(`ws://127.0.0.1:${port}/playground`)
    expect(await client.next()).toMatchObject({ type: 'welcome' })
    client.send('{"type":"ping"}')
    await client.next((frame) => frame?.type === 'pong')
    expect(client.texts.at(-1)).toBe('{"type":"pong"}')
    client.send({ type: 'subscribe', topic: 'chat' })
    await client.next((frame) => frame?.type === 'subscribed')
    client.send({ type: 'chat', text: 'hello', from: 'test' })
    expect(await client.next()).toMatchObject({ type: 'chat', text: 'hello', from: 'test' })
    expect(await client.next()).toMatchObject({ type: 'message', topic: 'chat', data: { text: 'hello' } })
    client.send('plain text')
    await client.next((frame) => frame === undefined)
    expect(client.texts.at(-1)).toBe('plain text')
    client.socket.close()
  })

  it('closes with a chosen code, and drains with 1012 before taking connections again', async () => {
    const first = await connectClient(`ws://127.0.0.1:${port}/x`)
    expect(await control('action=close&code=4001&reason=test')).toMatchObject({ mode: 'up' })
    expect(await first.closed).toEqual({ code: 4001, reason: 'test' })

    const second = await connectClient(`ws://127.0.0.1:${port}/x`)
    await second.next() // welcome
    const drained = logged('drained: a fresh server takes connections again')
    expect(await control('action=drain&windowMs=0')).toMatchObject({ draining: true })
    expect((await second.closed).code).toBe(1012)
    await drained
    const third = await connectClient(`ws://127.0.0.1:${port}/x`)
    expect(await third.next()).toMatchObject({ type: 'welcome' })
    third.socket.close()
  })
})
