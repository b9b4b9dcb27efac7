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
import { serviceConfigurationAsAuthlete } from './service-configuration.js'
import { serviceJwksAsAuthlete } from './service-jwks.js'
import { tokenAsAuthlete } from './token.js'
import { tokenFailAsAuthlete } from './token-fail.js'
import { tokenIssueAsAuthlete } from './token-issue.js'

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
  return [
    authenticationAsAuthlete(common),
    issueAsAuthlete(options),
    failAsAuthlete(common),
    completeAsAuthlete(common),
    tokenAsAuthlete(common),
    tokenIssueAsAuthlete(common),
    tokenFailAsAuthlete(common),
    serviceConfigurationAsAuthlete(common),
    serviceJwksAsAuthlete(common),
  ]
}
