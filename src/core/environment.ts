import type { NetworkSource, VisibilitySource } from './types'

/**
 * Listens to the network and to page visibility, reporting `online`, `offline` and `visible`;
 * returns the function that stops listening.
 */
export function watchEnvironment(
  sources: { network: NetworkSource; visibility: VisibilitySource },
  report: (event: 'online' | 'offline' | 'visible') => void,
): () => void {
  const { network, visibility } = sources
  const stopNetwork = network.subscribe(() => report(network.isOnline() ? 'online' : 'offline'))
  const stopVisibility = visibility.subscribe(() => {
    if (visibility.isVisible()) report('visible')
  })
  return () => {
    stopNetwork()
    stopVisibility()
  }
}
