/**
 * The simulator's `/backchannel/authentication/complete`: the AS reports the user's decision. A live
 * ticket is completed: an `AUTHORIZED` decision is kept for the token endpoint (poll and ping), and
 * push mode mints the tokens there, signed as `/auth/token`'s; any other ticket gets the answer of
 * the table in `createCibaSimulator`'s comment.
 *
 * @module
 */

import { textOf } from '../authlete.js'
import {
  checkResult,
  noActionBody,
  notificationBody,
  notificationContent,
  notificationError,
  type PushTokens,
  ticketUnusableBody,
} from '../calls/complete.js'
import type { TokenDecision } from '../token/types.js'
import { clientFields } from './request.js'
import type { Play, SimulatorState, Ticket } from './state.js'

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

export const playComplete: Play = (state, fields) => {
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
