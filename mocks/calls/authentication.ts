/**
 * Authlete's `/backchannel/authentication`, as the mocks play it: the call, the reading of the
 * client's `parameters` both players share, its result codes and its answers. The default handlers
 * (`../authentication.ts`) and the simulator (which adds its client registry, `../simulator/request.ts`)
 * both answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
 * @module
 */

import { type AuthleteCall, errorContent, type MockHandlerOptions, randomId } from '../authlete.js'

/** `POST`, the client's `parameters`: 400 `A179201` without them (this stand-in's code). */
export const AUTHENTICATION: AuthleteCall = {
  method: 'POST',
  paths: { v3: '/api/{serviceId}/backchannel/authentication', v2: '/api/backchannel/authentication' },
  required: { fields: ['parameters'], code: 'A179201' },
}

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
 * The first parameter, in request order, that is given more than once; `undefined` if none. One
 * pass to count, one over the counts: linear in the number of parameters.
 */
export function repeatedParameter(parameters: URLSearchParams): string | undefined {
  const counts = new Map<string, number>()
  for (const name of parameters.keys()) counts.set(name, (counts.get(name) ?? 0) + 1)
  for (const [name, count] of counts) if (count > 1) return name
  return undefined
}

/** A refusal: `BAD_REQUEST`, `UNAUTHORIZED` or `INTERNAL_SERVER_ERROR`, and its CIBA Core §13 error. */
export type RefusalAction = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'INTERNAL_SERVER_ERROR'

const REFUSAL_CODES: Readonly<Record<RefusalAction, string>> = {
  BAD_REQUEST: 'A180301',
  UNAUTHORIZED: 'A180302',
  INTERNAL_SERVER_ERROR: 'A180101',
}

/**
 * The body of a refusal: `responseContent` is `{"error", "error_description"}` (the description
 * when given); the result message is `message`, else the description.
 */
export function refusalAnswer(
  action: RefusalAction,
  error: string,
  description: string | undefined,
  message = description,
): Record<string, unknown> {
  const resultCode = REFUSAL_CODES[action]
  return {
    resultCode,
    resultMessage: `[${resultCode}] ${message}`,
    action,
    responseContent: errorContent(error, description),
  }
}

/** The body of a `USER_IDENTIFICATION` answer with `fields`. */
export function identificationBody(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    resultCode: 'A179001',
    resultMessage: '[A179001] The backchannel authentication request was processed successfully.',
    action: 'USER_IDENTIFICATION',
    ...fields,
  }
}

/**
 * The fields of a `USER_IDENTIFICATION` answer that a test may set (any other field is passed through).
 */
export interface MockUserIdentification extends MockHandlerOptions {
  /** Default: 43 random base64url characters, fresh per request. */
  ticket?: string
  /** Default `LOGIN_HINT`. */
  hintType?: string
  /** Default `john`. */
  hint?: string
  /** Default `POLL`. */
  deliveryMode?: string
  [field: string]: unknown
}

/**
 * The body of a `USER_IDENTIFICATION` answer, shaped as Authlete's documented example.
 */
export function userIdentificationAnswer(fields: MockUserIdentification = {}): Record<string, unknown> {
  const { baseUrl: _baseUrl, once: _once, ...rest } = fields
  return identificationBody({
    clientId: 26862190133482,
    clientIdAliasUsed: false,
    clientName: 'My CIBA Client',
    deliveryMode: 'POLL',
    hintType: 'LOGIN_HINT',
    hint: 'john',
    requestedExpiry: 0,
    scopes: [{ defaultEntry: false, name: 'openid' }],
    userCodeRequired: false,
    ...rest,
    ticket: fields.ticket ?? randomId(),
  })
}
