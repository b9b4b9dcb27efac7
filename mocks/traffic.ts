/**
 * Which requests are Authlete's traffic, the traffic `setupAuthleteServer` answers and guards: a
 * host of Authlete's (any `*.authlete.com`, `AUTHLETE_HOSTS` included), or a base URL that one of
 * the server's handlers was made for. Everything else is the test's own traffic and is let through.
 *
 * Each handler made by `authleteHandler` (so every handler of this package, the simulator's
 * included) is registered here with the bases it answers on; the server reads the registry for the
 * handlers it is given. A plain msw handler carries no base: it answers, but does not widen the guard.
 *
 * @module
 */

const basesByHandler = new WeakMap<object, readonly string[]>()

/**
 * Records that `handler` answers Authlete's API below `bases` (normalised `{origin}{path prefix}`).
 *
 * @internal
 */
export function registerAuthleteBases(handler: object, bases: readonly string[]): void {
  basesByHandler.set(handler, Object.freeze([...bases]))
}

/**
 * The bases `handler` was made for, or `undefined` for a handler not made by `authleteHandler`.
 *
 * @internal
 */
export function authleteBasesOf(handler: object): readonly string[] | undefined {
  return basesByHandler.get(handler)
}

/** `true` for `authlete.com` and its subdomains, whatever the scheme or port. */
function isAuthleteHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  return host === 'authlete.com' || host.endsWith('.authlete.com')
}

interface Base {
  origin: string
  /** The path prefix without a trailing slash; `''` for a whole origin. */
  prefix: string
}

function parseBase(base: string): Base | undefined {
  try {
    const url = new URL(base)
    return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') }
  } catch {
    return undefined
  }
}

/**
 * The set of URLs a server guards. It only grows: a base stays guarded after the handlers made for
 * it are reset, so that a request meant for a stand-in Authlete never reaches a real host.
 *
 * @internal
 */
export class AuthleteScope {
  readonly #bases = new Map<string, Base>()

  constructor(bases: Iterable<string> = []) {
    this.addBases(bases)
  }

  addBases(bases: Iterable<string>): void {
    for (const base of bases) {
      const parsed = parseBase(base)
      if (parsed) this.#bases.set(parsed.origin + parsed.prefix, parsed)
    }
  }

  /** Adds the bases of the handlers made by `authleteHandler`; other handlers add nothing. */
  addHandlers(handlers: Iterable<object>): void {
    for (const handler of handlers) {
      const bases = authleteBasesOf(handler)
      if (bases) this.addBases(bases)
    }
  }

  /** Whether `url` is Authlete's traffic. */
  has(url: string): boolean {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    if (isAuthleteHostname(parsed.hostname)) return true
    for (const base of this.#bases.values()) {
      if (base.origin !== parsed.origin) continue
      const path = parsed.pathname
      if (base.prefix === '' || path === base.prefix || path.startsWith(`${base.prefix}/`)) return true
    }
    return false
  }
}
