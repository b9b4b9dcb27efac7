/**
 * Deadlines, for every layer: the one rule a `timeoutMs`-like option follows, and a running
 * deadline (a signal that fires when it passes or with the caller's signal) that a hook, a store
 * call or an Authlete call is raced against, so that nothing that never settles can hold an answer.
 *
 * @internal
 * @module
 */

import { AuthleteAbortError, AuthleteInputError } from './errors.js'

/** setTimeout's limit: a longer deadline would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647

/**
 * A deadline option (`timeoutMs`, `flowTimeoutMs`, `leaseMs`, …) as every entry of the package
 * takes it: a whole number of milliseconds from 1 to {@link MAX_TIMEOUT_MS}. Throws an
 * {@link AuthleteInputError} naming `field`, with the same words for every option.
 */
export function checkTimeout(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new AuthleteInputError(field, `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`)
  }
  return value
}

/** An optional deadline option: its default when `undefined`, else checked by {@link checkTimeout}. */
export function timeoutOr(field: string, value: unknown, defaultMs: number): number {
  return value === undefined ? defaultMs : checkTimeout(field, value)
}

/** A running deadline. `end()` clears its timer and lets go of the caller's signal. */
export interface Deadline {
  /** When it passes, in milliseconds since the epoch, on the clock it was started with. */
  readonly at: number
  readonly timeoutMs: number
  /** Fires when it passes (reason: a `TimeoutError` `DOMException`) or with the caller's signal. */
  readonly signal: AbortSignal
  /** Milliseconds left on its clock (0 once passed). */
  remaining(): number
  /** Whether it passed (rather than the caller's signal ending it). */
  timedOut(): boolean
  end(): void
}

/**
 * Starts a deadline of `timeoutMs`, of which `spentMs` are already used (one that is all spent
 * has passed at once), ended early by `caller`. `now` is the clock `at` and `remaining` read.
 */
export function startDeadline(
  timeoutMs: number,
  caller?: AbortSignal,
  options: { spentMs?: number; now?: () => number; what?: string } = {},
): Deadline {
  const now = options.now ?? Date.now
  const left = timeoutMs - (options.spentMs ?? 0)
  const at = now() + left
  // One controller rather than AbortSignal.any: the listener on a long-lived caller's signal (a
  // server's shutdown signal, say) is removed when the deadline ends, so nothing piles up on it.
  const controller = new AbortController()
  let expiry: DOMException | undefined // made when it happens: no stack trace per deadline
  const expire = () => {
    expiry = new DOMException(`${options.what ?? 'The deadline'} of ${timeoutMs} ms passed`, 'TimeoutError')
    controller.abort(expiry)
  }
  const timer = left > 0 ? setTimeout(expire, left) : undefined
  const onCallerAbort = () => controller.abort(caller?.reason)
  if (caller?.aborted) onCallerAbort()
  else caller?.addEventListener('abort', onCallerAbort, { once: true })
  if (timer === undefined && !controller.signal.aborted) expire()
  const { signal } = controller
  return {
    at,
    timeoutMs,
    signal,
    remaining: () => Math.max(0, at - now()),
    timedOut: () => expiry !== undefined && signal.reason === expiry,
    end() {
      clearTimeout(timer)
      caller?.removeEventListener('abort', onCallerAbort)
    },
  }
}

/** Runs `body` within a deadline of `timeoutMs` (and `caller`), then ends it. */
export async function withDeadline<T>(
  timeoutMs: number,
  caller: AbortSignal | undefined,
  body: (deadline: Deadline) => Promise<T>,
  now?: () => number,
): Promise<T> {
  const deadline = startDeadline(timeoutMs, caller, now === undefined ? {} : { now })
  try {
    return await body(deadline)
  } finally {
    deadline.end()
  }
}

/** The error a deadline's end is told with: `cause` is the caller's reason, or the `TimeoutError`. */
export function endOf(signal: AbortSignal): AuthleteAbortError {
  return new AuthleteAbortError(signal.reason)
}

/**
 * What `hook()` gives, unless `signal` fires first: then it rejects with {@link endOf} at once, and
 * whatever the hook settles with later is dropped (its rejection included, never unhandled).
 */
export function untilEnd<T>(signal: AbortSignal, hook: () => T | PromiseLike<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(endOf(signal))
  const value = hook()
  if (!isThenable(value)) return Promise.resolve(value)
  return new Promise<T>((resolve, reject) => {
    const onEnd = () => reject(endOf(signal))
    signal.addEventListener('abort', onEnd, { once: true })
    const settle =
      <A>(then: (a: A) => void) =>
      (a: A) => {
        signal.removeEventListener('abort', onEnd)
        then(a)
      }
    Promise.resolve(value).then(settle(resolve), settle(reject))
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
