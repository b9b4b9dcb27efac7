/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/complete` does (its checks
 * and answers are in `calls/complete.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, type MockHandlerOptions, receiveCall } from './authlete.js'
import {
  COMPLETE,
  checkResult,
  type MockNotificationOptions,
  noActionAnswer,
  notificationAnswer,
  ticketUnusableBody,
} from './calls/complete.js'

const helpers = callHelpers(COMPLETE)

/**
 * Your own msw resolver on the `/backchannel/authentication/complete` endpoint (v3 and v2 paths).
 */
export const completeHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const completeUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const completeApiError = helpers.apiError

/**
 * `action: NOTIFICATION` (ping or push mode).
 */
export function completeNotification(options: MockNotificationOptions = {}): HttpHandler {
  return answerWith(COMPLETE, () => notificationAnswer(options), options)
}

/**
 * `action: NO_ACTION` (poll mode): nothing to deliver.
 */
export function completeNoAction(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(COMPLETE, noActionAnswer, options)
}

/**
 * `action: SERVER_ERROR` (an unknown ticket, or a fault inside Authlete).
 */
export function completeServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(COMPLETE, ticketUnusableBody(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `result` Authlete knows and `subject`), then answers `NO_ACTION` (a poll-mode
 * client). For ping and push, use {@link completeNotification} or `createCibaSimulator`.
 */
export function completeAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return completeHandler(async (info) => {
    const { received, refused } = await receiveCall(COMPLETE, info)
    if (refused) return refused
    return checkResult(received.fields ?? {}) ?? HttpResponse.json(noActionAnswer())
  }, options)
}
