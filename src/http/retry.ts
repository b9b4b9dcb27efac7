/**
 * The retry policy. Every operation is a POST whose repetition Authlete does not document (a repeat
 * may create a second identifier, or mint tokens twice), so by default
 * only what cannot have reached Authlete's logic, or what Authlete asks to repeat, is retried.
 *
 * undici's own `RetryHandler` is not used: it retries by method idempotency, knows nothing of a
 * deadline shared by all attempts, and would sleep through a `Retry-After` longer than that deadline.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2 (idempotent methods)
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import { AuthleteInputError } from '../errors.js'
import { suggest } from '../input.js'

/**
 * How failed attempts are repeated. Pass `retry: false` to the client to make one attempt only.
 */
export interface RetryOptions {
  /**
   * Attempts in all, the first included; `1` means no retry.
   * @default 3
   */
  attempts?: number | undefined
  /**
   * The first backoff in milliseconds, doubled at each retry, with jitter.
   * @default 200
   */
  backoffMs?: number | undefined
  /**
   * The longest backoff in milliseconds (a `Retry-After` is bounded by the deadline instead).
   * @default 2000
   */
  maxBackoffMs?: number | undefined
  /**
   * Also retry what may already have reached Authlete's logic: HTTP 500, 502 and 504, and transport
   * failures after the request was written. Only for callers who accept that Authlete may process
   * one request twice.
   * @default false
   */
  afterSend?: boolean | undefined
}

/**
 * A validated {@link RetryOptions}.
 *
 * @internal
 */
export interface RetryPolicy {
  readonly attempts: number
  readonly backoffMs: number
  readonly maxBackoffMs: number
  readonly afterSend: boolean
}

/**
 * The policy used when the `retry` option is not given.
 *
 * @internal
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  backoffMs: 200,
  maxBackoffMs: 2000,
  afterSend: false,
})

const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, attempts: 1 })

/**
 * Validates the `retry` option.
 *
 */
export function resolveRetryPolicy(retry: RetryOptions | false | undefined): RetryPolicy {
  if (retry === undefined) return DEFAULT_RETRY
  if (retry === false) return NO_RETRY
  if (typeof retry !== 'object' || retry === null) {
    throw new AuthleteInputError('retry', 'must be an object or false')
  }
  for (const key of Object.keys(retry)) {
    if (!(key in DEFAULT_RETRY)) {
      throw new AuthleteInputError(
        `retry.${key}`,
        `is not a retry option${suggest(key, Object.keys(DEFAULT_RETRY))}`,
      )
    }
  }
  const policy = {
    attempts: retry.attempts ?? DEFAULT_RETRY.attempts,
    backoffMs: retry.backoffMs ?? DEFAULT_RETRY.backoffMs,
    maxBackoffMs: retry.maxBackoffMs ?? DEFAULT_RETRY.maxBackoffMs,
    afterSend: retry.afterSend ?? DEFAULT_RETRY.afterSend,
  }
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1 || policy.attempts > 10) {
    throw new AuthleteInputError('retry.attempts', 'must be an integer from 1 to 10')
  }
  for (const field of ['backoffMs', 'maxBackoffMs'] as const) {
    const value = policy[field]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new AuthleteInputError(`retry.${field}`, 'must be a finite number >= 0')
    }
  }
  if (typeof policy.afterSend !== 'boolean') {
    throw new AuthleteInputError('retry.afterSend', 'must be a boolean')
  }
  return Object.freeze(policy)
}

/**
 * The backoff before retry number `retry` (1 for the first retry): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that many clients failing together do not retry together.
 *
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: number = Math.random()): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (retry - 1))
  return ceiling / 2 + (ceiling / 2) * random
}

/**
 * The wait an answer asks for before it is repeated: the `Retry-After` (or `RateLimit-Reset`) of a
 * 429 or 503, in milliseconds; `undefined` for any other answer, or one that names no usable wait.
 */
export function askedWait(status: number, headers: IncomingHttpHeaders): number | undefined {
  if (status !== 429 && status !== 503) return undefined
  return retryAfterMs(headers['retry-after'], headers['ratelimit-reset'])
}

/**
 * The wait before retry number `retry` (1 for the first): what the answer asked for, else the
 * backoff; `undefined` (give up now) when the wait would end past the deadline, `leftMs` from now:
 * it would only turn the answer at hand into a timeout.
 */
export function retryWait(
  policy: RetryPolicy,
  retry: number,
  asked: number | undefined,
  leftMs: number,
): number | undefined {
  const wait = asked ?? backoffDelay(policy, retry)
  return wait < leftMs ? wait : undefined
}

/**
 * The wait asked for by `Retry-After` (delay-seconds or an HTTP-date) or, failing that,
 * `RateLimit-Reset` (seconds), in milliseconds; `undefined` when neither is usable.
 *
 */
export function retryAfterMs(
  retryAfter: string | string[] | undefined,
  rateLimitReset: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = first(retryAfter)?.trim()
  if (value) {
    if (/^\d+$/.test(value)) return Number(value) * 1000
    const date = parseHttpDate(value, now)
    if (date !== undefined) return Math.max(0, date - now)
  }
  const reset = first(rateLimitReset)?.trim()
  if (reset && /^\d+$/.test(reset)) return Number(reset) * 1000
  return undefined
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const MONTH = MONTHS.join('|')
const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun'
const WEEKDAY = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`)
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850_DATE = new RegExp(`^(?:${WEEKDAY}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`)
/** `Sun Nov  6 08:49:37 1994` (obsolete; the day is padded with a space) */
const ASCTIME_DATE = new RegExp(`^(?:${DAY}) (${MONTH}) ( \\d|\\d{2}) ${TIME} (\\d{4})$`)

/**
 * An HTTP-date (RFC 9110 §5.6.7) in milliseconds since the epoch, or `undefined` for anything that
 * is not exactly one of its three forms. All three are UTC, asctime's included, which names no zone
 * (`Date.parse` reads it as local time); and `Date.parse` takes text such as `a 1` for a date.
 *
 * @internal
 */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  const parts = httpDateParts(value)
  if (parts === undefined) return undefined
  const [day, month, yearText, hours, minutes, seconds] = parts.map((part, i) =>
    i === 1 ? MONTHS.indexOf(part) : Number(part),
  ) as [number, number, number, number, number, number]
  let year = yearText
  if (parts[2]?.length === 2) {
    // RFC 850's two-digit year is the one within 50 years of now (§5.6.7: one that appears to be
    // more than 50 years in the future is in the past century).
    const thisYear = new Date(now).getUTCFullYear()
    year += Math.floor(thisYear / 100) * 100
    if (year > thisYear + 50) year -= 100
    else if (year < thisYear - 50) year += 100
  }
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined
  // 400 Gregorian years later, then back: Date.UTC reads the years 0 to 99 as 1900 to 1999. A leap
  // second (60) counts as the second before it.
  const ms = Date.UTC(year + 400, month, day, hours, minutes, Math.min(seconds, 59)) - GREGORIAN_CYCLE_MS
  // Date.UTC rolls 31 Feb over into March: a day the month does not have is no date.
  return new Date(ms).getUTCDate() === day ? ms : undefined
}

const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000

/** `[day, month, year, hours, minutes, seconds]` as written, whichever of the three forms `value` is in. */
function httpDateParts(value: string): string[] | undefined {
  const fixdate = IMF_FIXDATE.exec(value) ?? RFC850_DATE.exec(value)
  if (fixdate) return fixdate.slice(1)
  const asctime = ASCTIME_DATE.exec(value)
  if (asctime) return [asctime[2], asctime[1], asctime[6], ...asctime.slice(3, 6)] as string[]
  return undefined
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Transport failures of a connection that never opened: the request never left. */
const NOT_CONNECTED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * Whether a failed request may have been processed by the server it went to: the one answer to
 * "did it leave?". `status` is the answer's (0 when none came), `code` the transport failure's,
 * `written` whether the request was fully written. An answer was processed, unless it asks for a
 * repeat (429, 503); a request never fully written, or whose connection never opened, was not.
 */
export function mayHaveBeenProcessed(status: number, code: string | undefined, written: boolean): boolean {
  if (status !== 0) return status !== 429 && status !== 503
  if (code !== undefined && NOT_CONNECTED.has(code)) return false
  return written
}

/** Transport failures of a connection: the ones worth another attempt. */
const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * Whether a transport failure with this code may be retried: a failure of the connection, which
 * may not have been processed (see {@link mayHaveBeenProcessed}), or `afterSend`.
 */
export function isRetryableNetworkFailure(
  code: string | undefined,
  requestSent: boolean,
  afterSend: boolean,
): boolean {
  if (code === undefined || !CONNECT_ERROR_CODES.has(code)) return false
  return afterSend || !mayHaveBeenProcessed(0, code, requestSent)
}

/** How a request fails when the server closed its keep-alive connection as the request went out. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])

/**
 * How soon after the request went out a dead reused connection still reads as the keep-alive race.
 * The race shows within a round trip (the server had closed the connection before the request
 * arrived); a connection that dies later may belong to a server that read the request and worked
 * on it, and a CIBA call must not be repeated then.
 */
export const STALE_CONNECTION_WINDOW_MS = 100

/**
 * Whether a transport failure is the keep-alive race: the request went out on a connection that had
 * carried requests before, and the connection died before a byte of an answer came back, within
 * {@link STALE_CONNECTION_WINDOW_MS}. A server closes an idle connection without reading what
 * arrives on it, so the request was not processed, and repeating it is safe (RFC 9112 §9.3.1: a
 * client may retry a request when it can tell the request was not applied).
 */
export function isStaleConnectionFailure(
  code: string | undefined,
  reused: boolean,
  responded: boolean,
  elapsedMs: number,
): boolean {
  return (
    reused &&
    !responded &&
    elapsedMs <= STALE_CONNECTION_WINDOW_MS &&
    code !== undefined &&
    STALE_CONNECTION_CODES.has(code)
  )
}

/**
 * Whether a non-2xx status may be retried: 429 and 503 always (Authlete asks), 500/502/504 on opt-in.
 *
 */
export function isRetryableStatus(status: number, afterSend: boolean): boolean {
  if (status === 429 || status === 503) return true
  return afterSend && (status === 500 || status === 502 || status === 504)
}
