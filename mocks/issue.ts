/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/issue` does (its answers are
 * in `calls/issue.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import { type DelayMode, delay, type HttpHandler, HttpResponse } from 'msw'
import { callHelpers, type MockHandlerOptions, type Resolver, receiveCall } from './authlete.js'
import {
  ISSUE,
  internalServerErrorAnswer,
  invalidTicketAnswer,
  type MockOkOptions,
  okAnswer,
  rateLimitedBody,
  unknownIssueAnswer,
} from './calls/issue.js'

const helpers = callHelpers(ISSUE)

/**
 * An msw `http.post` handler for the issue endpoint, v3 path (`/api/:serviceId/backchannel/authentication/issue`)
 * and v2 path (`/api/backchannel/authentication/issue`), on the given base URLs. The resolver's
 * `params.serviceId` is the v3 service ID. Build your own answers on it.
 */
export const issueHandler = helpers.handler

/**
 * A non-2xx answer from Authlete itself, e.g. a 401 with its result code and message.
 */
export const issueApiError = helpers.apiError

/**
 * Options of {@link authleteHandlers}.
 */
export interface AuthleteHandlersOptions extends MockOkOptions {
  /**
   * The tickets Authlete knows. When given, any other ticket answers `INVALID_TICKET`, as an
   * unknown or expired ticket does. A `Set` you add to as your test issues tickets works.
   */
  tickets?: { has(ticket: string): boolean }
}

/**
 * `action: OK` with a fresh random `authReqId` per call (unless fixed in `options`).
 */
export function issueOk(options: MockOkOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(okAnswer(options)), options)
}

/**
 * `action: INVALID_TICKET`: the ticket is unknown or expired.
 */
export function issueInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(invalidTicketAnswer()), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200.
 */
export function issueInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(internalServerErrorAnswer()), options)
}

/**
 * An `action` Authlete may add in the future; your code must treat it as a failure.
 */
export function issueUnknownAction(action = 'FUTURE_ACTION', options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(unknownIssueAnswer(action)), options)
}

/**
 * HTTP 429 with `Retry-After` (seconds, or a `Date`). Default `1` second.
 */
export function issueRateLimited(
  options: MockHandlerOptions & { retryAfter?: number | Date } = {},
): HttpHandler {
  const retryAfter = options.retryAfter ?? 1
  const value = retryAfter instanceof Date ? retryAfter.toUTCString() : String(retryAfter)
  return issueHandler(
    () => HttpResponse.json(rateLimitedBody(), { status: 429, headers: { 'retry-after': value } }),
    options,
  )
}

/**
 * The connection fails (the client sees a network error).
 */
export function issueNetworkError(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.error(), options)
}

/**
 * Answers `OK` (or `then`'s answer) after a delay in milliseconds, or never (`'infinite'`): for
 * timeout and abort paths.
 */
export function issueDelayed(
  duration: number | DelayMode,
  options: MockOkOptions & { then?: Resolver } = {},
): HttpHandler {
  return issueHandler(async (info) => {
    await delay(duration)
    return options.then ? options.then(info) : HttpResponse.json(okAnswer(options))
  }, options)
}

/**
 * The default handler: checks the request as Authlete would, then answers `OK`.
 *
 * - no `Authorization` header, or a scheme that does not fit the path (Bearer for v3, Basic for
 *   v2): 401, as Authlete answers;
 * - a body that is neither form-encoded nor JSON, or no `ticket`: 400 (with this stand-in's codes:
 *   Authlete does not document its codes for these cases);
 * - with `options.tickets`, a ticket it does not hold: `INVALID_TICKET`.
 */
export function issueAsAuthlete(options: AuthleteHandlersOptions = {}): HttpHandler {
  return issueHandler(async (info) => {
    const { received, refused } = await receiveCall(ISSUE, info)
    if (refused) return refused
    const ticket = received.fields?.ticket as string
    if (options.tickets && !options.tickets.has(ticket)) return HttpResponse.json(invalidTicketAnswer())
    return HttpResponse.json(okAnswer(options))
  }, options)
}
