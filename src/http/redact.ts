/**
 * Keeping credentials out of text that came back from the network, and out of errors other code
 * built: a debugging proxy or a `resultMessage` may echo the request's `Authorization` header into
 * an error, and a dispatcher's own error may list the request headers (undici's `MockAgent` does).
 *
 * Everything here runs on error paths only.
 *
 * @internal
 * @module
 */

import { inspect } from 'node:util'

const MARK = '[REDACTED]'

/** `text` with every occurrence of each secret replaced by `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    if (text.includes(secret)) text = text.replaceAll(secret, MARK)
  }
  return text
}

// What is inspected to find a secret: everything `util.inspect` and `JSON.stringify` would show.
const INSPECT = { showHidden: true, depth: 20, getters: false, maxArrayLength: 1000 } as const
// Past this depth of causes a cause that still holds a secret is replaced, not copied.
const MAX_DEPTH = 8
// Own properties of an error that are rebuilt, not copied.
const REBUILT = new Set<PropertyKey>(['name', 'message', 'stack', 'cause', 'errors'])

/**
 * `cause` itself when no rendering of it holds a secret (the common case: a socket error), else a
 * redacted copy: an `Error` with the same `name`, `code` and other primitive properties, the
 * message and stack redacted, its own `cause` and `AggregateError.errors` treated the same way.
 * Objects hanging off a leaking cause (undici's request headers, say) are dropped.
 */
export function scrubCause(cause: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return cause
  return scrub(cause, secrets, 0)
}

function scrub(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets)
  if (typeof value !== 'object' || value === null) return value
  if (!holdsSecret(value, secrets)) return value
  if (depth >= MAX_DEPTH) return new Error(MARK)
  try {
    return copy(value as Record<PropertyKey, unknown>, secrets, depth)
  } catch {
    // A throwing getter or a Proxy: what it would have said is unknowable, so it says nothing.
    return new Error(MARK)
  }
}

function holdsSecret(value: object, secrets: readonly string[]): boolean {
  try {
    const text = `${inspect(value, INSPECT)}\n${JSON.stringify(value) ?? ''}`
    return redact(text, secrets) !== text
  } catch {
    return true
  }
}

function copy(source: Record<PropertyKey, unknown>, secrets: readonly string[], depth: number): Error {
  const message = typeof source.message === 'string' ? redact(source.message, secrets) : MARK
  const errors = Array.isArray(source.errors) ? source.errors : undefined
  const error = (
    errors
      ? new AggregateError(
          errors.map((item) => scrub(item, secrets, depth + 1)),
          message,
        )
      : new Error(message)
  ) as Error & Record<PropertyKey, unknown>
  if (typeof source.name === 'string') {
    Object.defineProperty(error, 'name', {
      value: redact(source.name, secrets),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  // `code` may live on the prototype (as on a DOMException); it says what went wrong, so keep it.
  const code = source.code
  if (typeof code === 'string' || typeof code === 'number') error.code = code
  for (const key of Reflect.ownKeys(source)) {
    if (REBUILT.has(key)) continue
    const field = source[key]
    if (typeof field === 'string') error[key] = redact(field, secrets)
    else if (typeof field === 'number' || typeof field === 'boolean' || typeof field === 'bigint') {
      error[key] = field
    }
  }
  Object.defineProperty(error, 'stack', {
    value: typeof source.stack === 'string' ? redact(source.stack, secrets) : `${error.name}: ${message}`,
    writable: true,
    configurable: true,
    enumerable: false,
  })
  if ('cause' in source) {
    Object.defineProperty(error, 'cause', {
      value: scrub(source.cause, secrets, depth + 1),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return error
}
