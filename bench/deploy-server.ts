import { createClient } from 'redis'
import { createLifelineServer, redisStore } from '../src/server'

/**
 * One server process of the rolling-deploy bench (bench/deploy.ts starts two, behind nginx):
 * createLifelineServer on redisStore. It tells its parent (IPC) the time of every accepted
 * handshake; `{ type: 'drain', windowMs }` drains it, `{ type: 'exit' }` ends it.
 * `node bench/.out/deploy-server.mjs <port> <redis url> <name>`
 */
const [port, redisUrl, name] = process.argv.slice(2)
const send = (message: object) => process.send?.(message)

const redis = createClient({ url: redisUrl })
redis.on('error', () => {})
await redis.connect()
const server = createLifelineServer({
  port: Number(port),
  host: '127.0.0.1',
  store: redisStore(redis as never),
  onConnection: () => send({ type: 'accept', name, at: Date.now() }),
  onError: (error) => send({ type: 'error', name, error: String(error) }),
})
await server.ready()
send({ type: 'ready', name })

process.on('message', async (message: { type: string; windowMs?: number }) => {
  if (message.type === 'drain') {
    const started = Date.now()
    await server.drain({ windowMs: message.windowMs })
    send({ type: 'drained', name, ms: Date.now() - started })
  }
  if (message.type === 'exit') {
    await server.close()
    redis.destroy()
    process.exit(0)
  }
})
// The parent's end is ours too: no orphan keeps the port.
process.on('disconnect', () => process.exit(0))
