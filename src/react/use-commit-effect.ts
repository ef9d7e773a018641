import { useEffect, useLayoutEffect } from 'react'

/**
 * Runs `effect` when React commits: as a layout effect in the browser, so what a commit hands
 * over is in place before any socket event can see the previous render's values; as a plain
 * effect where there is no document (a server), since neither runs there and React 18 warns
 * about layout effects during server rendering. Without `deps` it runs after every commit.
 */
export function useCommitEffect(effect: () => void, deps?: readonly unknown[]): void {
  const useEffectOfEnvironment = typeof document === 'undefined' ? useEffect : useLayoutEffect
  useEffectOfEnvironment(effect, deps)
}
