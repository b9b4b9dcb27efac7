/**
 * `/auth/userinfo/issue`: hands Authlete the values of the claims `/auth/userinfo` named; Authlete
 * builds the UserInfo response (OpenID Connect Core §5.3.2), signed as a JWT when the client
 * registered `userinfo_signed_response_alg`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo/issue
 * @module
 */

import { z } from 'zod'
import { optionalString, type ResultFields, resultShape, type UnknownAction } from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import {
  jsonObject,
  pairs,
  presentedToken,
  type RequestOf,
  requestFields,
  strings,
  text,
} from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'

const REQUEST = requestFields('the userinfo issue request', {
  /** The access token, as given to `/auth/userinfo`. */
  token: presentedToken(),
  /**
   * The claims' values, by name (`{ "name": "John Smith", "email": "john@example.com" }`): an object
   * or its JSON text. Only the names `/auth/userinfo` answered belong here.
   */
  claims: jsonObject(),
  /**
   * The `sub` of the response, when it is not the token's subject (a pairwise identifier).
   * @default the subject of the token
   */
  sub: text(),
  /** The values of the transformed claims' inputs (OpenID Connect Advanced Syntax for Claims). */
  claimsForTx: jsonObject(),
  /** The values of verified claims for transformed claims, each as JSON text. */
  verifiedClaimsForTx: strings(),
  /** The request's HTTP headers, `{ key, value }` each, for a signed response (RFC 9421). */
  headers: pairs(),
  /** Whether the response must be signed (HTTP message signatures). */
  requestSignature: text(),
})

/** The request of {@link AuthleteClient.userinfoIssue}. */
export type UserinfoIssueRequest = RequestOf<typeof REQUEST.fields>

/** The `action` values documented for this API. */
export const USERINFO_ISSUE_ACTIONS = [
  'INTERNAL_SERVER_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'JSON',
  'JWT',
] as const

/** An `action` value documented for this API. */
export type UserinfoIssueAction = (typeof USERINFO_ISSUE_ACTIONS)[number]

/** Fields every answer may carry. */
interface UserinfoIssueFields extends ResultFields {
  /**
   * `JSON`: the response body (JSON); `JWT`: the signed response (a JWT); on an error: an RFC 6750
   * challenge for `WWW-Authenticate`.
   */
  responseContent?: string
  /** HTTP message signatures of the response (RFC 9421), when one was asked for. */
  signature?: string
  signatureInput?: string
  contentDigest?: string
}

/** The fields an action requires. */
const REQUIRED = {
  JSON: { responseContent: 'text' },
  JWT: { responseContent: 'text' },
} as const satisfies Requirements

/** `action: JSON`: answer 200 `application/json` with `responseContent`. */
export interface UserinfoIssueJson extends WithRequired<UserinfoIssueFields, typeof REQUIRED.JSON> {
  action: 'JSON'
}

/** `action: JWT`: answer 200 `application/jwt` with `responseContent` (the client asked for a signed response). */
export interface UserinfoIssueJwt extends WithRequired<UserinfoIssueFields, typeof REQUIRED.JWT> {
  action: 'JWT'
}

/** `action: BAD_REQUEST`: answer 400 with `WWW-Authenticate: {responseContent}`. */
export interface UserinfoIssueBadRequest extends UserinfoIssueFields {
  action: 'BAD_REQUEST'
}

/** `action: UNAUTHORIZED`: the token is no longer valid. Answer 401 with `WWW-Authenticate`. */
export interface UserinfoIssueUnauthorized extends UserinfoIssueFields {
  action: 'UNAUTHORIZED'
}

/** `action: FORBIDDEN`: answer 403 with `WWW-Authenticate: {responseContent}`. */
export interface UserinfoIssueForbidden extends UserinfoIssueFields {
  action: 'FORBIDDEN'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface UserinfoIssueInternalServerError extends UserinfoIssueFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface UserinfoIssueUnknownAction extends UserinfoIssueFields {
  action: UnknownAction
}

/** The validated answer of `/auth/userinfo/issue`. Narrow on `action`. */
export type UserinfoIssueAnswer =
  | UserinfoIssueJson
  | UserinfoIssueJwt
  | UserinfoIssueBadRequest
  | UserinfoIssueUnauthorized
  | UserinfoIssueForbidden
  | UserinfoIssueInternalServerError
  | UserinfoIssueUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const userinfoIssueModel = z.looseObject({
  ...resultShape,
  signature: optionalString,
  signatureInput: optionalString,
  contentDigest: optionalString,
})

/** @internal */
export const userinfoIssue: ModelledOperation<UserinfoIssueRequest, UserinfoIssueAnswer> = {
  ...AUTHLETE_CALL.userinfoIssue,
  // It builds a response from what it is given and changes nothing: a repeat builds it again.
  repeatableAfterSend: true,
  secretFields: SECRET_FIELDS.userinfoIssue,
  encode: REQUEST.encode,
  ...answerModel(userinfoIssueModel, REQUIRED),
}
