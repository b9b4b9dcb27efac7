/**
 * Authlete's `/backchannel/authentication/complete`, as the mocks play it: its request checks,
 * result codes and answers, its default handler and scenario helpers, and the simulator's play. A
 * live ticket is completed: an `AUTHORIZED` decision is kept for the token endpoint (poll and ping),
 * and push mode mints the tokens there, signed as `/auth/token`'s; any other ticket gets the answer
 * of the table in `createCibaSimulator`'s comment.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { BACKCHANNEL_COMPLETE_RESULTS } from '../../src/operations/values.js'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  defined,
  invalidField,
  type MockHandlerOptions,
  mockedCall,
  randomId,
  receiveCall,
  textOf,
} from '../authlete.js'
import { clientFields } from '../simulator/request.js'
import type { Play, SimulatorState, Ticket } from '../simulator/state.js'
import type { PushTokens } from '../simulator/types.js'
import type { TokenDecision } from '../token/types.js'

/** A `ticket`, a `result` and a `subject`: 400 `A199201` without one (this stand-in's code). */
export const BACKCHANNEL_COMPLETE: AuthleteCall = mockedCall('backchannelComplete', {
  fields: ['ticket', 'result', 'subject'],
  code: 'A199201',
})

const RESULTS: ReadonlySet<unknown> = new Set(BACKCHANNEL_COMPLETE_RESULTS)

/** 400 `A199202` for a `result` Authlete does not know; `undefined` when it knows it. */
export function checkResult(fields: Record<string, unknown>): Response | undefined {
  return RESULTS.has(fields.result) ? undefined : invalidField('A199202', 'result')
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
 * Options of `backchannelCompleteNotification`.
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

const helpers = callHelpers(BACKCHANNEL_COMPLETE)

/**
 * Your own msw resolver on the `/backchannel/authentication/complete` endpoint (v3 and v2 paths).
 */
export const backchannelCompleteHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const backchannelCompleteUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const backchannelCompleteApiError = helpers.apiError

/**
 * `action: NOTIFICATION` (ping or push mode).
 */
export function backchannelCompleteNotification(options: MockNotificationOptions = {}): HttpHandler {
  return answerWith(BACKCHANNEL_COMPLETE, () => notificationAnswer(options), options)
}

/**
 * `action: NO_ACTION` (poll mode): nothing to deliver.
 */
export function backchannelCompleteNoAction(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(BACKCHANNEL_COMPLETE, noActionAnswer, options)
}

/**
 * `action: SERVER_ERROR` (an unknown ticket, or a fault inside Authlete).
 */
export function backchannelCompleteServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(BACKCHANNEL_COMPLETE, ticketUnusableBody(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `result` Authlete knows and `subject`), then answers `NO_ACTION` (a poll-mode
 * client). For ping and push, use {@link backchannelCompleteNotification} or `createCibaSimulator`.
 */
export function backchannelCompleteAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelCompleteHandler(async (info) => {
    const { received, refused } = await receiveCall(BACKCHANNEL_COMPLETE, info)
    if (refused) return refused
    return checkResult(received.fields ?? {}) ?? HttpResponse.json(noActionAnswer())
  }, options)
}

function positive(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined
}

/** `/complete`'s `claims`, a JSON object or its text; `undefined` when it is neither. */
function claimsObject(value: unknown): Record<string, unknown> | undefined {
  let claims = value
  if (typeof value === 'string') {
    try {
      claims = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    ? (claims as Record<string, unknown>)
    : undefined
}

/** `/complete`'s `scopes` (a form repeats the field: one value is a string); `undefined` if none. */
function scopesOf(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  const scopes = list.filter((scope): scope is string => typeof scope === 'string' && scope !== '')
  return scopes.length > 0 ? scopes : undefined
}

/** What an `AUTHORIZED` `/complete` reported: the token endpoint mints the tokens from it. */
function decisionOf(fields: Record<string, unknown>): TokenDecision {
  return {
    subject: fields.subject as string,
    sub: textOf(fields.sub) || undefined,
    authTime: positive(fields.authTime),
    acr: textOf(fields.acr) || undefined,
    claims: claimsObject(fields.claims),
    scopes: scopesOf(fields.scopes),
  }
}

/** What a push-mode `/complete` delivers for `AUTHORIZED`: minted and signed as `/auth/token`'s. */
function pushTokens(
  state: SimulatorState,
  ticket: Ticket,
  authReqId: string,
  decision: TokenDecision,
  fields: Record<string, unknown>,
): PushTokens {
  const minted = state.token.mint({
    client: ticket.request.client,
    decision,
    scopes: decision.scopes ?? ticket.request.scopes,
    authReqId,
    push: true,
    accessTokenDuration: positive(fields.accessTokenDuration),
    refreshTokenDuration: positive(fields.refreshTokenDuration),
  })
  return {
    accessToken: minted.accessToken,
    accessTokenDuration: minted.accessTokenDuration,
    refreshToken: minted.refreshToken,
    refreshTokenDuration: minted.refreshTokenDuration,
    idToken: minted.idToken as string,
    idTokenDuration: minted.idTokenDuration,
  }
}

/** The `NOTIFICATION` answer for `ticket`'s client. */
function notification(
  ticket: Ticket,
  authReqId: string,
  summary: string,
  responseContent: string,
  tokens?: PushTokens,
) {
  const { client, clientNotificationToken } = ticket.request
  return notificationBody({
    deliveryMode: client.deliveryMode as 'PING' | 'PUSH',
    summary,
    client: clientFields(client),
    clientNotificationEndpoint: client.clientNotificationEndpoint,
    clientNotificationToken,
    authReqId,
    responseContent,
    tokens,
  })
}

/** `/complete` for a ticket that was issued but cannot be completed any more. */
function unusable(ticket: Ticket, authReqId: string) {
  if (ticket.request.client.deliveryMode === 'POLL') return ticketUnusableBody()
  const error = ticket.state === 'issued' ? 'expired_token' : 'server_error'
  return notification(ticket, authReqId, `error = ${error}`, notificationContent(authReqId, { error }))
}

export const playBackchannelComplete: Play = (state, fields) => {
  const invalid = checkResult(fields)
  if (invalid) return invalid
  const ticket = state.tickets.get(fields.ticket as string)
  const authentication = ticket?.authentication
  if (ticket === undefined || authentication === undefined) return ticketUnusableBody()
  const { authReqId } = authentication
  if (ticket.state !== 'issued' || state.expired(ticket)) return unusable(ticket, authReqId)

  const { client } = ticket.request
  const result = fields.result as string
  const subject = fields.subject as string
  ticket.state = 'completed'
  if (result === 'AUTHORIZED') ticket.decision = decisionOf(fields)
  if (client.deliveryMode === 'POLL') {
    authentication.completion = { result, subject, action: 'NO_ACTION' }
    return noActionBody(authReqId, result, clientFields(client))
  }
  const tokens =
    client.deliveryMode === 'PUSH' && ticket.decision !== undefined
      ? pushTokens(state, ticket, authReqId, ticket.decision, fields)
      : undefined
  const refusedBy = {
    error: notificationError(result),
    errorDescription: textOf(fields.errorDescription),
    errorUri: textOf(fields.errorUri),
  }
  // Ping carries the auth_req_id alone, whatever the result: the client learns it at the token endpoint.
  const outcome = client.deliveryMode === 'PING' ? undefined : tokens ? { tokens } : refusedBy
  const responseContent = notificationContent(authReqId, outcome)
  authentication.completion = {
    result,
    subject,
    action: 'NOTIFICATION',
    responseContent,
    ...(tokens && { tokens }),
  }
  return notification(ticket, authReqId, `result = ${result}`, responseContent, tokens)
}
