/**
 * From Authlete's answer (or the failure to get one) to the response of the authorization server's
 * backchannel authentication endpoint, per CIBA Core §7.3 (success) and §13 (errors), and Authlete's
 * mapping of `action` to status.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.3
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.13
 * @module
 */

import type { BackchannelIssueResponse } from '../operations/backchannel-issue.js'

/**
 * An HTTP response as plain data: hand `status`, `headers` and `body` to any framework.

 */
export interface BackchannelEndpointResponse {
  status: 200 | 500
  headers: {
    'Content-Type': 'application/json'
    'Cache-Control': 'no-store'
    Pragma: 'no-cache'
  }
  /** JSON text. */
  body: string
}

/** The body sent when Authlete gave nothing usable: RFC 6749 §5.2's `server_error`, and no detail. */
const SERVER_ERROR_BODY = '{"error":"server_error"}'

function response(status: 200 | 500, body: string): BackchannelEndpointResponse {
  // A fresh headers object per response: callers may add to it.
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body,
  }
}

function isIssueResponse(value: unknown): value is BackchannelIssueResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { action?: unknown }).action === 'string'
  )
}

/**
 * What the backchannel authentication endpoint answers the client application, given the result of
 * `backchannelIssue` or the error it rejected with:
 *
 * | input | status | body |
 * |---|---|---|
 * | `action: OK` | 200 | `responseContent` (or the same JSON built from the fields when it is absent) |
 * | `INVALID_TICKET`, `INTERNAL_SERVER_ERROR` | 500 | `responseContent`, or `{"error":"server_error"}` |
 * | an unknown action, an `AuthleteError`, anything else | 500 | `{"error":"server_error"}` |
 *
 * Always `Content-Type: application/json`, `Cache-Control: no-store`, `Pragma: no-cache`. An error's
 * details (status, result codes, URLs) never reach the client.
 *
 * @example
 * ```ts
 * const answer = toBackchannelResponse(await authlete.backchannelIssue(ticket).catch((e) => e))
 * res.status(answer.status).set(answer.headers).send(answer.body) // Express
 * ```

 */
export function toBackchannelResponse(resultOrError: unknown): BackchannelEndpointResponse {
  if (!isIssueResponse(resultOrError)) return response(500, SERVER_ERROR_BODY)
  const result = resultOrError
  switch (result.action) {
    case 'OK':
      return response(
        200,
        result.responseContent ??
          JSON.stringify({
            auth_req_id: result.authReqId,
            expires_in: result.expiresIn,
            interval: result.interval,
          }),
      )
    case 'INVALID_TICKET':
    case 'INTERNAL_SERVER_ERROR':
      return response(500, result.responseContent ?? SERVER_ERROR_BODY)
    default:
      // An action this version does not know: its responseContent may mean anything; say only failure.
      return response(500, SERVER_ERROR_BODY)
  }
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
  const { status, headers, body } = toBackchannelResponse(resultOrError)
  return new Response(body, { status, headers })
}
