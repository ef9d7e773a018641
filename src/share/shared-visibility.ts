import type { VisibilitySource } from '../core/index'

/**
 * The holder's connection pings at once when its page becomes visible (timers of hidden pages
 * are throttled, so a socket may have died unnoticed). The holder is often a hidden tab while
 * the user looks at another, so the page the user looks at counts too: this source stands in
 * for the connection's own and reports visible when any tab in line becomes visible.
 */
export class SharedVisibility {
  /** This page's own visibility. */
  readonly own: VisibilitySource
  private readonly callbacks = new Set<() => void>()
  private elsewhere = false

  /** Replaces `options.visibility` (the connection's resolved options) with the shared source. */
  constructor(options: { visibility: VisibilitySource }) {
    const own = options.visibility
    this.own = own
    options.visibility = {
      isVisible: () => this.elsewhere || own.isVisible(),
      subscribe: (callback) => {
        const stop = own.subscribe(callback)
        this.callbacks.add(callback)
        return () => {
          stop()
          this.callbacks.delete(callback)
        }
      },
    }
  }

  /** Another tab became visible: the connection reacts as if this page had. */
  visibleElsewhere(): void {
    this.elsewhere = true
    for (const callback of [...this.callbacks]) callback()
    this.elsewhere = false
  }
}
