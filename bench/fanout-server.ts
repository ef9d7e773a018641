import { createServer } from 'node:http'

/**
 * The server process of the fan-out bench (bench/fanout.ts): `lifeline` (createLifelineServer,
 * memoryStore) or `socket.io` (Socket.IO 4.8, connection state recovery on, websocket
 * transport, one room per topic). Alone in its process, so its memory is its clients' alone.
 * IPC: `mem` (after a full GC) and `publish` (count per topic, at a rate or as fast as it can).
 * `node --expose-gc bench/.out/fanout-server.mjs <lifeline|socket.io>`
 */
const impl = process.argv[2]
const send = (message: object) => process.send?.(message)
const clock = () => Number(process.hrtime.bigint()) / 1e6

let publish: (topic: string, data: unknown) => void
let port: number
if (impl === 'lifeline' || impl === 'lifeline-ws') {
  const { createLifelineServer } = await import('../src/server')
  const server = createLifelineServer({ port: 0, host: '127.0.0.1', maxTopicsPerSocket: 100 })
  port = await server.ready()
  publish = (topic, data) => void server.publish(topic, data)
} else {
  const { Server } = await import('socket.io')
  const http = createServer()
  const io = new Server(http, {
    transports: ['websocket'],
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
  })
  io.on('connection', (socket) => {
    socket.on('join', (topic: string, ack: () => void) => {
      void socket.join(topic)
      ack()
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  port = (http.address() as { port: number }).port
  publish = (topic, data) => io.to(topic).emit('message', data)
}

const memory = () => {
  globalThis.gc?.()
  globalThis.gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

process.on('message', async (message: any) => {
  if (message.type === 'mem') send({ type: 'mem', ...memory() })
  if (message.type === 'publish') {
    const { topics, perTopic, rate } = message as { topics: string[]; perTopic: number; rate: number | null }
    const cpu = process.cpuUsage()
    const total = topics.length * perTopic
    const start = clock()
    let sent = 0
    while (sent < total) {
      // As fast as it can: one message per topic per turn of the event loop, so sockets flush.
      const due =
        rate === null
          ? Math.min(total, sent + topics.length)
          : Math.min(total, Math.floor(((clock() - start) * rate) / 1000))
      for (; sent < due; sent++) publish(topics[sent % topics.length]!, { seq: sent, at: clock() })
      await new Promise((resolve) => (rate === null ? setImmediate(resolve) : setTimeout(resolve, 5)))
    }
    const used = process.cpuUsage(cpu)
    send({ type: 'published', start, end: clock(), cpuMs: (used.user + used.system) / 1000 })
  }
  if (message.type === 'cpu') {
    const used = process.cpuUsage()
    send({ type: 'cpu', cpuMs: (used.user + used.system) / 1000 })
  }
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready', port })
