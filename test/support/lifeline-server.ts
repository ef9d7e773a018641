import { afterEach } from 'vitest'
import { createLifelineServer, type LifelineServer, type LifelineServerOptions } from '../../src/server'
import { connectClient, type FrameClient } from './frame-client'

export interface StartedServer {
  server: LifelineServer
  port: number
  url: string
  connect(path?: string, options?: import('ws').ClientOptions): Promise<FrameClient>
}

const started: LifelineServer[] = []
const clients: FrameClient[] = []

/** A lifeline server on 127.0.0.1 and a free port, closed after the test. */
export async function startServer(
  options: Omit<LifelineServerOptions, 'port' | 'host'> & { port?: number } = {},
): Promise<StartedServer> {
  const server = createLifelineServer({ port: 0, host: '127.0.0.1', ...options })
  started.push(server)
  const port = await server.ready()
  const url = `ws://127.0.0.1:${port}/`
  return {
    server,
    port,
    url,
    connect: async (path = '/', clientOptions) => {
      const client = await connectClient(`ws://127.0.0.1:${port}${path}`, clientOptions)
      clients.push(client)
      return client
    },
  }
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate()
  await Promise.all(started.splice(0).map((server) => server.close()))
})
