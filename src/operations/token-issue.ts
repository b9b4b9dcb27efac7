/**
 * `/auth/token/issue`: issues the tokens of a resource owner password credentials request (action
 * `PASSWORD` of `/auth/token`) once the authorization server has checked the credentials.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
 * @module
 */

import { z } from 'zod'
import type { UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import { type RequestOf, requestFields, requiredText, ticket } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'
import { type IssuedTokenFields, issuedTokenShape, TOKEN_SETTINGS } from './token.js'

const REQUEST = requestFields('the token issue request', {
  /** The ticket from `/auth/token` (action `PASSWORD`). */
  ticket: ticket(),
  /** The resource owner's subject: the user the credentials designate. */
  subject: requiredText(),
  ...TOKEN_SETTINGS,
})

/**
 * The request of {@link AuthleteClient.tokenIssue}.
 */
export type TokenIssueRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const TOKEN_ISSUE_ACTIONS = ['INTERNAL_SERVER_ERROR', 'OK'] as const

/** An `action` value documented for this API. */
export type TokenIssueAction = (typeof TOKEN_ISSUE_ACTIONS)[number]

/** The fields an action requires. */
const REQUIRED = { OK: { responseContent: 'text', accessToken: 'text' } } as const satisfies Requirements

/** `action: OK`: the tokens were issued. Answer 200 with `responseContent`. */
export interface TokenIssueOk extends WithRequired<IssuedTokenFields, typeof REQUIRED.OK> {
  action: 'OK'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call (an unknown ticket) or a fault inside Authlete. Answer 500. */
export interface TokenIssueInternalServerError extends IssuedTokenFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface TokenIssueUnknownAction extends IssuedTokenFields {
  action: UnknownAction
}

/** The validated answer of `/auth/token/issue`. */
export type TokenIssueAnswer = TokenIssueOk | TokenIssueInternalServerError | TokenIssueUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenIssueModel = z.looseObject(issuedTokenShape)

/** @internal */
export const tokenIssue: ModelledOperation<TokenIssueRequest, TokenIssueAnswer> = {
  ...AUTHLETE_CALL.tokenIssue,
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.tokenIssue,
  encode: REQUEST.encode,
  ...answerModel(tokenIssueModel, REQUIRED),
}
