/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/fail` does.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  acceptRequest,
  answerWith,
  apiErrorWith,
  authleteHandler,
  errorContent,
  type MockHandlerOptions,
  missingField,
  type Resolver,
} from './authlete.js'

const FAIL_PATH = '/backchannel/authentication/fail'

/**
 * Your own msw resolver on the `/backchannel/authentication/fail` endpoint (v3 and v2 paths).
 */
export function failHandler(resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler {
  return authleteHandler(FAIL_PATH, resolver, options)
}

/**
 * The answer Authlete gives to `/fail` with `reason` (and optional `errorDescription`, `errorUri`):
 * `FORBIDDEN` for `ACCESS_DENIED`, `INTERNAL_SERVER_ERROR` for `SERVER_ERROR`, else `BAD_REQUEST`;
 * `responseContent` carries the reason in lower case as CIBA Core §13's `error`.
 */
export function failAnswer(
  reason: string,
  errorDescription?: string,
  errorUri?: string,
): Record<string, unknown> {
  const action =
    reason === 'ACCESS_DENIED'
      ? 'FORBIDDEN'
      : reason === 'SERVER_ERROR'
        ? 'INTERNAL_SERVER_ERROR'
        : 'BAD_REQUEST'
  const content: Record<string, string> = { error: reason.toLowerCase() }
  if (errorDescription !== undefined) content.error_description = errorDescription
  if (errorUri !== undefined) content.error_uri = errorUri
  return {
    resultCode: 'A185001',
    resultMessage:
      '[A185001] Successfully generated an error response for the backchannel authentication request.',
    action,
    responseContent: JSON.stringify(content),
  }
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `unknown_user_id`).
 */
export function failBadRequest(error = 'unknown_user_id', options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(
    FAIL_PATH,
    { ...failAnswer('BAD_REQUEST'), responseContent: errorContent(error) },
    options,
  )
}

/**
 * `action: FORBIDDEN` with `{"error":"access_denied"}`.
 */
export function failForbidden(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL_PATH, failAnswer('ACCESS_DENIED'), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR` with `{"error":"server_error"}`.
 */
export function failInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL_PATH, failAnswer('SERVER_ERROR'), options)
}

/**
 * An `action` Authlete may add later.
 */
export function failUnknownAction(action = 'FUTURE_ACTION', options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL_PATH, { resultCode: 'A999999', action }, options)
}

/**
 * A non-2xx answer from Authlete itself.
 */
export function failApiError(
  status: number,
  resultCode: string,
  resultMessage = 'Mocked error.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return apiErrorWith(FAIL_PATH, status, resultCode, resultMessage, options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket` and `reason`), then answers as {@link failAnswer}.
 */
export function failAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return failHandler(async ({ request, params }) => {
    const fields = await acceptRequest(request, params)
    if (fields instanceof Response) return fields
    if (typeof fields.ticket !== 'string' || fields.ticket === '') return missingField('A185201', 'ticket')
    const reason = typeof fields.reason === 'string' && fields.reason !== '' ? fields.reason : 'SERVER_ERROR'
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
    return HttpResponse.json(failAnswer(reason, text(fields.errorDescription), text(fields.errorUri)))
  }, options)
}
