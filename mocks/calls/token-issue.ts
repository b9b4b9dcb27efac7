/**
 * Authlete's `/auth/token/issue`, as the mocks play it: its result codes and answers, its default
 * handler and scenario helpers, and the simulator's play. An AS calls it after `/auth/token`
 * answered `PASSWORD` and the user's credentials checked out; the simulator never answers
 * `PASSWORD`, so it answers as Authlete does for a ticket it does not hold.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  randomId,
  receiveCall,
  serverErrorAnswer,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import { tokenContent } from '../token/answers.js'

/** A `ticket` and a `subject`: 400 `A054201` without one (this stand-in's code). */
export const TOKEN_ISSUE: AuthleteCall = mockedCall('tokenIssue', {
  fields: ['ticket', 'subject'],
  code: 'A054201',
})

/**
 * Options of the `OK` answer to `/auth/token/issue`.
 */
export interface MockTokenIssueOkOptions extends MockHandlerOptions {
  /**
   * @default 43 random base64url characters, fresh per call
   */
  accessToken?: string | undefined
  /**
   * Seconds.
   * @default 3600
   */
  expiresIn?: number | undefined
  /**
   * The subject the AS reported.
   * @default 'john'
   */
  subject?: string | undefined
}

/** The body of an `OK` answer (the password grant), shaped as Authlete's documented example. */
export function tokenIssueOkAnswer(options: MockTokenIssueOkOptions = {}): Record<string, unknown> {
  const expiresIn = options.expiresIn ?? 3600
  const expiresAt = Date.now() + expiresIn * 1000
  const tokens = {
    accessToken: options.accessToken ?? randomId(),
    accessTokenDuration: expiresIn,
    accessTokenExpiresAt: expiresAt,
    refreshToken: randomId(),
    refreshTokenDuration: expiresIn,
    refreshTokenExpiresAt: expiresAt,
  }
  return {
    resultCode: 'A054001',
    resultMessage: '[A054001] The token request (grant_type=password) was processed successfully.',
    action: 'OK',
    responseContent: tokenContent({ ...tokens, scopes: [], tokenType: 'Bearer' }),
    ...tokens,
    clientId: 26478243745571,
    clientIdAliasUsed: false,
    subject: options.subject ?? 'john',
  }
}

/**
 * The body of the answer to a ticket Authlete does not hold (unknown, expired or used):
 * `INTERNAL_SERVER_ERROR`, which Authlete documents for a call whose request is wrong, with a
 * `server_error` content. The code is this stand-in's: Authlete documents none for it.
 */
export function tokenIssueInvalidTicketAnswer(): Record<string, unknown> {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A054301', 'The ticket is invalid or has expired.')
}

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

/** The simulator's play: a ticket it never gave. */
export const playTokenIssue: Play = () => tokenIssueInvalidTicketAnswer()
