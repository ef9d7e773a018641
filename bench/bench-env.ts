import type { ChildProcess } from 'node:child_process'
import { cpus, loadavg } from 'node:os'

/** `--name=value` from the command line. */
export function option(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

/** The machine line every figure carries: date, cores, CPU, Node, load when it started. */
export function machine(): string {
  const [one, five] = loadavg()
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min) at the start`
}

/** A small seeded generator (mulberry32), so a run's random moments can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Resolves once `check()` holds, evaluated now and on every change `subscribe` reports. */
export function when(subscribe: (listener: () => void) => () => void, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let off: (() => void) | null = null
    const test = () => {
      if (!check()) return false
      off?.()
      resolve()
      return true
    }
    if (test()) return
    off = subscribe(test)
    test()
  })
}

/**
 * A set for the bench's child processes (servers, nginx): whatever ends this process (its end,
 * Ctrl-C, SIGTERM), every child still in the set is killed with it, so no run leaves one behind.
 */
export function killedOnExit(): Set<ChildProcess> {
  const children = new Set<ChildProcess>()
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL')
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      for (const child of children) child.kill('SIGKILL')
      process.exit(130)
    })
  return children
}
