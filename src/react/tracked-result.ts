/**
 * Builds a result object whose `trackedKeys` are getters: reading one records the key in
 * `tracked`, so the owner can skip notifications about keys nobody read (the pattern of
 * TanStack Query's tracked results and SWR's state dependencies). Other keys are plain values.
 * Every key is enumerable, so spreading or logging the result reads, and tracks, everything.
 */
export function createTrackedResult<R extends object, K extends keyof R>(
  trackedKeys: readonly K[],
  read: (key: K) => R[K],
  tracked: Set<K>,
  values: Omit<R, K>,
): R {
  const result = { ...values } as R
  for (const key of trackedKeys) {
    Object.defineProperty(result, key, {
      enumerable: true,
      get() {
        tracked.add(key)
        return read(key)
      },
    })
  }
  return result
}
