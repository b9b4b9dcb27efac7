/**
 * The errors every layer of this package throws. Every failure is an {@link AuthleteError} with a
 * stable `code`; the underlying error, when there is one, is kept as `cause`.
 *
 * None of them holds a credential: the transport never passes request headers into an error,
 * messages name fields rather than values, and echoed text is redacted (see `http/redact.ts`).
 *
 * @module
 */

/**
 * Stable codes of {@link AuthleteError}, one per subclass.
 */
export type AuthleteErrorCode =
  | 'AUTHLETE_INVALID_INPUT'
  | 'AUTHLETE_API_ERROR'
  | 'AUTHLETE_RESPONSE_INVALID'
  | 'AUTHLETE_TIMEOUT'
  | 'AUTHLETE_ABORTED'
  | 'AUTHLETE_NETWORK'
  | 'AUTHLETE_CLIENT_CLOSED'
  | 'AUTHLETE_NOTIFICATION_FAILED'
  | 'AUTHLETE_CREDENTIALS'
  | 'AUTHLETE_ALREADY_DECIDED'
  | 'AUTHLETE_PENDING_NOT_FOUND'
  | 'AUTHLETE_STORE'

/**
 * Where a failed call was going. Absent on errors thrown before a request exists (bad options).
 */
export interface AuthleteRequestInfo {
  /** The HTTP method; every Authlete call of this package is a `POST`. */
  readonly method: string
  /** The full request URL. It holds the service ID (not a secret) and never a credential. */
  readonly url: string
}

/** @internal */
export interface AuthleteErrorOptions {
  cause?: unknown
  request?: AuthleteRequestInfo | undefined
  /** How many HTTP attempts were made before the call gave up (retries included). */
  attempts?: number | undefined
  /** An attempt before the last may have reached Authlete (see `AuthleteError.repeatedAfterSend`). */
  repeatedAfterSend?: boolean | undefined
  /** See `AuthleteError.mayHaveBeenProcessed`. @default false */
  mayHaveBeenProcessed?: boolean | undefined
}

// `instanceof` must hold across two copies of this package in one process (its ESM and CJS builds,
// or two versions in node_modules), so classes are recognised by a registry-wide symbol, as undici does.
const kBrand = Symbol.for('authlete-ciba.error')
const CODE_OF = new Map<unknown, string>()

/**
 * The base class of every error this package throws or rejects with. Test `error.code` (stable
 * across releases), {@link isAuthleteError}, or `instanceof` a subclass.
 */
export class AuthleteError extends Error {
  /** A stable, machine-readable code. */
  readonly code: AuthleteErrorCode
  /** The HTTP method of the failed call, when a request was built. */
  readonly method?: string
  /** The URL of the failed call, when a request was built. */
  readonly url?: string
  /** HTTP attempts made, when any were (retries included). */
  readonly attempts?: number
  /**
   * `true` when the call repeated a request that may already have reached Authlete's logic (retry
   * `afterSend`: after a 500, 502 or 504, or a failure once the request was written): an earlier
   * attempt may have been processed, whatever this final error says. Absent otherwise.
   */
  // `declare`: no own property when absent (JSON, inspect, and errors made before it existed).
  declare readonly repeatedAfterSend?: true
  /**
   * Whether the request may have been processed by the server it went to (Authlete; for a
   * notification, the client's endpoint), by any attempt of the call: `false` only when it
   * certainly was not (nothing was written, the connection was refused, the server answered 429 or
   * 503, or the call failed before any I/O). What may be retried without a second effect, and
   * whether a pending decision's claim may be released, are read from here.
   */
  declare readonly mayHaveBeenProcessed: boolean

  /** @internal */
  constructor(code: AuthleteErrorCode, message: string, options: AuthleteErrorOptions = {}) {
    super(options.request ? `${message} (${options.request.method} ${options.request.url})` : message, {
      cause: options.cause,
    })
    // `cause: undefined` still creates an own property; drop it so absence reads as absence.
    if (options.cause === undefined) delete (this as { cause?: unknown }).cause
    this.name = new.target.name
    this.code = code
    if (options.request) {
      this.method = options.request.method
      this.url = options.request.url
    }
    if (options.attempts !== undefined) this.attempts = options.attempts
    if (options.repeatedAfterSend === true) (this as { repeatedAfterSend?: true }).repeatedAfterSend = true
    ;(this as { mayHaveBeenProcessed: boolean }).mayHaveBeenProcessed = options.mayHaveBeenProcessed === true
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(kBrand in value)) return false
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about
    const code = CODE_OF.get(this)
    return code === undefined || (value as { code?: unknown }).code === code
  }

  /**
   * `name`, `message` and the error's own properties (`code`, `status`, …), for structured logs:
   * `JSON.stringify(error)` would otherwise drop the message. `cause` is left out; log it apart.
   */
  toJSON(): Record<string, unknown> {
    const own = { ...this } as Record<string, unknown>
    return { name: this.name, message: this.message, ...own }
  }
}
Object.defineProperty(AuthleteError.prototype, kBrand, { value: true })

/**
 * Bad client options (thrown by the constructor) or a bad argument or per-call option (rejected
 * before any I/O). The message names the option or argument, never its value.
 */
export class AuthleteInputError extends AuthleteError {
  declare readonly code: 'AUTHLETE_INVALID_INPUT'
  /** The option or argument at fault, e.g. `accessToken`, `ticket` or `retry.attempts`. */
  readonly field: string

  /** @internal */
  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super('AUTHLETE_INVALID_INPUT', `${field}: ${message}`, options)
    this.field = field
  }
}

/**
 * What a non-2xx answer from Authlete (or a proxy in front of it) said.
 */
export interface AuthleteApiErrorDetails {
  status: number
  /** Authlete's result code, e.g. `A001202`, when the body carried one. */
  resultCode?: string | undefined
  /** Authlete's result message, when the body carried one. */
  resultMessage?: string | undefined
  /** At most {@link AuthleteApiError.EXCERPT_LENGTH} characters of a body that was not Authlete's result JSON. */
  bodyExcerpt?: string | undefined
  /** The wait the server asked for with `Retry-After` / `RateLimit-Reset`, in milliseconds. */
  retryAfterMs?: number | undefined
}

/**
 * Authlete answered with a non-2xx status: 400/401/403/500 with `{ resultCode, resultMessage }`,
 * 429 when rate limited, or a proxy's 502/503/504 (often HTML or empty). A 3xx is reported here too:
 * redirects are never followed, so the credentials never travel to another origin.
 */
export class AuthleteApiError extends AuthleteError {
  declare readonly code: 'AUTHLETE_API_ERROR'
  /** The longest body excerpt kept, in characters. */
  static readonly EXCERPT_LENGTH = 512
  readonly status: number
  readonly resultCode?: string
  readonly resultMessage?: string
  readonly bodyExcerpt?: string
  readonly retryAfterMs?: number

  /** @internal */
  constructor(details: AuthleteApiErrorDetails, options: AuthleteErrorOptions = {}) {
    const what =
      details.resultMessage ?? (details.resultCode ? `result code ${details.resultCode}` : undefined)
    super('AUTHLETE_API_ERROR', `Authlete answered HTTP ${details.status}${what ? `: ${what}` : ''}`, options)
    this.status = details.status
    if (details.resultCode !== undefined) this.resultCode = details.resultCode
    if (details.resultMessage !== undefined) this.resultMessage = details.resultMessage
    if (details.bodyExcerpt !== undefined) this.bodyExcerpt = details.bodyExcerpt
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs
  }
}

/**
 * One way a 2xx answer did not fit the response model.
 */
export interface AuthleteResponseIssue {
  /** Where in the answer, e.g. `['authReqId']`; empty for the body as a whole. */
  readonly path: readonly (string | number)[]
  /** What is wrong there, e.g. `required when action is OK`. */
  readonly message: string
}

/**
 * A 2xx answer that cannot be used: not JSON, cut off, larger than `maxResponseBytes`, compressed or
 * of a non-JSON content type, or JSON that does not fit the response model (see `issues`).
 */
export class AuthleteResponseError extends AuthleteError {
  declare readonly code: 'AUTHLETE_RESPONSE_INVALID'
  readonly status: number
  /** When the JSON did not fit the model: each `path` names the exact field. */
  readonly issues?: readonly AuthleteResponseIssue[]

  /** @internal */
  constructor(
    status: number,
    message: string,
    options: AuthleteErrorOptions & { issues?: readonly AuthleteResponseIssue[] | undefined } = {},
  ) {
    super('AUTHLETE_RESPONSE_INVALID', message, options)
    this.status = status
    if (options.issues) this.issues = options.issues
  }
}

/**
 * The deadline (`timeoutMs`, retries included) passed before the answer was complete.
 */
export class AuthleteTimeoutError extends AuthleteError {
  declare readonly code: 'AUTHLETE_TIMEOUT'
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number
  /**
   * What the call was doing: waiting for a credential function (`credentials`), for the `headers`,
   * reading the `body`, or waiting to `retry`.
   */
  readonly phase: 'credentials' | 'headers' | 'body' | 'retry'

  /** @internal */
  constructor(timeoutMs: number, phase: AuthleteTimeoutError['phase'], options: AuthleteErrorOptions = {}) {
    super('AUTHLETE_TIMEOUT', `No complete answer from Authlete within ${timeoutMs} ms (${phase})`, options)
    this.timeoutMs = timeoutMs
    this.phase = phase
  }
}

/**
 * The caller's `signal` fired, or a flow's deadline (`flowTimeoutMs`) passed while a hook ran, which
 * the message then says. `cause` is the signal's `reason`.
 */
export class AuthleteAbortError extends AuthleteError {
  declare readonly code: 'AUTHLETE_ABORTED'

  /** @internal */
  constructor(reason: unknown, options: Omit<AuthleteErrorOptions, 'cause'> = {}) {
    super(
      'AUTHLETE_ABORTED',
      reason instanceof DOMException && reason.name === 'TimeoutError'
        ? `The call was ended by a deadline: ${reason.message}`
        : 'The call was aborted by the caller',
      { ...options, cause: reason },
    )
  }
}

/**
 * The request could not be completed at the transport level: DNS, connect, TLS, reset, socket closed.
 */
export class AuthleteNetworkError extends AuthleteError {
  declare readonly code: 'AUTHLETE_NETWORK'
  /** The system or undici error code of the cause, e.g. `ECONNREFUSED` or `UND_ERR_SOCKET`. */
  readonly causeCode?: string

  /** @internal */
  constructor(cause: unknown, options: Omit<AuthleteErrorOptions, 'cause'> = {}) {
    const causeCode = errorCodeOf(cause)
    super('AUTHLETE_NETWORK', `Could not reach Authlete${causeCode ? ` (${causeCode})` : ''}`, {
      ...options,
      cause,
    })
    if (causeCode) this.causeCode = causeCode
  }
}

/**
 * The client was closed with `close()` before or during this call.
 */
export class AuthleteClientClosedError extends AuthleteError {
  declare readonly code: 'AUTHLETE_CLIENT_CLOSED'

  /** @internal */
  constructor(options: Omit<AuthleteErrorOptions, 'cause'> = {}) {
    super('AUTHLETE_CLIENT_CLOSED', 'The AuthleteClient is closed', options)
  }
}

/**
 * Every error class of this package as one discriminated union: narrowing on `code` gives the
 * class, so `if (e.code === 'AUTHLETE_API_ERROR') e.status` compiles.
 */
export type AnyAuthleteError =
  | AuthleteInputError
  | AuthleteApiError
  | AuthleteResponseError
  | AuthleteTimeoutError
  | AuthleteAbortError
  | AuthleteNetworkError
  | AuthleteClientClosedError
  | AuthleteNotificationError
  | AuthleteCredentialsError
  | PendingErrorOf<AuthletePendingError['code']>

/** One union member per code of {@link AuthletePendingError}, so that narrowing on `code` finds it. */
type PendingErrorOf<Code> = Code extends unknown ? AuthletePendingError & { readonly code: Code } : never

for (const [type, code] of [
  [AuthleteInputError, 'AUTHLETE_INVALID_INPUT'],
  [AuthleteApiError, 'AUTHLETE_API_ERROR'],
  [AuthleteResponseError, 'AUTHLETE_RESPONSE_INVALID'],
  [AuthleteTimeoutError, 'AUTHLETE_TIMEOUT'],
  [AuthleteAbortError, 'AUTHLETE_ABORTED'],
  [AuthleteNetworkError, 'AUTHLETE_NETWORK'],
  [AuthleteClientClosedError, 'AUTHLETE_CLIENT_CLOSED'],
] as const) {
  CODE_OF.set(type, code)
}

/**
 * Whether `value` is an error of this package (of any copy of it loaded in the process), and, with
 * `code`, of that kind. Narrows: `if (isAuthleteError(e, 'AUTHLETE_API_ERROR')) e.status`.
 */
export function isAuthleteError(value: unknown): value is AnyAuthleteError
export function isAuthleteError<C extends AuthleteErrorCode>(
  value: unknown,
  code: C,
): value is Extract<AnyAuthleteError, { code: C }>
export function isAuthleteError(value: unknown, code?: AuthleteErrorCode): boolean {
  return value instanceof AuthleteError && (code === undefined || value.code === code)
}

/**
 * The `code` property of an error-like value, when it is a string.
 *
 * @internal
 */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Why a client notification (CIBA ping or push) was not delivered:
 *
 * - `insecure-url`: the endpoint is not an `https:` URL (plain `http:` without `allowInsecureHttp`,
 *   another scheme, or not a URL at all); nothing was sent.
 * - `refused-address`: the endpoint's host resolved to (or connected to) a loopback, private,
 *   link-local, metadata or other non-public address, without `allowPrivateNetwork`; nothing was sent.
 * - `redirect`: the endpoint answered 3xx; redirects are never followed (CIBA Core §10.2).
 * - `status`: the endpoint answered another non-2xx status.
 * - `network`: DNS, connect, TLS, reset or socket failure.
 * - `timeout`: the deadline passed, retries included.
 */
export type AuthleteNotificationFailure =
  | 'insecure-url'
  | 'refused-address'
  | 'redirect'
  | 'status'
  | 'network'
  | 'timeout'

/**
 * A client notification could not be delivered. Never thrown by `completeBackchannelAuthentication`:
 * it is returned as `outcome.notification.error`. `url` is the endpoint's origin and path (no
 * userinfo, query or fragment); the notification token appears nowhere, `cause` included.
 */
export class AuthleteNotificationError extends AuthleteError {
  declare readonly code: 'AUTHLETE_NOTIFICATION_FAILED'
  readonly reason: AuthleteNotificationFailure
  // `declare`: set only when known, so that an absent one is no own property (JSON, inspect).
  /** The endpoint's status, with reason `status` or `redirect`. */
  declare readonly status?: number
  /** The system or undici error code of the cause, e.g. `ECONNREFUSED`, with reason `network`. */
  declare readonly causeCode?: string

  /** @internal */
  constructor(
    reason: AuthleteNotificationFailure,
    message: string,
    options: AuthleteErrorOptions & { status?: number | undefined; causeCode?: string | undefined } = {},
  ) {
    super('AUTHLETE_NOTIFICATION_FAILED', message, options)
    this.reason = reason
    if (options.status !== undefined) (this as { status?: number }).status = options.status
    if (options.causeCode !== undefined) (this as { causeCode?: string }).causeCode = options.causeCode
  }
}
CODE_OF.set(AuthleteNotificationError, 'AUTHLETE_NOTIFICATION_FAILED')

/**
 * A credential function (`accessToken` or `apiSecret` given as `() => string | Promise<string>`)
 * threw, rejected, or returned something other than a non-empty string of visible ASCII characters.
 * The call made no request. `cause` is what the function threw; the message never shows a value.
 */
export class AuthleteCredentialsError extends AuthleteError {
  declare readonly code: 'AUTHLETE_CREDENTIALS'
  /** The option whose function failed: `accessToken` or `apiSecret`. */
  readonly field: 'accessToken' | 'apiSecret'

  /** @internal */
  constructor(field: 'accessToken' | 'apiSecret', message: string, options: AuthleteErrorOptions = {}) {
    super('AUTHLETE_CREDENTIALS', `${field}: ${message}`, options)
    this.field = field
  }
}
CODE_OF.set(AuthleteCredentialsError, 'AUTHLETE_CREDENTIALS')

/**
 * A decision on a pending authentication could not be made (`decideBackchannelAuthentication`), or
 * the pending-authentication store failed:
 *
 * - `AUTHLETE_ALREADY_DECIDED`: another decision claimed this `auth_req_id` first (on any instance
 *   sharing the store); nothing was sent to Authlete.
 * - `AUTHLETE_PENDING_NOT_FOUND`: no such pending request: unknown, or expired.
 * - `AUTHLETE_STORE`: the store failed, answered nonsense, was full, or did not answer within the
 *   call's deadline; `cause` says why. Nothing was sent to Authlete.
 */
export class AuthletePendingError extends AuthleteError {
  declare readonly code: 'AUTHLETE_ALREADY_DECIDED' | 'AUTHLETE_PENDING_NOT_FOUND' | 'AUTHLETE_STORE'

  /** @internal */
  constructor(code: AuthletePendingError['code'], message: string, options: { cause?: unknown } = {}) {
    super(code, message, options)
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof AuthleteError && PENDING_CODES.has(value.code)
  }
}
const PENDING_CODES: ReadonlySet<string> = new Set([
  'AUTHLETE_ALREADY_DECIDED',
  'AUTHLETE_PENDING_NOT_FOUND',
  'AUTHLETE_STORE',
])
