/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/issue` does.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import { randomBytes } from 'node:crypto'
import { type DelayMode, delay, type HttpHandler, HttpResponse } from 'msw'
import {
  acceptRequest,
  authleteHandler,
  type MockHandlerOptions,
  type Resolver,
  resultBody,
} from './authlete.js'

const ISSUE_PATH = '/backchannel/authentication/issue'

/**
 * Options of the `OK` answer.

 */
export interface MockOkOptions extends MockHandlerOptions {
  /** The `auth_req_id`, or a function making one per call. Default: 43 random base64url characters. */
  authReqId?: string | (() => string)
  /** Seconds. Default `600`. */
  expiresIn?: number
  /** Seconds. Default `5`. */
  interval?: number
}

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
 * An msw `http.post` handler for the issue endpoint, v3 path (`/api/:serviceId/backchannel/authentication/issue`)
 * and v2 path (`/api/backchannel/authentication/issue`), on the given base URLs. The resolver's
 * `params.serviceId` is the v3 service ID. Build your own answers on it.

 */
export function issueHandler(resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler {
  return authleteHandler(ISSUE_PATH, resolver, options)
}

/**
 * The body of an `OK` answer, consistent with itself: `responseContent` agrees with the fields.

 */
export function okAnswer(options: MockOkOptions = {}) {
  const authReqId =
    typeof options.authReqId === 'function'
      ? options.authReqId()
      : (options.authReqId ?? randomBytes(32).toString('base64url'))
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

function failureAnswer(action: string, resultCode: string, message: string) {
  const resultMessage = `[${resultCode}] ${message}`
  return {
    resultCode,
    resultMessage,
    action,
    responseContent: JSON.stringify({
      error: 'server_error',
      error_description: resultMessage,
      error_uri: `https://docs.authlete.com/#${resultCode}`,
    }),
  }
}

/**
 * The body of an `INVALID_TICKET` answer.

 */
export function invalidTicketAnswer() {
  return failureAnswer('INVALID_TICKET', 'A184301', 'The ticket is invalid or has expired.')
}

/**
 * The body of an `INTERNAL_SERVER_ERROR` answer.

 */
export function internalServerErrorAnswer() {
  return failureAnswer('INTERNAL_SERVER_ERROR', 'A183101', 'An error occurred on the Authlete server.')
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
  return issueHandler(() => HttpResponse.json(failureAnswer(action, 'A999999', 'A new action.')), options)
}

/**
 * A non-2xx answer from Authlete itself, e.g. `(401, 'A001202', 'Authorization header is missing.')`.

 */
export function issueApiError(
  status: number,
  resultCode: string,
  resultMessage = 'Mocked error.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return issueHandler(() => HttpResponse.json(resultBody(resultCode, resultMessage), { status }), options)
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
    () =>
      HttpResponse.json(resultBody('A001301', 'Too many requests.'), {
        status: 429,
        headers: { 'retry-after': value },
      }),
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
 * - no `Authorization` header: 401 `A001202`; a scheme that does not fit the path (Bearer for v3,
 *   Basic for v2): 401 `A001203`;
 * - a body that is neither form-encoded nor JSON: 400 `A001204`; no `ticket`: 400 `A183201`
 *   (the 400 codes are this stand-in's: Authlete does not document its codes for these cases);
 * - with `options.tickets`, a ticket it does not hold: `INVALID_TICKET`.

 */
export function issueAsAuthlete(options: AuthleteHandlersOptions = {}): HttpHandler {
  return issueHandler(async ({ request, params }) => {
    const fields = await acceptRequest(request, params)
    if (fields instanceof Response) return fields
    const ticket = fields.ticket
    if (typeof ticket !== 'string' || ticket === '') {
      return HttpResponse.json(resultBody('A183201', "The request does not contain a 'ticket' parameter."), {
        status: 400,
      })
    }
    if (options.tickets && !options.tickets.has(ticket)) return HttpResponse.json(invalidTicketAnswer())
    return HttpResponse.json(okAnswer(options))
  }, options)
}
