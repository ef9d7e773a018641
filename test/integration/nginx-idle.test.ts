import { afterEach, describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { type NginxProxy, startNginx } from '../support/nginx'
import { waitFor } from '../support/wait'

const harness = createHarness()
let nginx: NginxProxy | null = null

afterEach(async () => {
  await harness.cleanup()
  await nginx?.stop()
  nginx = null
})

describe('behind a real nginx with proxy_read_timeout 2s', () => {
  it('a quiet connection is dropped every 2 s, and diagnose says idle-timeout with the period, not flapping', async () => {
    const server = await harness.server({ autoPong: false })
    nginx = await startNginx(server.port, '2s')
    // No heartbeat and a server that says nothing: exactly what the proxy times out.
    const connection = harness.connection(nginx.urlFor('/quiet?token=s3cret'), {
      retry: { initialDelay: 20, maxDelay: 50 },
    })
    const drops = () => connection.getHistory().filter((record: CloseInfo) => record.openForMs !== null)
    await waitFor(connection.subscribe, () => drops().length >= 3, {
      timeoutMs: 15_000,
      description: 'three idle drops through nginx',
    })
    connection.close()

    const history = drops()
    for (const record of history) {
      expect(record.code).toBe(1006)
      // Nothing arrived in the socket's whole life: idle for as long as it was open.
      expect(record.idleForMs).toBe(record.openForMs)
      expect(record.idleForMs).toBeGreaterThanOrEqual(1_900)
      expect(record.idleForMs).toBeLessThan(3_000)
    }
    const found = diagnose(connection.getHistory())
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['idle-timeout'])
    expect(found[0]!.summary).toMatch(/closed after about 2 s without a message/)
    expect(found[0]!.advice).toContain('Never let 2 s pass in silence')
    console.info(`nginx idle drops (idleForMs): ${history.map((record) => record.idleForMs).join(', ')}`)
  })
})
