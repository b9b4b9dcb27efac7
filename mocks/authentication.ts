/**
 * msw handlers that answer as Authlete's `/backchannel/authentication` does (its reading of the
 * request and its answers are in `calls/authentication.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { answerWith, callHelpers, type MockHandlerOptions, receiveCall } from './authlete.js'
import {
  AUTHENTICATION,
  hintsOf,
  type MockUserIdentification,
  refusalAnswer,
  scopesOf,
  userIdentificationAnswer,
} from './calls/authentication.js'

const helpers = callHelpers(AUTHENTICATION)

/**
 * Your own msw resolver on the `/backchannel/authentication` endpoint (v3 and v2 paths).
 */
export const authenticationHandler = helpers.handler

/**
 * An `action` Authlete may add later; your code must treat it as a failure.
 */
export const authenticationUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const authenticationApiError = helpers.apiError

/**
 * `action: USER_IDENTIFICATION`: the request is valid; a fresh ticket per request unless fixed.
 */
export function authenticationUserIdentification(fields: MockUserIdentification = {}): HttpHandler {
  return answerWith(AUTHENTICATION, () => userIdentificationAnswer(fields), fields)
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `invalid_request`) as `responseContent`.
 */
export function authenticationBadRequest(
  error = 'invalid_request',
  options: MockHandlerOptions = {},
): HttpHandler {
  const message = `The backchannel authentication request is invalid (${error}).`
  return answerWith(AUTHENTICATION, refusalAnswer('BAD_REQUEST', error, undefined, message), options)
}

/**
 * `action: UNAUTHORIZED`: client authentication failed (`invalid_client`).
 */
export function authenticationUnauthorized(options: MockHandlerOptions = {}): HttpHandler {
  const answer = refusalAnswer('UNAUTHORIZED', 'invalid_client', 'Client authentication failed.')
  return answerWith(AUTHENTICATION, answer, options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`.
 */
export function authenticationInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  const message = 'An error occurred on the Authlete server.'
  return answerWith(
    AUTHENTICATION,
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
export function authenticationAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return authenticationHandler(async (info) => {
    const { received, refused } = await receiveCall(AUTHENTICATION, info)
    if (refused) return refused
    const parameters = new URLSearchParams(received.fields?.parameters as string)
    const hints = hintsOf(parameters)
    const scopes = scopesOf(parameters)
    const [hint] = hints
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
        bindingMessage: optional('binding_message'),
        userCode: optional('user_code'),
        clientNotificationToken: optional('client_notification_token'),
      }),
    )
  }, options)
}
