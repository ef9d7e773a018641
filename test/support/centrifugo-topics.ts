import {
  type Handshake,
  type TopicFrame,
  type TopicPosition,
  type TopicProtocol,
  topicProtocol,
} from 'react-lifeline/core'

interface Publication {
  data: unknown
  offset?: number
}

interface Reply {
  id?: number
  error?: { code: number; message: string }
  subscribe?: {
    epoch?: string
    offset?: number
    recovered?: boolean
    was_recovering?: boolean
    publications?: Publication[]
  }
  push?: { channel: string; pub?: Publication }
}

/**
 * Centrifugo's JSON protocol (v2): commands carry an id and the reply carries it back; a
 * subscribe reply brings the missed publications with it; live ones are pushes by channel.
 * Publications carry an offset only, so the epoch comes from the channel's last reply.
 * topicProtocol() brings the topic engine with the object (a plain object does not).
 */
export function centrifugoTopics(): TopicProtocol {
  let lastId = 1 // id 1 is the handshake's connect command
  const replies = new Map<number, { channel: string; kind: 'subscribe' | 'unsubscribe' }>()
  const epochs = new Map<string, string | undefined>()
  const message = (channel: string, pub: Publication): TopicFrame => {
    const position: TopicPosition | undefined =
      typeof pub.offset === 'number' ? { epoch: epochs.get(channel), offset: pub.offset } : undefined
    return { type: 'message', topic: channel, data: pub.data, position }
  }
  return topicProtocol({
    subscribe(channel, from) {
      lastId += 1
      replies.set(lastId, { channel, kind: 'subscribe' })
      const recover = from ? { recover: true, offset: from.offset, epoch: from.epoch } : {}
      return { id: lastId, subscribe: { channel, ...recover } }
    },
    unsubscribe(channel) {
      lastId += 1
      replies.set(lastId, { channel, kind: 'unsubscribe' })
      return { id: lastId, unsubscribe: { channel } }
    },
    read({ json }) {
      const reply = json as Reply | null | undefined
      if (typeof reply !== 'object' || reply === null) return null
      if (reply.push?.pub) return message(reply.push.channel, reply.push.pub)
      const command = typeof reply.id === 'number' ? replies.get(reply.id) : undefined
      if (!command) return null
      replies.delete(reply.id!)
      const { channel } = command
      if (command.kind === 'unsubscribe') return { type: 'ignore' }
      if (reply.error) return { type: 'error', topic: channel, error: reply.error.message }
      const result = reply.subscribe ?? {}
      epochs.set(channel, result.epoch)
      const position =
        typeof result.offset === 'number' ? { epoch: result.epoch, offset: result.offset } : undefined
      // `recovered` means something only when the client asked to recover.
      const subscribed: TopicFrame = result.was_recovering
        ? { type: 'subscribed', topic: channel, position, recovered: result.recovered === true }
        : { type: 'subscribed', topic: channel, position }
      return [subscribed, ...(result.publications ?? []).map((pub) => message(channel, pub))]
    },
  })
}

/** Centrifugo's connect command (id 1) on every open, with a token if the server wants one. */
export function centrifugoHandshake(token?: () => string): Handshake {
  return async (session) => {
    session.sendJson({ id: 1, connect: token ? { token: token() } : {} })
    await session.receive((data) => {
      try {
        return JSON.parse(data as string).id === 1
      } catch {
        return false
      }
    })
  }
}
