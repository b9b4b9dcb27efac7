/**
 * msw handlers that answer as Authlete's `/backchannel/authentication` does.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  acceptRequest,
  answerWith,
  apiErrorWith,
  authleteHandler,
  errorContent,
  type MockHandlerOptions,
  missingField,
  type Resolver,
  randomId,
} from './authlete.js'

const AUTHENTICATION_PATH = '/backchannel/authentication'

/**
 * Your own msw resolver on the `/backchannel/authentication` endpoint (v3 and v2 paths).
 */
export function authenticationHandler(resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler {
  return authleteHandler(AUTHENTICATION_PATH, resolver, options)
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
  return {
    resultCode: 'A179001',
    resultMessage: '[A179001] The backchannel authentication request was processed successfully.',
    action: 'USER_IDENTIFICATION',
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
  }
}

/**
 * `action: USER_IDENTIFICATION`: the request is valid; a fresh ticket per request unless fixed.
 */
export function authenticationUserIdentification(fields: MockUserIdentification = {}): HttpHandler {
  return answerWith(AUTHENTICATION_PATH, () => userIdentificationAnswer(fields), fields)
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `invalid_request`) as `responseContent`.
 */
export function authenticationBadRequest(
  error = 'invalid_request',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(
    AUTHENTICATION_PATH,
    {
      resultCode: 'A180301',
      resultMessage: `[A180301] The backchannel authentication request is invalid (${error}).`,
      action: 'BAD_REQUEST',
      responseContent: errorContent(error),
    },
    options,
  )
}

/**
 * `action: UNAUTHORIZED`: client authentication failed (`invalid_client`).
 */
export function authenticationUnauthorized(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(
    AUTHENTICATION_PATH,
    {
      resultCode: 'A180302',
      resultMessage: '[A180302] Client authentication failed.',
      action: 'UNAUTHORIZED',
      responseContent: errorContent('invalid_client', 'Client authentication failed.'),
    },
    options,
  )
}

/**
 * `action: INTERNAL_SERVER_ERROR`.
 */
export function authenticationInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(
    AUTHENTICATION_PATH,
    {
      resultCode: 'A180101',
      resultMessage: '[A180101] An error occurred on the Authlete server.',
      action: 'INTERNAL_SERVER_ERROR',
      responseContent: errorContent('server_error'),
    },
    options,
  )
}

/**
 * An `action` Authlete may add later; your code must treat it as a failure.
 */
export function authenticationUnknownAction(
  action = 'FUTURE_ACTION',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(AUTHENTICATION_PATH, { resultCode: 'A999999', action }, options)
}

/**
 * A non-2xx answer from Authlete itself.
 */
export function authenticationApiError(
  status: number,
  resultCode: string,
  resultMessage = 'Mocked error.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return apiErrorWith(AUTHENTICATION_PATH, status, resultCode, resultMessage, options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body, a
 * non-empty `parameters`), then answers `USER_IDENTIFICATION` with a fresh ticket and the hint of
 * `parameters`, or `BAD_REQUEST`: `invalid_request` when `parameters` carries other than one hint,
 * `invalid_scope` without the `openid` scope. For a stateful stand-in of the whole flow, see `createCibaSimulator`.
 */
export function authenticationAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return authenticationHandler(async ({ request, params }) => {
    const fields = await acceptRequest(request, params)
    if (fields instanceof Response) return fields
    if (typeof fields.parameters !== 'string' || fields.parameters === '') {
      return missingField('A179201', 'parameters')
    }
    const parameters = new URLSearchParams(fields.parameters)
    const hints = (['login_hint', 'login_hint_token', 'id_token_hint'] as const).filter((name) =>
      parameters.has(name),
    )
    const scopes = (parameters.get('scope') ?? '').split(' ').filter(Boolean)
    if (hints.length !== 1 || !scopes.includes('openid')) {
      // CIBA Core §13: a request without the openid scope is invalid_scope, a hint problem invalid_request.
      const [error, description] =
        hints.length !== 1
          ? ['invalid_request', 'exactly one hint is required']
          : ['invalid_scope', 'the scope must contain openid']
      return HttpResponse.json({
        resultCode: 'A180301',
        resultMessage: '[A180301] The backchannel authentication request is invalid.',
        action: 'BAD_REQUEST',
        responseContent: errorContent(error, description),
      })
    }
    const hint = hints[0] as (typeof hints)[number]
    const optional = (name: string) => parameters.get(name) ?? undefined
    return HttpResponse.json(
      userIdentificationAnswer({
        hintType: hint.toUpperCase(),
        hint: parameters.get(hint) ?? '',
        scopes: scopes.map((name) => ({ defaultEntry: false, name })),
        bindingMessage: optional('binding_message'),
        userCode: optional('user_code'),
        clientNotificationToken: optional('client_notification_token'),
      }),
    )
  }, options)
}
