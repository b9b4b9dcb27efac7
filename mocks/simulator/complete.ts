/**
 * The simulator's `/backchannel/authentication/complete`: the AS reports the user's decision. A live
 * ticket is completed (push mode mints the tokens); any other gets the answer of the table in
 * `createCibaSimulator`'s comment.
 *
 * @module
 */

import { createHash } from 'node:crypto'
import { randomId, textOf } from '../authlete.js'
import {
  checkResult,
  noActionBody,
  notificationBody,
  notificationContent,
  notificationError,
  type PushTokens,
  ticketUnusableBody,
} from '../calls/complete.js'
import { clientFields } from './request.js'
import type { Play, SimulatorState, Ticket } from './state.js'

function positive(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined
}

/** `/complete`'s `claims`, a JSON object or its text; `{}` when it is neither. */
function claimsObject(value: unknown): Record<string, unknown> {
  let claims = value
  if (typeof value === 'string') {
    try {
      claims = JSON.parse(value)
    } catch {
      return {}
    }
  }
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    ? (claims as Record<string, unknown>)
    : {}
}

/** The left half of a SHA-256 digest, base64url: an ID token's `at_hash` / `rt_hash`. */
function halfHash(token: string): string {
  return createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url')
}

/** An unsigned JWT (alg none): Authlete signs its ID tokens with the service's key. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`
}

/** What a push-mode `/complete` mints for an `AUTHORIZED` result. */
function mintTokens(
  state: SimulatorState,
  ticket: Ticket,
  authReqId: string,
  fields: Record<string, unknown>,
): PushTokens {
  const accessTokenDuration = positive(fields.accessTokenDuration) ?? state.accessTokenDuration
  const refreshTokenDuration = positive(fields.refreshTokenDuration) ?? state.refreshTokenDuration
  const accessToken = randomId()
  const refreshToken = randomId()
  const issuedAt = Math.floor(state.now() / 1000)
  const idToken = unsignedJwt({
    ...claimsObject(fields.claims),
    iss: state.issuer,
    sub: textOf(fields.sub) || fields.subject,
    aud: ticket.request.client.clientId,
    iat: issuedAt,
    exp: issuedAt + accessTokenDuration,
    auth_time: positive(fields.authTime),
    acr: textOf(fields.acr),
    at_hash: halfHash(accessToken),
    'urn:openid:params:jwt:claim:rt_hash': halfHash(refreshToken),
    'urn:openid:params:jwt:claim:auth_req_id': authReqId,
  })
  return {
    accessToken,
    accessTokenDuration,
    refreshToken,
    refreshTokenDuration,
    idToken,
    idTokenDuration: accessTokenDuration,
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
  if (client.deliveryMode === 'POLL') {
    authentication.completion = { result, subject, action: 'NO_ACTION' }
    return noActionBody(authReqId, result, clientFields(client))
  }
  const tokens =
    client.deliveryMode === 'PUSH' && result === 'AUTHORIZED'
      ? mintTokens(state, ticket, authReqId, fields)
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
