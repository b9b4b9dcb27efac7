/**
 * `/auth/revocation`: hands Authlete a client's RFC 7009 revocation request, as received, with the
 * client's credentials; Authlete authenticates the client and revokes the token if it is that
 * client's (a refresh token with the access tokens of its grant).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/revocation
 * @module
 */

import { z } from 'zod'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation } from './model.js'
import { CLIENT_AUTHENTICATION, parameters, type RequestOf, requestFields } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'

const REQUEST = requestFields('the revocation request', {
  /** The client's request body, exactly as received: `token=…&token_type_hint=refresh_token`. */
  parameters: parameters(),
  ...CLIENT_AUTHENTICATION,
})

/** The request of {@link AuthleteClient.revocation}. */
export type RevocationRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const REVOCATION_ACTIONS = ['INTERNAL_SERVER_ERROR', 'INVALID_CLIENT', 'BAD_REQUEST', 'OK'] as const

/** An `action` value documented for this API. */
export type RevocationAction = (typeof REVOCATION_ACTIONS)[number]

/** Fields every answer may carry. */
interface RevocationFields extends ResultFields {
  /**
   * On an error: the body of the error response (JSON). On `OK`: nothing, unless the request asked
   * for JSONP (`callback`).
   */
  responseContent?: string
}

/** `action: OK`: the token is revoked, or was not the client's to revoke. Answer 200 (RFC 7009 §2.2). */
export interface RevocationOk extends RevocationFields {
  action: 'OK'
}

/** `action: BAD_REQUEST`: answer 400 with `responseContent` (`{"error":"invalid_request",…}`). */
export interface RevocationBadRequest extends RevocationFields {
  action: 'BAD_REQUEST'
}

/** `action: INVALID_CLIENT`: client authentication failed. Answer 401 with `responseContent`. */
export interface RevocationInvalidClient extends RevocationFields {
  action: 'INVALID_CLIENT'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface RevocationInternalServerError extends RevocationFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface RevocationUnknownAction extends RevocationFields {
  action: UnknownAction
}

/** The validated answer of `/auth/revocation`. Narrow on `action`. */
export type RevocationAnswer =
  | RevocationOk
  | RevocationBadRequest
  | RevocationInvalidClient
  | RevocationInternalServerError
  | RevocationUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const revocationModel = z.looseObject(resultShape)

/** @internal */
export const revocation: ModelledOperation<RevocationRequest, RevocationAnswer> = {
  ...AUTHLETE_CALL.revocation,
  // Revoking twice revokes once: a repeat has no second effect (RFC 7009 §2.2 answers 200 either way).
  repeatableAfterSend: true,
  secretFields: SECRET_FIELDS.revocation,
  encode: REQUEST.encode,
  ...answerModel(revocationModel),
}
