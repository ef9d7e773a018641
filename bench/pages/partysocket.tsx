import { useWebSocket } from 'partysocket/react'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react'
import type { BenchMessage } from '../protocol'
import { startHarness } from './harness'

type Socket = ReturnType<typeof useWebSocket>

// partysocket's hook opens a socket per call and keeps no React state. Sharing one socket the
// way its docs suggest means opening it once and handing it down; components keep their own
// state from its events.
const SocketContext = createContext<Socket | null>(null)

// Fastest sensible reconnects: 100 ms doubling to 1 s (its first retry is immediate).
const OPTIONS = { minReconnectionDelay: 100, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2 }

function Provider({ url, children }: { url: string; children: ReactNode }) {
  const socket = useWebSocket(url, undefined, OPTIONS)
  return <SocketContext.Provider value={socket}>{children}</SocketContext.Provider>
}

function useSocket(): Socket {
  const socket = useContext(SocketContext)
  if (!socket) throw new Error('partysocket page: no Provider')
  return socket
}

startHarness({
  name: 'partysocket',
  Provider,
  useOpen() {
    const socket = useSocket()
    const [open, setOpen] = useState(socket.readyState === WebSocket.OPEN)
    useEffect(() => {
      const update = () => setOpen(socket.readyState === WebSocket.OPEN)
      socket.addEventListener('open', update)
      socket.addEventListener('close', update)
      update()
      return () => {
        socket.removeEventListener('open', update)
        socket.removeEventListener('close', update)
      }
    }, [socket])
    return open
  },
  useLastMessage() {
    const socket = useSocket()
    const [last, setLast] = useState<BenchMessage | null>(null)
    useEffect(() => {
      const receive = (event: MessageEvent) => setLast(JSON.parse(event.data))
      socket.addEventListener('message', receive)
      return () => socket.removeEventListener('message', receive)
    }, [socket])
    const send = useCallback((text: string) => socket.send(text), [socket])
    return { last, send }
  },
})
