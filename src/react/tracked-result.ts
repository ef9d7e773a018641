/**
 * Result objects whose `trackedKeys` record, when read, that the component uses them, so the
 * owner can skip notifications about keys nobody read (the pattern of TanStack Query's tracked
 * results and SWR's state dependencies). Other keys are plain values. Every key is an
 * enumerable own property, so spreading or logging a result reads, and tracks, everything.
 *
 * A result is a Proxy over a small record, with one handler per factory: a component gets a
 * new result for every message it renders, and defining ten accessor properties on a fresh
 * object cost about a microsecond each time, most of a message's budget at 100 components.
 */
export function trackedResultFactory<R extends object, K extends keyof R & string, S>(
  trackedKeys: readonly K[],
  otherKeys: readonly Exclude<keyof R & string, K>[],
  read: (source: S, key: K) => R[K],
): (source: S, tracked: Set<K>, values: Omit<R, K>) => R {
  const isTracked = new Set<string>(trackedKeys)
  const keys: readonly string[] = [...trackedKeys, ...otherKeys]
  // A symbol key is never tracked, and the plain values object has none: it reads undefined.
  const get = (target: Target<S, K>, key: string | symbol): unknown => {
    if (isTracked.has(key as string)) {
      target.tracked.add(key as K)
      return read(target.source, key as K)
    }
    return (target.values as Record<string | symbol, unknown>)[key]
  }
  const handler: ProxyHandler<Target<S, K>> = {
    get,
    has: (_target, key) => keys.includes(key as string),
    // The trap's array is copied by the language, so the shared list cannot be changed through it.
    ownKeys: () => keys as string[],
    // Read-only (`writable` defaults to false); configurable, as a property the target lacks must be.
    getOwnPropertyDescriptor: (target, key) =>
      keys.includes(key as string)
        ? { value: get(target, key), enumerable: true, configurable: true }
        : undefined,
  }
  return (source, tracked, values) => new Proxy({ source, tracked, values }, handler) as unknown as R
}

interface Target<S, K> {
  source: S
  tracked: Set<K>
  values: object
}
