/**
 * The bodies of the simulator's answers, shaped as Authlete's (and checked against its OpenAPI
 * documents by test/simulator-openapi.test.ts).
 *
 * @module
 */

import { errorContent, randomId } from './authlete.js'
import type { BackchannelRefusal, BackchannelRequest, RegisteredClient } from './simulator-request.js'

type Body = Record<string, unknown>

/** Drops the fields whose value is `undefined`, as Authlete omits absent fields. */
function defined(body: Body): Body {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))
}

function clientFields(client: RegisteredClient): Body {
  return {
    clientId: client.numericId,
    clientIdAlias: client.alias,
    clientIdAliasUsed: client.alias !== undefined,
    clientName: client.clientName,
  }
}

/** `/backchannel/authentication`, `USER_IDENTIFICATION`. */
export function userIdentification(ticket: string, request: BackchannelRequest): Body {
  return defined({
    resultCode: 'A179001',
    resultMessage: '[A179001] The backchannel authentication request was processed successfully.',
    action: 'USER_IDENTIFICATION',
    ticket,
    ...clientFields(request.client),
    clientAuthMethod: request.clientAuthMethod,
    deliveryMode: request.client.deliveryMode,
    hintType: request.hintType,
    hint: request.hint,
    sub: request.sub,
    userCode: request.userCode,
    userCodeRequired: request.client.userCodeRequired === true,
    bindingMessage: request.bindingMessage,
    acrs: request.acrs.length > 0 ? request.acrs : undefined,
    scopes: request.scopes.map((name) => ({ name, defaultEntry: false })),
    requestedExpiry: request.requestedExpiry ?? 0,
    clientNotificationToken: request.clientNotificationToken,
  })
}

/** `/backchannel/authentication`, `BAD_REQUEST` or `UNAUTHORIZED`. */
export function refusal(refused: BackchannelRefusal): Body {
  const resultCode = refused.action === 'UNAUTHORIZED' ? 'A180302' : 'A180301'
  return {
    resultCode,
    resultMessage: `[${resultCode}] ${refused.description}`,
    action: refused.action,
    responseContent: errorContent(refused.error, refused.description),
  }
}

/** `/complete`, `SERVER_ERROR`: the ticket cannot be used (unknown, refused, expired or used). */
export function completeServerError(): Body {
  return {
    resultCode: 'A199301',
    resultMessage: '[A199301] The ticket is invalid or has expired.',
    action: 'SERVER_ERROR',
  }
}

/** `/complete`, `NO_ACTION` (poll mode). */
export function completeNoAction(client: RegisteredClient, authReqId: string, result: string): Body {
  return {
    resultCode: 'A198001',
    resultMessage: `[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = ${result}).`,
    action: 'NO_ACTION',
    ...clientFields(client),
    deliveryMode: 'POLL',
    authReqId,
  }
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

/** What a push-mode `/complete` mints for an `AUTHORIZED` result. */
export function pushTokens(
  claims: Body,
  durations: { accessToken: number; refreshToken: number },
): PushTokens {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return {
    accessToken: randomId(),
    accessTokenDuration: durations.accessToken,
    refreshToken: randomId(),
    refreshTokenDuration: durations.refreshToken,
    // Unsigned (alg none): Authlete signs its ID tokens with the service's key.
    idToken: `${header}.${payload}.`,
    idTokenDuration: durations.accessToken,
  }
}

/**
 * The JSON body of a ping or push notification, CIBA Core §10.2 and §10.3: ping `{"auth_req_id"}`;
 * push the tokens, or `{"auth_req_id","error"}`, as when the request could not be completed.
 */
export function notificationContent(
  authReqId: string,
  outcome:
    | { tokens: PushTokens }
    | { error: string; errorDescription?: string | undefined; errorUri?: string | undefined }
    | undefined,
): string {
  if (outcome === undefined) return JSON.stringify({ auth_req_id: authReqId })
  if ('tokens' in outcome) {
    const { tokens } = outcome
    return JSON.stringify({
      auth_req_id: authReqId,
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      refresh_token: tokens.refreshToken,
      expires_in: tokens.accessTokenDuration,
      id_token: tokens.idToken,
    })
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

/** `/complete`, `NOTIFICATION` (ping and push modes). */
export function completeNotification(
  client: RegisteredClient,
  clientNotificationToken: string | undefined,
  authReqId: string,
  summary: string,
  responseContent: string,
  tokens: PushTokens | undefined,
): Body {
  return defined({
    resultCode: 'A200401',
    resultMessage: `[A200401] The result of the end-user authentication and authorization needs to be sent to the client (mode = ${client.deliveryMode.toLowerCase()}, ${summary}).`,
    action: 'NOTIFICATION',
    ...clientFields(client),
    deliveryMode: client.deliveryMode,
    clientNotificationEndpoint: client.clientNotificationEndpoint,
    clientNotificationToken,
    authReqId,
    responseContent,
    ...tokens,
  })
}
