import { afterEach, describe, expect, it, vi } from 'vitest'
import { LifelineConnection } from '../../src/core/connection'
import { attachShare } from '../../src/core/share-driver'

afterEach(() => {
  LifelineConnection.shareDriver = undefined
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

const connection = {} as LifelineConnection

describe('attachShare', () => {
  it("takes 'tab' and no share quietly, and refuses anything else", () => {
    const warn = vi.spyOn(console, 'warn')
    expect(() => attachShare(connection, { share: 'tab' })).not.toThrow()
    expect(() => attachShare(connection, {})).not.toThrow()
    expect(() => attachShare(connection, { share: 'window' })).toThrow("share must be 'tab' or 'origin'")
    expect(warn).not.toHaveBeenCalled()
  })

  it("hands 'origin' to the installed driver without a warning", () => {
    const warn = vi.spyOn(console, 'warn')
    const driver = vi.fn()
    LifelineConnection.shareDriver = driver
    attachShare(connection, { share: 'origin' })
    expect(driver).toHaveBeenCalledWith(connection)
    expect(warn).not.toHaveBeenCalled()
  })

  it("says nothing in production when 'origin' has no driver", () => {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.spyOn(console, 'warn')
    attachShare(connection, { share: 'origin' })
    expect(warn).not.toHaveBeenCalled()
  })
})
