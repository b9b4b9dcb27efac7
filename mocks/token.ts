/**
 * msw handlers that answer as Authlete's `/auth/token` does (its answers are in `calls/token.ts`).
 * For whole logins, with the CIBA grant's checks and signed ID tokens, use `createCibaSimulator`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, type MockHandlerOptions, receiveCall } from './authlete.js'
import {
  type MockTokenOkOptions,
  type MockTokenPasswordOptions,
  TOKEN,
  tokenBadRequestAnswer,
  tokenInternalServerErrorAnswer,
  tokenInvalidClientAnswer,
  tokenOkAnswer,
  tokenPasswordAnswer,
} from './calls/token.js'

const helpers = callHelpers(TOKEN)

/**
 * Your own msw resolver on the `/auth/token` endpoint (v3 and v2 paths).
 */
export const tokenHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const tokenUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const tokenApiError = helpers.apiError

/**
 * `action: OK` with fresh random tokens per call (unless fixed in `options`).
 */
export function tokenOk(options: MockTokenOkOptions = {}): HttpHandler {
  return answerWith(TOKEN, () => tokenOkAnswer(options), options)
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `authorization_pending`).
 */
export function tokenBadRequest(
  error = 'authorization_pending',
  description = 'The request was refused.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(TOKEN, tokenBadRequestAnswer(error, description), options)
}

/**
 * `action: INVALID_CLIENT`: the client's authentication failed.
 */
export function tokenInvalidClient(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN, tokenInvalidClientAnswer(), options)
}

/**
 * `action: PASSWORD`: the AS checks `username` and `password`, then calls `/auth/token/issue` or
 * `/auth/token/fail` with the `ticket`.
 */
export function tokenPassword(options: MockTokenPasswordOptions = {}): HttpHandler {
  return answerWith(TOKEN, () => tokenPasswordAnswer(options), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200.
 */
export function tokenInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN, tokenInternalServerErrorAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `parameters`), then answers `OK` with fresh random tokens and no ID token.
 */
export function tokenAsAuthlete(options: MockTokenOkOptions = {}): HttpHandler {
  return tokenHandler(async (info) => {
    const { refused } = await receiveCall(TOKEN, info)
    return refused ?? HttpResponse.json(tokenOkAnswer(options))
  }, options)
}
