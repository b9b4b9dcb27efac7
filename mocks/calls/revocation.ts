/**
 * Authlete's `/auth/revocation`, as the mocks play it: its answers, its default handler and
 * scenario helpers, and the simulator's play, which authenticates the client as at the token
 * endpoint and revokes a token of that client's: a refresh token with the access tokens of its
 * grant. Another client's token is answered `OK` and revoked not (as node-oidc-provider does: the
 * caller learns nothing of tokens not its own).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/revocation
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  errorContent,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
  repeatedParameter,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import { authenticateClient } from '../token/client-auth.js'

/** The client's `parameters`: 400 `A113201` without them (this stand-in's code). */
export const REVOCATION: AuthleteCall = mockedCall('revocation', { fields: ['parameters'], code: 'A113201' })

/** The body of an `OK` answer: `A113001`, as Authlete's documented example (no content). */
export function revocationOkAnswer(): Record<string, unknown> {
  return {
    resultCode: 'A113001',
    resultMessage: '[A113001] The token has been revoked successfully.',
    action: 'OK',
  }
}

/** `BAD_REQUEST` with an `invalid_request` content. */
export function revocationBadRequestAnswer(
  description = 'The token parameter is missing.',
): Record<string, unknown> {
  return {
    resultCode: 'A113202',
    resultMessage: `[A113202] ${description}`,
    action: 'BAD_REQUEST',
    responseContent: errorContent('invalid_request', description),
  }
}

/** `INVALID_CLIENT` with an `invalid_client` content. */
export function revocationInvalidClientAnswer(
  description = 'Client authentication failed.',
): Record<string, unknown> {
  return {
    resultCode: 'A113301',
    resultMessage: `[A113301] ${description}`,
    action: 'INVALID_CLIENT',
    responseContent: errorContent('invalid_client', description),
  }
}

const helpers = callHelpers(REVOCATION)

/** Your own msw resolver on the `/auth/revocation` endpoint (v3 and v2 paths). */
export const revocationHandler = helpers.handler

/** An `action` Authlete may add later. */
export const revocationUnknownAction = helpers.unknownAction

/** A non-2xx answer from Authlete itself. */
export const revocationApiError = helpers.apiError

/** `action: OK`: revoked (or not the client's). */
export function revocationOk(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(REVOCATION, revocationOkAnswer(), options)
}

/** `action: BAD_REQUEST`: no `token` in the client's request. */
export function revocationBadRequest(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(REVOCATION, revocationBadRequestAnswer(), options)
}

/** `action: INVALID_CLIENT`: client authentication failed. */
export function revocationInvalidClient(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(REVOCATION, revocationInvalidClientAnswer(), options)
}

/** The client's form, and its `token`, or why the request is bad. */
function readRequest(
  fields: Record<string, unknown>,
): { parameters: URLSearchParams; token: string } | { bad: string } {
  const parameters = new URLSearchParams(fields.parameters as string)
  const repeated = repeatedParameter(parameters)
  if (repeated !== undefined) return { bad: `The '${repeated}' parameter is included more than once.` }
  const token = parameters.get('token')
  return token === null || token === '' ? { bad: 'The token parameter is missing.' } : { parameters, token }
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `parameters`), then `BAD_REQUEST` without a `token`, else `OK`.
 */
export function revocationAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return revocationHandler(async (info) => {
    const { received, refused } = await receiveCall(REVOCATION, info)
    if (refused) return refused
    const request = readRequest(received.fields ?? {})
    return HttpResponse.json(
      'bad' in request ? revocationBadRequestAnswer(request.bad) : revocationOkAnswer(),
    )
  }, options)
}

/**
 * The simulator's play: the client's request (`BAD_REQUEST` without a token or with a parameter
 * twice), the client authenticated (`INVALID_CLIENT`), then `OK`, having revoked the token if it is
 * that client's: an access token alone, a refresh token with its grant's access tokens.
 */
export const playRevocation: Play = (state, fields) => {
  const request = readRequest(fields)
  if ('bad' in request) return revocationBadRequestAnswer(request.bad)
  const authentication = authenticateClient(fields, request.parameters, (id) => state.findClient(id))
  if (!authentication.ok) {
    return authentication.error === 'invalid_client'
      ? revocationInvalidClientAnswer(authentication.description)
      : revocationBadRequestAnswer(authentication.description)
  }
  const { ledger } = state.token
  const own = authentication.client.numericId
  const access = ledger.accessTokens.get(request.token)
  if (access !== undefined && access.client.numericId === own) ledger.accessTokens.delete(request.token)
  const refresh = ledger.refreshTokens.get(request.token)
  if (refresh !== undefined && refresh.client.numericId === own) ledger.revokeGrant(refresh.grantId)
  return revocationOkAnswer()
}
