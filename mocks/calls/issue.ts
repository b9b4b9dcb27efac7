/**
 * Authlete's `/backchannel/authentication/issue`, as the mocks play it: the call, its result codes
 * and its answers. The default handlers (`../issue.ts`) and the simulator both answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import {
  type AuthleteCall,
  type MockHandlerOptions,
  randomId,
  resultBody,
  serverErrorAnswer,
  UNKNOWN_ACTION_CODE,
} from '../authlete.js'

/** `POST`, a `ticket`: 400 `A183201` without one (this stand-in's code: Authlete documents none). */
export const ISSUE: AuthleteCall = {
  method: 'POST',
  paths: {
    v3: '/api/{serviceId}/backchannel/authentication/issue',
    v2: '/api/backchannel/authentication/issue',
  },
  required: { fields: ['ticket'], code: 'A183201' },
}

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
 * The body of an `OK` answer, consistent with itself: `responseContent` agrees with the fields.
 */
export function okAnswer(options: MockOkOptions = {}) {
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
export function invalidTicketAnswer() {
  return serverErrorAnswer('INVALID_TICKET', 'A184301', 'The ticket is invalid or has expired.')
}

/**
 * The body of an `INTERNAL_SERVER_ERROR` answer.
 */
export function internalServerErrorAnswer() {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A183101', 'An error occurred on the Authlete server.')
}

/** The body of an answer with an `action` Authlete may add later, worded as its errors are. */
export function unknownIssueAnswer(action: string) {
  return serverErrorAnswer(action, UNKNOWN_ACTION_CODE, 'A new action.')
}

/** The body of a 429: too many requests. */
export function rateLimitedBody() {
  return resultBody('A001301', 'Too many requests.')
}
