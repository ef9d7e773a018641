import { errorCode } from '../core/errors'

/**
 * The Standard Schema v1 interface (standardschema.dev), declared here so that zod, valibot,
 * arktype and others plug in without the package depending on any of them at run time.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> }

export interface StandardSchemaIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

/** The output type of a schema. */
export type InferSchemaOutput<S> = S extends StandardSchemaV1<any, infer Output> ? Output : unknown

export type SchemaCheck<T> = { ok: true; value: T } | { ok: false; error: Error }

/**
 * Refuses a `schema` option that is not a Standard Schema where it is given (the render), so
 * the mistake shows once instead of as an invalid-message error for every message.
 */
export function assertSchema(schema: unknown): void {
  if (schema === undefined) return
  const standard = (schema as Partial<StandardSchemaV1> | null)?.['~standard']
  if (typeof standard?.validate !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return "react-lifeline: schema must be a Standard Schema (an object with ['~standard'].validate), such as a zod 3.24+, valibot 1+ or arktype schema."
        } catch {}
        return errorCode(35)
      })(),
    )
  }
}

/**
 * Checks one message against `schema`. Messages arrive one at a time and state must update in
 * the same tick, so only synchronous schemas are supported: an async one, a throw or issues
 * all make the message invalid, with an error that says why.
 */
export function checkSchema<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): SchemaCheck<T> {
  let result: StandardSchemaResult<T> | Promise<StandardSchemaResult<T>>
  try {
    result = schema['~standard'].validate(value)
  } catch (cause) {
    return { ok: false, error: new Error(`Message schema threw: ${String(cause)}`, { cause }) }
  }
  if (result instanceof Promise) {
    result.catch(() => {})
    return {
      ok: false,
      // The app's schema must change, so production carries a code; the other two errors
      // describe the data, which people watch in production, so they stay sentences.
      error: new TypeError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return 'Message schema is asynchronous; pass a synchronous schema (messages are checked as they arrive).'
          } catch {}
          return errorCode(54)
        })(),
      ),
    }
  }
  if (result.issues) {
    // String() rather than join's own conversion: a symbol key would make join throw.
    const text = result.issues
      .map(({ message, path }) =>
        path?.length
          ? `${message} at ${path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}`
          : message,
      )
      .join('; ')
    return { ok: false, error: new TypeError(`Message failed its schema: ${text}`) }
  }
  return { ok: true, value: result.value }
}
