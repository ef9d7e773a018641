import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'

// Chromium driven over the DevTools protocol directly, without Playwright: Playwright turns on
// focus emulation for every page it attaches to, and Chromium keeps such a page 'visible'
// whatever happens to its tab or window. Here a page hides when another tab of its window is
// activated, and shows again when it is activated itself, as in a desktop browser.

export interface RawChromium {
  /** The result of `expression` in the first tab (a promise is awaited), by value. */
  evaluate<T = unknown>(expression: string): Promise<T>
  /** Opens a second tab in front of the first one (which becomes hidden); returns its id. */
  openTab(): Promise<string>
  /** Brings a tab to the front: `openTab()`'s id, or the first tab's with no argument. */
  activate(targetId?: string): Promise<void>
  close(): Promise<void>
}

interface Reply {
  id?: number
  result?: any
  error?: { message: string }
}

/** Headless Chromium on a DevTools port of 127.0.0.1, with one blank tab. */
export async function launchRawChromium(): Promise<RawChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'lifeline-chromium-'))
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      '--headless=new',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${output}`)))
    child.stderr?.on('data', (chunk) => {
      output += chunk
      const match = /DevTools listening on (ws:\S+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
  })
  const socket = new WebSocket(endpoint)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  let lastId = 0
  const pending = new Map<number, (reply: Reply) => void>()
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Reply
    if (reply.id !== undefined) pending.get(reply.id)?.(reply)
  })
  const send = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<any>((resolve, reject) => {
      const id = ++lastId
      pending.set(id, (reply) => {
        pending.delete(id)
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`))
        else resolve(reply.result)
      })
      socket.send(JSON.stringify({ id, method, params, sessionId }))
    })

  const { targetInfos } = await send('Target.getTargets')
  const first = (targetInfos as { targetId: string; type: string }[]).find((target) => target.type === 'page')
  if (!first) throw new Error('Chromium started with no tab')
  const { sessionId } = await send('Target.attachToTarget', { targetId: first.targetId, flatten: true })

  return {
    async evaluate(expression) {
      const { result, exceptionDetails } = await send(
        'Runtime.evaluate',
        { expression, awaitPromise: true, returnByValue: true },
        sessionId,
      )
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text)
      return result.value
    },
    async openTab() {
      const { targetId } = await send('Target.createTarget', { url: 'about:blank', newWindow: false })
      return targetId as string
    },
    async activate(targetId = first.targetId) {
      await send('Target.activateTarget', { targetId })
    },
    async close() {
      socket.close()
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill()
      await exited
      await rm(profile, { recursive: true, force: true })
    },
  }
}
