/**
 * Authlete's `/auth/token`, as the mocks play it: the call, its result codes and its answers, shaped
 * as Authlete's `TokenResponse` (checked against the vendor's OpenAPI documents, v3 and v2). The
 * default handlers (`../token.ts`) and the simulator's token endpoint (`../token/`) both answer from
 * here. The result codes are this stand-in's own but for `OK`'s: Authlete documents the actions,
 * not which code each case gets.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token
 * @module
 */

import {
  type AuthleteCall,
  errorContent,
  type MockHandlerOptions,
  randomId,
  serverErrorAnswer,
} from '../authlete.js'

/** The 400 result code of a call without `parameters` (this stand-in's code). */
export const MISSING_PARAMETERS_CODE = 'A300201'

/** `POST`, the client's `parameters`: 400 `A300201` without them. */
export const TOKEN: AuthleteCall = {
  method: 'POST',
  paths: { v3: '/api/{serviceId}/auth/token', v2: '/api/auth/token' },
  required: { fields: ['parameters'], code: MISSING_PARAMETERS_CODE },
}

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

/**
 * Options of the mocks' `OK` answer to `/auth/token`.
 */
export interface MockTokenOkOptions extends MockHandlerOptions {
  /**
   * The access token.
   * @default 43 random base64url characters, fresh per call
   */
  accessToken?: string | undefined
  /**
   * The refresh token.
   * @default 43 random base64url characters, fresh per call
   */
  refreshToken?: string | undefined
  /**
   * An ID token to include (the mocks sign nothing: give one, or use `createCibaSimulator`).
   * @default undefined (no ID token)
   */
  idToken?: string | undefined
  /**
   * Seconds.
   * @default 3600
   */
  expiresIn?: number | undefined
  /**
   * @default ['openid']
   */
  scopes?: readonly string[] | undefined
  /**
   * @default 'john'
   */
  subject?: string | undefined
  /**
   * @default 'CIBA'
   */
  grantType?: SimulatedGrantType | undefined
  /**
   * `dpopNonce`: the AS sends it as the `DPoP-Nonce` header.
   * @default undefined
   */
  dpopNonce?: string | undefined
}

/** The mocks' `OK` answer: consistent with itself (`responseContent` agrees with the fields). */
export function tokenOkAnswer(options: MockTokenOkOptions = {}): Record<string, unknown> {
  const expiresIn = options.expiresIn ?? 3600
  const now = Date.now()
  const body = tokenOkBody(
    {
      accessToken: options.accessToken ?? randomId(),
      accessTokenDuration: expiresIn,
      accessTokenExpiresAt: now + expiresIn * 1000,
      refreshToken: options.refreshToken ?? randomId(),
      refreshTokenDuration: 86400,
      refreshTokenExpiresAt: now + 86_400_000,
      idToken: options.idToken,
      scopes: options.scopes ?? ['openid'],
      tokenType: 'Bearer',
    },
    {
      client: { numericId: 26478243745571, alias: undefined },
      presentedClientId: '26478243745571',
      clientAuthMethod: 'CLIENT_SECRET_BASIC',
      grantType: options.grantType ?? 'CIBA',
      subject: options.subject ?? 'john',
    },
  )
  return options.dpopNonce === undefined ? body : { ...body, dpopNonce: options.dpopNonce }
}

/**
 * Options of the `PASSWORD` answer: the resource owner password credentials the AS must check.
 */
export interface MockTokenPasswordOptions extends MockHandlerOptions {
  /**
   * The ticket for `/auth/token/issue` or `/auth/token/fail`.
   * @default 43 random base64url characters, fresh per call
   */
  ticket?: string | undefined
  /** @default 'john' */
  username?: string | undefined
  /** @default 'password' */
  password?: string | undefined
}

/**
 * `PASSWORD`: a resource owner password credentials grant; the AS checks `username` and `password`,
 * then calls `/auth/token/issue` or `/auth/token/fail` with `ticket`.
 */
export function tokenPasswordAnswer(options: MockTokenPasswordOptions = {}): Record<string, unknown> {
  return {
    resultCode: 'A300002',
    resultMessage: '[A300002] The token request (grant_type=password) needs the credentials checked.',
    action: 'PASSWORD',
    ticket: options.ticket ?? randomId(),
    username: options.username ?? 'john',
    password: options.password ?? 'password',
    grantType: 'PASSWORD',
    clientId: 26478243745571,
    clientIdAliasUsed: false,
  }
}
