/**
 * What every endpoint answers: one HTTP response as plain data, and the same as a Fetch API
 * `Response`. And what the mappings read of Authlete's answer.
 *
 * @module
 */

import { AuthleteResponseError } from '../errors.js'

/**
 * An endpoint's HTTP response as plain data: hand `status`, `headers` and `body` to any framework
 * (`res.status(r.status).set(r.headers).end(r.body)` in Express). Each is fresh: add to `headers`
 * as you like. A hook's own answer (a grant you handle yourself) is one too.
 */
export interface EndpointResponse {
  /** The HTTP status. */
  status: number
  /**
   * The response headers (`Content-Type`, `Cache-Control: no-store`, …): names RFC 9110 tokens,
   * values without CR, LF, NUL, other controls but tab, or characters beyond Latin-1.
   */
  headers: Record<string, string>
  /** The body text (JSON, a JWT, a challenge's empty body); empty with 204, 205 and 304. */
  body: string
}

/** Statuses whose response has no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304])

/**
 * `response` as a Fetch API `Response`. An empty body is none: a `Response` made from `''` gets
 * `Content-Type: text/plain`, which an empty answer (a challenge, a revocation's 200) must not say.
 */
export function toWebResponse({ status, headers, body }: EndpointResponse): Response {
  return new Response(body === '' || NULL_BODY_STATUSES.has(status) ? null : body, { status, headers })
}

/**
 * An answer of Authlete (a result, not an error): it has an `action`.
 *
 * @internal
 */
export function isAnswer<Answer extends { action: string }>(value: unknown): value is Answer {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { action?: unknown }).action === 'string'
  )
}

/**
 * An answer whose `action` this version does not know (a newer Authlete's): the endpoint answers
 * 500, and this is what it tells `onError` (or `validateAccessToken`'s `error`), for the logs.
 *
 * @internal
 */
export function unknownActionError(operation: string, action: unknown): AuthleteResponseError {
  const named = typeof action === 'string' ? action.slice(0, 64) : typeof action
  return new AuthleteResponseError(
    200,
    `Unusable answer from Authlete (${operation}): an action this version does not know, ${named}`,
    { issues: [{ path: ['action'], message: `an action this version does not know: ${named}` }] },
  )
}

/** RFC 9449 §8.1: `nonce = 1*NQCHAR`; anything else would break the header (or the server). */
const NONCE = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** Whether Authlete's `dpopNonce` may be sent as the `DPoP-Nonce` header. */
export function isDpopNonce(value: unknown): value is string {
  return typeof value === 'string' && NONCE.test(value)
}
