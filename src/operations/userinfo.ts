/**
 * `/auth/userinfo`: hands Authlete the access token a client presented at the UserInfo endpoint
 * (OpenID Connect Core §5.3), with its DPoP proof or certificate; Authlete checks it and answers
 * which claims the token allows (`claims`, names only) and whose they are (`subject`). The
 * authorization server gathers their values and calls `/auth/userinfo/issue`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo
 * @module
 */

import { z } from 'zod'
import {
  optionalBoolean,
  optionalInteger,
  optionalPairs,
  optionalString,
  optionalStrings,
  type Pair,
  type ResultFields,
  resultShape,
  type UnknownAction,
} from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import { flag, pairs, presentedToken, type RequestOf, requestFields, text } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'
import { optionalProperties, type TokenPropertyAnswer } from './token.js'

/**
 * What a resource request carries of its access token: the token, its DPoP proof and the request
 * it must match, the client's certificate, and the request's headers for message signatures. The
 * fields of `/auth/userinfo` and `/auth/introspection` alike.
 *
 * @internal
 */
export const PRESENTED_TOKEN = {
  /** The access token, from `Authorization: Bearer` or `DPoP`, or the form's `access_token`. */
  token: presentedToken(),
  /** The client's certificate (PEM), for a certificate-bound token (RFC 8705). */
  clientCertificate: text(),
  /** The request's `DPoP` header: the proof for a DPoP-bound token (RFC 9449 §7). */
  dpop: text(),
  /** The request's HTTP method, for the proof's `htm`. */
  htm: text(),
  /**
   * The request's public URL, for the proof's `htu`. Leave it out behind a proxy at the UserInfo
   * endpoint: Authlete then uses the service's `userInfoEndpoint`.
   */
  htu: text(),
  /** The target URI of the request, for HTTP message signatures (RFC 9421). */
  targetUri: text(),
  /** The request's HTTP headers, `{ key, value }` each, for HTTP message signatures. */
  headers: pairs(),
  /** Whether the DPoP proof must carry a nonce the server issued (RFC 9449 §8). */
  dpopNonceRequired: flag(),
  /** Whether the request had a body, for HTTP message signatures. */
  requestBodyContained: flag(),
}

const REQUEST = requestFields('the userinfo request', PRESENTED_TOKEN)

/** The request of {@link AuthleteClient.userinfo}. */
export type UserinfoRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const USERINFO_ACTIONS = [
  'INTERNAL_SERVER_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'OK',
] as const

/** An `action` value documented for this API. */
export type UserinfoAction = (typeof USERINFO_ACTIONS)[number]

/** Fields every answer may carry. */
interface UserinfoFields extends ResultFields {
  /**
   * On an error: an RFC 6750 challenge, the value of the `WWW-Authenticate` header to answer with
   * (`Bearer error="invalid_token",…`, or `DPoP …` for a DPoP-bound token).
   */
  responseContent?: string
  /** The names of the claims the token allows, to fill: `name`, `email`, `name#ja` (a language tag). */
  claims?: string[]
  /** The client's numeric ID. */
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  /** The user the token was issued for. */
  subject?: string
  /** The token's scopes. */
  scopes?: string[]
  /** The access token. */
  token?: string
  properties?: TokenPropertyAnswer[]
  /** The `claims` request parameter's `userinfo` part, as JSON text. */
  userInfoClaims?: string
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  consentedClaims?: string[]
  requestedClaimsForTx?: string[]
  requestedVerifiedClaimsForTx?: string[][]
  transformedClaims?: string
  clientEntityId?: string
  clientEntityIdUsed?: boolean
  /** A nonce to send in the `DPoP-Nonce` header of the answer. */
  dpopNonce?: string
  metadataDocumentLocation?: string
  metadataDocumentUsed?: boolean
}

/** The fields an action requires. */
const REQUIRED = {
  OK: { subject: 'text' },
} as const satisfies Requirements

/** `action: OK`: the token is valid. Gather the values of `claims`, then call `/auth/userinfo/issue`. */
export interface UserinfoOk extends WithRequired<UserinfoFields, typeof REQUIRED.OK> {
  action: 'OK'
}

/** `action: BAD_REQUEST`: no token. Answer 400 with `WWW-Authenticate: {responseContent}`. */
export interface UserinfoBadRequest extends UserinfoFields {
  action: 'BAD_REQUEST'
}

/**
 * `action: UNAUTHORIZED`: the token does not exist, has expired, is not bound to the proof or
 * certificate presented, or has no subject. Answer 401 with `WWW-Authenticate: {responseContent}`.
 */
export interface UserinfoUnauthorized extends UserinfoFields {
  action: 'UNAUTHORIZED'
}

/** `action: FORBIDDEN`: the token lacks the `openid` scope. Answer 403 with `WWW-Authenticate`. */
export interface UserinfoForbidden extends UserinfoFields {
  action: 'FORBIDDEN'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface UserinfoInternalServerError extends UserinfoFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface UserinfoUnknownAction extends UserinfoFields {
  action: UnknownAction
}

/** The validated answer of `/auth/userinfo`. Narrow on `action`. */
export type UserinfoAnswer =
  | UserinfoOk
  | UserinfoBadRequest
  | UserinfoUnauthorized
  | UserinfoForbidden
  | UserinfoInternalServerError
  | UserinfoUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const userinfoModel = z.looseObject({
  ...resultShape,
  claims: optionalStrings,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  subject: optionalString,
  scopes: optionalStrings,
  token: optionalString,
  properties: optionalProperties,
  userInfoClaims: optionalString,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  consentedClaims: optionalStrings,
  requestedClaimsForTx: optionalStrings,
  requestedVerifiedClaimsForTx: z.array(z.array(z.string())).nullish(),
  transformedClaims: optionalString,
  clientEntityId: optionalString,
  clientEntityIdUsed: optionalBoolean,
  dpopNonce: optionalString,
  metadataDocumentLocation: optionalString,
  metadataDocumentUsed: optionalBoolean,
})

/** @internal */
export const userinfo: ModelledOperation<UserinfoRequest, UserinfoAnswer> = {
  ...AUTHLETE_CALL.userinfo,
  // A check, but a DPoP proof is good once: a repeat of a request that reached Authlete would be
  // refused as a replay, answering 401 to a valid token.
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.userinfo,
  encode: REQUEST.encode,
  ...answerModel(userinfoModel, REQUIRED),
}
