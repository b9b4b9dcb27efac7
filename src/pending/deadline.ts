/**
 * One deadline over several store calls (and the Authlete call between them): a store call never
 * waits past it, whatever the store does with the signal it is given.
 *
 * @internal
 * @module
 */

import { AuthleteAbortError, AuthleteInputError, AuthletePendingError } from '../errors.js'
import type { PendingStoreContext } from './store.js'

// setTimeout's limit; a longer deadline would fire at once.
const MAX_TIMEOUT_MS = 2_147_483_647

/** A running deadline. `dispose()` clears its timer. @internal */
export interface Deadline {
  /** When it passes, in milliseconds since the epoch. */
  readonly at: number
  readonly timeoutMs: number
  /** Fires when it passes or the caller's signal fires. */
  readonly signal: AbortSignal
  /** Milliseconds left (0 once passed). */
  remaining(): number
  /** Clears the timer and lets go of the caller's signal. */
  dispose(): void
}

/** Checks a `timeoutMs` option: a positive integer that setTimeout can wait. */
export function checkTimeout(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new AuthleteInputError(field, `must be an integer from 1 to ${MAX_TIMEOUT_MS}`)
  }
  return value
}

export function startDeadline(timeoutMs: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController()
  const at = Date.now() + timeoutMs
  const timer = setTimeout(() => controller.abort(new DeadlinePassed(timeoutMs)), timeoutMs)
  const onAbort = () => controller.abort(signal?.reason)
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })
  return {
    at,
    timeoutMs,
    signal: controller.signal,
    remaining: () => Math.max(0, at - Date.now()),
    dispose() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    },
  }
}

class DeadlinePassed extends Error {
  readonly timeoutMs: number
  constructor(timeoutMs: number) {
    super(`The deadline of ${timeoutMs} ms passed`)
    this.timeoutMs = timeoutMs
  }
}

/**
 * Runs one store call within `deadline`: it resolves to what the store answered, or rejects with
 * `AUTHLETE_STORE` (the store failed, or the deadline passed first) or `AUTHLETE_ABORTED` (the
 * caller's signal fired).
 */
export async function storeCall<T>(
  what: string,
  deadline: Deadline,
  call: (context: PendingStoreContext) => Promise<T>,
): Promise<T> {
  const { signal } = deadline
  if (signal.aborted) throw stopped(what, signal.reason)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopped(what, signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    // A store that throws synchronously is a failing store, like one that rejects. One that settles
    // after the deadline settles unobserved.
    const answer = Promise.resolve().then(() => call({ signal }))
    answer.catch(() => {})
    return await Promise.race([answer, aborted])
  } catch (error) {
    if (error instanceof AuthleteAbortError || error instanceof AuthletePendingError) throw error
    if (signal.aborted) throw stopped(what, signal.reason)
    throw new AuthletePendingError('AUTHLETE_STORE', `The pending store failed (${what})`, { cause: error })
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

function stopped(what: string, reason: unknown): Error {
  if (reason instanceof DeadlinePassed) {
    return new AuthletePendingError(
      'AUTHLETE_STORE',
      `The pending store did not answer within ${reason.timeoutMs} ms (${what})`,
    )
  }
  return new AuthleteAbortError(reason)
}

/** Answers that are not what the contract says: the store is broken, and is reported as such. */
export function nonsense(what: string, detail: string): AuthletePendingError {
  return new AuthletePendingError(
    'AUTHLETE_STORE',
    `The pending store answered nonsense (${what}): ${detail}`,
  )
}

/** Runs `body` within a deadline of `timeoutMs` (and `signal`), then clears it. */
export async function withDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  body: (deadline: Deadline) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(timeoutMs, signal)
  try {
    return await body(deadline)
  } finally {
    deadline.dispose()
  }
}
