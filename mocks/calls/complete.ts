/**
 * Authlete's `/backchannel/authentication/complete`, as the mocks play it: the call, its request
 * checks, its result codes and its answers. The default handlers (`../complete.ts`) and the
 * simulator both answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import { BACKCHANNEL_COMPLETE_RESULTS } from '../../src/operations/values.js'
import { type AuthleteCall, defined, invalidField, type MockHandlerOptions, randomId } from '../authlete.js'

/**
 * `POST`, a `ticket`, `result` and `subject`: 400 `A199201` without one (this stand-in's code:
 * Authlete documents none).
 */
export const COMPLETE: AuthleteCall = {
  method: 'POST',
  paths: {
    v3: '/api/{serviceId}/backchannel/authentication/complete',
    v2: '/api/backchannel/authentication/complete',
  },
  required: { fields: ['ticket', 'result', 'subject'], code: 'A199201' },
}

const RESULTS: ReadonlySet<unknown> = new Set(BACKCHANNEL_COMPLETE_RESULTS)

/** 400 `A199202` for a `result` Authlete does not know; `undefined` when it knows it. */
export function checkResult(fields: Record<string, unknown>): Response | undefined {
  return RESULTS.has(fields.result) ? undefined : invalidField('A199202', 'result')
}

/** The tokens a push notification delivers. */
export interface PushTokens {
  accessToken: string
  accessTokenDuration: number
  refreshToken: string
  refreshTokenDuration: number
  idToken: string
  idTokenDuration: number
}

/** The tokens a push notification's body names (a refresh token is optional). */
type DeliveredTokens = Pick<PushTokens, 'accessToken' | 'accessTokenDuration' | 'idToken'> & {
  refreshToken?: string | undefined
}

/**
 * The error a push notification reports for a result other than `AUTHORIZED`: Authlete's
 * `/complete` reference has `TRANSACTION_FAILED` behave as `ACCESS_DENIED`, with `expired_token`.
 */
export function notificationError(result: string): 'access_denied' | 'expired_token' {
  return result === 'ACCESS_DENIED' ? 'access_denied' : 'expired_token'
}

/**
 * The JSON body of a ping or push notification, CIBA Core §10.2 and §10.3: ping `{"auth_req_id"}`;
 * push the tokens, or `{"auth_req_id","error"}`, as when the request could not be completed.
 */
export function notificationContent(
  authReqId: string,
  outcome:
    | { tokens: DeliveredTokens }
    | { error: string; errorDescription?: string | undefined; errorUri?: string | undefined }
    | undefined,
): string {
  if (outcome === undefined) return JSON.stringify({ auth_req_id: authReqId })
  if ('tokens' in outcome) {
    const { tokens } = outcome
    return JSON.stringify(
      defined({
        auth_req_id: authReqId,
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        refresh_token: tokens.refreshToken,
        expires_in: tokens.accessTokenDuration,
        id_token: tokens.idToken,
      }),
    )
  }
  return JSON.stringify(
    defined({
      auth_req_id: authReqId,
      error: outcome.error,
      error_description: outcome.errorDescription,
      error_uri: outcome.errorUri,
    }),
  )
}

/** What a `NOTIFICATION` answer carries. */
export interface NotificationFields {
  deliveryMode: 'PING' | 'PUSH'
  /** The end of the result message, e.g. `result = AUTHORIZED`. */
  summary: string
  /** The client's fields (`clientId`, `clientName`, …), when the answer names the client. */
  client?: Record<string, unknown> | undefined
  clientNotificationEndpoint: string | undefined
  clientNotificationToken: string | undefined
  authReqId: string
  responseContent: string
  tokens?: Partial<PushTokens> | undefined
}

/** The body of a `NOTIFICATION` answer (ping and push modes). */
export function notificationBody(fields: NotificationFields): Record<string, unknown> {
  const { deliveryMode, summary } = fields
  return defined({
    resultCode: 'A200401',
    resultMessage: `[A200401] The result of the end-user authentication and authorization needs to be sent to the client (mode = ${deliveryMode.toLowerCase()}, ${summary}).`,
    action: 'NOTIFICATION',
    ...fields.client,
    deliveryMode,
    clientNotificationEndpoint: fields.clientNotificationEndpoint,
    clientNotificationToken: fields.clientNotificationToken,
    authReqId: fields.authReqId,
    responseContent: fields.responseContent,
    ...fields.tokens,
  })
}

/** The body of a `NO_ACTION` answer (poll mode), with the client's fields when it names the client. */
export function noActionBody(
  authReqId: string,
  result: string,
  client: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    resultCode: 'A198001',
    resultMessage: `[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = ${result}).`,
    action: 'NO_ACTION',
    ...client,
    deliveryMode: 'POLL',
    authReqId,
  }
}

/** The body of a `SERVER_ERROR` answer: the ticket cannot be used (unknown, refused, expired or used). */
export function ticketUnusableBody(): Record<string, unknown> {
  return {
    resultCode: 'A199301',
    resultMessage: '[A199301] The ticket is invalid or has expired.',
    action: 'SERVER_ERROR',
  }
}

/**
 * Options of `completeNotification`.
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
  const outcome =
    deliveryMode === 'PING' ? undefined : tokens ? { tokens } : { error: notificationError(result) }
  return notificationBody({
    deliveryMode,
    summary: `result = ${result}`,
    clientNotificationEndpoint: options.clientNotificationEndpoint ?? 'https://client.example.com/cb',
    clientNotificationToken: options.clientNotificationToken ?? 'client-notification-token',
    authReqId,
    responseContent: notificationContent(authReqId, outcome),
    tokens,
  })
}

/**
 * The body of a `NO_ACTION` answer (poll mode).
 */
export function noActionAnswer(): Record<string, unknown> {
  return noActionBody(randomId(), 'AUTHORIZED')
}
