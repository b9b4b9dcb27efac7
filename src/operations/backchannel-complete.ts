/**
 * `/backchannel/authentication/complete`: reports the end-user's decision, made on their
 * authentication device, for the ticket of a backchannel authentication request. In ping and push
 * modes Authlete answers with the notification the authorization server must deliver.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
 * @module
 */

import { z } from 'zod'
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
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import {
  epochSeconds,
  jsonObject,
  oneOf,
  properties,
  type RequestOf,
  requestFields,
  requiredText,
  seconds,
  strings,
  text,
  ticket,
} from './request-fields.js'
import { SECRET_FIELDS } from './secrets.js'
import { AUTHLETE_CALL } from './table.js'
import { BACKCHANNEL_COMPLETE_RESULTS } from './values.js'

export { BACKCHANNEL_COMPLETE_RESULTS }

/** @internal */
export const COMPLETE_REQUEST = requestFields(
  'the complete request',
  {
    /** The ticket from `/backchannel/authentication`, kept since. */
    ticket: ticket(),
    /**
     * The end-user's decision: `AUTHORIZED`, `ACCESS_DENIED`, or `TRANSACTION_FAILED` (no answer
     * could be had). Any other is refused before it is sent: Authlete refuses it too.
     */
    result: oneOf(BACKCHANNEL_COMPLETE_RESULTS),
    /** The end-user's subject (required by Authlete's schema, whatever the result). */
    subject: requiredText(),
    /** A `sub` for the ID token other than `subject` (e.g. a pairwise identifier). */
    sub: text(),
    /**
     * When the end-user authenticated, in whole seconds since the epoch
     * (`Math.floor(Date.now() / 1000)`); a value that can only be milliseconds is refused.
     */
    authTime: epochSeconds(),
    /** The ACR the authentication met. */
    acr: text(),
    /** Claims for the ID token: a JSON object, or its JSON text. */
    claims: jsonObject(),
    /** Extra properties attached to the tokens. */
    properties: properties(),
    /** Scopes that replace the requested ones. */
    scopes: strings(),
    /** Extra JOSE header parameters of the ID token: an object or its JSON text. */
    idtHeaderParams: jsonObject(),
    /** The `error_description` when the result is not `AUTHORIZED`. */
    errorDescription: text(),
    /** The `error_uri` when the result is not `AUTHORIZED`. */
    errorUri: text(),
    /** The claims the end-user consented to. */
    consentedClaims: strings(),
    /** Extra claims of a JWT access token: an object or its JSON text. */
    jwtAtClaims: jsonObject(),
    /** An access token to use instead of one Authlete generates (push mode). */
    accessToken: text(),
    /** The access token's lifetime in seconds, overriding the service's. */
    accessTokenDuration: seconds(),
    /** The refresh token's lifetime in seconds, overriding the service's. */
    refreshTokenDuration: seconds(),
    /** `aud` of the ID token as a string (`string`) or an array (`array`). */
    idTokenAudType: text(),
  },
  { json: true },
)

/** The end-user's decision: `AUTHORIZED`, `ACCESS_DENIED` or `TRANSACTION_FAILED`. */
export type BackchannelCompleteResult = (typeof BACKCHANNEL_COMPLETE_RESULTS)[number]

/**
 * The request of {@link AuthleteClient.backchannelComplete}. Claims are used only when
 * `result` is `AUTHORIZED`.
 */
export type BackchannelCompleteRequest = RequestOf<typeof COMPLETE_REQUEST.fields>

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

/** The fields an action requires. */
const REQUIRED = {
  NOTIFICATION: { clientNotificationEndpoint: 'text', responseContent: 'text' },
} as const satisfies Requirements

/**
 * `action: NOTIFICATION` (ping and push modes): POST `responseContent` to
 * `clientNotificationEndpoint` with `Authorization: Bearer <clientNotificationToken>`.
 */
export interface BackchannelCompleteNotification
  extends WithRequired<BackchannelCompleteFields, typeof REQUIRED.NOTIFICATION> {
  action: 'NOTIFICATION'
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
export type BackchannelCompleteAnswer =
  | BackchannelCompleteNotification
  | BackchannelCompleteNoAction
  | BackchannelCompleteServerError
  | BackchannelCompleteUnknownAction

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

/** @internal */
export const backchannelComplete: ModelledOperation<BackchannelCompleteRequest, BackchannelCompleteAnswer> = {
  ...AUTHLETE_CALL.backchannelComplete,
  repeatableAfterSend: false,
  secretFields: SECRET_FIELDS.backchannelComplete,
  encode: COMPLETE_REQUEST.encode,
  ...answerModel(backchannelCompleteModel, REQUIRED),
}
