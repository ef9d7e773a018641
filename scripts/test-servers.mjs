#!/usr/bin/env node
// `npm run test:servers`: runs each server snippet of docs/servers.md against the real client.
//
// For every block marked `<!-- test-servers: NAME -->`, it starts that code on 127.0.0.1 on a
// free port, connects `createConnection` from src/core (Node, `ws` as the WebSocket
// constructor, a short heartbeat, no retry), waits for N pongs (the connection must stay open
// across all of them, many heartbeat timeouts), then stops the server (SIGTERM) and checks the
// close code the client sees (a Durable Object has no SIGTERM: the client closes, and the
// object must answer). It prints a table and exits 1 when a server that ran did not answer,
// answered with anything but the exact text frame {"type":"pong"}, dropped the connection,
// closed with another code than its snippet promises, or wrote to stderr.
//
//   --allow-missing        a runtime that is not installed is reported and skipped (else: exit 1)
//   --only=node,python     run only these
//   --pings=N [12]         pongs to wait for on one connection (the median pong)
//   --connections=K [5]    connections whose first pong is timed (that one and K-1 fresh ones)
//   --interval=MS [500]    heartbeat interval (the pong timeout is 80% of it)
//   --write-figures        replace the figures at the end of docs/servers.md with this run's
//   --install              first install Bun, Deno and Miniflare from npm into node_modules/.cache
//   --doc=PATH             read the snippets from another markdown file (the script's own test)
//   PYTHON=path            the Python to run the websockets server with (else the first of
//                          python3 and /usr/bin/python3 that imports websockets)
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, connect as tcpConnect } from 'node:net'
import { cpus, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { transform } from 'esbuild'
import WebSocket from 'ws'
import { buildTypeScript } from '../bench/run-typescript.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const PING = '{"type":"ping"}'
const PONG = '{"type":"pong"}'

const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const option = (name, fallback) => {
  const given = args.find((arg) => arg.startsWith(`--${name}=`))
  return given === undefined ? fallback : given.slice(name.length + 3)
}
const KNOWN = ['allow-missing', 'write-figures', 'install', 'only', 'pings', 'connections', 'interval', 'doc']
for (const arg of args) {
  if (!KNOWN.includes(arg.replace(/^--/, '').replace(/=.*/, ''))) {
    throw new Error(`test-servers: unknown argument ${arg} (see the comment at the top of the script)`)
  }
}
const count = (name, fallback, min) => {
  const value = Number(option(name, fallback))
  if (!Number.isInteger(value) || value < min)
    throw new Error(`test-servers: --${name} must be an integer ≥ ${min}`)
  return value
}
const PINGS = count('pings', '12', 1)
const CONNECTIONS = count('connections', '5', 1)
const INTERVAL = count('interval', '500', 50)
const TIMEOUT = Math.round(INTERVAL * 0.8)
const docPath = option('doc', join(root, 'docs/servers.md'))
const only = option('only', '')
  .split(',')
  .filter((name) => name !== '')

/** Output of a command, or null when it cannot run. */
function output(command, commandArgs, options = {}) {
  try {
    return execFileSync(command, commandArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    }).trim()
  } catch {
    return null
  }
}

// Bun, Deno and Miniflare (workerd) come from npm, but together they are about 360 MB: more
// than the rest of node_modules. So they are not devDependencies; `--install` puts these exact
// versions in node_modules/.cache (ignored by git, wiped by `npm ci`), where this script looks
// first, before the project's node_modules and the PATH.
const RUNTIME_PACKAGES = { bun: '1.4.5', deno: '2.9.6', miniflare: '4.20260426.0' }
const runtimes = join(root, 'node_modules/.cache/test-servers-runtimes')
const packageDirs = [join(runtimes, 'node_modules'), join(root, 'node_modules')]
const INSTALL_HINT = 'npm run test:servers -- --install'

const bin = (name) => {
  for (const dir of packageDirs) if (existsSync(join(dir, '.bin', name))) return join(dir, '.bin', name)
  return name
}

/** Where a package is installed ({ dir, version }), or null. */
function installed(name, dirs = packageDirs) {
  for (const dir of dirs) {
    const file = join(dir, name, 'package.json')
    if (existsSync(file))
      return { dir: join(dir, name), version: JSON.parse(readFileSync(file, 'utf8')).version }
  }
  return null
}

const packageVersion = (name, dirs = packageDirs) => installed(name, dirs)?.version ?? null

/** Installs the npm-packaged runtimes (all of them: a second `npm install` there would prune). */
function installRuntimes() {
  mkdirSync(runtimes, { recursive: true })
  const manifest = {
    private: true,
    description: 'scripts/test-servers.mjs --install',
    dependencies: RUNTIME_PACKAGES,
  }
  writeFileSync(join(runtimes, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const started = performance.now()
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: runtimes,
    stdio: 'inherit',
  })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const size = output('du', ['-sh', join(runtimes, 'node_modules')])?.split('\t')[0] ?? '?'
  process.stdout.write(
    `installed ${Object.entries(RUNTIME_PACKAGES)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')} in ${seconds} s (${size})\n`,
  )
}

/** The Python that can import websockets: $PYTHON, python3 on PATH (maybe pyenv's), or Debian's. */
function findPython() {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue
    const version = output(python, [
      '-c',
      'import sys, websockets; print(websockets.__version__, sys.version.split()[0])',
    ])
    if (version) return { python, version }
  }
  return null
}

// This run's generated files (the bundled client, the Node server) sit inside the project so
// their imports resolve from node_modules; one directory per run, removed at the end.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true })
const runCache = mkdtempSync(join(root, 'node_modules/.cache/test-servers-'))

const GOPATH = [process.env.GOPATH, '/usr/share/gocode'].filter(Boolean).join(':')

/**
 * How to run each snippet. `detect` returns the version line, or null when not installed;
 * `drainCode` is the close code the client must see on SIGTERM.
 */
const RUNTIMES = {
  node: {
    title: 'Node ws',
    install: 'npm ci (ws is a devDependency)',
    drainCode: 1012,
    // The snippet imports the project's ws (Miniflare brings another copy into the cache).
    detect() {
      const ws = packageVersion('ws', [join(root, 'node_modules')])
      return ws && `ws ${ws}, Node ${process.versions.node}`
    },
    // Node 20 cannot run TypeScript; the file sits in the project so `ws` resolves.
    async prepare(code) {
      const file = join(runCache, 'node-server.mjs')
      writeFileSync(file, (await transform(code, { loader: 'ts', format: 'esm', target: 'node20' })).code)
      return { command: process.execPath, args: [file] }
    },
  },
  python: {
    title: 'Python websockets',
    install: 'apt-get install python3-websockets (Debian), or pip install websockets',
    drainCode: 1012,
    detect() {
      const found = findPython()
      return found && `websockets ${found.version.replace(' ', ', Python ')}`
    },
    prepare(code, dir) {
      writeFileSync(join(dir, 'server.py'), code)
      return { command: findPython().python, args: [join(dir, 'server.py')], env: { PYTHONUNBUFFERED: '1' } }
    },
  },
  go: {
    title: 'Go gorilla/websocket',
    install: 'apt-get install golang-go golang-github-gorilla-websocket-dev',
    drainCode: 1012,
    detect() {
      const go = output('go', ['env', 'GOVERSION'])
      if (!go) return null
      const gorilla = GOPATH.split(':').some((path) =>
        existsSync(join(path, 'src/github.com/gorilla/websocket')),
      )
      if (!gorilla) return null
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      const packaged = output('dpkg-query', ['-W', '-f=${Version}', 'golang-github-gorilla-websocket-dev'])
      return `gorilla ${packaged ?? '(GOPATH)'}, ${go}`
    },
    prepare(code, dir) {
      writeFileSync(join(dir, 'main.go'), code)
      // GOPATH mode: Debian's package lives in /usr/share/gocode; no module download.
      execFileSync('go', ['build', '-o', join(dir, 'server'), 'main.go'], {
        cwd: dir,
        env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
        stdio: ['ignore', 'inherit', 'inherit'],
      })
      return { command: join(dir, 'server'), args: [] }
    },
  },
  bun: {
    title: 'Bun',
    install: `${INSTALL_HINT} (bun@${RUNTIME_PACKAGES.bun} from npm), or bun.sh`,
    drainCode: 1012,
    detect: () => {
      const version = output(bin('bun'), ['--version'])
      return version && `Bun ${version}`
    },
    prepare(code, dir) {
      writeFileSync(join(dir, 'server.js'), code)
      return { command: bin('bun'), args: [join(dir, 'server.js')], env: { DO_NOT_TRACK: '1' } }
    },
  },
  deno: {
    title: 'Deno',
    install: `${INSTALL_HINT} (deno@${RUNTIME_PACKAGES.deno} from npm), or deno.com`,
    drainCode: 1012,
    detect: () => {
      const version = output(bin('deno'), ['--version'], {
        env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
      })
      return version && `Deno ${version.split('\n')[0].split(' ')[1]}`
    },
    prepare(code, dir) {
      writeFileSync(join(dir, 'server.js'), code)
      return {
        command: bin('deno'),
        args: ['run', '--allow-net', '--allow-env=HOST,PORT', join(dir, 'server.js')],
        env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      }
    },
  },
  cloudflare: {
    title: 'Cloudflare Durable Object',
    install: `${INSTALL_HINT} (miniflare@${RUNTIME_PACKAGES.miniflare} from npm)`,
    // No shutdown hook in a Durable Object: the client closes instead, and the object must
    // complete the closing handshake (webSocketClose).
    drainCode: null,
    detect: () =>
      packageVersion('miniflare')
        ? `Miniflare ${packageVersion('miniflare')} (workerd ${packageVersion('workerd')})`
        : null,
    prepare: (code) => ({ miniflare: code }),
  },
}

/** The marked blocks of docs/servers.md, in order. */
function snippets() {
  const doc = readFileSync(docPath, 'utf8')
  const found = [...doc.matchAll(/<!-- test-servers: (\w+) -->\n```\w+\n([\s\S]*?)\n```/g)]
  return found.map(([, name, code]) => {
    if (!RUNTIMES[name]) throw new Error(`docs/servers.md: no runtime "${name}" in scripts/test-servers.mjs`)
    return { name, code: `${code}\n` }
  })
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once the port accepts a TCP connection; rejects after `ms`. */
async function listening(port, ms, exited) {
  const deadline = performance.now() + ms
  while (performance.now() < deadline) {
    if (exited()) throw new Error('the server exited before listening')
    const open = await new Promise((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`nothing listened on port ${port} within ${ms} ms`)
}

/** Starts a prepared server; `stop()` sends SIGTERM and resolves with how it ended. */
async function start(prepared, port) {
  if (prepared.miniflare !== undefined) {
    const miniflarePackage = installed('miniflare')
    const entry = createRequire(join(miniflarePackage.dir, 'package.json')).resolve('miniflare')
    const { Miniflare } = await import(pathToFileURL(entry).href)
    const miniflare = new Miniflare({
      modules: true,
      script: prepared.miniflare,
      // As the doc's wrangler.jsonc declares it.
      durableObjects: { ROOM: { className: 'Room', useSQLite: true } },
      compatibilityDate: '2026-01-01',
      host: '127.0.0.1',
      port,
    })
    await miniflare.ready
    return { stop: () => miniflare.dispose().then(() => 'disposed'), log: () => '' }
  }
  let log = ''
  let errors = ''
  let exit = null
  const child = spawn(prepared.command, prepared.args, {
    env: { ...process.env, ...prepared.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exit ${code}`
      resolve(exit)
    })
    child.once('error', (error) => {
      exit = error.message
      resolve(exit)
    })
  })
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk) => (log = (log + chunk).slice(-4000)))
  child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(0, 4000)))
  const kill = () => {
    if (exit === null) child.kill('SIGKILL')
  }
  try {
    await listening(port, 30_000, () => exit !== null)
  } catch (error) {
    kill()
    throw Object.assign(error, { log })
  }
  return {
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(kill, 15_000)
      const how = await exited
      clearTimeout(timer)
      return how
    },
    kill,
    log: () => log,
    /** What the server wrote to stderr: a snippet that logs a traceback while working is wrong. */
    errors: () => errors,
  }
}

/** The real client over a `ws` socket that notes when each ping leaves and each pong comes. */
function measuredClient(createConnection, url) {
  const record = { roundTrips: [], inexact: [], delivered: 0 }
  let pingAt = null
  class MeasuredWebSocket extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols)
      // Registered before the connection's own handler, so the clock is read first.
      this.addEventListener('message', ({ data }) => {
        const now = performance.now()
        if (data === PONG) {
          if (pingAt !== null) record.roundTrips.push(now - pingAt)
          pingAt = null
        } else if (typeof data !== 'string' || data.includes('pong')) {
          record.inexact.push(
            typeof data === 'string' ? data : `a binary frame of ${data.size ?? data.byteLength} bytes`,
          )
        }
      })
    }
    send(data, ...rest) {
      if (data === PING) pingAt = performance.now()
      return super.send(data, ...rest)
    }
  }
  const connection = createConnection(url, {
    WebSocket: MeasuredWebSocket,
    heartbeat: { interval: INTERVAL, timeout: TIMEOUT },
    retry: false,
  })
  connection.onMessage(() => {
    record.delivered += 1
  })
  return { connection, record }
}

/** Resolves when `test(state)` holds; rejects after `ms` with `what`. */
function waitForState(connection, test, ms, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = connection.getState()
      if (!test(state)) return false
      clearTimeout(timer)
      unsubscribe()
      resolve(state)
      return true
    }
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`${what} within ${ms} ms (status ${connection.getState().status})`))
    }, ms)
    const unsubscribe = connection.subscribe(check)
    check()
  })
}

/** Connects and waits for `count` pongs; `failure` says what went wrong, if anything. */
async function pongs(createConnection, url, count) {
  const { connection, record } = measuredClient(createConnection, url)
  connection.connect()
  try {
    await waitForState(connection, (state) => state.status === 'open', 10_000, 'no open')
  } catch (error) {
    return { connection, record, failure: error.message }
  }
  const problem = () => {
    if (record.inexact.length > 0) return `answered ${JSON.stringify(record.inexact[0])}, not ${PONG}`
    if (record.delivered > 0) return `${record.delivered} non-pong message(s) reached the app`
    const state = connection.getState()
    if (state.status !== 'open') {
      const close = state.lastClose
      return `dropped after ${record.roundTrips.length} pongs: ${close ? `${close.code} (${close.initiator})` : state.status}`
    }
    return null
  }
  // Every ping must be answered before the next one: `count` × INTERVAL is many pong timeouts.
  const deadline = performance.now() + (count + 5) * INTERVAL + 5_000
  while (record.roundTrips.length < count && problem() === null && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL / 5))
  }
  const got = record.roundTrips.length
  return { connection, record, failure: problem() ?? (got < count ? `only ${got} of ${count} pongs` : null) }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function runOne({ name, code }, createConnection) {
  const runtime = RUNTIMES[name]
  const row = { name, title: runtime.title, version: runtime.detect() }
  if (!row.version) return { ...row, missing: runtime.install }
  const dir = mkdtempSync(join(tmpdir(), `test-servers-${name}-`))
  let server
  let connection
  try {
    const prepareStart = performance.now()
    const prepared = await runtime.prepare(code, dir)
    row.prepareMs = performance.now() - prepareStart
    const port = await freePort()
    const startAt = performance.now()
    server = await start(prepared, port)
    row.readyMs = performance.now() - startAt

    const url = `ws://127.0.0.1:${port}/`
    // One connection through all PINGS (many pong timeouts), then fresh ones for the first pong.
    const long = await pongs(createConnection, url, PINGS)
    connection = long.connection
    row.pongs = long.record.roundTrips.length
    row.medianMs = row.pongs > 0 ? median(long.record.roundTrips) : undefined
    if (long.failure) throw new Error(long.failure)
    const firsts = [long.record.roundTrips[0]]
    while (firsts.length < CONNECTIONS) {
      const short = await pongs(createConnection, url, 1)
      short.connection.close(1000, 'done')
      short.connection.destroy()
      if (short.failure) throw new Error(`connection ${firsts.length + 1}: ${short.failure}`)
      firsts.push(short.record.roundTrips[0])
    }
    row.firstMs = median(firsts)
    row.firstRange = [Math.min(...firsts), Math.max(...firsts)]

    if (runtime.drainCode === null) {
      // The client leaves; the server must answer its close frame.
      connection.close(1000, 'done')
      const closed = await waitForState(
        connection,
        (state) => state.lastClose !== null,
        5_000,
        'no close reply',
      )
      row.ending = `client close answered (${closed.lastClose.code}, clean: ${closed.lastClose.wasClean})`
      if (!closed.lastClose.wasClean) throw new Error('the close frame was not answered')
      await server.stop()
    } else {
      const stopped = server.stop()
      const closed = await waitForState(
        connection,
        (state) => state.lastClose !== null,
        15_000,
        'no close after SIGTERM',
      )
      const how = await stopped
      const { code, reason, wasClean } = closed.lastClose
      row.ending = `${code}${reason ? ` ${reason}` : ''}${wasClean ? '' : ' (no clean close)'}, server ${how}`
      if (code !== runtime.drainCode)
        throw new Error(`SIGTERM closed the socket with ${code}, not ${runtime.drainCode}`)
    }
    const errors = server.errors?.().trim()
    if (errors) throw new Error(`the server wrote to stderr: ${errors.split('\n').at(-1)}`)
    row.ok = true
  } catch (error) {
    row.error = error.message
    row.log = error.log ?? server?.log()
  } finally {
    connection?.destroy()
    server?.kill?.()
    rmSync(dir, { recursive: true, force: true })
  }
  return row
}

const ms = (value) => (value === undefined ? '–' : `${value.toFixed(2)} ms`)

function table(rows) {
  const lines = [
    `| server | version | first pong (median of ${CONNECTIONS} connections, range) | median pong (${PINGS} on one connection) | result | on SIGTERM | started in |`,
    '|---|---|---|---|---|---|---|',
  ]
  for (const row of rows) {
    if (row.missing) {
      lines.push(`| ${row.title} | not installed: ${row.missing} | | | | | |`)
      continue
    }
    const result = row.ok ? `${row.pongs}/${PINGS}, stayed open` : `FAILED: ${row.error}`
    lines.push(
      `| ${row.title} | ${row.version} | ${ms(row.firstMs)}${row.firstRange ? ` (${row.firstRange.map((value) => value.toFixed(2)).join('–')})` : ''} | ${ms(row.medianMs)} | ${result} | ${row.ending ?? '–'} | ${ms(row.readyMs)} |`,
    )
  }
  return lines.join('\n')
}

async function loadClient() {
  const outfile = await buildTypeScript(join(root, 'src/core/index.ts'), join(runCache, 'core.mjs'))
  return (await import(pathToFileURL(outfile).href)).createConnection
}

function writeFigures(rows) {
  const doc = readFileSync(docPath, 'utf8')
  const marker = '<!-- figures -->'
  const at = doc.indexOf(marker)
  if (at === -1) throw new Error(`docs/servers.md has no ${marker}`)
  const cpu = cpus()
  const release = existsSync('/etc/os-release')
    ? readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)
    : null
  const machine = `${release?.[1] ?? platform()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}`
  const figures = [
    marker,
    '',
    `\`npm run test:servers\` (heartbeat interval ${INTERVAL} ms, pong timeout ${TIMEOUT} ms, ${PINGS} pings, ${CONNECTIONS} connections), ` +
      `${new Date().toISOString().slice(0, 10)}, ${machine}:`,
    '',
    table(rows),
    '',
  ].join('\n')
  writeFileSync(docPath, doc.slice(0, at) + figures)
}

if (flag('install')) installRuntimes()
const rows = []
try {
  const createConnection = await loadClient()
  const selected = snippets().filter(({ name }) => only.length === 0 || only.includes(name))
  if (selected.length === 0) throw new Error(`no snippet matches --only=${only.join(',')}`)
  for (const snippet of selected) {
    process.stdout.write(`${snippet.name}… `)
    const row = await runOne(snippet, createConnection)
    process.stdout.write(
      row.missing ? 'not installed\n' : row.ok ? `${ms(row.firstMs)}\n` : `FAILED: ${row.error}\n`,
    )
    if (!row.ok && row.log) process.stdout.write(`  server output:\n${row.log.replace(/^/gm, '    ')}\n`)
    rows.push(row)
  }
} finally {
  rmSync(runCache, { recursive: true, force: true })
}
process.stdout.write(`\n${table(rows)}\n`)

const failed = rows.filter((row) => row.error)
const missing = rows.filter((row) => row.missing)
if (flag('write-figures')) writeFigures(rows)
if (missing.length > 0 && !flag('allow-missing')) {
  process.stdout.write(
    `\nnot installed: ${missing.map((row) => row.name).join(', ')} (pass --allow-missing to skip them)\n`,
  )
}
process.exit(failed.length > 0 || (missing.length > 0 && !flag('allow-missing')) ? 1 : 0)
