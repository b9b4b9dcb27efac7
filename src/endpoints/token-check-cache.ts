/**
 * What `validateAccessToken` remembers per client: the checks in flight, which concurrent checks of
 * one Bearer token share, and (with `cacheMs`) the results of recent ones. Only a Bearer token's
 * check is shared or kept: a DPoP proof or a certificate belongs to one request.
 *
 * @internal
 * @module
 */

/** The most results kept per client; the oldest goes first. */
const MAX_ENTRIES = 10_000

interface Entry<Result> {
  readonly result: Result
  /** Milliseconds since the epoch. */
  readonly until: number
}

/** The checks of one client, by key (the token and what was asked of it). */
export class TokenCheckCache<Result> {
  readonly #inFlight = new Map<string, Promise<Result>>()
  readonly #results = new Map<string, Entry<Result>>()

  /** A kept result for `key` still good at `now`. */
  get(key: string, now: number): Result | undefined {
    const entry = this.#results.get(key)
    if (entry === undefined) return undefined
    if (now < entry.until) return entry.result
    this.#results.delete(key)
    return undefined
  }

  /** Keeps `result` for `key` until `until`. */
  set(key: string, result: Result, until: number): void {
    this.#results.delete(key)
    if (this.#results.size >= MAX_ENTRIES) {
      const oldest = this.#results.keys().next()
      if (!oldest.done) this.#results.delete(oldest.value)
    }
    this.#results.set(key, { result, until })
  }

  /**
   * The check in flight for `key`, or `start()`'s, which later callers share until it settles. A
   * check started after a {@link clear} is not joined to one from before it.
   */
  share(key: string, start: () => Promise<Result>): Promise<Result> {
    const running = this.#inFlight.get(key)
    if (running !== undefined) return running
    const started = start()
    this.#inFlight.set(key, started)
    const forget = () => {
      if (this.#inFlight.get(key) === started) this.#inFlight.delete(key)
    }
    started.then(forget, forget)
    return started
  }

  /**
   * Forgets every result and every check in flight: a token was revoked through this process. A
   * revoked refresh token takes the access tokens of its grant with it, which no key here names.
   */
  clear(): void {
    this.#results.clear()
    this.#inFlight.clear()
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
