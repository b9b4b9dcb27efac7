/**
 * `/auth/token/fail`: the authorization server refuses a resource owner password credentials
 * request (action `PASSWORD` of `/auth/token`). Authlete builds the error response for the client
 * application.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
 * @module
 */

import { z } from 'zod'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation } from './model.js'
import { type RequestOf, requestFields, ticket, upperCase } from './request-fields.js'
import { AUTHLETE_CALL } from './table.js'
import { TOKEN_FAIL_REASONS } from './values.js'

export { TOKEN_FAIL_REASONS }

const REQUEST = requestFields('the token fail request', {
  /** The ticket from `/auth/token` (action `PASSWORD`). */
  ticket: ticket(),
  /** Why the request is refused: a documented reason, or one Authlete adds later. */
  reason: upperCase<(typeof TOKEN_FAIL_REASONS)[number]>('INVALID_RESOURCE_OWNER_CREDENTIALS'),
})

/** Why the request is refused: a documented reason, or one Authlete adds later (any string). */
export type TokenFailReason = TokenFailRequest['reason']

/**
 * The request of {@link AuthleteClient.tokenFail}.
 */
export type TokenFailRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const TOKEN_FAIL_ACTIONS = ['INTERNAL_SERVER_ERROR', 'BAD_REQUEST'] as const

/** An `action` value documented for this API. */
export type TokenFailAction = (typeof TOKEN_FAIL_ACTIONS)[number]

/** Fields every answer may carry. */
interface TokenFailFields extends ResultFields {
  /** JSON text for the client application: the body of the token endpoint's error response. */
  responseContent?: string
}

/** `action: BAD_REQUEST`: answer 400 with `responseContent` (e.g. `{"error":"invalid_grant"}`). */
export interface TokenFailBadRequest extends TokenFailFields {
  action: 'BAD_REQUEST'
}

/** `action: INTERNAL_SERVER_ERROR` (reason `UNKNOWN`, or a fault): answer 500. */
export interface TokenFailInternalServerError extends TokenFailFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface TokenFailUnknownAction extends TokenFailFields {
  action: UnknownAction
}

/** The validated answer of `/auth/token/fail`. */
export type TokenFailAnswer = TokenFailBadRequest | TokenFailInternalServerError | TokenFailUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenFailModel = z.looseObject(resultShape)

/** @internal */
export const tokenFail: ModelledOperation<TokenFailRequest, TokenFailAnswer> = {
  ...AUTHLETE_CALL.tokenFail,
  repeatableAfterSend: false,
  encode: REQUEST.encode,
  ...answerModel(tokenFailModel),
}
