import { errorCode } from './errors'

/**
 * The checks every option goes through, each throwing the error that says what to fix (the
 * sentence in development builds, the code of docs/errors.md in production).
 */

// RFC 6455 subprotocols are HTTP tokens: visible ASCII without separators.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

// Other durations above the timer limit are kept and waited out at the limit (about 24.8 days).
export function checkDuration(name: string, value: unknown, min: number, max = Infinity): void {
  // Stryker disable next-line ConditionalExpression: Number.isFinite() is false for every non-number too.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: ${name} must be a finite number of milliseconds >= ${min}${max < Infinity ? ` and <= ${max}` : ''}, got ${describe(value)}.`
        } catch {}
        return errorCode(3, name)
      })(),
    )
  }
}

export function checkCount(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: ${name} must be a whole number >= 0, got ${describe(value)}.`
        } catch {}
        return errorCode(4, name)
      })(),
    )
  }
}

export function checkProtocols(protocols: unknown): void {
  if (protocols === undefined) return
  const list = Array.isArray(protocols) ? protocols : [protocols]
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw new SyntaxError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return `react-lifeline: protocols must be subprotocol tokens (letters, digits and !#$%&'*+-.^_\`|~, no spaces or commas), got ${describe(protocol)}.`
          } catch {}
          return errorCode(8)
        })(),
      )
    }
  }
  if (new Set(list).size !== list.length) {
    throw new SyntaxError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: protocols must not repeat a subprotocol.'
        } catch {}
        return errorCode(8)
      })(),
    )
  }
}

// `true` is allowed for heartbeat; `false` switches retry, heartbeat and queue off.
export function checkObject(name: string, value: unknown, allowTrue: boolean): void {
  if (value === undefined || value === false || (allowTrue && value === true)) return
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: ${name} must be ${allowTrue ? 'true, false or an object' : 'false or an object'}, got ${describe(value)}.`
        } catch {}
        return errorCode(2, name)
      })(),
    )
  }
}

export function checkMethods(name: string, value: unknown, methods: string[]): void {
  const target = value as Record<string, unknown> | null
  // Stryker disable next-line OptionalChaining: called only with the resolved source, never undefined (a default fills it).
  const missing = methods.filter((method) => typeof target?.[method] !== 'function')
  if (missing.length > 0) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: ${name} must be an object with ${methods.map((m) => `${m}()`).join(', ')}; missing or not a function: ${missing.join(', ')}.`
        } catch {}
        return errorCode(17, name)
      })(),
    )
  }
}

export function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/** The fields of `value` that were given: not undefined, and with `orNull`, not null either (as `??` reads them). */
export function givenFields<T extends object>(value: T, orNull = false): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && !(orNull && v === null)),
  ) as Partial<T>
}
