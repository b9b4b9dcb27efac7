/**
 * From Authlete's answer (or the failure to get one) to the response of the authorization server's
 * backchannel authentication endpoint, per CIBA Core §7.3 (success) and §13 (errors), and
 * Authlete's mapping of `action` to status. One table for the answers of `/backchannel/authentication`,
 * `/issue` and `/fail`: their actions do not collide.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.13
 * @module
 */

import { type EndpointResponse, isAnswer, toWebResponse } from './response.js'

/** The body sent when Authlete gave nothing usable: RFC 6749 §5.2's `server_error`, and no detail. */
const SERVER_ERROR_BODY = '{"error":"server_error"}'
/** The challenge Authlete's Java reference sends with 401 at this endpoint. */
const CHALLENGE = 'Basic realm="backchannel/authentication"'

/** Status by documented action; an action not listed here is not an answer to send. */
const STATUS: Readonly<Record<string, number>> = {
  OK: 200,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INVALID_TICKET: 500,
  INTERNAL_SERVER_ERROR: 500,
}

function response(status: number, body: string): EndpointResponse {
  // A fresh headers object per response: callers may add to it.
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  }
  if (status === 401) headers['WWW-Authenticate'] = CHALLENGE
  return { status, headers, body }
}

interface Answer {
  action: string
  responseContent?: string
  authReqId?: string
  expiresIn?: number
  interval?: number
}

/**
 * What the backchannel authentication endpoint answers the client application, given the result of
 * `backchannelAuthentication`, `backchannelIssue` or `backchannelFail`, or the error one rejected with:
 *
 * | input | status | body |
 * |---|---|---|
 * | `OK` (issue) | 200 | `responseContent` (or the same JSON built from the fields when it is absent) |
 * | `BAD_REQUEST` (authentication, fail) | 400 | `responseContent` |
 * | `UNAUTHORIZED` (authentication) | 401, with `WWW-Authenticate: Basic realm="backchannel/authentication"` | `responseContent` |
 * | `FORBIDDEN` (fail) | 403 | `responseContent` |
 * | `INVALID_TICKET`, `INTERNAL_SERVER_ERROR` | 500 | `responseContent` |
 * | `USER_IDENTIFICATION` (not an answer: go on with the flow), an unknown action, an `AuthleteError`, anything else | 500 | `{"error":"server_error"}` |
 *
 * Always `Content-Type: application/json`, `Cache-Control: no-store`, `Pragma: no-cache`. An error's
 * details (status, result codes, URLs) never reach the client; a missing `responseContent` becomes
 * `{"error":"server_error"}`.
 *
 * @example
 * ```ts
 * const answer = toBackchannelResponse(await authlete.backchannelIssue(ticket).catch((e) => e))
 * res.status(answer.status).set(answer.headers).end(answer.body) // Express
 * ```
 */
export function toBackchannelResponse(resultOrError: unknown): EndpointResponse {
  if (!isAnswer<Answer>(resultOrError)) return response(500, SERVER_ERROR_BODY)
  const result = resultOrError
  const status = Object.hasOwn(STATUS, result.action) ? STATUS[result.action] : undefined
  if (status === undefined) return response(500, SERVER_ERROR_BODY)
  if (status === 200) {
    return response(
      200,
      result.responseContent ??
        JSON.stringify({
          auth_req_id: result.authReqId,
          expires_in: result.expiresIn,
          interval: result.interval,
        }),
    )
  }
  return response(status, result.responseContent ?? SERVER_ERROR_BODY)
}

/**
 * {@link toBackchannelResponse} as a WHATWG `Response`, for Hono, Next.js route handlers, Bun, Deno
 * or anything else built on the Fetch API.
 *
 * @example
 * ```ts
 * app.post('/backchannel/authentication', async (c) => {
 *   return toBackchannelWebResponse(await authlete.backchannelIssue(ticket).catch((e) => e))
 * })
 * ```
 */
export function toBackchannelWebResponse(resultOrError: unknown): Response {
  return toWebResponse(toBackchannelResponse(resultOrError))
}
