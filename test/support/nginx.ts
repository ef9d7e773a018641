import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

/** A real nginx in front of a WebSocket server, on 127.0.0.1, with its own config and temp dirs. */
export interface NginxProxy {
  readonly port: number
  /** `ws://127.0.0.1:<port>` plus `path`. */
  urlFor(path: string): string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

// Resolves once nginx accepts TCP connections: it writes no "ready" line to wait for.
async function accepting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${log()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => resolve(socket.destroy() !== null))
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port}: ${log()}`)
}

/** Settings beyond the defaults a test needs; the rolling-deploy bench sets them for load. */
export interface NginxOptions {
  /** `worker_connections` (default 64). */
  workerConnections?: number
  /** The listen socket's `backlog` (default: nginx's own). */
  backlog?: number
  /** Called with the nginx process as soon as it is spawned, e.g. to kill it if the caller dies. */
  onSpawn?: (child: ChildProcess) => void
}

/**
 * Starts nginx in the foreground (one process, no daemon, no master) proxying WebSocket
 * upgrades to `upstream`, with `proxy_read_timeout` as given: the idle timeout under test.
 * Several ports make one upstream group: nginx spreads connections over them, and a refused or
 * 503 attempt moves on to the next port.
 */
export async function startNginx(
  upstream: number | readonly number[],
  readTimeout: string,
  options: NginxOptions = {},
): Promise<NginxProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-nginx-'))
  const port = await freePort()
  const ports = typeof upstream === 'number' ? [upstream] : upstream
  // max_fails=0: a refused or 503 attempt moves on to the other process without benching this
  // one for fail_timeout, so a restarted process takes clients again at once.
  const group =
    ports.length > 1
      ? `  upstream lifeline {\n${ports.map((p) => `    server 127.0.0.1:${p} max_fails=0;\n`).join('')}  }\n`
      : ''
  const target = ports.length > 1 ? 'lifeline' : `127.0.0.1:${ports[0]}`
  const nextUpstream = ports.length > 1 ? '\n      proxy_next_upstream error timeout http_503;' : ''
  const backlog = options.backlog === undefined ? '' : ` backlog=${options.backlog}`
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${options.workerConnections ?? 64}; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${group}  server {
    listen 127.0.0.1:${port}${backlog};
    location / {
      proxy_pass http://${target};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout ${readTimeout};${nextUpstream}
    }
  }
}
`
  await writeFile(join(dir, 'nginx.conf'), config)
  const child = spawn(NGINX_PATH, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  options.onSpawn?.(child)
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await accepting(port, child, () => stderr)
  } catch (error) {
    await stop()
    throw error
  }
  return { port, urlFor: (path) => `ws://127.0.0.1:${port}${path}`, stop }
}
