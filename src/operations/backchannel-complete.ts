/**
 * `/backchannel/authentication/complete`: reports the end-user's decision, made on their
 * authentication device, for the ticket of a backchannel authentication request. In ping and push
 * modes Authlete answers with the notification the authorization server must deliver.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import { z } from 'zod'
import { AuthleteInputError } from '../errors.js'
import type { Operation } from '../http/operation.js'
import { checkFields, optionalString as optionalText, requiredString } from '../input.js'
import { MAX_TICKET_LENGTH } from './backchannel-issue.js'
import {
  type AuthorizationDetails,
  type DeliveryMode,
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
import { modelParser } from './model.js'
import { jsonText, properties, seconds, strings, type TokenProperty } from './request-values.js'
import { BACKCHANNEL_COMPLETE_RESULTS } from './values.js'

export { BACKCHANNEL_COMPLETE_RESULTS }

/**
 * The end-user's decision: `AUTHORIZED`, `ACCESS_DENIED`, `TRANSACTION_FAILED` (no answer could be
 * had), or one Authlete adds later (any string).
 */
// `string & {}` keeps the literals offered by editors while accepting a future result.
export type BackchannelCompleteResult = (typeof BACKCHANNEL_COMPLETE_RESULTS)[number] | (string & {})

export type { TokenProperty }

/**
 * The request of {@link AuthleteClient.backchannelComplete}. Claims are used only when
 * `result` is `AUTHORIZED`.
 */
export interface BackchannelCompleteRequest {
  /** The ticket from `/backchannel/authentication`, kept since. */
  ticket: string
  /** The end-user's decision. */
  result: BackchannelCompleteResult
  /** The end-user's subject (required by Authlete's schema, whatever the result). */
  subject: string
  /** A `sub` for the ID token other than `subject` (e.g. a pairwise identifier). */
  sub?: string | undefined
  /** When the end-user authenticated, in seconds since the epoch. */
  authTime?: number | undefined
  /** The ACR the authentication met. */
  acr?: string | undefined
  /** Claims for the ID token: a JSON object, or its JSON text. */
  claims?: string | Record<string, unknown> | undefined
  /** Extra properties attached to the tokens. */
  properties?: readonly TokenProperty[] | undefined
  /** Scopes that replace the requested ones. */
  scopes?: readonly string[] | undefined
  /** Extra JOSE header parameters of the ID token: an object or its JSON text. */
  idtHeaderParams?: string | Record<string, unknown> | undefined
  /** The `error_description` when the result is not `AUTHORIZED`. */
  errorDescription?: string | undefined
  /** The `error_uri` when the result is not `AUTHORIZED`. */
  errorUri?: string | undefined
  /** The claims the end-user consented to. */
  consentedClaims?: readonly string[] | undefined
  /** Extra claims of a JWT access token: an object or its JSON text. */
  jwtAtClaims?: string | Record<string, unknown> | undefined
  /** An access token to use instead of one Authlete generates (push mode). */
  accessToken?: string | undefined
  /** The access token's lifetime in seconds, overriding the service's. */
  accessTokenDuration?: number | undefined
  /** The refresh token's lifetime in seconds, overriding the service's. */
  refreshTokenDuration?: number | undefined
  /** `aud` of the ID token as a string (`string`) or an array (`array`). */
  idTokenAudType?: string | undefined
}

/** The `action` values documented for this API. */
export const BACKCHANNEL_COMPLETE_ACTIONS = ['NOTIFICATION', 'NO_ACTION', 'SERVER_ERROR'] as const

/** An `action` value documented for this API. */
export type BackchannelCompleteAction = (typeof BACKCHANNEL_COMPLETE_ACTIONS)[number]

/** Fields every answer may carry. */
interface BackchannelCompleteFields extends ResultFields {
  /** With `NOTIFICATION`: the notification's JSON body. */
  responseContent?: string
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  clientName?: string
  /** `PING`, `POLL` or `PUSH`. */
  deliveryMode?: DeliveryMode
  /** Where the notification goes (the client's registered `backchannel_client_notification_endpoint`). */
  clientNotificationEndpoint?: string
  /** The bearer token of the notification: a credential of the client, never to be logged. */
  clientNotificationToken?: string
  /** The `auth_req_id` of the login. */
  authReqId?: string
  /** Push mode: the issued tokens and their lifetimes in seconds. */
  accessToken?: string
  refreshToken?: string
  idToken?: string
  accessTokenDuration?: number
  refreshTokenDuration?: number
  idTokenDuration?: number
  jwtAccessToken?: string
  resources?: string[]
  authorizationDetails?: AuthorizationDetails
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  grantId?: string
}

/**
 * `action: NOTIFICATION` (ping and push modes): POST `responseContent` to
 * `clientNotificationEndpoint` with `Authorization: Bearer <clientNotificationToken>`.
 */
export interface BackchannelCompleteNotification extends BackchannelCompleteFields {
  action: 'NOTIFICATION'
  clientNotificationEndpoint: string
  responseContent: string
}

/** `action: NO_ACTION` (poll mode): nothing to do; the client learns the result at the token endpoint. */
export interface BackchannelCompleteNoAction extends BackchannelCompleteFields {
  action: 'NO_ACTION'
}

/** `action: SERVER_ERROR`: a bad call (an unknown ticket, say) or a fault inside Authlete. */
export interface BackchannelCompleteServerError extends BackchannelCompleteFields {
  action: 'SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure. */
export interface BackchannelCompleteUnknownAction extends BackchannelCompleteFields {
  action: UnknownAction
}

/**
 * The validated answer of `/backchannel/authentication/complete`. Narrow on `action`:
 * `if (res.action === 'NOTIFICATION') res.clientNotificationEndpoint` is a `string`.
 */
export type BackchannelCompleteResponse =
  | BackchannelCompleteNotification
  | BackchannelCompleteNoAction
  | BackchannelCompleteServerError
  | BackchannelCompleteUnknownAction

/** The fields of a complete request. @internal */
export const COMPLETE_FIELDS: ReadonlySet<string> = new Set<keyof BackchannelCompleteRequest>([
  'ticket',
  'result',
  'subject',
  'sub',
  'authTime',
  'acr',
  'claims',
  'properties',
  'scopes',
  'idtHeaderParams',
  'errorDescription',
  'errorUri',
  'consentedClaims',
  'jwtAtClaims',
  'accessToken',
  'accessTokenDuration',
  'refreshTokenDuration',
  'idTokenAudType',
])
const RESULT = /^[A-Z][A-Z_]*$/

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelCompleteModel = z.looseObject({
  ...resultShape,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  clientName: optionalString,
  deliveryMode: optionalString,
  clientNotificationEndpoint: optionalString,
  clientNotificationToken: optionalString,
  authReqId: optionalString,
  accessToken: optionalString,
  refreshToken: optionalString,
  idToken: optionalString,
  accessTokenDuration: optionalInteger,
  refreshTokenDuration: optionalInteger,
  idTokenDuration: optionalInteger,
  jwtAccessToken: optionalString,
  resources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  grantId: optionalString,
})

function encode(request: BackchannelCompleteRequest) {
  const fields = checkFields(request, COMPLETE_FIELDS, 'the complete request')
  const result = requiredString(fields.result, 'result', 64)
  if (!RESULT.test(result)) {
    throw new AuthleteInputError('result', 'must be an upper-case result such as AUTHORIZED')
  }
  // Each field read by name at its own site (a getter or an inherited field counts, and the read
  // stays cheap where the field is absent); JSON.stringify leaves out the undefined ones.
  return {
    json: JSON.stringify({
      ticket: requiredString(fields.ticket, 'ticket', MAX_TICKET_LENGTH),
      result,
      subject: requiredString(fields.subject, 'subject'),
      sub: optionalText(fields.sub, 'sub'),
      authTime: seconds(fields.authTime, 'authTime'),
      acr: optionalText(fields.acr, 'acr'),
      claims: jsonText(fields.claims, 'claims'),
      properties: properties(fields.properties),
      scopes: strings(fields.scopes, 'scopes'),
      idtHeaderParams: jsonText(fields.idtHeaderParams, 'idtHeaderParams'),
      errorDescription: optionalText(fields.errorDescription, 'errorDescription'),
      errorUri: optionalText(fields.errorUri, 'errorUri'),
      consentedClaims: strings(fields.consentedClaims, 'consentedClaims'),
      jwtAtClaims: jsonText(fields.jwtAtClaims, 'jwtAtClaims'),
      accessToken: optionalText(fields.accessToken, 'accessToken'),
      accessTokenDuration: seconds(fields.accessTokenDuration, 'accessTokenDuration'),
      refreshTokenDuration: seconds(fields.refreshTokenDuration, 'refreshTokenDuration'),
      idTokenAudType: optionalText(fields.idTokenAudType, 'idTokenAudType'),
    }),
  }
}

/** @internal */
export const backchannelComplete: Operation<BackchannelCompleteRequest, BackchannelCompleteResponse> = {
  name: 'backchannelComplete',
  path: '/backchannel/authentication/complete',
  repeatableAfterSend: false,
  // An access token of the caller's (push mode) is a bearer credential.
  secretFields: ['accessToken'],
  encode,
  parse: modelParser(backchannelCompleteModel, {
    action: 'NOTIFICATION',
    fields: { clientNotificationEndpoint: 'text', responseContent: 'text' },
  }),
}
