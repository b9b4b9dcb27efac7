/**
 * Client options: their defaults, their validation, and the per-client constants derived from them
 * once (origin, path, headers), so that a call does no URL parsing or header building.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import type { Dispatcher } from 'undici'
import { AuthleteInputError } from './errors.js'
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from './retry.js'
import { VERSION } from './version.js'

/**
 * Authlete's shared API v3 clusters.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export type AuthleteRegion = 'us' | 'jp' | 'eu' | 'br'

/**
 * Options of {@link AuthleteClient}. Give `serviceId` + `accessToken` (API v3) or `apiKey` + `apiSecret` (API v2).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface AuthleteClientOptions {
  /**
   * API v3: the service's API key, which Authlete's v3 paths call `serviceId`. Required with
   * `accessToken`. Percent-encoded into the path.
   */
  serviceId?: string | number
  /** API v3: a service access token or organization token, sent as `Authorization: Bearer …`. */
  accessToken?: string
  /** API v2: the service API key, sent with `apiSecret` as HTTP Basic credentials. */
  apiKey?: string | number
  /** API v2: the service API secret. */
  apiSecret?: string
  /**
   * API v3 cluster: `us` (default), `jp`, `eu` or `br`, for `https://{region}.authlete.com`.
   * Not with `baseUrl`, and not with API v2 (which has one host).
   */
  region?: AuthleteRegion
  /**
   * Authlete's base URL, for a dedicated cluster or a proxy. May carry a path prefix. Default
   * `https://{region}.authlete.com` for v3 and `https://api.authlete.com` for v2. Plain `http:` is
   * refused unless the host is loopback or `allowInsecureHttp` is set.
   */
  baseUrl?: string | URL
  /** Deadline of one call in milliseconds, retries and backoff included. Default `10000`. */
  timeoutMs?: number
  /** Retry policy (see {@link RetryOptions}), or `false` for a single attempt. Default: 3 attempts, see README. */
  retry?: RetryOptions | false
  /**
   * An undici `Dispatcher` (Agent, Pool, ProxyAgent, MockAgent…) to send through instead of the
   * client's own keep-alive pool. The client never closes a dispatcher it was given.
   */
  dispatcher?: Dispatcher
  /** The largest response body read, in bytes. Default `1048576` (1 MiB). */
  maxResponseBytes?: number
  /** Appended to the `User-Agent` header, which starts with `authlete-ciba/{version}`. Default none. */
  userAgent?: string
  /**
   * Allow a plain `http:` base URL on a non-loopback host (a test proxy on a private network).
   * Credentials then travel in clear text. Default `false`.
   */
  allowInsecureHttp?: boolean
}

/**
 * Everything a call needs, computed once by the constructor.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface ClientConfig {
  readonly apiVersion: 'v3' | 'v2'
  /** `scheme://host[:port]`, as undici's `dispatch` wants it. */
  readonly origin: string
  /** The request path, prefix included. */
  readonly path: string
  /** `origin + path`, for error messages. */
  readonly url: string
  /** Request headers as undici's flat `[name, value, …]` array, minus the body length. */
  readonly headers: readonly string[]
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  readonly retry: RetryPolicy
  /** The credentials in every form they are sent in, to redact them from echoed error bodies. */
  readonly secrets: readonly string[]
}

/**
 * Defaults of {@link AuthleteClientOptions}.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export const DEFAULTS = Object.freeze({
  region: 'us' as AuthleteRegion,
  v2BaseUrl: 'https://api.authlete.com',
  timeoutMs: 10_000,
  maxResponseBytes: 1_048_576,
})

const REGIONS: ReadonlySet<string> = new Set(['us', 'jp', 'eu', 'br'])
/** RFC 9110 field-value characters minus controls: a credential with CR/LF must not split headers. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/
const HEADER_TEXT = /^[\x20-\x7e]*$/
const MIN_REDACTED_LENGTH = 6
// setTimeout's limit; a longer deadline would fire at once.
const MAX_TIMEOUT_MS = 2_147_483_647

/**
 * Validates `options` and derives the per-client constants. Throws {@link AuthleteInputError}.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function resolveClientConfig(options: AuthleteClientOptions): ClientConfig {
  if (typeof options !== 'object' || options === null) {
    throw new AuthleteInputError('options', 'must be an object')
  }
  const hasV3 = options.accessToken !== undefined
  const hasV2 = options.apiKey !== undefined || options.apiSecret !== undefined
  if (hasV3 && hasV2) {
    throw new AuthleteInputError(
      'credentials',
      'give accessToken (API v3) or apiKey + apiSecret (API v2), not both',
    )
  }
  if (!hasV3 && !hasV2) {
    throw new AuthleteInputError(
      'credentials',
      'give serviceId + accessToken (API v3) or apiKey + apiSecret (API v2)',
    )
  }
  const authorization = hasV3 ? bearerAuthorization(options) : basicAuthorization(options)
  // Secrets shorter than this are test values; redacting them would garble every excerpt.
  const secrets = [authorization.slice(authorization.indexOf(' ') + 1), options.apiSecret ?? ''].filter(
    (secret) => secret.length >= MIN_REDACTED_LENGTH,
  )

  let base: URL
  if (options.baseUrl !== undefined) {
    if (options.region !== undefined) {
      throw new AuthleteInputError('region', 'give region or baseUrl, not both')
    }
    base = parseBaseUrl(options.baseUrl, options.allowInsecureHttp)
  } else if (hasV3) {
    const region = options.region ?? DEFAULTS.region
    if (!REGIONS.has(region)) throw new AuthleteInputError('region', 'must be one of us, jp, eu, br')
    base = new URL(`https://${region}.authlete.com`)
  } else {
    if (options.region !== undefined) {
      throw new AuthleteInputError('region', 'applies to API v3 only; API v2 has one host (use baseUrl)')
    }
    base = new URL(DEFAULTS.v2BaseUrl)
  }

  const prefix = base.pathname.replace(/\/+$/, '')
  const path = hasV3
    ? `${prefix}/api/${encodeURIComponent(String(options.serviceId))}/backchannel/authentication/issue`
    : `${prefix}/api/backchannel/authentication/issue`

  let userAgent = `authlete-ciba/${VERSION} node/${process.versions.node}`
  if (options.userAgent !== undefined) {
    if (typeof options.userAgent !== 'string' || !HEADER_TEXT.test(options.userAgent)) {
      throw new AuthleteInputError('userAgent', 'must be a string of printable ASCII characters')
    }
    if (options.userAgent.trim()) userAgent += ` ${options.userAgent.trim()}`
  }

  if (options.dispatcher !== undefined && typeof options.dispatcher?.dispatch !== 'function') {
    throw new AuthleteInputError('dispatcher', 'must be an undici Dispatcher')
  }

  return Object.freeze({
    apiVersion: hasV3 ? 'v3' : 'v2',
    origin: base.origin,
    path,
    url: base.origin + path,
    headers: Object.freeze([
      'authorization',
      authorization,
      'content-type',
      'application/x-www-form-urlencoded',
      'accept',
      'application/json',
      'user-agent',
      userAgent,
    ]),
    timeoutMs: resolveTimeout('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs),
    maxResponseBytes: positiveInteger(
      'maxResponseBytes',
      options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    ),
    retry: resolveRetryPolicy(options.retry),
    secrets: Object.freeze(secrets),
  } as const)
}

function bearerAuthorization(options: AuthleteClientOptions): string {
  const { serviceId, accessToken } = options
  if (serviceId === undefined) {
    throw new AuthleteInputError('serviceId', 'is required with accessToken (API v3)')
  }
  if (
    typeof serviceId === 'number' ? !Number.isSafeInteger(serviceId) || serviceId < 0 : !nonEmpty(serviceId)
  ) {
    throw new AuthleteInputError('serviceId', 'must be a non-empty string or a non-negative integer')
  }
  if (typeof accessToken !== 'string' || !VISIBLE_ASCII.test(accessToken)) {
    throw new AuthleteInputError('accessToken', 'must be a non-empty string of visible ASCII characters')
  }
  return `Bearer ${accessToken}`
}

function basicAuthorization(options: AuthleteClientOptions): string {
  const { apiKey, apiSecret, serviceId } = options
  if (serviceId !== undefined) {
    throw new AuthleteInputError('serviceId', 'is for API v3 (with accessToken); API v2 paths have none')
  }
  const key = typeof apiKey === 'number' && Number.isSafeInteger(apiKey) ? String(apiKey) : apiKey
  if (typeof key !== 'string' || !VISIBLE_ASCII.test(key) || key.includes(':')) {
    throw new AuthleteInputError(
      'apiKey',
      'must be a non-empty string of visible ASCII characters without ":"',
    )
  }
  if (typeof apiSecret !== 'string' || !VISIBLE_ASCII.test(apiSecret)) {
    throw new AuthleteInputError('apiSecret', 'must be a non-empty string of visible ASCII characters')
  }
  return `Basic ${Buffer.from(`${key}:${apiSecret}`).toString('base64')}`
}

function parseBaseUrl(value: string | URL, allowInsecureHttp: boolean | undefined): URL {
  let url: URL
  try {
    url = new URL(String(value))
  } catch (cause) {
    throw new AuthleteInputError('baseUrl', 'must be an absolute http(s) URL', { cause })
  }
  if (url.username || url.password) {
    throw new AuthleteInputError('baseUrl', 'must not carry credentials')
  }
  if (url.search || url.hash) {
    throw new AuthleteInputError('baseUrl', 'must not carry a query or fragment')
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname) && allowInsecureHttp !== true) {
      throw new AuthleteInputError(
        'baseUrl',
        'plain http: would send credentials in clear text; use https:, a loopback host, or set allowInsecureHttp: true for a test proxy',
      )
    }
  } else if (url.protocol !== 'https:') {
    throw new AuthleteInputError('baseUrl', 'must use https: (or http: on a loopback host)')
  }
  return url
}

/**
 * Loopback as RFC 6761 §6.3 and RFC 1122 define it: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

/**
 * Validates a deadline in milliseconds (client option or per-call option).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function resolveTimeout(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new AuthleteInputError(field, `must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`)
  }
  return value
}

function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new AuthleteInputError(field, 'must be a positive integer')
  }
  return value
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}
