import type { CloseInfo } from '../core/index'

/** The app's listeners on one tab's connection: they hear the shared socket, whoever holds it. */
export class TabListeners {
  readonly state = new Set<() => void>()
  readonly message = new Set<(data: unknown, event: MessageEvent) => void>()
  readonly close = new Set<(close: CloseInfo) => void>()

  get size(): number {
    return this.state.size + this.message.size + this.close.size
  }

  notify(): void {
    for (const listener of [...this.state]) safely(listener)
  }

  deliver(data: unknown, event: MessageEvent): void {
    for (const listener of [...this.message]) safely(() => listener(data, event))
  }

  closed(close: CloseInfo): void {
    for (const listener of [...this.close]) safely(() => listener(close))
  }

  clear(): void {
    this.state.clear()
    this.message.clear()
    this.close.clear()
  }
}

/** Runs app code so that a throw is reported but never stops the others. */
function safely(callback: () => void): void {
  try {
    callback()
  } catch (error) {
    const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
    if (typeof report === 'function') report(error)
    else console.error(error)
  }
}
