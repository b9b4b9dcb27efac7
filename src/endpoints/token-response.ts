/**
 * From Authlete's answer (or the failure to get one) to the response of the authorization server's
 * token endpoint, as Authlete's Java reference (`TokenRequestHandler`) maps it. One table for the
 * answers of `/auth/token`, `/auth/token/issue` and `/auth/token/fail`: their actions do not collide
 * in meaning.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 * @module
 */

import { type EndpointResponse, isAnswer, isDpopNonce, toWebResponse } from './response.js'

/** What the mapping needs to know of the request besides Authlete's answer. */
export interface TokenResponseContext {
  /**
   * Whether the client authenticated with the `Authorization` header (`client_secret_basic`): an
   * `INVALID_CLIENT` is then a 401 with a challenge (RFC 6749 §5.2), else a 400.
   * @default false
   */
  basic?: boolean | undefined
  /**
   * The `dpopNonce` of the `/auth/token` answer, for the answer of `/auth/token/issue` or `/fail`
   * that follows it (they carry none of their own).
   * @default the answer's own `dpopNonce`
   */
  dpopNonce?: string | undefined
}

/** The body sent when Authlete gave nothing usable: RFC 6749 §5.2's `server_error`, and no detail. */
const SERVER_ERROR_BODY = '{"error":"server_error"}'
/** The body of a grant the authorization server does not handle itself (Java's `useOrUnsupported`). */
export const UNSUPPORTED_GRANT_TYPE_BODY = '{"error":"unsupported_grant_type"}'
/** The challenge Authlete's Java reference sends with 401 at this endpoint. */
const CHALLENGE = 'Basic realm="token"'

/** Status by action; an action not listed here is not an answer to send. */
const STATUS: Readonly<Record<string, number>> = {
  OK: 200,
  ID_TOKEN_REISSUABLE: 200,
  BAD_REQUEST: 400,
  INVALID_CLIENT: 400,
  INTERNAL_SERVER_ERROR: 500,
}

/** The grants the authorization server answers itself: without an answer of its own, unsupported. */
const OWN_GRANTS: ReadonlySet<string> = new Set(['TOKEN_EXCHANGE', 'JWT_BEARER', 'NATIVE_SSO'])

function response(status: number, body: string, nonce?: string, challenge = false): EndpointResponse {
  // A fresh headers object per response: callers may add to it.
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  }
  if (challenge) headers['WWW-Authenticate'] = CHALLENGE
  if (isDpopNonce(nonce)) headers['DPoP-Nonce'] = nonce
  return { status, headers, body }
}

interface Answer {
  action: string
  responseContent?: string
  dpopNonce?: string
}

/**
 * What the token endpoint answers the client application, given the result of `token`,
 * `tokenIssue` or `tokenFail`, or the error one rejected with:
 *
 * | input | status | body |
 * |---|---|---|
 * | `OK`, `ID_TOKEN_REISSUABLE` | 200 | `responseContent` |
 * | `BAD_REQUEST` | 400 | `responseContent` (the CIBA grant's `authorization_pending`, `slow_down`, `expired_token`, `access_denied`, `invalid_grant`, …) |
 * | `INVALID_CLIENT` | 401 with `WWW-Authenticate: Basic realm="token"` when the client used Basic (`context.basic`), else 400 | `responseContent` |
 * | `INTERNAL_SERVER_ERROR` | 500 | `responseContent` |
 * | `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO` (yours to answer) | 400 | `{"error":"unsupported_grant_type"}` |
 * | `PASSWORD` (not an answer: go on with `tokenIssue`/`tokenFail`), an unknown action, an `AuthleteError`, anything else | 500 | `{"error":"server_error"}` |
 *
 * Always `Content-Type: application/json`, `Cache-Control: no-store`, `Pragma: no-cache`; with an
 * answer of Authlete, `DPoP-Nonce` when it gives a `dpopNonce` (or `context.dpopNonce`). An
 * error's details never reach the client; a missing `responseContent` becomes
 * `{"error":"server_error"}`.
 *
 * @example
 * ```ts
 * const answer = toTokenResponse(await authlete.token({ parameters: body }).catch((e) => e))
 * res.status(answer.status).set(answer.headers).end(answer.body) // Express
 * ```
 */
export function toTokenResponse(resultOrError: unknown, context?: TokenResponseContext): EndpointResponse {
  if (!isAnswer<Answer>(resultOrError)) return response(500, SERVER_ERROR_BODY)
  const { action, responseContent } = resultOrError
  const nonce = context?.dpopNonce ?? resultOrError.dpopNonce
  if (OWN_GRANTS.has(action)) return response(400, UNSUPPORTED_GRANT_TYPE_BODY, nonce)
  const status = Object.hasOwn(STATUS, action) ? STATUS[action] : undefined
  if (status === undefined) return response(500, SERVER_ERROR_BODY)
  const basic = context?.basic === true
  if (action === 'INVALID_CLIENT' && basic)
    return response(401, responseContent ?? SERVER_ERROR_BODY, nonce, true)
  return response(status, responseContent ?? SERVER_ERROR_BODY, nonce)
}

/**
 * {@link toTokenResponse} as a WHATWG `Response`, for Hono, Next.js route handlers, Bun, Deno or
 * anything else built on the Fetch API.
 */
export function toTokenWebResponse(resultOrError: unknown, context?: TokenResponseContext): Response {
  return toWebResponse(toTokenResponse(resultOrError, context))
}
