/**
 * `/backchannel/authentication`: hands Authlete the client application's backchannel
 * authentication request, as received; Authlete parses and checks it (client authentication
 * included) and answers what to do next.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
 * @module
 */

import { z } from 'zod'
import {
  type AuthorizationDetails,
  type DeliveryMode,
  type OpenEnum,
  optionalAuthorizationDetails,
  optionalBoolean,
  optionalInteger,
  optionalPairs,
  optionalScopes,
  optionalString,
  optionalStrings,
  type Pair,
  type ResultFields,
  resultShape,
  type Scope,
  type UnknownAction,
} from './fields.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import { CLIENT_AUTHENTICATION, parameters, type RequestOf, requestFields } from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'

const REQUEST = requestFields('the backchannel authentication request', {
  /**
   * The client application's request body, exactly as received (`application/x-www-form-urlencoded`):
   * `scope=openid&login_hint=…`. Authlete parses it.
   */
  parameters: parameters(),
  ...CLIENT_AUTHENTICATION,
})

/**
 * The request of {@link AuthleteClient.backchannelAuthentication}.
 */
export type BackchannelAuthenticationRequest = RequestOf<typeof REQUEST.fields>

/** Which hint the client's request carried (CIBA Core §7.1: exactly one). */
export type HintType = OpenEnum<'LOGIN_HINT' | 'LOGIN_HINT_TOKEN' | 'ID_TOKEN_HINT'>

/**
 * The `action` values documented for this API.
 */
export const BACKCHANNEL_AUTHENTICATION_ACTIONS = [
  'USER_IDENTIFICATION',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'INTERNAL_SERVER_ERROR',
] as const

/** An `action` value documented for this API. */
export type BackchannelAuthenticationAction = (typeof BACKCHANNEL_AUTHENTICATION_ACTIONS)[number]

/** Fields every answer may carry. All are optional in Authlete's schema. */
interface BackchannelAuthenticationFields extends ResultFields {
  /** JSON text for the client application: the body of the endpoint's error response. */
  responseContent?: string
  /** The ticket for `/issue`, `/fail` and `/complete` (with `USER_IDENTIFICATION`). */
  ticket?: string
  /** The client's numeric ID. */
  clientId?: number
  clientIdAlias?: string
  clientIdAliasUsed?: boolean
  clientName?: string
  /** How the client authenticated, e.g. `CLIENT_SECRET_BASIC`. */
  clientAuthMethod?: string
  /** Which hint the request carried. */
  hintType?: HintType
  /** The value of that hint: a login hint, a login hint token, or an ID token. */
  hint?: string
  /** The `sub` claim of an `id_token_hint`. */
  sub?: string
  /** The `user_code` the client sent. */
  userCode?: string
  /** Whether the client and the service require a user code (`backchannel_user_code_parameter`). */
  userCodeRequired?: boolean
  /** The `binding_message` to show on both devices. */
  bindingMessage?: string
  /** The requested ACRs, in order of preference. */
  acrs?: string[]
  /** The requested scopes. */
  scopes?: Scope[]
  /** The claims requested through the scopes and `claims`. */
  claimNames?: string[]
  /** The `requested_expiry` in seconds, or 0. */
  requestedExpiry?: number
  /** The `request_context` (a JSON text), if any. */
  requestContext?: string
  /** `POLL`, `PING` or `PUSH`. */
  deliveryMode?: DeliveryMode
  /** The `client_notification_token` (ping and push modes): a bearer credential of the client. */
  clientNotificationToken?: string
  /** The requested resources (RFC 8707). */
  resources?: string[]
  /** The requested `authorization_details` (RFC 9396). */
  authorizationDetails?: AuthorizationDetails
  serviceAttributes?: Pair[]
  clientAttributes?: Pair[]
  /** Warnings about the request that Authlete tolerated. */
  warnings?: string[]
}

/** The fields an action requires. */
const REQUIRED = { USER_IDENTIFICATION: { ticket: 'text' } } as const satisfies Requirements

/**
 * `action: USER_IDENTIFICATION`: the request is valid. Identify the user from the hint, then call
 * `/issue` (or `/fail`) with `ticket`.
 */
export interface BackchannelAuthenticationUserIdentification
  extends WithRequired<BackchannelAuthenticationFields, typeof REQUIRED.USER_IDENTIFICATION> {
  action: 'USER_IDENTIFICATION'
}

/** `action: BAD_REQUEST`: the request is invalid. Answer 400 with `responseContent`. */
export interface BackchannelAuthenticationBadRequest extends BackchannelAuthenticationFields {
  action: 'BAD_REQUEST'
}

/**
 * `action: UNAUTHORIZED`: client authentication failed. Answer 401 with `WWW-Authenticate` and
 * `responseContent`.
 */
export interface BackchannelAuthenticationUnauthorized extends BackchannelAuthenticationFields {
  action: 'UNAUTHORIZED'
}

/** `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer 500. */
export interface BackchannelAuthenticationInternalServerError extends BackchannelAuthenticationFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/** An answer whose `action` this version does not know. Treat it as a failure (status 500). */
export interface BackchannelAuthenticationUnknownAction extends BackchannelAuthenticationFields {
  action: UnknownAction
}

/**
 * The validated answer of `/backchannel/authentication`. Narrow on `action`:
 * `if (res.action === 'USER_IDENTIFICATION') res.ticket` is a `string`.
 */
export type BackchannelAuthenticationAnswer =
  | BackchannelAuthenticationUserIdentification
  | BackchannelAuthenticationBadRequest
  | BackchannelAuthenticationUnauthorized
  | BackchannelAuthenticationInternalServerError
  | BackchannelAuthenticationUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelAuthenticationModel = z.looseObject({
  ...resultShape,
  ticket: optionalString,
  clientId: optionalInteger,
  clientIdAlias: optionalString,
  clientIdAliasUsed: optionalBoolean,
  clientName: optionalString,
  clientAuthMethod: optionalString,
  hintType: optionalString,
  hint: optionalString,
  sub: optionalString,
  userCode: optionalString,
  userCodeRequired: optionalBoolean,
  bindingMessage: optionalString,
  acrs: optionalStrings,
  scopes: optionalScopes,
  claimNames: optionalStrings,
  requestedExpiry: optionalInteger,
  requestContext: optionalString,
  deliveryMode: optionalString,
  clientNotificationToken: optionalString,
  resources: optionalStrings,
  authorizationDetails: optionalAuthorizationDetails,
  serviceAttributes: optionalPairs,
  clientAttributes: optionalPairs,
  warnings: optionalStrings,
})

/** @internal */
export const backchannelAuthentication: ModelledOperation<
  BackchannelAuthenticationRequest,
  BackchannelAuthenticationAnswer
> = {
  ...AUTHLETE_CALL.backchannelAuthentication,
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.backchannelAuthentication,
  encode: REQUEST.encode,
  ...answerModel(backchannelAuthenticationModel, REQUIRED),
}
