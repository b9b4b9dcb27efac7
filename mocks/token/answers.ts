/**
 * The bodies of `/auth/token`'s answers, shaped as Authlete's `TokenResponse` (checked against the
 * vendor's OpenAPI documents, v3 and v2, by test/mocks/token/openapi.test.ts). The result codes are the
 * simulator's own: Authlete documents the actions, not which code each case gets.
 *
 * @module
 */

import type { MintedTokens, TokenClient } from './types.js'

type Body = Record<string, unknown>

/** How the client authenticated, in Authlete's `clientAuthMethod` names. */
export type ClientAuthMethod = 'CLIENT_SECRET_BASIC' | 'CLIENT_SECRET_POST'

/** The grant types the simulator plays, in Authlete's `grantType` names. */
export type SimulatedGrantType = 'CIBA' | 'REFRESH_TOKEN'

/** The `responseContent` of an error: `{"error":…,"error_description":…}` (RFC 6749 §5.2). */
export function errorContent(error: string, description: string): string {
  return JSON.stringify({ error, error_description: description })
}

/** `BAD_REQUEST`: the client's request is refused with `error` (RFC 6749 §5.2, CIBA Core §11). */
export function tokenBadRequest(error: string, description: string): Body {
  return {
    resultCode: 'A300301',
    resultMessage: `[A300301] ${description}`,
    action: 'BAD_REQUEST',
    responseContent: errorContent(error, description),
  }
}

/** `INVALID_CLIENT`: the client's authentication failed. */
export function tokenInvalidClient(description: string): Body {
  return {
    resultCode: 'A300302',
    resultMessage: `[A300302] ${description}`,
    action: 'INVALID_CLIENT',
    responseContent: errorContent('invalid_client', description),
  }
}

/** The client's successful token response (RFC 6749 §5.1; OpenID Connect Core §3.1.3.3). */
export function tokenContent(tokens: MintedTokens): string {
  return JSON.stringify({
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    scope: tokens.scopes.join(' '),
    ...(tokens.idToken === undefined ? {} : { id_token: tokens.idToken }),
    token_type: tokens.tokenType,
    expires_in: tokens.accessTokenDuration,
  })
}

/** What an `OK` answer says about the grant, beside the tokens. */
export interface OkDetails {
  client: TokenClient
  /** The client ID the client presented: its alias, or its numeric ID. */
  presentedClientId: string
  clientAuthMethod: ClientAuthMethod
  grantType: SimulatedGrantType
  subject: string
}

/** `OK`: the tokens, in `responseContent` for the client and as fields for the AS. */
export function tokenOk(tokens: MintedTokens, details: OkDetails): Body {
  const { client } = details
  return {
    resultCode: 'A300001',
    resultMessage: `[A300001] The token request (grant_type=${details.grantType === 'CIBA' ? 'urn:openid:params:grant-type:ciba' : 'refresh_token'}) was processed successfully.`,
    action: 'OK',
    responseContent: tokenContent(tokens),
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    accessTokenDuration: tokens.accessTokenDuration,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    refreshTokenDuration: tokens.refreshTokenDuration,
    ...(tokens.idToken === undefined ? {} : { idToken: tokens.idToken }),
    grantType: details.grantType,
    clientId: client.numericId,
    ...(client.alias === undefined ? {} : { clientIdAlias: client.alias }),
    clientIdAliasUsed: client.alias !== undefined && details.presentedClientId === client.alias,
    subject: details.subject,
    scopes: [...tokens.scopes],
    clientAuthMethod: details.clientAuthMethod,
  }
}
