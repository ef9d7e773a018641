import { type RefObject, useInsertionEffect, useRef } from 'react'

/**
 * A ref that holds the value of the last committed render. Callbacks read it when they run,
 * so an inline arrow passed as an option never forces a resubscribe and never misses a message.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value)
  // Insertion effects run before any layout or passive effect, so those already see the new
  // value, and unlike useLayoutEffect they stay silent during React 18 server rendering.
  useInsertionEffect(() => {
    ref.current = value
  })
  return ref
}
