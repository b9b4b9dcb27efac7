/**
 * msw handlers that answer as Authlete's `/backchannel/authentication/complete` does.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import type { HttpHandler } from 'msw'
import { HttpResponse } from 'msw'
import {
  acceptRequest,
  answerWith,
  apiErrorWith,
  authleteHandler,
  type MockHandlerOptions,
  missingField,
  type Resolver,
  randomId,
} from './authlete.js'

const COMPLETE_PATH = '/backchannel/authentication/complete'

/**
 * Your own msw resolver on the `/backchannel/authentication/complete` endpoint (v3 and v2 paths).
 */
export function completeHandler(resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler {
  return authleteHandler(COMPLETE_PATH, resolver, options)
}

/**
 * Options of {@link completeNotification}.
 */
export interface MockNotificationOptions extends MockHandlerOptions {
  /** `PING` (the notification carries `auth_req_id`) or `PUSH` (the tokens, or the error). Default `PING`. */
  deliveryMode?: 'PING' | 'PUSH'
  /** Where the AS must deliver the notification. Default `https://client.example.com/cb`. */
  clientNotificationEndpoint?: string
  /** Default `client-notification-token`. */
  clientNotificationToken?: string
  /** Default: 43 random base64url characters. */
  authReqId?: string
  /** The end-user's decision the notification reports. Default `AUTHORIZED`. */
  result?: 'AUTHORIZED' | 'ACCESS_DENIED' | 'TRANSACTION_FAILED'
}

/**
 * The body of a `NOTIFICATION` answer, with the `responseContent` CIBA Core §10 prescribes: ping
 * `{"auth_req_id"}`; push the tokens, or `{"auth_req_id","error"}` when the user did not authorize.
 */
export function notificationAnswer(options: MockNotificationOptions = {}): Record<string, unknown> {
  const deliveryMode = options.deliveryMode ?? 'PING'
  const authReqId = options.authReqId ?? randomId()
  const result = options.result ?? 'AUTHORIZED'
  const tokens =
    deliveryMode === 'PUSH' && result === 'AUTHORIZED'
      ? {
          accessToken: randomId(),
          idToken: `eyJhbGciOiJub25lIn0.${randomId()}.`,
          accessTokenDuration: 3600,
          idTokenDuration: 3600,
        }
      : undefined
  let content: Record<string, unknown> = { auth_req_id: authReqId }
  if (deliveryMode === 'PUSH') {
    content = tokens
      ? {
          auth_req_id: authReqId,
          access_token: tokens.accessToken,
          token_type: 'Bearer',
          expires_in: tokens.accessTokenDuration,
          id_token: tokens.idToken,
        }
      : { auth_req_id: authReqId, error: result === 'ACCESS_DENIED' ? 'access_denied' : 'expired_token' }
  }
  return {
    resultCode: 'A200401',
    resultMessage: `[A200401] The result of the end-user authentication and authorization needs to be sent to the client (mode = ${deliveryMode.toLowerCase()}, result = ${result}).`,
    action: 'NOTIFICATION',
    deliveryMode,
    clientNotificationEndpoint: options.clientNotificationEndpoint ?? 'https://client.example.com/cb',
    clientNotificationToken: options.clientNotificationToken ?? 'client-notification-token',
    authReqId,
    responseContent: JSON.stringify(content),
    ...tokens,
  }
}

/**
 * `action: NOTIFICATION` (ping or push mode).
 */
export function completeNotification(options: MockNotificationOptions = {}): HttpHandler {
  return answerWith(COMPLETE_PATH, () => notificationAnswer(options), options)
}

/**
 * The body of a `NO_ACTION` answer (poll mode).
 */
export function noActionAnswer(): Record<string, unknown> {
  return {
    resultCode: 'A198001',
    resultMessage:
      '[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = AUTHORIZED).',
    action: 'NO_ACTION',
    deliveryMode: 'POLL',
    authReqId: randomId(),
  }
}

/**
 * `action: NO_ACTION` (poll mode): nothing to deliver.
 */
export function completeNoAction(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(COMPLETE_PATH, noActionAnswer, options)
}

/**
 * `action: SERVER_ERROR` (an unknown ticket, or a fault inside Authlete).
 */
export function completeServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(
    COMPLETE_PATH,
    {
      resultCode: 'A199301',
      resultMessage: '[A199301] The ticket is invalid or has expired.',
      action: 'SERVER_ERROR',
    },
    options,
  )
}

/**
 * An `action` Authlete may add later.
 */
export function completeUnknownAction(
  action = 'FUTURE_ACTION',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(COMPLETE_PATH, { resultCode: 'A999999', action }, options)
}

/**
 * A non-2xx answer from Authlete itself.
 */
export function completeApiError(
  status: number,
  resultCode: string,
  resultMessage = 'Mocked error.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return apiErrorWith(COMPLETE_PATH, status, resultCode, resultMessage, options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, `result` and `subject`), then answers `NO_ACTION` (a poll-mode client). For ping and
 * push, use {@link completeNotification} or `createCibaSimulator`.
 */
export function completeAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return completeHandler(async ({ request, params }) => {
    const fields = await acceptRequest(request, params)
    if (fields instanceof Response) return fields
    for (const field of ['ticket', 'result', 'subject']) {
      if (typeof fields[field] !== 'string' || fields[field] === '') return missingField('A199201', field)
    }
    return HttpResponse.json(noActionAnswer())
  }, options)
}
