/**
 * How Authlete words its answers to `/auth/token`: shaped as Authlete's `TokenResponse` (checked
 * against the vendor's OpenAPI documents, v3 and v2), for the simulator's token endpoint and the
 * call's default handler (`../calls/token.ts`) alike. The result codes are this stand-in's own but
 * for `OK`'s: Authlete documents the actions, not which code each case gets.
 *
 * @module
 */

import { errorContent, serverErrorAnswer } from '../authlete.js'

/** The 400 result code of a call without `parameters` (this stand-in's code). */
export const MISSING_PARAMETERS_CODE = 'A300201'

/** The CIBA grant type (CIBA Core §10.1). */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba'

/** How the client authenticated, in Authlete's `clientAuthMethod` names. */
export type ClientAuthMethod = 'CLIENT_SECRET_BASIC' | 'CLIENT_SECRET_POST'

/** The grant types the simulator plays, in Authlete's `grantType` names. */
export type SimulatedGrantType = 'CIBA' | 'REFRESH_TOKEN'

const GRANT_TYPE_PARAMETER: Readonly<Record<SimulatedGrantType, string>> = {
  CIBA: CIBA_GRANT_TYPE,
  REFRESH_TOKEN: 'refresh_token',
}

/** `BAD_REQUEST`: the client's request is refused with `error` (RFC 6749 §5.2, CIBA Core §11). */
export function tokenBadRequestAnswer(error: string, description: string): Record<string, unknown> {
  return {
    resultCode: 'A300301',
    resultMessage: `[A300301] ${description}`,
    action: 'BAD_REQUEST',
    responseContent: errorContent(error, description),
  }
}

/** `INVALID_CLIENT`: the client's authentication failed. */
export function tokenInvalidClientAnswer(
  description = 'Client authentication failed.',
): Record<string, unknown> {
  return {
    resultCode: 'A300302',
    resultMessage: `[A300302] ${description}`,
    action: 'INVALID_CLIENT',
    responseContent: errorContent('invalid_client', description),
  }
}

/** `INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200. */
export function tokenInternalServerErrorAnswer(): Record<string, unknown> {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A300101', 'An error occurred on the Authlete server.')
}

/** The tokens of an `OK` answer (the field names of Authlete's answer). */
export interface TokenAnswerTokens {
  accessToken: string
  /** Seconds. */
  accessTokenDuration: number
  /** Milliseconds since the epoch. */
  accessTokenExpiresAt: number
  refreshToken: string
  refreshTokenDuration: number
  refreshTokenExpiresAt: number
  /** Absent when the grant issues none (a refresh). */
  idToken?: string | undefined
  /** The scopes the access token covers. */
  scopes: readonly string[]
  /** `Bearer`, or `DPoP` for a token bound to a DPoP key. */
  tokenType: 'Bearer' | 'DPoP'
}

/** The client's successful token response (RFC 6749 §5.1; OpenID Connect Core §3.1.3.3). */
export function tokenContent(tokens: TokenAnswerTokens): string {
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
  /** The client: its numeric ID, and its alias if it has one. */
  client: { readonly numericId: number; readonly alias: string | undefined }
  /** The client ID the client presented: its alias, or its numeric ID. */
  presentedClientId: string
  clientAuthMethod: ClientAuthMethod
  grantType: SimulatedGrantType
  subject: string
}

/** `OK`: the tokens, in `responseContent` for the client and as fields for the AS. */
export function tokenOkBody(tokens: TokenAnswerTokens, details: OkDetails): Record<string, unknown> {
  const { client } = details
  return {
    resultCode: 'A300001',
    resultMessage: `[A300001] The token request (grant_type=${GRANT_TYPE_PARAMETER[details.grantType]}) was processed successfully.`,
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
