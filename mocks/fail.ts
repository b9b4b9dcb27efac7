/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/fail` does (its checks and
 * answers are in `calls/fail.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, errorContent, type MockHandlerOptions, receiveCall } from './authlete.js'
import { FAIL, failAnswer, readFailRequest } from './calls/fail.js'

const helpers = callHelpers(FAIL)

/**
 * Your own msw resolver on the `/backchannel/authentication/fail` endpoint (v3 and v2 paths).
 */
export const failHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const failUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const failApiError = helpers.apiError

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `unknown_user_id`).
 */
export function failBadRequest(error = 'unknown_user_id', options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL, { ...failAnswer('BAD_REQUEST'), responseContent: errorContent(error) }, options)
}

/**
 * `action: FORBIDDEN` with `{"error":"access_denied"}`.
 */
export function failForbidden(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL, failAnswer('ACCESS_DENIED'), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR` with `{"error":"server_error"}`.
 */
export function failInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(FAIL, failAnswer('SERVER_ERROR'), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `reason` Authlete knows), then answers as {@link failAnswer}.
 */
export function failAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return failHandler(async (info) => {
    const { received, refused } = await receiveCall(FAIL, info)
    if (refused) return refused
    const request = readFailRequest(received.fields ?? {})
    if (request instanceof Response) return request
    return HttpResponse.json(failAnswer(request.reason, request.errorDescription, request.errorUri))
  }, options)
}
