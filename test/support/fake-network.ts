import type { NetworkSource, VisibilitySource } from '../../src/core/types'

/** A network source a test can switch; counts its listeners so leaks show. */
export class FakeNetwork implements NetworkSource {
  online = true
  private readonly listeners = new Set<() => void>()

  isOnline = (): boolean => this.online

  subscribe = (callback: () => void): (() => void) => {
    this.listeners.add(callback)
    return () => this.listeners.delete(callback)
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  set(online: boolean): void {
    this.online = online
    for (const listener of [...this.listeners]) listener()
  }
}

export class FakeVisibility implements VisibilitySource {
  visible = true
  private readonly listeners = new Set<() => void>()

  isVisible = (): boolean => this.visible

  subscribe = (callback: () => void): (() => void) => {
    this.listeners.add(callback)
    return () => this.listeners.delete(callback)
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  set(visible: boolean): void {
    this.visible = visible
    for (const listener of [...this.listeners]) listener()
  }
}
