/**
 * `/auth/introspection`: a resource server's check of the access token a request presented, with
 * its DPoP proof or certificate, against the scopes (and subject) the resource requires. Authlete
 * answers whether the token is usable and sufficient, and whose it is; on an error, the RFC 6750
 * challenge to answer with. `validateAccessToken` runs it for a resource server.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection
 * @module
 */

import { z } from 'zod'
import {
  type AuthorizationDetails,
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
import { answerModel, type ModelledOperation } from './model.js'
import { type RequestOf, requestFields, seconds, strings, text } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'
import { type GrantType, optionalProperties, type TokenPropertyAnswer } from './token.js'
import { PRESENTED_TOKEN } from './userinfo.js'

const REQUEST = requestFields('the introspection request', {
  ...PRESENTED_TOKEN,
  /** The scopes the resource requires: one the token does not cover answers `FORBIDDEN`. */
  scopes: strings(),
  /** The subject the resource requires: another answers `FORBIDDEN`. */
  subject: text(),
  /** The resources (RFC 8707) the token must be for. */
  resources: strings(),
  /** ACR values one of which the token's authentication must have met. */
  acrValues: strings(),
  /** The longest time since the token's authentication, in seconds. */
  maxAge: seconds(),
  /** The HTTP message components the request's signature must cover (RFC 9421). */
  requiredComponents: strings(),
})

/** The request of {@link AuthleteClient.introspection}. */
export type IntrospectionRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const INTROSPECTION_ACTIONS = [
  'INTERNAL_SERVER_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'OK',
] as const

/** An `action` value documented for this API. */
export type IntrospectionAction = (typeof INTROSPECTION_ACTIONS)[number]

/** A grant of RFC 9396 / FAPI 2 Grant Management: what the token's grant covers. */
export interface Grant {
  scopes?: Array<{ scope?: string; resource?: string[]; [field: string]: unknown }>
  claims?: string[]
  authorizationDetails?: AuthorizationDetails
  [field: string]: unknown
}

/** Fields every answer may carry. */
interface IntrospectionFields extends ResultFields {
  /**
   * On an error: an RFC 6750 challenge, the value of the `WWW-Authenticate` header to answer with
   * (`Bearer error="invalid_token",…`, `Bearer error="insufficient_scope",scope="…"`, or `DPoP …`).
   */
  responseContent?: string
  /** The client's numeric ID. */
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  /** When the token expires, in milliseconds since the epoch. */
  expiresAt?: number
  /** The user the token was issued for (none for a client credentials token). */
  subject?: string
  scopes?: string[]
  /** Whether the token exists. */
  existent?: boolean
  /** Whether it exists and has not expired. */
  usable?: boolean
  /** Whether it covers the scopes (and subject) asked for. */
  sufficient?: boolean
  /** Whether its refresh token can still be used. */
  refreshable?: boolean
  properties?: TokenPropertyAnswer[]
  /** The SHA-256 thumbprint of the certificate the token is bound to (RFC 8705). */
  certificateThumbprint?: string
  resources?: string[]
  accessTokenResources?: string[]
  authorizationDetails?: AuthorizationDetails
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  scopeDetails?: Scope[]
  grantId?: string
  grant?: Grant
  forExternalAttachment?: boolean
  consentedClaims?: string[]
  /** The grant type the token came from. */
  grantType?: GrantType
  acr?: string
  /** When the user authenticated, in seconds since the epoch. */
  authTime?: number
  clientEntityId?: string
  clientEntityIdUsed?: boolean
  forCredentialIssuance?: boolean
  cnonce?: string
  cnonceExpiresAt?: number
  issuableCredentials?: string
  /** A nonce to send in the `DPoP-Nonce` header of the answer. */
  dpopNonce?: string
  responseSigningRequired?: boolean
  metadataDocumentLocation?: string
  metadataDocumentUsed?: boolean
}

/** `action: OK`: the token is valid and sufficient. Serve the request. */
export interface IntrospectionOk extends IntrospectionFields {
  action: 'OK'
}

/** `action: BAD_REQUEST`: no token. Answer 400 with `WWW-Authenticate: {responseContent}`. */
export interface IntrospectionBadRequest extends IntrospectionFields {
  action: 'BAD_REQUEST'
}

/**
 * `action: UNAUTHORIZED`: the token does not exist, has expired, or is not bound to the proof or
 * certificate presented. Answer 401 with `WWW-Authenticate: {responseContent}`.
 */
export interface IntrospectionUnauthorized extends IntrospectionFields {
  action: 'UNAUTHORIZED'
}

/**
 * `action: FORBIDDEN`: the token does not cover the scopes required, or is another subject's.
 * Answer 403 with `WWW-Authenticate: {responseContent}`.
 */
export interface IntrospectionForbidden extends IntrospectionFields {
  action: 'FORBIDDEN'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface IntrospectionInternalServerError extends IntrospectionFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface IntrospectionUnknownAction extends IntrospectionFields {
  action: UnknownAction
}

/** The validated answer of `/auth/introspection`. Narrow on `action`. */
export type IntrospectionAnswer =
  | IntrospectionOk
  | IntrospectionBadRequest
  | IntrospectionUnauthorized
  | IntrospectionForbidden
  | IntrospectionInternalServerError
  | IntrospectionUnknownAction

const optionalGrant = z
  .looseObject({
    scopes: z.array(z.looseObject({ scope: optionalString, resource: optionalStrings })).nullish(),
    claims: optionalStrings,
    authorizationDetails: optionalAuthorizationDetails,
  })
  .nullish()

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const introspectionModel = z.looseObject({
  ...resultShape,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  expiresAt: optionalInteger,
  subject: optionalString,
  scopes: optionalStrings,
  existent: optionalBoolean,
  usable: optionalBoolean,
  sufficient: optionalBoolean,
  refreshable: optionalBoolean,
  properties: optionalProperties,
  certificateThumbprint: optionalString,
  resources: optionalStrings,
  accessTokenResources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  scopeDetails: optionalScopes,
  grantId: optionalString,
  grant: optionalGrant,
  forExternalAttachment: optionalBoolean,
  consentedClaims: optionalStrings,
  grantType: optionalString,
  acr: optionalString,
  authTime: optionalInteger,
  clientEntityId: optionalString,
  clientEntityIdUsed: optionalBoolean,
  forCredentialIssuance: optionalBoolean,
  cnonce: optionalString,
  cnonceExpiresAt: optionalInteger,
  issuableCredentials: optionalString,
  dpopNonce: optionalString,
  responseSigningRequired: optionalBoolean,
  metadataDocumentLocation: optionalString,
  metadataDocumentUsed: optionalBoolean,
})

/** @internal */
export const introspection: ModelledOperation<IntrospectionRequest, IntrospectionAnswer> = {
  ...AUTHLETE_CALL.introspection,
  // A check, but a DPoP proof is good once: a repeat of a request that reached Authlete would be
  // refused as a replay, answering 401 to a valid token.
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.introspection,
  encode: REQUEST.encode,
  ...answerModel(introspectionModel),
}
