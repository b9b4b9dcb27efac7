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
import { BACKCHANNEL_COMPLETE_RESULTS } from './values.js'

export { BACKCHANNEL_COMPLETE_RESULTS }

/**
 * The end-user's decision: `AUTHORIZED`, `ACCESS_DENIED`, `TRANSACTION_FAILED` (no answer could be
 * had), or one Authlete adds later (any string).
 */
// `string & {}` keeps the literals offered by editors while accepting a future result.
export type BackchannelCompleteResult = (typeof BACKCHANNEL_COMPLETE_RESULTS)[number] | (string & {})

/** An extra property attached to the tokens: `hidden` ones are not shown to the client. */
export interface TokenProperty {
  key: string
  value: string
  hidden?: boolean | undefined
}

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

const FIELDS: ReadonlySet<string> = new Set<keyof BackchannelCompleteRequest>([
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
const PROPERTY_FIELDS: ReadonlySet<string> = new Set(['key', 'value', 'hidden'])
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
  const fields = checkFields(request, FIELDS, 'the complete request')
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

function seconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new AuthleteInputError(field, 'must be a whole number of seconds >= 0')
  }
  return value
}

/** A JSON object given as text (checked to be one) or as an object (serialised). */
function jsonText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') {
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      throw new AuthleteInputError(field, 'must be a JSON object or its JSON text (the text is not JSON)')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AuthleteInputError(field, 'must be a JSON object or its JSON text')
    }
    return value
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthleteInputError(field, 'must be a JSON object or its JSON text')
  }
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (cause) {
    throw new AuthleteInputError(field, 'could not be serialised to JSON', { cause })
  }
  // A toJSON (a Date, a boxed String) may serialise to something else than an object, or to nothing.
  if (text === undefined || !text.startsWith('{')) {
    throw new AuthleteInputError(field, 'must be a JSON object or its JSON text (it serialises to no object)')
  }
  return text
}

function strings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new AuthleteInputError(field, 'must be an array of strings')
  // Array.from, not map: a hole must be refused, not skipped (JSON would send it as null).
  return Array.from(value, (item, i) => requiredString(item, `${field}[${i}]`))
}

function properties(value: unknown): TokenProperty[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value))
    throw new AuthleteInputError('properties', 'must be an array of { key, value, hidden }')
  return Array.from(value as unknown[], (item, i) => {
    const field = `properties[${i}]`
    const property = checkFields(item, PROPERTY_FIELDS, field)
    const hidden = property.hidden
    if (hidden !== undefined && typeof hidden !== 'boolean') {
      throw new AuthleteInputError(`${field}.hidden`, 'must be a boolean')
    }
    if (typeof property.value !== 'string') throw new AuthleteInputError(`${field}.value`, 'must be a string')
    return {
      key: requiredString(property.key, `${field}.key`),
      value: optionalText(property.value, `${field}.value`) as string,
      ...(hidden === undefined ? {} : { hidden }),
    }
  })
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
