/**
 * `/auth/token`: hands Authlete the client application's token request, as received; Authlete
 * parses and checks it (client authentication, the grant, DPoP) and answers what to do next. It
 * recognises the CIBA grant (`urn:openid:params:grant-type:ciba`) itself: there is no CIBA action,
 * the CIBA errors (`authorization_pending`, `slow_down`, …) come back as `BAD_REQUEST`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token
 * @module
 */

import { z } from 'zod'
import {
  type AuthorizationDetails,
  type OpenEnum,
  optionalAuthorizationDetails,
  optionalBoolean,
  optionalInteger,
  optionalPairs,
  optionalScopes,
  optionalString,
  optionalStrings,
  type Pair,
  type ResultFields,
  resultShape,
  type Scope,
  type UnknownAction,
} from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import {
  CLIENT_AUTHENTICATION,
  flag,
  jsonObject,
  parameters,
  properties,
  type RequestOf,
  requestFields,
  seconds,
  text,
} from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'

/**
 * What a caller may set of the tokens Authlete issues, at `/auth/token` and `/auth/token/issue`.
 *
 * @internal
 */
export const TOKEN_SETTINGS = {
  /** An access token to use instead of one Authlete generates. */
  accessToken: text(),
  /** Extra claims of a JWT access token: an object or its JSON text. */
  jwtAtClaims: jsonObject(),
  /** Extra properties attached to the tokens. Sent as JSON. */
  properties: properties(),
  /** The access token's lifetime in seconds, overriding the service's. Sent as JSON. */
  accessTokenDuration: seconds(),
  /** The refresh token's lifetime in seconds, overriding the service's. Sent as JSON. */
  refreshTokenDuration: seconds(),
}

const REQUEST = requestFields('the token request', {
  /**
   * The client application's request body, exactly as received (`application/x-www-form-urlencoded`):
   * `grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=…`. Authlete parses it.
   */
  parameters: parameters(),
  ...CLIENT_AUTHENTICATION,
  /** The `DPoP` header of the request: a DPoP proof JWT (RFC 9449). */
  dpop: text(),
  /** The HTTP method of the request, for the DPoP proof's `htm`: `POST`. */
  htm: text(),
  /**
   * The token endpoint's public URL, for the DPoP proof's `htu`. Leave it out behind a proxy (the
   * request URL is not the public one): Authlete then uses the service's `tokenEndpoint`.
   */
  htu: text(),
  ...TOKEN_SETTINGS,
  /** Whether to require a server-issued nonce in the DPoP proof. Sent as JSON. */
  dpopNonceRequired: flag(),
})

/**
 * The request of {@link AuthleteClient.token}.
 */
export type TokenRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API, in the order of Authlete's reference. */
export const TOKEN_ACTIONS = [
  'INTERNAL_SERVER_ERROR',
  'INVALID_CLIENT',
  'BAD_REQUEST',
  'PASSWORD',
  'OK',
  'TOKEN_EXCHANGE',
  'JWT_BEARER',
  'NATIVE_SSO',
  'ID_TOKEN_REISSUABLE',
] as const

/** An `action` value documented for this API. */
export type TokenAction = (typeof TOKEN_ACTIONS)[number]

/** The grant type of the request, in Authlete's names (`CIBA`, `REFRESH_TOKEN`, …). */
export type GrantType = OpenEnum<
  | 'AUTHORIZATION_CODE'
  | 'IMPLICIT'
  | 'PASSWORD'
  | 'CLIENT_CREDENTIALS'
  | 'REFRESH_TOKEN'
  | 'CIBA'
  | 'DEVICE_CODE'
  | 'TOKEN_EXCHANGE'
  | 'JWT_BEARER'
  | 'PRE_AUTHORIZED_CODE'
>

/** An extra property of a token, as Authlete answers it. */
export interface TokenPropertyAnswer {
  key?: string
  value?: string
  hidden?: boolean
  [field: string]: unknown
}

/** What Authlete found in a token of a token-exchange request (`subjectTokenInfo`, `actorTokenInfo`). */
export interface TokenInfo {
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  subject?: string
  scopes?: Scope[]
  expiresAt?: number
  properties?: TokenPropertyAnswer[]
  resources?: string[]
  [field: string]: unknown
}

/**
 * The fields of an answer that issued tokens, at `/auth/token` and `/auth/token/issue` alike.
 *
 * @internal
 */
export interface IssuedTokenFields extends ResultFields {
  /** JSON text for the client application: the body of the token response. */
  responseContent?: string
  accessToken?: string
  /** Milliseconds since the epoch. */
  accessTokenExpiresAt?: number
  /** Seconds. */
  accessTokenDuration?: number
  refreshToken?: string
  refreshTokenExpiresAt?: number
  refreshTokenDuration?: number
  /** The client's numeric ID. */
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  /** The resource owner's subject. */
  subject?: string
  scopes?: string[]
  properties?: TokenPropertyAnswer[]
  jwtAccessToken?: string
  accessTokenResources?: string[]
  authorizationDetails?: AuthorizationDetails
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  clientEntityId?: string
  clientEntityIdUsed?: boolean
  refreshTokenScopes?: string[]
}

/** Fields every answer may carry. All are optional in Authlete's schema. */
interface TokenFields extends IssuedTokenFields {
  /** `PASSWORD`: the resource owner's credentials, to check. */
  username?: string
  password?: string
  /** `PASSWORD`: the ticket for `/auth/token/issue` or `/auth/token/fail`. */
  ticket?: string
  idToken?: string
  /** The grant type of the request. */
  grantType?: GrantType
  resources?: string[]
  additionalClaims?: string
  /** How the client authenticated, e.g. `CLIENT_SECRET_BASIC`. */
  clientAuthMethod?: string
  grantId?: string
  audiences?: string[]
  /** Token exchange (RFC 8693): the request's tokens and what Authlete found in them. */
  requestedTokenType?: string
  subjectToken?: string
  subjectTokenType?: string
  subjectTokenInfo?: TokenInfo
  actorToken?: string
  actorTokenType?: string
  actorTokenInfo?: TokenInfo
  /** `JWT_BEARER` (RFC 7523): the assertion. */
  assertion?: string
  previousRefreshTokenUsed?: boolean
  cnonce?: string
  cnonceExpiresAt?: number
  cnonceDuration?: number
  /** A nonce to send in the `DPoP-Nonce` header of the answer. */
  dpopNonce?: string
  requestedIdTokenClaims?: string[]
  /** `NATIVE_SSO`: the session and device secret. */
  sessionId?: string
  deviceSecret?: string
  deviceSecretHash?: string
  metadataDocumentLocation?: string
  metadataDocumentUsed?: boolean
}

/** The fields an action requires. */
const REQUIRED = {
  OK: { responseContent: 'text', accessToken: 'text' },
  PASSWORD: { ticket: 'text' },
  ID_TOKEN_REISSUABLE: { responseContent: 'text' },
} as const satisfies Requirements

/** `action: OK`: the tokens were issued. Answer 200 with `responseContent`. */
export interface TokenOk extends WithRequired<TokenFields, typeof REQUIRED.OK> {
  action: 'OK'
}

/** `action: BAD_REQUEST`: answer 400 with `responseContent` (`authorization_pending`, `slow_down`, …). */
export interface TokenBadRequest extends TokenFields {
  action: 'BAD_REQUEST'
}

/** `action: INVALID_CLIENT`: client authentication failed. Answer 401 (Basic) or 400 with `responseContent`. */
export interface TokenInvalidClient extends TokenFields {
  action: 'INVALID_CLIENT'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface TokenInternalServerError extends TokenFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/**
 * `action: PASSWORD` (resource owner password credentials): check `username` and `password`, then
 * call `/auth/token/issue` or `/auth/token/fail` with `ticket`.
 */
export interface TokenPassword extends WithRequired<TokenFields, typeof REQUIRED.PASSWORD> {
  action: 'PASSWORD'
}

/** `action: TOKEN_EXCHANGE` (RFC 8693): the authorization server decides and answers itself. */
export interface TokenTokenExchange extends TokenFields {
  action: 'TOKEN_EXCHANGE'
}

/** `action: JWT_BEARER` (RFC 7523): the authorization server decides and answers itself. */
export interface TokenJwtBearer extends TokenFields {
  action: 'JWT_BEARER'
}

/** `action: NATIVE_SSO` (OpenID Connect Native SSO): the authorization server decides and answers itself. */
export interface TokenNativeSso extends TokenFields {
  action: 'NATIVE_SSO'
}

/**
 * `action: ID_TOKEN_REISSUABLE`: a refresh whose ID token may be reissued. Answer 200 with
 * `responseContent` (no ID token is reissued then).
 */
export interface TokenIdTokenReissuable
  extends WithRequired<TokenFields, typeof REQUIRED.ID_TOKEN_REISSUABLE> {
  action: 'ID_TOKEN_REISSUABLE'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface TokenUnknownAction extends TokenFields {
  action: UnknownAction
}

/**
 * The validated answer of `/auth/token`. Narrow on `action`:
 * `if (res.action === 'PASSWORD') res.ticket` is a `string`.
 */
export type TokenAnswer =
  | TokenOk
  | TokenBadRequest
  | TokenInvalidClient
  | TokenInternalServerError
  | TokenPassword
  | TokenTokenExchange
  | TokenJwtBearer
  | TokenNativeSso
  | TokenIdTokenReissuable
  | TokenUnknownAction

/** Authlete's `property`, as it answers it. */
export const optionalProperties = z
  .array(z.looseObject({ key: optionalString, value: optionalString, hidden: optionalBoolean }))
  .nullish()

const optionalTokenInfo = z
  .looseObject({
    clientId: optionalInteger,
    clientIdAlias: optionalString,
    clientIdAliasUsed: optionalBoolean,
    subject: optionalString,
    scopes: optionalScopes,
    expiresAt: optionalInteger,
    properties: optionalProperties,
    resources: optionalStrings,
  })
  .nullish()

/** The model's fields of an answer that issued tokens (see {@link IssuedTokenFields}). @internal */
export const issuedTokenShape = {
  ...resultShape,
  accessToken: optionalString,
  accessTokenExpiresAt: optionalInteger,
  accessTokenDuration: optionalInteger,
  refreshToken: optionalString,
  refreshTokenExpiresAt: optionalInteger,
  refreshTokenDuration: optionalInteger,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  subject: optionalString,
  scopes: optionalStrings,
  properties: optionalProperties,
  jwtAccessToken: optionalString,
  accessTokenResources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  clientEntityId: optionalString,
  clientEntityIdUsed: optionalBoolean,
  refreshTokenScopes: optionalStrings,
}

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenModel = z.looseObject({
  ...issuedTokenShape,
  username: optionalString,
  password: optionalString,
  ticket: optionalString,
  idToken: optionalString,
  grantType: optionalString,
  resources: optionalStrings,
  additionalClaims: optionalString,
  clientAuthMethod: optionalString,
  grantId: optionalString,
  audiences: optionalStrings,
  requestedTokenType: optionalString,
  subjectToken: optionalString,
  subjectTokenType: optionalString,
  subjectTokenInfo: optionalTokenInfo,
  actorToken: optionalString,
  actorTokenType: optionalString,
  actorTokenInfo: optionalTokenInfo,
  assertion: optionalString,
  previousRefreshTokenUsed: optionalBoolean,
  cnonce: optionalString,
  cnonceExpiresAt: optionalInteger,
  cnonceDuration: optionalInteger,
  dpopNonce: optionalString,
  requestedIdTokenClaims: optionalStrings,
  sessionId: optionalString,
  deviceSecret: optionalString,
  deviceSecretHash: optionalString,
  metadataDocumentLocation: optionalString,
  metadataDocumentUsed: optionalBoolean,
})

/** @internal */
export const token: ModelledOperation<TokenRequest, TokenAnswer> = {
  ...AUTHLETE_CALL.token,
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.token,
  encode: REQUEST.encode,
  ...answerModel(tokenModel, REQUIRED),
}
