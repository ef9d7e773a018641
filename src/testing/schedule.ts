const settled = Promise.resolve()

/**
 * Runs `task` after the current code, in order with every other socket event. A promise
 * reaction, not a timer and not `queueMicrotask`: Vitest's and Jest's fake timers replace
 * timers (and Jest's also `queueMicrotask`), and a socket event that waited on a faked clock
 * would stall until the test advanced it. Promise reactions are never faked.
 */
export function later(task: () => void): void {
  void settled.then(task)
}
