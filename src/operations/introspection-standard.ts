/**
 * `/auth/introspection/standard`: the body of an RFC 7662 introspection request (`token`,
 * `token_type_hint`), as the introspection endpoint received it from a caller it authenticated;
 * Authlete answers the RFC 7662 response, or a signed one (RFC 9701) when the caller asked for
 * `application/token-introspection+jwt`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection/standard
 * @module
 */

import { z } from 'zod'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import { flag, parameters, type RequestOf, requestFields, text } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'

const REQUEST = requestFields('the standard introspection request', {
  /** The caller's request body, exactly as received: `token=…&token_type_hint=access_token`. */
  parameters: parameters(),
  /** Whether the answer shows the token's hidden properties too. */
  withHiddenProperties: flag(),
  /** The caller's URI (a resource server's identifier): the token's audience is checked against it. */
  rsUri: text(),
  /** The caller's `Accept` header: `application/token-introspection+jwt` asks for a signed answer. */
  httpAcceptHeader: text(),
  /** The JWS algorithm of a signed answer. */
  introspectionSignAlg: text(),
  /** The JWE key management algorithm of an encrypted answer. */
  introspectionEncryptionAlg: text(),
  /** The JWE content encryption algorithm of an encrypted answer. */
  introspectionEncryptionEnc: text(),
  /** The shared key that signs the answer (an HMAC algorithm). */
  sharedKeyForSign: text(),
  /** The shared key that encrypts the answer (a symmetric algorithm). */
  sharedKeyForEncryption: text(),
  /** The public key that encrypts the answer (an asymmetric algorithm), as a JWK. */
  publicKeyForEncryption: text(),
})

/** The request of {@link AuthleteClient.introspectionStandard}. */
export type IntrospectionStandardRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const INTROSPECTION_STANDARD_ACTIONS = ['INTERNAL_SERVER_ERROR', 'BAD_REQUEST', 'OK', 'JWT'] as const

/** An `action` value documented for this API. */
export type IntrospectionStandardAction = (typeof INTROSPECTION_STANDARD_ACTIONS)[number]

/** Fields every answer may carry. */
interface IntrospectionStandardFields extends ResultFields {
  /** The response body: RFC 7662 JSON (`OK`), a JWT (`JWT`), or an OAuth error (JSON). */
  responseContent?: string
}

/** The fields an action requires. */
const REQUIRED = {
  OK: { responseContent: 'text' },
  JWT: { responseContent: 'text' },
} as const satisfies Requirements

/** `action: OK`: answer 200 `application/json` with `responseContent` (`{"active":…}`). */
export interface IntrospectionStandardOk
  extends WithRequired<IntrospectionStandardFields, typeof REQUIRED.OK> {
  action: 'OK'
}

/** `action: JWT`: answer 200 `application/token-introspection+jwt` with `responseContent`. */
export interface IntrospectionStandardJwt
  extends WithRequired<IntrospectionStandardFields, typeof REQUIRED.JWT> {
  action: 'JWT'
}

/** `action: BAD_REQUEST`: answer 400 with `responseContent` (`{"error":"invalid_request",…}`). */
export interface IntrospectionStandardBadRequest extends IntrospectionStandardFields {
  action: 'BAD_REQUEST'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface IntrospectionStandardInternalServerError extends IntrospectionStandardFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface IntrospectionStandardUnknownAction extends IntrospectionStandardFields {
  action: UnknownAction
}

/** The validated answer of `/auth/introspection/standard`. Narrow on `action`. */
export type IntrospectionStandardAnswer =
  | IntrospectionStandardOk
  | IntrospectionStandardJwt
  | IntrospectionStandardBadRequest
  | IntrospectionStandardInternalServerError
  | IntrospectionStandardUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const introspectionStandardModel = z.looseObject(resultShape)

/** @internal */
export const introspectionStandard: ModelledOperation<
  IntrospectionStandardRequest,
  IntrospectionStandardAnswer
> = {
  ...AUTHLETE_CALL.introspectionStandard,
  // A read: repeating it changes nothing at Authlete.
  repeatableAfterSend: true,
  secretFields: SECRET_FIELDS.introspectionStandard,
  encode: REQUEST.encode,
  ...answerModel(introspectionStandardModel, REQUIRED),
}
