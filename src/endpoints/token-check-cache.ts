/**
 * What `validateAccessToken` remembers per client: the checks in flight, which concurrent checks of
 * one Bearer token share, and (with `cacheMs`) the valid results of recent ones. Only a Bearer
 * token's check is shared or kept: a DPoP proof or a certificate belongs to one request.
 *
 * @internal
 * @module
 */

import type { CallReading } from '../transport/operation.js'

/** The most results kept per client; the oldest goes first. */
const MAX_ENTRIES = 10_000

interface Entry<Result> {
  readonly result: Result
  /** When it was answered, on the caller's clock. */
  readonly at: number
  /** When the token expires: never answered from here at or after it. */
  readonly expiresAt: number
}

/**
 * What a check asks of its token: the scopes and the subject the resource requires. The scopes are
 * the list the call sent, which no one changes afterwards (the caller's own copy): later questions
 * are compared with it as it is.
 */
export interface TokenQuestion {
  readonly scopes?: readonly string[] | undefined
  readonly subject?: string | undefined
}

/**
 * The buckets of the checks in flight (a power of two). Not a `Map`: with a few dozen checks in
 * flight, a `Map`'s delete shrinks its table and the next set grows it back, which measured about
 * 1.3 µs per check, a third of the check's own cost; a fixed table never reallocates.
 */
const BUCKETS = 1024
/**
 * The most checks in flight per bucket. A check that finds its bucket full goes out alone: tokens
 * made to fall in one bucket cost each check a walk of this many, never more.
 */
const MAX_PER_BUCKET = 8
/**
 * The bucket of `token`: FNV-1a of its length, its last four characters (a counter's, a random
 * token's, a JWT signature's) and four spread over the rest (past a fixed suffix such as
 * `.prod01`, or a JWT's fixed header). Eight reads: more cost each check more (a sliced string's
 * characters are read one call each). Tokens that differ in none of these share a bucket, and past
 * its eighth check in flight, go out alone.
 */
function bucketOf(token: string): number {
  const length = token.length
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193)
  for (let i = length - 4; i < length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193)
  // The middles of four equal slices: 1/8, 3/8, 5/8 and 7/8 of the way (integer arithmetic only).
  for (let k = 1; k < 8; k += 2) hash = Math.imul(hash ^ token.charCodeAt((length * k) >> 3), 0x01000193)
  return (hash ^ (hash >>> 16)) & (BUCKETS - 1)
}

/** Whether `check` asks what `question` asks: the same subject, and scopes item for item. */
function asks(check: TokenQuestion, question: TokenQuestion): boolean {
  if (check.subject !== question.subject) return false
  const a = check.scopes
  const b = question.scopes
  if (a === undefined || b === undefined) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** `value` and everything in it frozen: an answer several callers hold, none can change for the others. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key in value) frozen(value[key])
  }
  return value
}

/** The checks in flight, chained by bucket. */
type Table = Array<Check<unknown, unknown> | undefined>

/** `check` out of its bucket's chain, if it is there (not after a clear, nor when it went alone). */
function forget(table: Table, bucket: number, check: Check<unknown, unknown>): void {
  let running = table[bucket]
  if (running === check) {
    table[bucket] = check.below
    return
  }
  for (; running !== undefined; running = running.below) {
    if (running.below === check) {
      running.below = check.below
      return
    }
  }
}

/**
 * A check in flight: its token and question, and the first caller's reading of its outcome (the
 * call resolves with that reading itself, with no promise of the caller's own). A caller that
 * asks the same joins it: it waits for the first caller's verdict, then reads the outcome kept
 * here. The first caller's reading runs before anyone else resumes, so the check is forgotten (and
 * its answer frozen) before then: none joins a settled check, none sees an answer another can change.
 */
class Check<Result, Verdict> implements TokenQuestion, CallReading<Result, Verdict> {
  readonly token: string
  readonly scopes: readonly string[] | undefined
  readonly subject: string | undefined
  /** The next check in flight in the same bucket (another token, or another question of this one). */
  below: Check<unknown, unknown> | undefined = undefined
  /** The first caller's verdict; `undefined` while its call is being started. */
  first: Promise<Verdict> | undefined = undefined
  joined = false
  /** The call failed, or its answer could not be frozen: the callers fail with `error`. */
  failure = false
  error: unknown = undefined
  answer: Result | undefined = undefined
  readonly #table: Table
  readonly #bucket: number
  readonly #keep: boolean
  readonly #then: (answer: Result) => Verdict
  readonly #failed: (error: unknown) => Verdict

  constructor(
    table: Table,
    bucket: number,
    token: string,
    question: TokenQuestion,
    keep: boolean,
    then: (answer: Result) => Verdict,
    failed: (error: unknown) => Verdict,
  ) {
    this.#table = table
    this.#bucket = bucket
    this.token = token
    this.scopes = question.scopes
    this.subject = question.subject
    this.#keep = keep
    this.#then = then
    this.#failed = failed
  }

  answered(answer: Result): Verdict {
    forget(this.#table, this.#bucket, this as Check<unknown, unknown>)
    try {
      if (this.#keep || this.joined) frozen(answer)
    } catch (error) {
      // A stand-in's answer that cannot be frozen (a typed array, a throwing getter): no one gets
      // an answer another could change.
      return this.#fail(error)
    }
    this.answer = answer
    return this.#then(answer)
  }

  failed(error: unknown): Verdict {
    forget(this.#table, this.#bucket, this as Check<unknown, unknown>)
    return this.#fail(error)
  }

  #fail(error: unknown): Verdict {
    this.failure = true
    this.error = error
    return this.#failed(error)
  }

  /** A joining caller's verdict: its own reading of the outcome, once the first caller has read it. */
  join<Joined>(then: (answer: Result) => Joined, failed: (error: unknown) => Joined): Promise<Joined> {
    this.joined = true
    return (this.first as Promise<Verdict>).then(() =>
      this.failure ? failed(this.error) : then(this.answer as Result),
    )
  }
}

/**
 * The checks of one client: in flight by token (a question asked of it found by comparing, which
 * costs less than a key made of the question on every check), kept by key (the token and what was
 * asked of it).
 */
class TokenCheckCache<Result> {
  /** The checks in flight, chained by bucket. */
  readonly #inFlight: Table = Array.from({ length: BUCKETS }, () => undefined)
  readonly #results = new Map<string, Entry<Result>>()
  /** Counts the {@link clear}s: a check started before one is not kept after it. */
  #generation = 0

  /** What a check started now must give back to {@link set}. */
  get generation(): number {
    return this.#generation
  }

  /** A kept result for `key`, answered less than `maxAgeMs` before `now`, of a token live at `now`. */
  get(key: string, now: number, maxAgeMs: number): Result | undefined {
    const entry = this.#results.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#results.delete(key)
      return undefined
    }
    return now - entry.at < maxAgeMs ? entry.result : undefined
  }

  /**
   * Keeps `result` for `key`, answered at `at`, for a token that expires at `expiresAt`; unless the
   * cache was cleared since the check started (`generation`): the token may have been revoked
   * while its answer was on the way.
   */
  set(key: string, result: Result, at: number, expiresAt: number, generation: number): void {
    if (generation !== this.#generation) return
    this.#results.delete(key)
    if (this.#results.size >= MAX_ENTRIES) {
      const oldest = this.#results.keys().next()
      if (!oldest.done) this.#results.delete(oldest.value)
    }
    this.#results.set(key, { result, at, expiresAt })
  }

  /**
   * A caller's verdict on `token` asked `question`: `then(answer)` of the check in flight that asks
   * the same, or of the call `start(reading)` makes, which later callers share until it settles;
   * `failed(error)` when it fails. `start` returns the promise of `reading`'s reading of its call's
   * outcome (the call's own promise, or `readAnswer`'s). A check started after a
   * {@link clear} is not joined to one from before it. The answer is frozen, deep, when anyone else
   * can see it: a caller joined, or `keep` (it will be kept for later ones); a caller alone with its
   * answer gets it as it came. `then` and `failed` must not throw.
   */
  check<Verdict>(
    token: string,
    question: TokenQuestion,
    start: (reading: CallReading<Result, Verdict>) => Promise<Verdict>,
    keep: boolean,
    then: (answer: Result) => Verdict,
    failed: (error: unknown) => Verdict,
  ): Promise<Verdict> {
    const table = this.#inFlight
    const bucket = bucketOf(token)
    let count = 0
    for (let running = table[bucket]; running !== undefined; running = running.below) {
      // A check whose call is still being started has no answer to share: a stand-in that checks
      // the same token from inside its call gets a check of its own.
      if (running.token === token && running.first !== undefined && asks(running, question)) {
        return (running as Check<Result, unknown>).join(then, failed)
      }
      count++
    }
    const check = new Check(table, bucket, token, question, keep, then, failed)
    // A full bucket: this check goes out alone, found by no one. Else in the table before the call
    // starts: a call that ends at once must not leave behind a check no one removes.
    if (count < MAX_PER_BUCKET) {
      check.below = table[bucket]
      table[bucket] = check as Check<unknown, unknown>
    }
    // A call that ends inside `start` (a dispatcher that answers at once) has been read, and the
    // check forgotten, before `first` is set: the callers after it make calls of their own, since
    // an answer read unshared was not frozen.
    try {
      check.first = start(check)
    } catch (error) {
      forget(table, bucket, check as Check<unknown, unknown>)
      throw error
    }
    return check.first
  }

  /**
   * Forgets every result and every check in flight, and keeps none started before: a token was
   * revoked through this process. A revoked refresh token takes the access tokens of its grant
   * with it, which no key here names.
   */
  clear(): void {
    this.#generation++
    this.#results.clear()
    this.#inFlight.fill(undefined)
  }
}

const caches = new WeakMap<object, TokenCheckCache<unknown>>()

/** The cache of `client` (an `AuthleteClient`, or a stand-in of its calls). */
export function cacheOf<Result>(client: object): TokenCheckCache<Result> {
  let cache = caches.get(client)
  if (cache === undefined) {
    cache = new TokenCheckCache()
    caches.set(client, cache)
  }
  return cache as TokenCheckCache<Result>
}

/** Forgets what `validateAccessToken` knows of `client`'s tokens (after a revocation). */
export function forgetTokenChecks(client: object): void {
  caches.get(client)?.clear()
}
