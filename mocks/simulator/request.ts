/**
 * The simulator's reading of a backchannel authentication request, as Authlete checks it: the
 * client's authentication against the simulator's registry (as at `/auth/token`), then the parameters of CIBA Core §7.1
 * (read with the helpers of `calls/authentication.ts`, which the default handler shares). The result is either the request,
 * or the refusal (`BAD_REQUEST` or `UNAUTHORIZED` with a CIBA Core §13 error code).
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1
 * @module
 */

import { isText, repeatedParameter } from '../authlete.js'
import { authenticateClient } from '../token/client-auth.js'
import { claimNamesOf as allowedClaimNamesOf } from '../token/resource.js'

/** Which hint identified the user (exactly one per request). */
export type CibaHintType = 'LOGIN_HINT' | 'LOGIN_HINT_TOKEN' | 'ID_TOKEN_HINT'

const HINTS = [
  ['login_hint', 'LOGIN_HINT'],
  ['login_hint_token', 'LOGIN_HINT_TOKEN'],
  ['id_token_hint', 'ID_TOKEN_HINT'],
] as const

/** The hints `parameters` carries, as `[parameter, hintType]` (CIBA Core §7.1 wants exactly one). */
export function hintsOf(parameters: URLSearchParams): ReadonlyArray<(typeof HINTS)[number]> {
  return HINTS.filter(([name]) => parameters.has(name))
}

/** The requested scopes, in request order. */
export function scopesOf(parameters: URLSearchParams): string[] {
  return (parameters.get('scope') ?? '').split(' ').filter(Boolean)
}

/**
 * The claims `scopes` request indirectly (OpenID Connect Core §5.4): what Authlete answers as
 * `claimNames`, in the same order as `/auth/userinfo`'s `claims`; `undefined` when none does.
 */
export function claimNamesOf(scopes: readonly string[]): string[] | undefined {
  const names = allowedClaimNamesOf(scopes)
  return names.length === 0 ? undefined : names
}

/** One element of `authorization_details` as Authlete answers it (`authorization_details_element`). */
export interface AuthleteAuthorizationDetailsElement {
  type: string
  locations?: unknown
  actions?: unknown
  dataTypes?: unknown
  identifier?: unknown
  privileges?: unknown
  /** Every field but the common ones, as one JSON text. */
  otherFields?: string
}

/** RFC 9396 §2.2's common fields, by the name Authlete answers them with. */
const COMMON_FIELDS: ReadonlyArray<
  readonly [rfc: string, authlete: keyof AuthleteAuthorizationDetailsElement]
> = [
  ['locations', 'locations'],
  ['actions', 'actions'],
  ['datatypes', 'dataTypes'],
  ['identifier', 'identifier'],
  ['privileges', 'privileges'],
]

/**
 * The `authorization_details` parameter as Authlete wraps it in its answers (`{ elements }`, each
 * element's own fields as the JSON text `otherFields`); `undefined` without the parameter; the
 * error description when it is not a JSON array of objects that each have a string `type` (RFC
 * 9396 §5: `invalid_authorization_details`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9396#section-2
 */
export function authorizationDetailsOf(
  parameters: URLSearchParams,
): { elements: AuthleteAuthorizationDetailsElement[] } | string | undefined {
  const text = parameters.get('authorization_details')
  if (text === null) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return 'The authorization_details parameter is not JSON.'
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
  if (
    !Array.isArray(parsed) ||
    !parsed.every((e) => isObject(e) && typeof e.type === 'string' && e.type !== '')
  ) {
    return 'The authorization_details parameter must be a JSON array of objects, each with a type.'
  }
  return {
    elements: (parsed as Record<string, unknown>[]).map((detail) => {
      const element: AuthleteAuthorizationDetailsElement = { type: detail.type as string }
      const others: Record<string, unknown> = { ...detail }
      delete others.type
      for (const [rfc, authlete] of COMMON_FIELDS) {
        if (rfc in detail) {
          ;(element as unknown as Record<string, unknown>)[authlete] = detail[rfc]
          delete others[rfc]
        }
      }
      if (Object.keys(others).length > 0) element.otherFields = JSON.stringify(others)
      return element
    }),
  }
}

/** How the client application receives the result (its registered token delivery mode). */
export type CibaDeliveryMode = 'POLL' | 'PING' | 'PUSH'

/**
 * A client application registered with the simulated Authlete service.
 */
export interface CibaSimulatorClient {
  /**
   * The client ID it authenticates with (`client_id`, or the user name of its Basic credentials). A
   * string of digits is Authlete's numeric client ID; anything else is a client ID alias.
   */
  clientId: string
  /** Its secret, for `client_secret_basic` or `client_secret_post`. */
  clientSecret: string
  /**
   * `backchannel_token_delivery_mode`.
   * @default 'POLL'
   */
  deliveryMode?: CibaDeliveryMode | undefined
  /**
   * `backchannel_client_notification_endpoint`: where the authorization server delivers ping and push
   * notifications (e.g. a `startCibaClientStandIn()`'s `url`). Required for `PING` and `PUSH`.
   * @default undefined
   */
  clientNotificationEndpoint?: string | undefined
  /**
   * `backchannel_user_code_parameter`: requests without `user_code` are refused with `missing_user_code`.
   * @default false
   */
  userCodeRequired?: boolean | undefined
  /**
   * The client's name in answers.
   * @default the clientId
   */
  clientName?: string | undefined
}

/** A registered client, with what the simulator derived from it. */
export interface RegisteredClient extends Readonly<CibaSimulatorClient> {
  readonly deliveryMode: CibaDeliveryMode
  readonly clientName: string
  /** Authlete's numeric client ID (`clientId` in answers). */
  readonly numericId: number
  /** The alias, when `clientId` is not numeric. */
  readonly alias: string | undefined
}

/** The client's fields in Authlete's answers. */
export function clientFields(client: RegisteredClient): Record<string, unknown> {
  return {
    clientId: client.numericId,
    clientIdAlias: client.alias,
    clientIdAliasUsed: client.alias !== undefined,
    clientName: client.clientName,
  }
}

/** A valid request, as the simulator keeps it with its ticket. */
export interface BackchannelRequest {
  client: RegisteredClient
  clientAuthMethod: 'CLIENT_SECRET_BASIC' | 'CLIENT_SECRET_POST'
  /** The requested scopes the service knows, in request order. */
  scopes: string[]
  acrs: string[]
  hintType: CibaHintType
  hint: string
  /** The `sub` of an `id_token_hint`. */
  sub: string | undefined
  bindingMessage: string | undefined
  userCode: string | undefined
  clientNotificationToken: string | undefined
  /** Seconds, from `requested_expiry`. */
  requestedExpiry: number | undefined
  /** The claims the scopes request (OpenID Connect Core §5.4). */
  claimNames: string[] | undefined
  /** `authorization_details` (RFC 9396), as Authlete answers them. */
  authorizationDetails: { elements: AuthleteAuthorizationDetailsElement[] } | undefined
}

/** A refusal: the action and the `responseContent` error. */
export interface BackchannelRefusal {
  action: 'BAD_REQUEST' | 'UNAUTHORIZED'
  error: string
  description: string
}

/** CIBA Core §7.1: the client notification token "MUST NOT exceed 1024 characters". */
const MAX_NOTIFICATION_TOKEN_LENGTH = 1024

const badRequest = (error: string, description: string): BackchannelRefusal => ({
  action: 'BAD_REQUEST',
  error,
  description,
})
const invalidClient = (description: string): BackchannelRefusal => ({
  action: 'UNAUTHORIZED',
  error: 'invalid_client',
  description,
})

/** The `sub` claim of a JWT's payload, without checking its signature; `undefined` if unreadable. */
function subjectOfJwt(token: string): string | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown
    const sub = (claims as { sub?: unknown } | null)?.sub
    return typeof sub === 'string' && sub !== '' ? sub : undefined
  } catch {
    return undefined
  }
}

function text(value: unknown): string | undefined {
  return isText(value) ? value : undefined
}

/**
 * Checks the client's authentication (`clientId`/`clientSecret` fields from its Basic header, or
 * `client_id`/`client_secret` in `parameters`) against `findClient`, then the parameters.
 */
export function readBackchannelRequest(
  fields: Record<string, unknown>,
  parameters: URLSearchParams,
  findClient: (clientId: string) => RegisteredClient | undefined,
  knownScopes: ReadonlySet<string>,
): BackchannelRequest | BackchannelRefusal {
  const repeated = repeatedParameter(parameters)
  if (repeated !== undefined) {
    return badRequest('invalid_request', `The '${repeated}' parameter is included more than once.`)
  }

  const authentication = authenticateClient(fields, parameters, findClient)
  if (!authentication.ok) {
    return authentication.error === 'invalid_client'
      ? invalidClient(authentication.description)
      : badRequest(authentication.error, authentication.description)
  }
  const { client } = authentication

  if (parameters.has('request') || parameters.has('request_uri')) {
    return badRequest('invalid_request', 'The simulator does not support request objects.')
  }
  const requested = scopesOf(parameters)
  if (requested.length === 0) return badRequest('invalid_request', 'The scope parameter is missing.')
  if (!requested.includes('openid')) return badRequest('invalid_scope', "The scope must contain 'openid'.")

  const hints = hintsOf(parameters)
  const [hint] = hints
  if (hint === undefined || hints.length > 1) {
    return badRequest(
      'invalid_request',
      'Exactly one of login_hint, login_hint_token and id_token_hint is required.',
    )
  }
  const hintValue = parameters.get(hint[0]) ?? ''
  if (hintValue === '') return badRequest('invalid_request', `The ${hint[0]} parameter is empty.`)
  const sub = hint[1] === 'ID_TOKEN_HINT' ? subjectOfJwt(hintValue) : undefined
  if (hint[1] === 'ID_TOKEN_HINT' && sub === undefined) {
    return badRequest('invalid_request', 'The id_token_hint is not an ID token with a sub claim.')
  }

  const clientNotificationToken = text(parameters.get('client_notification_token'))
  if (client.deliveryMode !== 'POLL') {
    if (clientNotificationToken === undefined) {
      return badRequest('invalid_request', 'The client_notification_token parameter is required.')
    }
    if (clientNotificationToken.length > MAX_NOTIFICATION_TOKEN_LENGTH) {
      return badRequest('invalid_request', 'The client_notification_token is longer than 1024 characters.')
    }
  }

  const userCode = text(parameters.get('user_code'))
  if (client.userCodeRequired && userCode === undefined) {
    return badRequest('missing_user_code', 'The user_code parameter is required.')
  }

  const expiry = parameters.get('requested_expiry')
  if (expiry !== null && !/^[1-9][0-9]{0,8}$/.test(expiry)) {
    return badRequest('invalid_request', 'The requested_expiry must be a positive integer.')
  }

  const authorizationDetails = authorizationDetailsOf(parameters)
  if (typeof authorizationDetails === 'string') {
    return badRequest('invalid_authorization_details', authorizationDetails)
  }

  const scopes = requested.filter((scope) => knownScopes.has(scope))
  return {
    client,
    clientAuthMethod: authentication.method,
    scopes,
    claimNames: claimNamesOf(scopes),
    authorizationDetails,
    acrs: (parameters.get('acr_values') ?? '').split(' ').filter(Boolean),
    hintType: hint[1],
    hint: hintValue,
    sub,
    bindingMessage: text(parameters.get('binding_message')),
    userCode,
    clientNotificationToken,
    requestedExpiry: expiry === null ? undefined : Number(expiry),
  }
}
