/**
 * Authlete's `/backchannel/authentication/issue`, as the mocks play it: its result codes and answers,
 * its default handler and scenario helpers, and the simulator's play. The ticket of a valid
 * backchannel authentication request becomes an `auth_req_id`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import { type DelayMode, delay, type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  type Resolver,
  randomId,
  receiveCall,
  resultBody,
  serverErrorAnswer,
  UNKNOWN_ACTION_CODE,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'

/** A `ticket`: 400 `A183201` without one (this stand-in's code: Authlete documents none). */
export const BACKCHANNEL_ISSUE: AuthleteCall = mockedCall('backchannelIssue', {
  fields: ['ticket'],
  code: 'A183201',
})

/**
 * Options of the `OK` answer.
 */
export interface MockBackchannelIssueOkOptions extends MockHandlerOptions {
  /** The `auth_req_id`, or a function making one per call. Default: 43 random base64url characters. */
  authReqId?: string | (() => string)
  /** Seconds. Default `600`. */
  expiresIn?: number
  /** Seconds. Default `5`. */
  interval?: number
}

/**
 * The body of an `OK` answer, consistent with itself: `responseContent` agrees with the fields.
 */
export function backchannelIssueOkAnswer(options: MockBackchannelIssueOkOptions = {}) {
  const authReqId =
    typeof options.authReqId === 'function' ? options.authReqId() : (options.authReqId ?? randomId())
  const expiresIn = options.expiresIn ?? 600
  const interval = options.interval ?? 5
  return {
    resultCode: 'A183001',
    resultMessage: '[A183001] An auth_req_id was issued successfully.',
    action: 'OK' as const,
    responseContent: JSON.stringify({ auth_req_id: authReqId, interval, expires_in: expiresIn }),
    authReqId,
    expiresIn,
    interval,
  }
}

/**
 * The body of an `INVALID_TICKET` answer: the ticket is unknown, expired or used.
 */
export function backchannelIssueInvalidTicketAnswer() {
  return serverErrorAnswer('INVALID_TICKET', 'A184301', 'The ticket is invalid or has expired.')
}

/**
 * The body of an `INTERNAL_SERVER_ERROR` answer.
 */
export function backchannelIssueInternalServerErrorAnswer() {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A183101', 'An error occurred on the Authlete server.')
}

/** The body of an answer with an `action` Authlete may add later, worded as its errors are. */
export function backchannelIssueUnknownActionAnswer(action: string) {
  return serverErrorAnswer(action, UNKNOWN_ACTION_CODE, 'A new action.')
}

/** The body of a 429: too many requests. */
export function rateLimitedBody() {
  return resultBody('A001301', 'Too many requests.')
}

const helpers = callHelpers(BACKCHANNEL_ISSUE)

/**
 * An msw `http.post` handler for the issue endpoint, v3 path (`/api/:serviceId/backchannel/authentication/issue`)
 * and v2 path (`/api/backchannel/authentication/issue`), on the given base URLs. The resolver's
 * `params.serviceId` is the v3 service ID. Build your own answers on it.
 */
export const backchannelIssueHandler = helpers.handler

/**
 * A non-2xx answer from Authlete itself, e.g. a 401 with its result code and message.
 */
export const backchannelIssueApiError = helpers.apiError

/**
 * `action: OK` with a fresh random `authReqId` per call (unless fixed in `options`).
 */
export function backchannelIssueOk(options: MockBackchannelIssueOkOptions = {}): HttpHandler {
  return backchannelIssueHandler(() => HttpResponse.json(backchannelIssueOkAnswer(options)), options)
}

/**
 * `action: INVALID_TICKET`: the ticket is unknown or expired.
 */
export function backchannelIssueInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelIssueHandler(() => HttpResponse.json(backchannelIssueInvalidTicketAnswer()), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200.
 */
export function backchannelIssueInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelIssueHandler(
    () => HttpResponse.json(backchannelIssueInternalServerErrorAnswer()),
    options,
  )
}

/**
 * An `action` Authlete may add in the future; your code must treat it as a failure.
 */
export function backchannelIssueUnknownAction(
  action = 'FUTURE_ACTION',
  options: MockHandlerOptions = {},
): HttpHandler {
  return backchannelIssueHandler(
    () => HttpResponse.json(backchannelIssueUnknownActionAnswer(action)),
    options,
  )
}

/**
 * HTTP 429 with `Retry-After` (seconds, or a `Date`). Default `1` second.
 */
export function backchannelIssueRateLimited(
  options: MockHandlerOptions & { retryAfter?: number | Date } = {},
): HttpHandler {
  const retryAfter = options.retryAfter ?? 1
  const value = retryAfter instanceof Date ? retryAfter.toUTCString() : String(retryAfter)
  return backchannelIssueHandler(
    () => HttpResponse.json(rateLimitedBody(), { status: 429, headers: { 'retry-after': value } }),
    options,
  )
}

/**
 * The connection fails (the client sees a network error).
 */
export function backchannelIssueNetworkError(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelIssueHandler(() => HttpResponse.error(), options)
}

/**
 * Answers `OK` (or `then`'s answer) after a delay in milliseconds, or never (`'infinite'`): for
 * timeout and abort paths.
 */
export function backchannelIssueDelayed(
  duration: number | DelayMode,
  options: MockBackchannelIssueOkOptions & { then?: Resolver } = {},
): HttpHandler {
  return backchannelIssueHandler(async (info) => {
    await delay(duration)
    return options.then ? options.then(info) : HttpResponse.json(backchannelIssueOkAnswer(options))
  }, options)
}

/** Options of {@link backchannelIssueAsAuthlete}. */
export interface BackchannelIssueAsAuthleteOptions extends MockBackchannelIssueOkOptions {
  /**
   * The tickets Authlete knows. When given, any other ticket answers `INVALID_TICKET`, as an
   * unknown or expired ticket does. A `Set` you add to as your test issues tickets works.
   * @default every ticket is known
   */
  tickets?: { has(ticket: string): boolean } | undefined
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
export function backchannelIssueAsAuthlete(options: BackchannelIssueAsAuthleteOptions = {}): HttpHandler {
  return backchannelIssueHandler(async (info) => {
    const { received, refused } = await receiveCall(BACKCHANNEL_ISSUE, info)
    if (refused) return refused
    const ticket = received.fields?.ticket as string
    if (options.tickets && !options.tickets.has(ticket))
      return HttpResponse.json(backchannelIssueInvalidTicketAnswer())
    return HttpResponse.json(backchannelIssueOkAnswer(options))
  }, options)
}

/** The simulator's play: a live ticket, once, gets its `auth_req_id` and the authentication the user's device shows. */
export const playBackchannelIssue: Play = (state, fields) => {
  const ticket = state.tickets.get(fields.ticket as string)
  if (ticket === undefined || ticket.state !== 'identified' || state.expired(ticket)) {
    return backchannelIssueInvalidTicketAnswer()
  }
  const expiresIn = ticket.request.requestedExpiry ?? state.lifetime
  const { authReqId } = state.issue(ticket, randomId(), expiresIn)
  return backchannelIssueOkAnswer({ authReqId, expiresIn, interval: state.interval })
}
