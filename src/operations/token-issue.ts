/**
 * `/auth/token/issue`: issues the tokens of a resource owner password credentials request (action
 * `PASSWORD` of `/auth/token`) once the authorization server has checked the credentials.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
 * @module
 */

import { z } from 'zod'
import type { Operation } from '../http/operation.js'
import { checkFields, optionalString as optionalText, requiredString } from '../input.js'
import type { TokenProperty } from './backchannel-complete.js'
import { MAX_TICKET_LENGTH } from './backchannel-issue.js'
import {
  type AuthorizationDetails,
  optionalAuthorizationDetails,
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
import { formEncode } from './form.js'
import { modelParser } from './model.js'
import { jsonText, properties, seconds } from './request-values.js'
import { optionalProperties, type TokenPropertyAnswer } from './token.js'

/**
 * The request of {@link AuthleteClient.tokenIssue}.
 */
export interface TokenIssueRequest {
  /** The ticket from `/auth/token` (action `PASSWORD`). */
  ticket: string
  /** The resource owner's subject: the user the credentials designate. */
  subject: string
  /** Extra properties attached to the tokens. Sent as JSON. */
  properties?: readonly TokenProperty[] | undefined
  /** Extra claims of a JWT access token: an object or its JSON text. */
  jwtAtClaims?: string | Record<string, unknown> | undefined
  /** An access token to use instead of one Authlete generates. */
  accessToken?: string | undefined
  /** The access token's lifetime in seconds, overriding the service's. Sent as JSON. */
  accessTokenDuration?: number | undefined
  /** The refresh token's lifetime in seconds, overriding the service's. Sent as JSON. */
  refreshTokenDuration?: number | undefined
}

/** The request fields that carry a credential: kept out of logs and error messages. */
export const TOKEN_ISSUE_SECRET_FIELDS = ['accessToken'] as const

/** The `action` values documented for this API. */
export const TOKEN_ISSUE_ACTIONS = ['INTERNAL_SERVER_ERROR', 'OK'] as const

/** An `action` value documented for this API. */
export type TokenIssueAction = (typeof TOKEN_ISSUE_ACTIONS)[number]

/** Fields every answer may carry. */
interface TokenIssueFields extends ResultFields {
  /** JSON text for the client application: the body of the token response. */
  responseContent?: string
  accessToken?: string
  /** Milliseconds since the epoch. */
  accessTokenExpiresAt?: number
  /** Seconds. */
  accessTokenDuration?: number
  refreshToken?: string
  refreshTokenExpiresAt?: number
  refreshTokenDuration?: number
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  subject?: string
  scopes?: string[]
  properties?: TokenPropertyAnswer[]
  jwtAccessToken?: string
  accessTokenResources?: string[]
  authorizationDetails?: AuthorizationDetails
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  clientEntityId?: string
  clientEntityIdUsed?: boolean
  refreshTokenScopes?: string[]
}

/** `action: OK`: the tokens were issued. Answer 200 with `responseContent`. */
export interface TokenIssueOk extends TokenIssueFields {
  action: 'OK'
  responseContent: string
  accessToken: string
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call (an unknown ticket) or a fault inside Authlete. Answer 500. */
export interface TokenIssueInternalServerError extends TokenIssueFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface TokenIssueUnknownAction extends TokenIssueFields {
  action: UnknownAction
}

/** The validated answer of `/auth/token/issue`. */
export type TokenIssueResponse = TokenIssueOk | TokenIssueInternalServerError | TokenIssueUnknownAction

const FIELDS: ReadonlySet<string> = new Set<keyof TokenIssueRequest>([
  'ticket',
  'subject',
  'properties',
  'jwtAtClaims',
  'accessToken',
  'accessTokenDuration',
  'refreshTokenDuration',
])

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const tokenIssueModel = z.looseObject({
  ...resultShape,
  accessToken: optionalString,
  accessTokenExpiresAt: optionalInteger,
  accessTokenDuration: optionalInteger,
  refreshToken: optionalString,
  refreshTokenExpiresAt: optionalInteger,
  refreshTokenDuration: optionalInteger,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  subject: optionalString,
  scopes: optionalStrings,
  properties: optionalProperties,
  jwtAccessToken: optionalString,
  accessTokenResources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  clientEntityId: optionalString,
  clientEntityIdUsed: optionalBoolean,
  refreshTokenScopes: optionalStrings,
})

function encode(request: TokenIssueRequest) {
  const fields = checkFields(request, FIELDS, 'the token issue request')
  const body = {
    ticket: requiredString(fields.ticket, 'ticket', MAX_TICKET_LENGTH),
    subject: requiredString(fields.subject, 'subject'),
    jwtAtClaims: jsonText(fields.jwtAtClaims, 'jwtAtClaims'),
    accessToken: optionalText(fields.accessToken, 'accessToken'),
  }
  const more = {
    properties: properties(fields.properties),
    accessTokenDuration: seconds(fields.accessTokenDuration, 'accessTokenDuration'),
    refreshTokenDuration: seconds(fields.refreshTokenDuration, 'refreshTokenDuration'),
  }
  // A form has text only: a list or a number goes as JSON (Authlete takes `properties` only so).
  if (
    more.properties !== undefined ||
    more.accessTokenDuration !== undefined ||
    more.refreshTokenDuration !== undefined
  ) {
    return { json: JSON.stringify({ ...body, ...more }) }
  }
  return { form: formEncode(body) }
}

/** @internal */
export const tokenIssue: Operation<TokenIssueRequest, TokenIssueResponse> = {
  name: 'tokenIssue',
  path: '/auth/token/issue',
  repeatableAfterSend: false,
  secretFields: TOKEN_ISSUE_SECRET_FIELDS,
  encode,
  parse: modelParser(tokenIssueModel, {
    action: 'OK',
    fields: { responseContent: 'text', accessToken: 'text' },
  }),
}
