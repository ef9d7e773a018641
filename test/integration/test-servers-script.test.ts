import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// scripts/test-servers.mjs (`npm run test:servers`) vouches for docs/servers.md, so it must fail
// on the servers a user would be hurt by. It runs here on Node `ws` servers only: the other
// runtimes are exercised by `npm run test:servers` itself in .ci/run.
const script = fileURLToPath(new URL('../../scripts/test-servers.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'test-servers-script-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A Node `ws` server snippet: `onMessage` and `onSigterm` are statements over `socket` / `server`. */
function nodeServer(onMessage: string, onSigterm: string): string {
  return [
    '<!-- test-servers: node -->',
    '```ts',
    "import { WebSocketServer } from 'ws'",
    'const server = new WebSocketServer({ host: process.env.HOST, port: Number(process.env.PORT) })',
    `server.on('connection', (socket) => socket.on('message', () => { ${onMessage} }))`,
    `process.once('SIGTERM', () => { ${onSigterm} })`,
    '```',
  ].join('\n')
}

const DRAIN = "server.close(); for (const socket of server.clients) socket.close(1012, 'Service Restart')"

function run(snippets: string[]): Promise<{ exitCode: number; rows: string[] }> {
  const doc = join(dir, `${Math.random().toString(36).slice(2)}.md`)
  writeFileSync(doc, snippets.join('\n\n'))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, `--doc=${doc}`, '--pings=3', '--interval=500', '--connections=2'],
      (error, stdout) => {
        const rows = stdout.split('\n').filter((line) => line.startsWith('| Node ws'))
        resolve({ exitCode: error ? (error.code as number) : 0, rows })
      },
    )
  })
}

describe('npm run test:servers', () => {
  it('passes a server that answers every ping exactly and drains with 1012', async () => {
    const { exitCode, rows } = await run([nodeServer(`socket.send('{"type":"pong"}')`, DRAIN)])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain('3/3, stayed open')
    expect(rows[0]).toContain('1012 Service Restart')
    expect(exitCode).toBe(0)
  }, 30_000)

  it('fails on a silent server, a pong that is not byte for byte, a binary pong, a drain without 1012, an error logged', async () => {
    const { exitCode, rows } = await run([
      nodeServer('', DRAIN),
      nodeServer(`socket.send('{"type": "pong"}')`, DRAIN),
      nodeServer(`socket.send(Buffer.from('{"type":"pong"}'))`, DRAIN),
      nodeServer(
        `socket.send('{"type":"pong"}')`,
        'for (const socket of server.clients) socket.close(1001); server.close()',
      ),
      nodeServer(`console.error('handler failed'); socket.send('{"type":"pong"}')`, DRAIN),
    ])
    expect(rows).toHaveLength(5)
    expect(rows[0]).toContain('FAILED: dropped after 0 pongs: 1006 (heartbeat)')
    expect(rows[1]).toContain('FAILED: answered "{\\"type\\": \\"pong\\"}"')
    expect(rows[2]).toContain('FAILED: answered "a binary frame of 15 bytes"')
    expect(rows[3]).toContain('FAILED: SIGTERM closed the socket with 1001, not 1012')
    expect(rows[4]).toContain('FAILED: the server wrote to stderr: handler failed')
    expect(exitCode).toBe(1)
  }, 60_000)
})
