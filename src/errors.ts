/**
 * Errors thrown by {@link AuthleteClient}. Every failure is an {@link AuthleteError} with a stable
 * `code`; the underlying error, when there is one, is kept as `cause`.
 *
 * None of them holds the access token, the API secret or the Authorization header: the client never
 * passes request headers into an error, and messages name fields, not values.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import type { core } from 'zod'

/**
 * Stable codes of {@link AuthleteError}, one per subclass.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export type AuthleteErrorCode =
  | 'AUTHLETE_INVALID_INPUT'
  | 'AUTHLETE_API_ERROR'
  | 'AUTHLETE_RESPONSE_INVALID'
  | 'AUTHLETE_TIMEOUT'
  | 'AUTHLETE_ABORTED'
  | 'AUTHLETE_NETWORK'
  | 'AUTHLETE_CLIENT_CLOSED'

/**
 * Where a failed call was going. Absent on errors thrown before a request exists (bad options).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface AuthleteRequestInfo {
  /** Always `POST` for `/backchannel/authentication/issue`. */
  readonly method: string
  /** The full request URL. It holds the service ID (not a secret) and never a credential. */
  readonly url: string
}

interface AuthleteErrorOptions {
  cause?: unknown
  request?: AuthleteRequestInfo | undefined
  /** How many HTTP attempts were made before the call gave up (retries included). */
  attempts?: number
}

/**
 * The base class of every error this package throws or rejects with. Test `error.code` (stable
 * across releases) or `instanceof` a subclass.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
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

/**
 * Bad client options (thrown by the constructor) or a bad ticket (rejected before any I/O).
 * The message names the option or argument, never its value.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteInputError extends AuthleteError {
  /** The option or argument at fault, e.g. `accessToken` or `ticket`. */
  readonly field: string

  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super('AUTHLETE_INVALID_INPUT', `${field}: ${message}`, options)
    this.field = field
  }
}

/**
 * What a non-2xx answer from Authlete (or a proxy in front of it) said.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
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
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteApiError extends AuthleteError {
  /** The longest body excerpt kept, in characters. */
  static readonly EXCERPT_LENGTH = 512
  readonly status: number
  readonly resultCode?: string
  readonly resultMessage?: string
  readonly bodyExcerpt?: string
  readonly retryAfterMs?: number

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
 * A 2xx answer that cannot be used: not JSON, cut off, larger than `maxResponseBytes`, compressed or
 * of a non-JSON content type, or JSON that does not fit the response model (see `issues`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteResponseError extends AuthleteError {
  readonly status: number
  /** The zod issues when the JSON did not fit the model; each `path` names the exact field. */
  readonly issues?: readonly core.$ZodIssue[]

  constructor(
    status: number,
    message: string,
    options: AuthleteErrorOptions & { issues?: readonly core.$ZodIssue[] | undefined } = {},
  ) {
    super('AUTHLETE_RESPONSE_INVALID', message, options)
    this.status = status
    if (options.issues) this.issues = options.issues
  }
}

/**
 * The deadline (`timeoutMs`, retries included) passed before the answer was complete.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteTimeoutError extends AuthleteError {
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number
  /** What the call was doing: waiting for the `headers`, reading the `body`, or waiting to `retry`. */
  readonly phase: 'headers' | 'body' | 'retry'

  constructor(timeoutMs: number, phase: AuthleteTimeoutError['phase'], options: AuthleteErrorOptions = {}) {
    super('AUTHLETE_TIMEOUT', `No complete answer from Authlete within ${timeoutMs} ms (${phase})`, options)
    this.timeoutMs = timeoutMs
    this.phase = phase
  }
}

/**
 * The caller's `signal` fired. `cause` is the signal's `reason`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteAbortError extends AuthleteError {
  constructor(reason: unknown, options: Omit<AuthleteErrorOptions, 'cause'> = {}) {
    super('AUTHLETE_ABORTED', 'The call was aborted by the caller', { ...options, cause: reason })
  }
}

/**
 * The request could not be completed at the transport level: DNS, connect, TLS, reset, socket closed.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteNetworkError extends AuthleteError {
  /** The system or undici error code of the cause, e.g. `ECONNREFUSED` or `UND_ERR_SOCKET`. */
  readonly causeCode?: string

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
 * The client was closed with `close()` before this call.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteClientClosedError extends AuthleteError {
  constructor() {
    super('AUTHLETE_CLIENT_CLOSED', 'The AuthleteClient is closed')
  }
}

/**
 * The `code` property of an error-like value, when it is a string.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? code : undefined
}
