/**
 * The deadline of an endpoint's flow: one signal that fires at the flow's own deadline
 * (`flowTimeoutMs`) or with the caller's signal, and a hook raced against it, so that a hook or an
 * Authlete call that never settles cannot hold the answer. Shared by the endpoints.
 *
 * @internal
 * @module
 */

import { AuthleteAbortError, AuthleteInputError } from '../errors.js'
import { type AuthleteCallOptions, resolveTimeout } from '../http/options.js'

/** The default of an endpoint's `flowTimeoutMs`. */
export const DEFAULT_FLOW_TIMEOUT_MS = 20_000
/** The budget of the `/fail` that frees a ticket once the flow has ended without using it. */
export const FAIL_AFTER_END_TIMEOUT_MS = 2_000

/** What a flow is started from: the caller's signal and per-call deadline, and the flow's deadline. */
export interface FlowDeadlineOptions extends AuthleteCallOptions {
  flowTimeoutMs?: number | undefined
}

/** One run of the flow: its signal fires at its deadline or with the caller's signal. */
export interface Flow {
  readonly signal: AbortSignal
  /** The options of each Authlete call: the flow's signal, the caller's per-call deadline. */
  readonly call: AuthleteCallOptions
  /** Whether the flow's deadline (not the caller's signal) ended it. */
  timedOut(): boolean
  /** Stops the deadline and lets go of the caller's signal. */
  end(): void
}

/** The flow's deadline in milliseconds, validated. Throws {@link AuthleteInputError}. */
export function flowTimeoutOf(options: FlowDeadlineOptions | undefined): number {
  return options?.flowTimeoutMs === undefined
    ? DEFAULT_FLOW_TIMEOUT_MS
    : resolveTimeout('flowTimeoutMs', options.flowTimeoutMs)
}

/**
 * Starts the flow's deadline. `spentMs`: what the flow has already used of it, for a flow started
 * late (a deadline already spent ends the flow at once). Throws {@link AuthleteInputError}.
 */
export function startFlow(options: FlowDeadlineOptions | undefined, spentMs = 0): Flow {
  const timeoutMs = flowTimeoutOf(options)
  const caller = options?.signal
  if (caller !== undefined && !(caller instanceof AbortSignal)) {
    throw new AuthleteInputError('signal', 'must be an AbortSignal')
  }
  // One controller rather than AbortSignal.any: the listener on a long-lived caller's signal (a
  // server's shutdown signal, say) is removed when the flow ends, so nothing piles up on it.
  const controller = new AbortController()
  let expiry: DOMException | undefined // made when it happens: no stack trace per request
  const expire = () => {
    expiry = new DOMException(`The flow did not end within ${timeoutMs} ms (flowTimeoutMs)`, 'TimeoutError')
    controller.abort(expiry)
  }
  const left = timeoutMs - spentMs
  const timer = left > 0 ? setTimeout(expire, left) : undefined
  const onCallerAbort = () => controller.abort(caller?.reason)
  if (caller?.aborted) onCallerAbort()
  else caller?.addEventListener('abort', onCallerAbort, { once: true })
  if (timer === undefined && !controller.signal.aborted) expire()
  const { signal } = controller
  return {
    signal,
    call: { signal, timeoutMs: options?.timeoutMs },
    timedOut: () => expiry !== undefined && signal.reason === expiry,
    end() {
      clearTimeout(timer)
      caller?.removeEventListener('abort', onCallerAbort)
    },
  }
}

/** The error the flow's end is reported with: `cause` is the caller's reason, or a `TimeoutError`. */
export function endOf(signal: AbortSignal): AuthleteAbortError {
  return new AuthleteAbortError(signal.reason)
}

/**
 * What `hook()` gives, unless the flow ends first: then it rejects with the flow's end at once,
 * and whatever the hook settles with later is dropped (its rejection included, never unhandled).
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
