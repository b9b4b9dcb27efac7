/**
 * Deadlines, for every layer: the one rule a `timeoutMs`-like option follows, and a running
 * deadline (a signal that fires when it passes or with the caller's signal) that a hook, a store
 * call or an Authlete call is raced against, so that nothing that never settles can hold an answer.
 *
 * @internal
 * @module
 */

import { AuthleteAbortError, AuthleteInputError } from './errors.js'

/** A decision's `timeoutMs` when none is given: `decideBackchannelAuthentication`'s and the device's. */
export const DEFAULT_DECISION_TIMEOUT_MS = 10_000

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
  return new RunningDeadline(timeoutMs, caller, options)
}

/**
 * Told once when a deadline's signal aborts, after the signal's own `abort` event: the package's
 * own calls on a deadline's signal, which need no listener on it then (a listener added and
 * removed per call is the costly part of Node's `EventTarget`).
 */
interface SignalWatcher {
  handleEvent(): void
}

/** What aborts a signal and tells its watchers: a running deadline. */
export interface SignalOwner {
  watch(watcher: SignalWatcher): void
  unwatch(watcher: SignalWatcher): void
}

/**
 * The per-call options of the calls run under a deadline: to the caller and to any stand-in client
 * plain `{ signal, timeoutMs }`; the transport alone reads the signal's owner (a private field) and
 * has it tell the call, instead of adding a listener to the signal.
 */
export class OwnedCallOptions {
  readonly signal: AbortSignal
  readonly timeoutMs: number | undefined
  readonly #owner: SignalOwner

  constructor(signal: AbortSignal, timeoutMs: number | undefined, owner: SignalOwner) {
    this.signal = signal
    this.timeoutMs = timeoutMs
    this.#owner = owner
  }

  /** The owner of `options.signal`, when `options` are owned options. */
  static ownerOf(options: object): SignalOwner | undefined {
    // instanceof first: a brand check on a plain object (the usual options) is the slow path. A
    // Proxy's getPrototypeOf may throw: such options are no owned ones.
    try {
      return options instanceof OwnedCallOptions && #owner in options ? options.#owner : undefined
    } catch {
      return undefined
    }
  }
}

/**
 * A running deadline. One controller rather than `AbortSignal.any`: the listener on a long-lived
 * caller's signal (a server's shutdown signal, say) is removed when the deadline ends, so nothing
 * piles up on it. No closure per deadline: it is its own listener (`handleEvent`) and its timer's
 * argument; the calls and hooks raced against it are told of its end directly.
 */
class RunningDeadline implements Deadline, SignalOwner {
  readonly at: number
  readonly timeoutMs: number
  readonly signal: AbortSignal
  readonly #controller = new AbortController()
  readonly #caller: AbortSignal | undefined
  readonly #now: () => number
  readonly #what: string | undefined
  readonly #timer: NodeJS.Timeout | undefined
  #expiry: DOMException | undefined // made when it happens: no stack trace per deadline
  /** What to tell when it ends: the calls on its signal, and the hooks raced against it. */
  #watchers: SignalWatcher[] | null = null

  constructor(
    timeoutMs: number,
    caller: AbortSignal | undefined,
    options: { spentMs?: number; now?: () => number; what?: string },
  ) {
    this.#now = options.now ?? Date.now
    this.#what = options.what
    this.#caller = caller
    this.timeoutMs = timeoutMs
    const left = timeoutMs - (options.spentMs ?? 0)
    this.at = this.#now() + left
    this.signal = this.#controller.signal
    this.#timer = left > 0 ? setTimeout(expireDeadline, left, this) : undefined
    if (caller?.aborted) this.handleEvent()
    else caller?.addEventListener('abort', this, { once: true })
    if (this.#timer === undefined && !this.signal.aborted) this.expire()
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.#abort(this.#caller?.reason)
  }

  expire(): void {
    this.#expiry = new DOMException(
      `${this.#what ?? 'The deadline'} of ${this.timeoutMs} ms passed`,
      'TimeoutError',
    )
    this.#abort(this.#expiry)
  }

  #abort(reason: unknown): void {
    this.#controller.abort(reason)
    const watchers = this.#watchers
    if (watchers === null) return
    this.#watchers = null
    for (const watcher of watchers) watcher.handleEvent()
  }

  watch(watcher: SignalWatcher): void {
    if (this.signal.aborted) return
    if (this.#watchers === null) this.#watchers = [watcher]
    else this.#watchers.push(watcher)
  }

  unwatch(watcher: SignalWatcher): void {
    const watchers = this.#watchers
    if (watchers === null) return
    const at = watchers.indexOf(watcher)
    if (at === -1) return
    if (watchers.length === 1) this.#watchers = null
    else watchers.splice(at, 1)
  }

  remaining(): number {
    return Math.max(0, this.at - this.#now())
  }

  timedOut(): boolean {
    return this.#expiry !== undefined && this.signal.reason === this.#expiry
  }

  end(): void {
    clearTimeout(this.#timer)
    this.#caller?.removeEventListener('abort', this)
  }

  /** `value`, unless the deadline ends first: then {@link endOf} at once, and `value` is dropped. */
  race<T>(value: PromiseLike<T>): Promise<T> {
    // Ended while the hook ran (it aborted the caller's signal itself, say): no one would tell the
    // race now.
    if (this.signal.aborted) {
      Promise.resolve(value).then(undefined, () => {})
      return Promise.reject(endOf(this.signal))
    }
    const { promise, resolve, reject } = Promise.withResolvers<T>()
    const race = new HookRace(this, reject)
    this.watch(race)
    Promise.resolve(value).then(
      (result) => {
        this.unwatch(race)
        resolve(result)
      },
      (error: unknown) => {
        this.unwatch(race)
        reject(error)
      },
    )
    return promise
  }
}

/** A hook raced against a deadline: rejected with the deadline's end when it comes first. */
class HookRace implements SignalWatcher {
  readonly #deadline: RunningDeadline
  readonly #reject: (error: unknown) => void
  constructor(deadline: RunningDeadline, reject: (error: unknown) => void) {
    this.#deadline = deadline
    this.#reject = reject
  }
  handleEvent(): void {
    this.#reject(endOf(this.#deadline.signal))
  }
}

function expireDeadline(deadline: RunningDeadline): void {
  deadline.expire()
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
 * What `hook()` gives, unless `on` (a running deadline, or a signal) ends first: then it rejects
 * with {@link endOf} at once, and whatever the hook settles with later is dropped (its rejection
 * included, never unhandled).
 */
export function untilEnd<T>(on: Deadline | AbortSignal, hook: () => T | PromiseLike<T>): Promise<T> {
  const signal = on instanceof RunningDeadline ? on.signal : (on as AbortSignal)
  if (signal.aborted) return Promise.reject(endOf(signal))
  const value = hook()
  if (!isThenable(value)) return Promise.resolve(value)
  if (on instanceof RunningDeadline) return on.race(value)
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
