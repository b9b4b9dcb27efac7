/**
 * `/backchannel/authentication/fail`: the authorization server refuses a backchannel
 * authentication request after identification (unknown user, wrong user code, …). Authlete builds
 * the error response for the client application and deletes the ticket.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { z } from 'zod'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation } from './model.js'
import { type RequestOf, requestFields, text, ticket, upperCase } from './request-fields.js'
import { AUTHLETE_CALL } from './table.js'
import { BACKCHANNEL_FAIL_REASONS } from './values.js'

export { BACKCHANNEL_FAIL_REASONS }

const REQUEST = requestFields('the fail request', {
  /** The ticket from `/backchannel/authentication`. */
  ticket: ticket(),
  /** Why the request is refused: a documented reason, or one Authlete adds later. */
  reason: upperCase<(typeof BACKCHANNEL_FAIL_REASONS)[number]>('UNKNOWN_USER_ID'),
  /** The `error_description` for the client application (ASCII, no `"` or `\`, per RFC 6749). */
  errorDescription: text(),
  /** The `error_uri` for the client application. */
  errorUri: text(),
})

/**
 * Why the request is refused: a documented reason, or one Authlete adds later (any string).
 */
export type BackchannelFailReason = BackchannelFailRequest['reason']

/**
 * The request of {@link AuthleteClient.backchannelFail}.
 */
export type BackchannelFailRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const BACKCHANNEL_FAIL_ACTIONS = ['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR'] as const

/** An `action` value documented for this API. */
export type BackchannelFailAction = (typeof BACKCHANNEL_FAIL_ACTIONS)[number]

/** Fields every answer may carry. */
interface BackchannelFailFields extends ResultFields {
  /** JSON text for the client application: the body of the endpoint's error response. */
  responseContent?: string
}

/** `action: BAD_REQUEST`: answer 400 with `responseContent` (e.g. `{"error":"unknown_user_id"}`). */
export interface BackchannelFailBadRequest extends BackchannelFailFields {
  action: 'BAD_REQUEST'
}

/** `action: FORBIDDEN` (reason `ACCESS_DENIED`): answer 403 with `responseContent`. */
export interface BackchannelFailForbidden extends BackchannelFailFields {
  action: 'FORBIDDEN'
}

/** `action: INTERNAL_SERVER_ERROR` (reason `SERVER_ERROR`, or a fault): answer 500. */
export interface BackchannelFailInternalServerError extends BackchannelFailFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface BackchannelFailUnknownAction extends BackchannelFailFields {
  action: UnknownAction
}

/**
 * The validated answer of `/backchannel/authentication/fail`.
 */
export type BackchannelFailAnswer =
  | BackchannelFailBadRequest
  | BackchannelFailForbidden
  | BackchannelFailInternalServerError
  | BackchannelFailUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelFailModel = z.looseObject(resultShape)

/** @internal */
export const backchannelFail: ModelledOperation<BackchannelFailRequest, BackchannelFailAnswer> = {
  ...AUTHLETE_CALL.backchannelFail,
  repeatableAfterSend: false,
  encode: REQUEST.encode,
  ...answerModel(backchannelFailModel),
}
