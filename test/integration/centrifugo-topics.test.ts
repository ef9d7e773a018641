import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Topic, TopicState } from '../../src/core/types'
import { type CentrifugoStub, startCentrifugoStub } from '../support/centrifugo-stub'
import { centrifugoHandshake, centrifugoTopics } from '../support/centrifugo-topics'
import { createHarness } from '../support/harness'
import { waitFor, waitForStatus } from '../support/wait'

// The adapter docs/topics.md shows for a protocol we do not ship (Centrifugo's JSON frames),
// against a stub that speaks those frames: the same adapter shape fits a server whose
// subscribe answer carries the replay and whose pushes carry offsets without an epoch.

const h = createHarness()
const stubs: CentrifugoStub[] = []
afterEach(async () => {
  await h.cleanup()
  await Promise.all(stubs.splice(0).map((stub) => stub.close()))
})

async function stub(historySize?: number) {
  const started = await startCentrifugoStub({ historySize })
  stubs.push(started)
  return started
}

const connect = (url: string) =>
  h.connection(url, { topics: centrifugoTopics(), handshake: centrifugoHandshake(), heartbeat: false })

function collect(topic: Topic) {
  const seen: { data: unknown; replayed: boolean }[] = []
  topic.onMessage((data, meta) => seen.push({ data, replayed: meta.replayed }))
  return seen
}

const stateOf = (topic: Topic, check: (state: TopicState) => boolean, description: string) =>
  waitFor(topic.subscribe, () => check(topic.getState()) && topic.getState(), { description })

describe('a Centrifugo-style protocol (docs/topics.md)', () => {
  it('docs/topics.md shows the adapter this file tests, word for word', () => {
    const doc = readFileSync(new URL('../../docs/topics.md', import.meta.url), 'utf8')
    const code = readFileSync(new URL('../support/centrifugo-topics.ts', import.meta.url), 'utf8')
    expect(doc).toContain(code.trim())
  })

  it('resumes from the offset after a drop: the reply carries the missed publications', async () => {
    const server = await stub()
    const connection = connect(server.url)
    const news = connection.topic('news')
    news.retain()
    const seen = collect(news)
    await stateOf(news, (s) => s.status === 'live', 'live')
    server.publish('news', 'one')
    await stateOf(news, (s) => s.position?.offset === 1, 'offset 1')
    server.dropAll()
    await waitForStatus(connection, 'reconnecting')
    server.publish('news', 'two')
    server.publish('news', 'three')
    await stateOf(news, (s) => s.position?.offset === 3, 'offset 3')
    server.publish('news', 'four')
    await stateOf(news, (s) => s.position?.offset === 4, 'offset 4')
    expect(seen).toEqual([
      { data: 'one', replayed: false },
      { data: 'two', replayed: true },
      { data: 'three', replayed: true },
      { data: 'four', replayed: false },
    ])
    expect(news.getState()).toMatchObject({ recovered: true, gaps: 0 })
    expect(server.received).toContainEqual({
      id: expect.any(Number),
      subscribe: { channel: 'news', recover: true, offset: 1, epoch: 'ep1' },
    })
  })

  it('history that ran out is a gap; a refused channel is an error on that topic alone', async () => {
    const server = await stub(1)
    const connection = connect(server.url)
    const news = connection.topic('news')
    const secret = connection.topic('private:ops')
    news.retain()
    secret.retain()
    const refused = await stateOf(secret, (s) => s.status === 'error', 'refusal')
    expect(refused.error?.message).toBe('permission denied')
    await stateOf(news, (s) => s.status === 'live', 'live')
    server.dropAll()
    await waitForStatus(connection, 'reconnecting')
    for (const data of ['a', 'b', 'c']) server.publish('news', data)
    await stateOf(news, (s) => s.gaps === 1, 'a gap')
    expect(news.getState()).toMatchObject({ recovered: false, position: { offset: 3 } })
  })
})
