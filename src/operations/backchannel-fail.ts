/**
 * `/backchannel/authentication/fail`: the authorization server refuses a backchannel
 * authentication request after identification (unknown user, wrong user code, …). Authlete builds
 * the error response for the client application and deletes the ticket.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { z } from 'zod'
import { AuthleteInputError } from '../errors.js'
import type { Operation } from '../http/operation.js'
import { checkFields, optionalString as optionalText, requiredString } from '../input.js'
import { MAX_TICKET_LENGTH } from './backchannel-issue.js'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { formEncode } from './form.js'
import { modelParser } from './model.js'
import { BACKCHANNEL_FAIL_REASONS } from './values.js'

export { BACKCHANNEL_FAIL_REASONS }

/**
 * Why the request is refused: a documented reason, or one Authlete adds later (any string).
 */
// `string & {}` keeps the literals offered by editors while accepting a future reason.
export type BackchannelFailReason = (typeof BACKCHANNEL_FAIL_REASONS)[number] | (string & {})

/**
 * The request of {@link AuthleteClient.backchannelFail}.
 */
export interface BackchannelFailRequest {
  /** The ticket from `/backchannel/authentication`. */
  ticket: string
  /** Why the request is refused. */
  reason: BackchannelFailReason
  /** The `error_description` for the client application (ASCII, no `"` or `\`, per RFC 6749). */
  errorDescription?: string | undefined
  /** The `error_uri` for the client application. */
  errorUri?: string | undefined
}

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
export type BackchannelFailResponse =
  | BackchannelFailBadRequest
  | BackchannelFailForbidden
  | BackchannelFailInternalServerError
  | BackchannelFailUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelFailModel = z.looseObject(resultShape)

const FIELDS: ReadonlySet<string> = new Set<keyof BackchannelFailRequest>([
  'ticket',
  'reason',
  'errorDescription',
  'errorUri',
])
const REASON = /^[A-Z][A-Z_]*$/

function encode(request: BackchannelFailRequest) {
  const fields = checkFields(request, FIELDS, 'the fail request')
  const reason = requiredString(fields.reason, 'reason', 64)
  if (!REASON.test(reason)) {
    throw new AuthleteInputError(
      'reason',
      `must be an upper-case reason such as ${BACKCHANNEL_FAIL_REASONS[8]}`,
    )
  }
  return {
    form: formEncode({
      ticket: requiredString(fields.ticket, 'ticket', MAX_TICKET_LENGTH),
      reason,
      errorDescription: optionalText(fields.errorDescription, 'errorDescription'),
      errorUri: optionalText(fields.errorUri, 'errorUri'),
    }),
  }
}

/** @internal */
export const backchannelFail: Operation<BackchannelFailRequest, BackchannelFailResponse> = {
  name: 'backchannelFail',
  path: '/backchannel/authentication/fail',
  repeatableAfterSend: false,
  encode,
  parse: modelParser(backchannelFailModel),
}
