/**
 * `/auth/token/fail`: the authorization server refuses a resource owner password credentials
 * request (action `PASSWORD` of `/auth/token`). Authlete builds the error response for the client
 * application.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
 * @module
 */

import { z } from 'zod'
import { AuthleteInputError } from '../errors.js'
import type { Operation } from '../http/operation.js'
import { checkFields, requiredString } from '../input.js'
import { MAX_TICKET_LENGTH } from './backchannel-issue.js'
import { type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { formEncode } from './form.js'
import { modelParser } from './model.js'

/**
 * The reasons documented for `/auth/token/fail`. (authlete-java-common 4.46 adds `INVALID_CLIENT`,
 * `UNAUTHORIZED_CLIENT` and `INVALID_SCOPE`, which the OpenAPI document does not list yet.)
 */
export const TOKEN_FAIL_REASONS = ['UNKNOWN', 'INVALID_RESOURCE_OWNER_CREDENTIALS', 'INVALID_TARGET'] as const

/** Why the request is refused: a documented reason, or one Authlete adds later (any string). */
// `string & {}` keeps the literals offered by editors while accepting a future reason.
export type TokenFailReason = (typeof TOKEN_FAIL_REASONS)[number] | (string & {})

/**
 * The request of {@link AuthleteClient.tokenFail}.
 */
export interface TokenFailRequest {
  /** The ticket from `/auth/token` (action `PASSWORD`). */
  ticket: string
  /** Why the request is refused. */
  reason: TokenFailReason
}

/** The request fields that carry a credential: none. */
export const TOKEN_FAIL_SECRET_FIELDS = [] as const

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
export type TokenFailResponse = TokenFailBadRequest | TokenFailInternalServerError | TokenFailUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenFailModel = z.looseObject(resultShape)

const FIELDS: ReadonlySet<string> = new Set<keyof TokenFailRequest>(['ticket', 'reason'])
const REASON = /^[A-Z][A-Z_]*$/

function encode(request: TokenFailRequest) {
  const fields = checkFields(request, FIELDS, 'the token fail request')
  const reason = requiredString(fields.reason, 'reason', 64)
  if (!REASON.test(reason)) {
    throw new AuthleteInputError('reason', `must be an upper-case reason such as ${TOKEN_FAIL_REASONS[1]}`)
  }
  return {
    form: formEncode({ ticket: requiredString(fields.ticket, 'ticket', MAX_TICKET_LENGTH), reason }),
  }
}

/** @internal */
export const tokenFail: Operation<TokenFailRequest, TokenFailResponse> = {
  name: 'tokenFail',
  path: '/auth/token/fail',
  repeatableAfterSend: false,
  encode,
  parse: modelParser(tokenFailModel),
}
