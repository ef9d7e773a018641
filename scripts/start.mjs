#!/usr/bin/env node
// `npm start`: Storybook's dev server on port 6006 and, beside it, the demo WebSocket server
// that the live stories talk to. Ctrl-C (or SIGTERM) stops both; if either one exits, the
// other is stopped and `npm start` exits with the first one's code.
//
// Environment: STORYBOOK_PORT [6006], DEMO_PORT [8787].
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const port = process.env.STORYBOOK_PORT ?? '6006'
// No telemetry, no crash reports, no update check: Storybook must not reach the internet.
const env = { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' }

const children = [
  {
    name: 'storybook',
    command: process.execPath,
    args: [
      join(root, 'node_modules', 'storybook', 'dist', 'bin', 'dispatcher.js'),
      'dev',
      '--port',
      port,
      '--exact-port',
      '--ci',
      '--no-open',
      '--no-version-updates',
      '--disable-telemetry',
    ],
  },
  { name: 'demo-server', command: process.execPath, args: [join(root, 'scripts', 'demo-server.mjs')] },
]

let stopping = false
let exitCode = 0

const running = children.map(({ name, command, args }) => {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' })
  child.on('exit', (code, signal) => {
    child.exited = true
    if (!stopping) {
      process.stderr.write(`[start] ${name} exited (${signal ?? code}); stopping the rest\n`)
      // A server that ends by itself is a failure of `npm start`, whatever its exit code.
      exitCode = code || 1
      stopAll('SIGTERM')
    }
    if (running.every((c) => c.exited)) process.exit(exitCode)
  })
  child.on('error', (error) => {
    process.stderr.write(`[start] could not start ${name}: ${error.message}\n`)
    exitCode = 1
    stopAll('SIGTERM')
  })
  return child
})

function stopAll(signal) {
  stopping = true
  for (const child of running) if (!child.exited) child.kill(signal)
  // A child that ignores the signal must not keep `npm start` alive.
  setTimeout(() => {
    for (const child of running) if (!child.exited) child.kill('SIGKILL')
    process.exit(exitCode)
  }, 5000).unref()
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) return
    exitCode = signal === 'SIGINT' ? 130 : 143
    stopAll(signal)
  })
}
