/**
 * The default handler set: every Authlete call this package makes, answered as Authlete would.
 *
 * @module
 */

import type { HttpHandler } from 'msw'
import { authenticationAsAuthlete } from './authentication.js'
import { completeAsAuthlete } from './complete.js'
import { failAsAuthlete } from './fail.js'
import { type AuthleteHandlersOptions, issueAsAuthlete } from './issue.js'

/**
 * The default handlers for the four CIBA calls: each checks the request as Authlete would (401
 * without or with the wrong `Authorization`, 400 without a required field), then answers with
 * success: `USER_IDENTIFICATION`, `OK`, the `/fail` answer for the reason, `NO_ACTION`.
 * `setupAuthleteServer(...authleteHandlers())` is the whole setup.
 */
export function authleteHandlers(options: AuthleteHandlersOptions = {}): HttpHandler[] {
  const { baseUrl } = options
  const common = baseUrl === undefined ? {} : { baseUrl }
  return [
    authenticationAsAuthlete(common),
    issueAsAuthlete(options),
    failAsAuthlete(common),
    completeAsAuthlete(common),
  ]
}
