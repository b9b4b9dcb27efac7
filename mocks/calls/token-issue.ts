/**
 * Authlete's `/auth/token/issue`, as the mocks play it: the call, its result codes and its answers.
 * An AS calls it after `/auth/token` answered `PASSWORD` and the user's credentials checked out.
 * The default handlers (`../token-issue.ts`) and the simulator both answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
 * @module
 */

import { type AuthleteCall, type MockHandlerOptions, randomId, serverErrorAnswer } from '../authlete.js'
import { tokenContent } from './token.js'

/**
 * `POST`, a `ticket` and a `subject`: 400 `A054201` without one (this stand-in's code: Authlete
 * documents none).
 */
export const TOKEN_ISSUE: AuthleteCall = {
  method: 'POST',
  paths: { v3: '/api/{serviceId}/auth/token/issue', v2: '/api/auth/token/issue' },
  required: { fields: ['ticket', 'subject'], code: 'A054201' },
}

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
