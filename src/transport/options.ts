/**
 * Client options and per-call options: their defaults, their validation, and the per-client
 * constants derived from them once (origin, API base path, header arrays, secrets), so that a
 * call does no URL parsing or header building.
 *
 * @module
 */

import type { Dispatcher } from 'undici'
import { timeoutOr } from '../deadline.js'
import { AuthleteInputError } from '../errors.js'
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from '../http/retry.js'
import { suggest } from '../input.js'
import { VERSION } from '../version.js'

/**
 * Authlete's shared API v3 clusters: `https://{region}.authlete.com`.
 */
export type AuthleteRegion = 'us' | 'jp' | 'eu' | 'br'

/**
 * Options of `AuthleteClient`. Give `serviceId` + `accessToken` (API v3) or `apiKey` + `apiSecret`
 * (API v2); which API version is used follows from the credentials.
 */
export interface AuthleteClientOptions {
  /**
   * API v3: the service's API key, which Authlete's v3 paths call `serviceId`. Required with
   * `accessToken`. Percent-encoded into the path.
   * @default undefined
   */
  serviceId?: string | number | undefined
  /**
   * API v3: a service access token or organization token, sent as `Authorization: Bearer …`. A
   * function is called once per call, so that a long-lived process picks up a rotated token (the
   * function caches; the client does not).
   * @default undefined
   */
  accessToken?: string | CredentialFunction | undefined
  /**
   * API v2: the service API key, sent with `apiSecret` as HTTP Basic credentials.
   * @default undefined
   */
  apiKey?: string | number | undefined
  /**
   * API v2: the service API secret. A function is called once per call, as for `accessToken`.
   * @default undefined
   */
  apiSecret?: string | CredentialFunction | undefined
  /**
   * API v3 cluster, for `https://{region}.authlete.com`: `us`, `jp`, `eu` or `br`. Not with
   * `baseUrl`, and not with API v2 (which has one host). Any string compiles, so that it can come
   * from the environment (`process.env.AUTHLETE_REGION`); another one is refused when the client is
   * made, with the list of regions.
   * @default 'us'
   */
  region?: AuthleteRegion | (string & {}) | undefined
  /**
   * Authlete's base URL, for a dedicated cluster or a proxy. May carry a path prefix, but not
   * Authlete's own `/api` (the client adds it). Plain `http:` is refused unless the host is
   * loopback or `allowInsecureHttp` is set.
   * @default 'https://{region}.authlete.com' (v3), 'https://api.authlete.com' (v2)
   */
  baseUrl?: string | URL | undefined
  /**
   * Allow a plain `http:` base URL on a non-loopback host (a test proxy on a private network).
   * Credentials then travel in clear text.
   * @default false
   */
  allowInsecureHttp?: boolean | undefined
  /**
   * Deadline of one call in milliseconds, retries and backoff included.
   * @default 10000
   */
  timeoutMs?: number | undefined
  /**
   * Retry policy (see {@link RetryOptions}), or `false` for a single attempt.
   * @default { attempts: 3, backoffMs: 200, maxBackoffMs: 2000, afterSend: false }
   */
  retry?: RetryOptions | false | undefined
  /**
   * An undici `Dispatcher` (Agent, Pool, ProxyAgent, MockAgent…) to send through instead of the
   * client's own keep-alive pool. The client never closes a dispatcher it was given.
   * @default a keep-alive `Pool` of the client's own
   */
  dispatcher?: Dispatcher | undefined
  /**
   * The largest response body read, in bytes.
   * @default 1048576
   */
  maxResponseBytes?: number | undefined
  /**
   * Appended to the `User-Agent` header, which starts with `authlete-ciba/{version} node/{version}`.
   * @default undefined
   */
  userAgent?: string | undefined
}

/**
 * A credential that may change while the process runs: called once per call, before any I/O. A
 * throw, a rejection, or anything but a non-empty string of visible ASCII characters rejects the
 * call with `AuthleteCredentialsError`.
 */
export type CredentialFunction = () => string | Promise<string>

/**
 * How the `Authorization` header of a call is made when the credential is a function: the function,
 * and the header value and secrets to redact for what it returned. @internal
 */
export interface CredentialSource {
  readonly field: 'accessToken' | 'apiSecret'
  readonly get: CredentialFunction
  readonly authorize: (value: string) => { authorization: string; secrets: string[] }
}

/**
 * Per-call options, the last argument of every `AuthleteClient` method.
 */
export interface AuthleteCallOptions {
  /**
   * Aborts the call; it then rejects with `AuthleteAbortError` whose `cause` is the signal's reason.
   * @default undefined
   */
  signal?: AbortSignal | undefined
  /**
   * This call's deadline in milliseconds, retries included.
   * @default the client's `timeoutMs`
   */
  timeoutMs?: number | undefined
}

/** Everything a call needs, computed once by the constructor. @internal */
export interface TransportConfig {
  readonly apiVersion: 'v3' | 'v2'
  /** `scheme://host[:port]`, as undici's `dispatch` wants it. */
  readonly origin: string
  /** `origin` + path prefix, without a trailing slash: what the client answers as `baseUrl`. */
  readonly baseUrl: string
  /** The path every operation's path is appended to: `{prefix}/api/{serviceId}` or `{prefix}/api`. */
  readonly apiPath: string
  /** Request headers as undici's flat `[name, value, …]` array, per body type, minus the length. */
  readonly formHeaders: readonly string[]
  readonly jsonHeaders: readonly string[]
  /** For a request without a body (`GET`): no content type. `authorization` stays at index 1. */
  readonly bareHeaders: readonly string[]
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  readonly retry: RetryPolicy
  /** The credentials in every form they are sent in, to redact them from echoed error bodies. */
  readonly secrets: readonly string[]
  /**
   * When the credential is a function: how each call makes its header (the header arrays above then
   * hold an empty `authorization`, and `secrets` is empty). `null` for a plain string.
   */
  readonly credentials: CredentialSource | null
}

const DEFAULT_REGION: AuthleteRegion = 'us'
const V2_BASE_URL = 'https://api.authlete.com'
const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576

const OPTION_NAMES: ReadonlySet<string> = new Set<keyof AuthleteClientOptions>([
  'serviceId',
  'accessToken',
  'apiKey',
  'apiSecret',
  'region',
  'baseUrl',
  'allowInsecureHttp',
  'timeoutMs',
  'retry',
  'dispatcher',
  'maxResponseBytes',
  'userAgent',
])
const CALL_OPTION_NAMES: ReadonlySet<string> = new Set<keyof AuthleteCallOptions>(['signal', 'timeoutMs'])

const REGIONS: ReadonlySet<string> = new Set(['us', 'jp', 'eu', 'br'])
/** RFC 9110 field-value characters minus controls: a credential with CR/LF must not split headers. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/
const HEADER_TEXT = /^[\x20-\x7e]*$/

/**
 * Validates `options` and derives the per-client constants. Throws {@link AuthleteInputError}.
 *
 * @internal
 */
export function resolveTransportConfig(options: AuthleteClientOptions): TransportConfig {
  if (typeof options !== 'object' || options === null) {
    throw new AuthleteInputError('options', 'must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new AuthleteInputError(key, `is not an option of AuthleteClient${suggest(key, OPTION_NAMES)}`)
    }
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
  const source = hasV3 ? bearerSource(options) : basicSource(options)
  const credentials = typeof source.value === 'function' ? { ...source, get: source.value } : null
  const { authorization, secrets } =
    credentials === null ? source.authorize(source.value as string) : { authorization: '', secrets: [] }

  let base: URL
  if (options.baseUrl !== undefined) {
    if (options.region !== undefined) {
      throw new AuthleteInputError('region', 'give region or baseUrl, not both')
    }
    base = parseBaseUrl(options.baseUrl, options.allowInsecureHttp)
  } else if (hasV3) {
    const region = options.region ?? DEFAULT_REGION
    if (!REGIONS.has(region))
      throw new AuthleteInputError('region', `must be one of ${[...REGIONS].join(', ')}`)
    base = new URL(`https://${region}.authlete.com`)
  } else {
    if (options.region !== undefined) {
      throw new AuthleteInputError('region', 'applies to API v3 only; API v2 has one host (use baseUrl)')
    }
    base = new URL(V2_BASE_URL)
  }
  if (options.allowInsecureHttp !== undefined && typeof options.allowInsecureHttp !== 'boolean') {
    throw new AuthleteInputError('allowInsecureHttp', 'must be a boolean')
  }

  const prefix = base.pathname.replace(/\/+$/, '')
  const apiPath = hasV3 ? `${prefix}/api/${encodeURIComponent(String(options.serviceId))}` : `${prefix}/api`

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

  const headers = (contentType: string) =>
    Object.freeze([
      'authorization',
      authorization,
      'content-type',
      contentType,
      'accept',
      'application/json',
      'user-agent',
      userAgent,
    ])
  return Object.freeze({
    apiVersion: hasV3 ? 'v3' : 'v2',
    origin: base.origin,
    baseUrl: base.origin + prefix,
    apiPath,
    formHeaders: headers('application/x-www-form-urlencoded'),
    jsonHeaders: headers('application/json'),
    bareHeaders: Object.freeze([
      'authorization',
      authorization,
      'accept',
      'application/json',
      'user-agent',
      userAgent,
    ]),
    timeoutMs: timeoutOr('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxResponseBytes: positiveInteger(
      'maxResponseBytes',
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ),
    retry: resolveRetryPolicy(options.retry),
    secrets: Object.freeze(secrets),
    credentials:
      credentials &&
      Object.freeze({ field: credentials.field, get: credentials.get, authorize: credentials.authorize }),
  } as const)
}

/**
 * Reads per-call options: `{ timeoutMs, signal }` with the client's deadline as default.
 * Throws {@link AuthleteInputError}, also for an options object that cannot be read.
 *
 * @internal
 */
export function resolveCallOptions(
  options: AuthleteCallOptions | undefined,
  defaultTimeoutMs: number,
): { timeoutMs: number; signal: AbortSignal | undefined } {
  if (options === undefined) return { timeoutMs: defaultTimeoutMs, signal: undefined }
  if (typeof options !== 'object' || options === null) {
    throw new AuthleteInputError('options', 'must be an object')
  }
  let timeoutMs: unknown
  let signal: unknown
  try {
    for (const key of Object.keys(options)) {
      if (!CALL_OPTION_NAMES.has(key)) {
        throw new AuthleteInputError(key, `is not a per-call option${suggest(key, CALL_OPTION_NAMES)}`)
      }
    }
    timeoutMs = options.timeoutMs
    signal = options.signal
  } catch (cause) {
    if (cause instanceof AuthleteInputError) throw cause
    // A throwing getter or a Proxy: the caller's own error, as the cause of ours.
    throw new AuthleteInputError('options', 'could not be read', { cause })
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new AuthleteInputError('signal', 'must be an AbortSignal')
  }
  return {
    timeoutMs: timeoutOr('timeoutMs', timeoutMs, defaultTimeoutMs),
    signal: signal as AbortSignal | undefined,
  }
}

/** The credential option, its value (a string or a function), and how a value becomes the header. */
interface Source {
  field: 'accessToken' | 'apiSecret'
  value: string | CredentialFunction
  authorize: (value: string) => { authorization: string; secrets: string[] }
}

const CREDENTIAL_RULE = 'must be a non-empty string of visible ASCII characters, or a function returning one'

function bearerSource(options: AuthleteClientOptions): Source {
  const { serviceId, accessToken } = options
  if (serviceId === undefined) {
    throw new AuthleteInputError('serviceId', 'is required with accessToken (API v3)')
  }
  if (
    typeof serviceId === 'number' ? !Number.isSafeInteger(serviceId) || serviceId < 0 : !nonEmpty(serviceId)
  ) {
    throw new AuthleteInputError('serviceId', 'must be a non-empty string or a non-negative integer')
  }
  if (typeof accessToken !== 'function' && !isCredential(accessToken)) {
    throw new AuthleteInputError('accessToken', CREDENTIAL_RULE)
  }
  return {
    field: 'accessToken',
    value: accessToken,
    authorize: (token) => ({ authorization: `Bearer ${token}`, secrets: [token] }),
  }
}

function basicSource(options: AuthleteClientOptions): Source {
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
  if (typeof apiSecret !== 'function' && !isCredential(apiSecret)) {
    throw new AuthleteInputError('apiSecret', CREDENTIAL_RULE)
  }
  return {
    field: 'apiSecret',
    value: apiSecret,
    authorize: (secret) => {
      const basic = Buffer.from(`${key}:${secret}`).toString('base64')
      // Every length: a short one is a test value, which redact() replaces only where it stands
      // alone (see WHOLE_WORD_BELOW). Longest first, so that a secret inside another is not matched first.
      return { authorization: `Basic ${basic}`, secrets: [basic, secret].sort((a, b) => b.length - a.length) }
    },
  }
}

/**
 * Whether `value` can be sent as a credential: RFC 9110 field-value characters minus controls, so
 * that a credential with CR/LF cannot split headers.
 *
 * @internal
 */
export function isCredential(value: unknown): value is string {
  return typeof value === 'string' && VISIBLE_ASCII.test(value)
}

function parseBaseUrl(value: string | URL, allowInsecureHttp: boolean | undefined): URL {
  const text = String(value)
  // Checked on the text: a URL with credentials must be refused even where the parser gives up, and
  // no error may repeat it (the parser's own error holds the whole input as `input`).
  if (/^[a-z][a-z\d+.-]*:\/\/[^/?#]*@/i.test(text)) {
    throw new AuthleteInputError(
      'baseUrl',
      'must not carry credentials (user:password@); give them as options',
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new AuthleteInputError('baseUrl', 'must be an absolute http(s) URL')
  }
  if (url.username || url.password) {
    throw new AuthleteInputError(
      'baseUrl',
      'must not carry credentials (user:password@); give them as options',
    )
  }
  if (url.search || url.hash) {
    throw new AuthleteInputError('baseUrl', 'must not carry a query or fragment')
  }
  if (/\/api\/*$/.test(url.pathname)) {
    throw new AuthleteInputError(
      'baseUrl',
      'must not end in /api: the client adds /api itself; drop it (e.g. https://us.authlete.com)',
    )
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
 * Loopback by name: the literal addresses 127.0.0.0/8 and `::1`, and `localhost` itself. Not
 * `*.localhost` (RFC 6761 §6.3 asks resolvers to answer loopback for it, but undici asks the system
 * resolver, and whatever DNS answers for `authlete.localhost` would receive the token in clear text).
 *
 * @internal
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
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
