import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'

/**
 * A stub that speaks the part of Centrifugo's JSON protocol (v2) that topics use: connect,
 * subscribe with recover/offset/epoch, unsubscribe, publication pushes and per-channel
 * history. Enough to prove the adapter in docs/topics.md against frames shaped like the real
 * server's (centrifugal/centrifuge-js `client_proto.d.ts`); it is not Centrifugo.
 */
export interface CentrifugoStub {
  readonly url: string
  readonly received: readonly object[]
  publish(channel: string, data: unknown): void
  dropAll(): void
  close(): Promise<void>
}

export async function startCentrifugoStub(options: { historySize?: number } = {}): Promise<CentrifugoStub> {
  const historySize = options.historySize ?? 100
  const http = createServer()
  const wss = new WebSocketServer({ server: http })
  const channels = new Map<
    string,
    { epoch: string; top: number; history: { offset: number; data: unknown }[] }
  >()
  const subscribers = new Map<WebSocket, Set<string>>()
  const received: object[] = []
  const channelOf = (name: string) => {
    let channel = channels.get(name)
    if (!channel) {
      channel = { epoch: `ep${channels.size + 1}`, top: 0, history: [] }
      channels.set(name, channel)
    }
    return channel
  }
  wss.on('connection', (socket) => {
    subscribers.set(socket, new Set())
    socket.on('close', () => subscribers.delete(socket))
    socket.on('message', (raw) => {
      const command = JSON.parse(raw.toString())
      received.push(command)
      const reply = (body: object) => socket.send(JSON.stringify({ id: command.id, ...body }))
      if (command.connect) return reply({ connect: { client: 'stub', version: '0.0.0' } })
      if (command.unsubscribe) {
        subscribers.get(socket)?.delete(command.unsubscribe.channel)
        return reply({ unsubscribe: {} })
      }
      const request = command.subscribe
      if (!request) return reply({ error: { code: 104, message: 'unknown command' } })
      if (request.channel.startsWith('private:'))
        return reply({ error: { code: 103, message: 'permission denied' } })
      const channel = channelOf(request.channel)
      subscribers.get(socket)?.add(request.channel)
      const result = { recoverable: true, epoch: channel.epoch, offset: channel.top }
      if (!request.recover) return reply({ subscribe: result })
      const oldest = channel.history[0]?.offset ?? channel.top + 1
      const recovered = request.epoch === channel.epoch && request.offset + 1 >= oldest
      const publications = recovered ? channel.history.filter((pub) => pub.offset > request.offset) : []
      reply({ subscribe: { ...result, was_recovering: true, recovered, publications } })
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    get url() {
      return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/connection/websocket`
    },
    received,
    publish(name, data) {
      const channel = channelOf(name)
      channel.top += 1
      const pub = { data, offset: channel.top }
      channel.history.push(pub)
      if (channel.history.length > historySize) channel.history.shift()
      for (const [socket, names] of subscribers) {
        if (names.has(name)) socket.send(JSON.stringify({ push: { channel: name, pub } }))
      }
    },
    dropAll() {
      for (const socket of wss.clients) socket.terminate()
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of wss.clients) socket.terminate()
        wss.close()
        http.close(() => resolve())
      }),
  }
}
