/**
 * The default handler set: every Authlete call this package makes, answered as Authlete would.
 *
 * @module
 */

import type { HttpHandler } from 'msw'
import { type AuthleteHandlersOptions, issueAsAuthlete } from './issue.js'

/**
 * The default handlers: each checks the request as Authlete would, then answers with success.
 * `setupAuthleteServer(...authleteHandlers())` is the whole setup.
 */
export function authleteHandlers(options: AuthleteHandlersOptions = {}): HttpHandler[] {
  return [issueAsAuthlete(options)]
}
