/**
 * msw handlers that answer as Authlete's `/auth/token/fail` does (its checks and answers are in
 * `calls/token-fail.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, type MockHandlerOptions, receiveCall } from './authlete.js'
import {
  checkTokenFailReason,
  TOKEN_FAIL,
  tokenFailAnswer,
  tokenFailInvalidTicketAnswer,
} from './calls/token-fail.js'

const helpers = callHelpers(TOKEN_FAIL)

/**
 * Your own msw resolver on the `/auth/token/fail` endpoint (v3 and v2 paths).
 */
export const tokenFailHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const tokenFailUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const tokenFailApiError = helpers.apiError

/**
 * `action: INTERNAL_SERVER_ERROR` with a `server_error` content: a ticket Authlete does not hold.
 */
export function tokenFailInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN_FAIL, tokenFailInvalidTicketAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `reason` Authlete knows), then answers as {@link tokenFailAnswer}: for
 * `INVALID_RESOURCE_OWNER_CREDENTIALS`, `BAD_REQUEST` with `invalid_request` (Authlete's example).
 */
export function tokenFailAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return tokenFailHandler(async (info) => {
    const { received, refused } = await receiveCall(TOKEN_FAIL, info)
    if (refused) return refused
    const fields = received.fields ?? {}
    return checkTokenFailReason(fields) ?? HttpResponse.json(tokenFailAnswer(fields.reason as string))
  }, options)
}
