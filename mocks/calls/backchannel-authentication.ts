/**
 * Authlete's `/backchannel/authentication`, as the mocks play it: its result codes and answers, its
 * default handler and scenario helpers, and the simulator's play (which adds its client registry
 * and its reading of the request, `../simulator/request.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  defined,
  errorContent,
  type MockHandlerOptions,
  mockedCall,
  randomId,
  receiveCall,
} from '../authlete.js'
import {
  authorizationDetailsOf,
  type BackchannelRequest,
  claimNamesOf,
  clientFields,
  hintsOf,
  readBackchannelRequest,
  scopesOf,
} from '../simulator/request.js'
import type { Play } from '../simulator/state.js'

/** The client's `parameters`: 400 `A179201` without them (this stand-in's code). */
export const BACKCHANNEL_AUTHENTICATION: AuthleteCall = mockedCall('backchannelAuthentication', {
  fields: ['parameters'],
  code: 'A179201',
})

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

const helpers = callHelpers(BACKCHANNEL_AUTHENTICATION)

/**
 * Your own msw resolver on the `/backchannel/authentication` endpoint (v3 and v2 paths).
 */
export const backchannelAuthenticationHandler = helpers.handler

/**
 * An `action` Authlete may add later; your code must treat it as a failure.
 */
export const backchannelAuthenticationUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const backchannelAuthenticationApiError = helpers.apiError

/**
 * `action: USER_IDENTIFICATION`: the request is valid; a fresh ticket per request unless fixed.
 */
export function backchannelAuthenticationUserIdentification(
  fields: MockUserIdentification = {},
): HttpHandler {
  return answerWith(BACKCHANNEL_AUTHENTICATION, () => userIdentificationAnswer(fields), fields)
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `invalid_request`) as `responseContent`.
 */
export function backchannelAuthenticationBadRequest(
  error = 'invalid_request',
  options: MockHandlerOptions = {},
): HttpHandler {
  const message = `The backchannel authentication request is invalid (${error}).`
  return answerWith(
    BACKCHANNEL_AUTHENTICATION,
    refusalAnswer('BAD_REQUEST', error, undefined, message),
    options,
  )
}

/**
 * `action: UNAUTHORIZED`: client authentication failed (`invalid_client`).
 */
export function backchannelAuthenticationUnauthorized(options: MockHandlerOptions = {}): HttpHandler {
  const answer = refusalAnswer('UNAUTHORIZED', 'invalid_client', 'Client authentication failed.')
  return answerWith(BACKCHANNEL_AUTHENTICATION, answer, options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`.
 */
export function backchannelAuthenticationInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  const message = 'An error occurred on the Authlete server.'
  return answerWith(
    BACKCHANNEL_AUTHENTICATION,
    refusalAnswer('INTERNAL_SERVER_ERROR', 'server_error', undefined, message),
    options,
  )
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body, a
 * non-empty `parameters`), then answers `USER_IDENTIFICATION` with a fresh ticket and the hint of
 * `parameters`, or `BAD_REQUEST`: `invalid_request` when `parameters` carries other than one hint,
 * `invalid_scope` without the `openid` scope. For a stateful stand-in of the whole flow, see `createCibaSimulator`.
 */
export function backchannelAuthenticationAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelAuthenticationHandler(async (info) => {
    const { received, refused } = await receiveCall(BACKCHANNEL_AUTHENTICATION, info)
    if (refused) return refused
    const parameters = new URLSearchParams(received.fields?.parameters as string)
    const hints = hintsOf(parameters)
    const scopes = scopesOf(parameters)
    const [hint] = hints
    const authorizationDetails = authorizationDetailsOf(parameters)
    if (typeof authorizationDetails === 'string') {
      const message = 'The backchannel authentication request is invalid.'
      return HttpResponse.json(
        refusalAnswer('BAD_REQUEST', 'invalid_authorization_details', authorizationDetails, message),
      )
    }
    if (hint === undefined || hints.length > 1 || !scopes.includes('openid')) {
      // CIBA Core §13: a request without the openid scope is invalid_scope, a hint problem invalid_request.
      const [error, description] =
        hints.length !== 1
          ? ['invalid_request', 'exactly one hint is required']
          : ['invalid_scope', 'the scope must contain openid']
      const message = 'The backchannel authentication request is invalid.'
      return HttpResponse.json(refusalAnswer('BAD_REQUEST', error, description, message))
    }
    const optional = (name: string) => parameters.get(name) ?? undefined
    return HttpResponse.json(
      userIdentificationAnswer({
        hintType: hint[1],
        hint: parameters.get(hint[0]) ?? '',
        scopes: scopes.map((name) => ({ defaultEntry: false, name })),
        claimNames: claimNamesOf(scopes),
        authorizationDetails,
        bindingMessage: optional('binding_message'),
        userCode: optional('user_code'),
        clientNotificationToken: optional('client_notification_token'),
      }),
    )
  }, options)
}

/** `USER_IDENTIFICATION` for a valid request, with what Authlete read from it. */
function userIdentification(ticket: string, request: BackchannelRequest): Record<string, unknown> {
  return defined(
    identificationBody({
      ticket,
      ...clientFields(request.client),
      clientAuthMethod: request.clientAuthMethod,
      deliveryMode: request.client.deliveryMode,
      hintType: request.hintType,
      hint: request.hint,
      sub: request.sub,
      userCode: request.userCode,
      userCodeRequired: request.client.userCodeRequired === true,
      bindingMessage: request.bindingMessage,
      acrs: request.acrs.length > 0 ? request.acrs : undefined,
      scopes: request.scopes.map((name) => ({ name, defaultEntry: false })),
      claimNames: request.claimNames,
      authorizationDetails: request.authorizationDetails,
      requestedExpiry: request.requestedExpiry ?? 0,
      clientNotificationToken: request.clientNotificationToken,
    }),
  )
}

export const playBackchannelAuthentication: Play = (state, fields, draft) => {
  const parameters = new URLSearchParams(fields.parameters as string)
  draft.parameters = Object.fromEntries(parameters)
  const request = readBackchannelRequest(fields, parameters, (id) => state.findClient(id), state.knownScopes)
  if ('action' in request) return refusalAnswer(request.action, request.error, request.description)
  const ticket = randomId()
  state.identify(ticket, request)
  return userIdentification(ticket, request)
}
