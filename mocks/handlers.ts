/**
 * The default handler set: every Authlete call of the table of calls, answered as Authlete would.
 *
 * @module
 */

import type { HttpHandler } from 'msw'
import { AUTHLETE_CALLS } from '../src/operations/table.js'
import type { BackchannelIssueAsAuthleteOptions } from './calls/backchannel-issue.js'
import { MOCKED_CALLS } from './calls/index.js'

/**
 * Options of {@link authleteHandlers}: the base URLs, and what `/backchannel/authentication/issue`
 * answers (`tickets`, `authReqId`, `expiresIn`, `interval`).
 */
export type AuthleteHandlersOptions = BackchannelIssueAsAuthleteOptions

/**
 * The default handlers for every call this package makes: each checks the request as Authlete would
 * (401 without or with the wrong `Authorization`, 400 without a required field), then answers with
 * success: `/backchannel/authentication` `USER_IDENTIFICATION`, `/issue` `OK`, `/fail` the answer
 * for the reason, `/complete` `NO_ACTION`; `/auth/token` `OK` (random tokens, no ID token),
 * `/auth/token/issue` `OK`, `/auth/token/fail` the answer for the reason; `/service/configuration`
 * a discovery document, `/service/jwks/get` a JWK Set. `setupAuthleteServer(...authleteHandlers())`
 * is the whole setup.
 */
export function authleteHandlers(options: AuthleteHandlersOptions = {}): HttpHandler[] {
  const { baseUrl } = options
  const common = baseUrl === undefined ? {} : { baseUrl }
  return AUTHLETE_CALLS.map(({ name }) =>
    // /issue takes the options that are its own (tickets, authReqId, …); every other call its base.
    MOCKED_CALLS[name].asAuthlete(name === 'backchannelIssue' ? options : common),
  )
}
