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
import { AuthleteInputError } from '../errors.js'
import type { Operation } from '../http/operation.js'
import { checkFields, optionalString as optionalText, requiredString } from '../input.js'
import { MAX_PARAMETERS_LENGTH } from './backchannel-authentication.js'
import type { TokenProperty } from './backchannel-complete.js'
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
import { formEncode } from './form.js'
import { modelParser } from './model.js'
import { jsonText, optionalFlag, properties, seconds, strings } from './request-values.js'

/**
 * The request of {@link AuthleteClient.token}.
 */
export interface TokenRequest {
  /**
   * The client application's request body, exactly as received (`application/x-www-form-urlencoded`):
   * `grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=…`. Authlete parses it.
   */
  parameters: string | URLSearchParams
  /** The client ID from the client's `Authorization: Basic` header (`client_secret_basic`). */
  clientId?: string | undefined
  /** The client secret from the client's `Authorization: Basic` header. */
  clientSecret?: string | undefined
  /** The client's certificate (PEM), when it authenticated with mutual TLS. */
  clientCertificate?: string | undefined
  /** The certificate chain below the client's certificate (PEMs), for mutual TLS. Sent as JSON. */
  clientCertificatePath?: readonly string[] | undefined
  /** The `DPoP` header of the request: a DPoP proof JWT (RFC 9449). */
  dpop?: string | undefined
  /** The HTTP method of the request, for the DPoP proof's `htm`: `POST`. */
  htm?: string | undefined
  /**
   * The token endpoint's public URL, for the DPoP proof's `htu`. Leave it out behind a proxy (the
   * request URL is not the public one): Authlete then uses the service's `tokenEndpoint`.
   */
  htu?: string | undefined
  /** Extra properties attached to the tokens. Sent as JSON. */
  properties?: readonly TokenProperty[] | undefined
  /** An access token to use instead of one Authlete generates. */
  accessToken?: string | undefined
  /** Extra claims of a JWT access token: an object or its JSON text. */
  jwtAtClaims?: string | Record<string, unknown> | undefined
  /** The access token's lifetime in seconds, overriding the service's. Sent as JSON. */
  accessTokenDuration?: number | undefined
  /** The refresh token's lifetime in seconds, overriding the service's. Sent as JSON. */
  refreshTokenDuration?: number | undefined
  /** Whether to require a server-issued nonce in the DPoP proof. Sent as JSON. */
  dpopNonceRequired?: boolean | undefined
  /** The `OAuth-Client-Attestation` header (attestation-based client authentication). */
  oauthClientAttestation?: string | undefined
  /** The `OAuth-Client-Attestation-PoP` header. */
  oauthClientAttestationPop?: string | undefined
}

/**
 * The request fields that carry a credential, and the form parameters of `parameters` that do:
 * kept out of logs and error messages.
 */
export const TOKEN_SECRET_FIELDS = [
  'clientSecret',
  'accessToken',
  'dpop',
  'oauthClientAttestation',
  'oauthClientAttestationPop',
] as const
export const TOKEN_SECRET_PARAMETERS = [
  'client_secret',
  'client_assertion',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'auth_req_id',
  'device_code',
  'subject_token',
  'actor_token',
  'assertion',
] as const

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

/** Fields every answer may carry. All are optional in Authlete's schema. */
interface TokenFields extends ResultFields {
  /** JSON text for the client application: the body of the token response. */
  responseContent?: string
  /** `PASSWORD`: the resource owner's credentials, to check. */
  username?: string
  password?: string
  /** `PASSWORD`: the ticket for `/auth/token/issue` or `/auth/token/fail`. */
  ticket?: string
  accessToken?: string
  /** Milliseconds since the epoch. */
  accessTokenExpiresAt?: number
  /** Seconds. */
  accessTokenDuration?: number
  refreshToken?: string
  refreshTokenExpiresAt?: number
  refreshTokenDuration?: number
  idToken?: string
  /** The grant type of the request. */
  grantType?: GrantType
  /** The client's numeric ID. */
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  /** The resource owner's subject. */
  subject?: string
  scopes?: string[]
  properties?: TokenPropertyAnswer[]
  jwtAccessToken?: string
  resources?: string[]
  accessTokenResources?: string[]
  authorizationDetails?: AuthorizationDetails
  additionalClaims?: string
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
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
  clientEntityId?: string
  clientEntityIdUsed?: boolean
  cnonce?: string
  cnonceExpiresAt?: number
  cnonceDuration?: number
  /** A nonce to send in the `DPoP-Nonce` header of the answer. */
  dpopNonce?: string
  requestedIdTokenClaims?: string[]
  refreshTokenScopes?: string[]
  /** `NATIVE_SSO`: the session and device secret. */
  sessionId?: string
  deviceSecret?: string
  deviceSecretHash?: string
  metadataDocumentLocation?: string
  metadataDocumentUsed?: boolean
}

/** `action: OK`: the tokens were issued. Answer 200 with `responseContent`. */
export interface TokenOk extends TokenFields {
  action: 'OK'
  responseContent: string
  accessToken: string
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
export interface TokenPassword extends TokenFields {
  action: 'PASSWORD'
  ticket: string
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
export interface TokenIdTokenReissuable extends TokenFields {
  action: 'ID_TOKEN_REISSUABLE'
  responseContent: string
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface TokenUnknownAction extends TokenFields {
  action: UnknownAction
}

/**
 * The validated answer of `/auth/token`. Narrow on `action`:
 * `if (res.action === 'PASSWORD') res.ticket` is a `string`.
 */
export type TokenResponse =
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

const FIELDS: ReadonlySet<string> = new Set<keyof TokenRequest>([
  'parameters',
  'clientId',
  'clientSecret',
  'clientCertificate',
  'clientCertificatePath',
  'dpop',
  'htm',
  'htu',
  'properties',
  'accessToken',
  'jwtAtClaims',
  'accessTokenDuration',
  'refreshTokenDuration',
  'dpopNonceRequired',
  'oauthClientAttestation',
  'oauthClientAttestationPop',
])

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

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenModel = z.looseObject({
  ...resultShape,
  username: optionalString,
  password: optionalString,
  ticket: optionalString,
  accessToken: optionalString,
  accessTokenExpiresAt: optionalInteger,
  accessTokenDuration: optionalInteger,
  refreshToken: optionalString,
  refreshTokenExpiresAt: optionalInteger,
  refreshTokenDuration: optionalInteger,
  idToken: optionalString,
  grantType: optionalString,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  subject: optionalString,
  scopes: optionalStrings,
  properties: optionalProperties,
  jwtAccessToken: optionalString,
  resources: optionalStrings,
  accessTokenResources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  additionalClaims: optionalString,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
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
  clientEntityId: optionalString,
  clientEntityIdUsed: optionalBoolean,
  cnonce: optionalString,
  cnonceExpiresAt: optionalInteger,
  cnonceDuration: optionalInteger,
  dpopNonce: optionalString,
  requestedIdTokenClaims: optionalStrings,
  refreshTokenScopes: optionalStrings,
  sessionId: optionalString,
  deviceSecret: optionalString,
  deviceSecretHash: optionalString,
  metadataDocumentLocation: optionalString,
  metadataDocumentUsed: optionalBoolean,
})

function encode(request: TokenRequest) {
  const fields = checkFields(request, FIELDS, 'the token request')
  const raw = fields.parameters
  if (raw === undefined) throw new AuthleteInputError('parameters', 'is required')
  const body = {
    parameters: requiredString(
      raw instanceof URLSearchParams ? raw.toString() : raw,
      'parameters',
      MAX_PARAMETERS_LENGTH,
    ),
    clientId: optionalText(fields.clientId, 'clientId'),
    clientSecret: optionalText(fields.clientSecret, 'clientSecret'),
    clientCertificate: optionalText(fields.clientCertificate, 'clientCertificate'),
    dpop: optionalText(fields.dpop, 'dpop'),
    htm: optionalText(fields.htm, 'htm'),
    htu: optionalText(fields.htu, 'htu'),
    accessToken: optionalText(fields.accessToken, 'accessToken'),
    jwtAtClaims: jsonText(fields.jwtAtClaims, 'jwtAtClaims'),
    oauthClientAttestation: optionalText(fields.oauthClientAttestation, 'oauthClientAttestation'),
    oauthClientAttestationPop: optionalText(fields.oauthClientAttestationPop, 'oauthClientAttestationPop'),
  }
  const more = {
    clientCertificatePath: strings(fields.clientCertificatePath, 'clientCertificatePath'),
    properties: properties(fields.properties),
    accessTokenDuration: seconds(fields.accessTokenDuration, 'accessTokenDuration'),
    refreshTokenDuration: seconds(fields.refreshTokenDuration, 'refreshTokenDuration'),
    dpopNonceRequired: optionalFlag(fields.dpopNonceRequired, 'dpopNonceRequired'),
  }
  // A form has text only: a list, a number or a flag goes as JSON (Authlete takes both bodies).
  for (const key in more) {
    if (more[key as keyof typeof more] !== undefined) return { json: JSON.stringify({ ...body, ...more }) }
  }
  return { form: formEncode(body) }
}

/** @internal */
export const token: Operation<TokenRequest, TokenResponse> = {
  name: 'token',
  path: '/auth/token',
  repeatableAfterSend: false,
  secretFields: [...TOKEN_SECRET_FIELDS, ...TOKEN_SECRET_PARAMETERS.map((name) => `parameters.${name}`)],
  encode,
  parse: modelParser(tokenModel, [
    { action: 'OK', fields: { responseContent: 'text', accessToken: 'text' } },
    { action: 'PASSWORD', fields: { ticket: 'text' } },
    { action: 'ID_TOKEN_REISSUABLE', fields: { responseContent: 'text' } },
  ]),
}
