/**
 * What `validateAccessToken` remembers per client: the checks in flight, which concurrent checks of
 * one Bearer token share, and (with `cacheMs`) the valid results of recent ones. Only a Bearer
 * token's check is shared or kept: a DPoP proof or a certificate belongs to one request.
 *
 * @internal
 * @module
 */

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

/** A check in flight: its token, question and answer, and whether a second caller joined it. */
interface Check<Result> extends TokenQuestion {
  readonly token: string
  /** `undefined` while its call is being started. */
  answer: Promise<Result> | undefined
  joined: boolean
  /** Why the answer could not be frozen, once that is known: the callers fail with it. */
  unfrozen?: unknown
  /** The next check in flight in the same bucket (another token, or another question of this one). */
  below: Check<Result> | undefined
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

/**
 * The checks of one client: in flight by token (a question asked of it found by comparing, which
 * costs less than a key made of the question on every check), kept by key (the token and what was
 * asked of it).
 */
class TokenCheckCache<Result> {
  /** The checks in flight, chained by bucket. */
  readonly #inFlight: Array<Check<Result> | undefined> = Array.from({ length: BUCKETS }, () => undefined)
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
   * the same, or of `start()`'s, which later callers share until it settles; `failed(error)` when it
   * fails. A check started after a {@link clear} is not joined to one from before it. The answer is
   * frozen, deep, when anyone else can see it: a caller joined, or `keep` (it will be kept for later
   * ones); a caller alone with its answer gets it as it came. `then` and `failed` must not throw.
   */
  check<Verdict>(
    token: string,
    question: TokenQuestion,
    start: () => Promise<Result>,
    keep: boolean,
    then: (answer: Result) => Verdict,
    failed: (error: unknown) => Verdict,
  ): Promise<Verdict> {
    const bucket = bucketOf(token)
    let count = 0
    for (let running = this.#inFlight[bucket]; running !== undefined; running = running.below) {
      // A check whose call is still being started has no answer to share: a stand-in that checks
      // the same token from inside its call gets a check of its own.
      const shared = running.answer
      if (running.token === token && shared !== undefined && asks(running, question)) {
        const joined = running
        joined.joined = true
        // The first caller's continuation has run by then: an answer it could not freeze fails here too.
        return shared.then(
          (value) => (joined.unfrozen === undefined ? then(value) : failed(joined.unfrozen)),
          failed,
        )
      }
      count++
    }
    // A full bucket: this check goes out alone, found by no one.
    const alone = count >= MAX_PER_BUCKET
    const check: Check<Result> = {
      token,
      scopes: question.scopes,
      subject: question.subject,
      answer: undefined,
      joined: false,
      below: alone ? undefined : this.#inFlight[bucket],
    }
    // In the table before the call starts: a stand-in's thenable may settle synchronously, and must
    // not leave behind a check no one removes.
    if (!alone) this.#inFlight[bucket] = check
    let answer: Promise<Result>
    try {
      answer = Promise.resolve(start())
    } catch (error) {
      this.#forget(bucket, check)
      throw error
    }
    check.answer = answer
    // The first caller's continuation is the answer's first reaction, since it is attached before
    // any joiner's: the check is forgotten (and its answer frozen) before anyone else resumes, so
    // none joins a settled check and none sees an answer another can change. It handles the
    // rejection too, which is then never unhandled. One continuation per caller, no bookkeeping
    // promise beside them.
    return answer.then(
      (value) => {
        this.#forget(bucket, check)
        try {
          if (keep || check.joined) frozen(value)
        } catch (error) {
          // A stand-in's answer that cannot be frozen (a typed array, a throwing getter): no one
          // gets an answer another could change.
          check.unfrozen = error
          return failed(error)
        }
        return then(value)
      },
      (error: unknown) => {
        this.#forget(bucket, check)
        return failed(error)
      },
    )
  }

  /** `check` out of its bucket's chain, if it is there (not after a {@link clear}, nor when it went alone). */
  #forget(bucket: number, check: Check<Result>): void {
    let running = this.#inFlight[bucket]
    if (running === check) {
      this.#inFlight[bucket] = check.below
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
