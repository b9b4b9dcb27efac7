/**
 * msw handlers that answer as Authlete's `/auth/token/issue` does (its answers are in
 * `calls/token-issue.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, type MockHandlerOptions, receiveCall } from './authlete.js'
import {
  type MockTokenIssueOkOptions,
  TOKEN_ISSUE,
  tokenIssueInvalidTicketAnswer,
  tokenIssueOkAnswer,
} from './calls/token-issue.js'

const helpers = callHelpers(TOKEN_ISSUE)

/**
 * Your own msw resolver on the `/auth/token/issue` endpoint (v3 and v2 paths).
 */
export const tokenIssueHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const tokenIssueUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const tokenIssueApiError = helpers.apiError

/**
 * `action: OK` with a fresh random access token per call (unless fixed in `options`).
 */
export function tokenIssueOk(options: MockTokenIssueOkOptions = {}): HttpHandler {
  return answerWith(TOKEN_ISSUE, () => tokenIssueOkAnswer(options), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR` with a `server_error` content: a ticket Authlete does not hold.
 */
export function tokenIssueInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN_ISSUE, tokenIssueInvalidTicketAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket` and `subject`), then answers `OK`.
 */
export function tokenIssueAsAuthlete(options: MockTokenIssueOkOptions = {}): HttpHandler {
  return tokenIssueHandler(async (info) => {
    const { received, refused } = await receiveCall(TOKEN_ISSUE, info)
    if (refused) return refused
    const subject = received.fields?.subject as string
    return HttpResponse.json(tokenIssueOkAnswer({ ...options, subject }))
  }, options)
}
