/**
 * Authlete's `/auth/userinfo`, as the mocks play it: its answers (an RFC 6750 challenge on every
 * error), its default handler and scenario helpers, and the simulator's play, which checks an access
 * token it issued (live, presented with a proof of its DPoP key when bound) and answers the claims
 * its scopes allow (OpenID Connect Core §5.4).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo
 * @module
 */

import type { HttpHandler } from 'msw'
import { HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  defined,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import {
  challenge,
  checkPresentedToken,
  claimNamesOf,
  presentedToken,
  resourceErrorAnswer,
} from '../token/resource.js'

/** No required field: a call without a token is answered `BAD_REQUEST`, as Authlete documents. */
export const USERINFO: AuthleteCall = mockedCall('userinfo')

/** Options of the mocks' `OK` answer to `/auth/userinfo`. */
export interface MockUserinfoOkOptions extends MockHandlerOptions {
  /**
   * @default 'john'
   */
  subject?: string | undefined
  /**
   * @default ['openid', 'profile', 'email']
   */
  scopes?: readonly string[] | undefined
  /**
   * The claim names to fill.
   * @default the claims of `scopes` (OpenID Connect Core §5.4)
   */
  claims?: readonly string[] | undefined
  /**
   * The client's numeric ID.
   * @default 1000001
   */
  clientId?: number | undefined
  /**
   * `dpopNonce`: the AS sends it as the `DPoP-Nonce` header.
   * @default undefined
   */
  dpopNonce?: string | undefined
}

/** The body of an `OK` answer: `A091001`, as Authlete's documented example. */
export function userinfoOkAnswer(
  options: MockUserinfoOkOptions & { token?: string } = {},
): Record<string, unknown> {
  const scopes = [...(options.scopes ?? ['openid', 'profile', 'email'])]
  return defined({
    resultCode: 'A091001',
    resultMessage: '[A091001] The access token presented at the userinfo endpoint is valid.',
    action: 'OK',
    clientId: options.clientId ?? 1_000_001,
    clientIdAliasUsed: false,
    subject: options.subject ?? 'john',
    scopes,
    claims: [...(options.claims ?? claimNamesOf(scopes))],
    token: options.token,
    dpopNonce: options.dpopNonce,
  })
}

/** `BAD_REQUEST`: no token in the call. */
export function userinfoBadRequestAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'BAD_REQUEST',
    'A091201',
    challenge('Bearer', 'invalid_request', 'An access token must be sent as a Bearer token.'),
  )
}

/** `UNAUTHORIZED`, with `content` (`Bearer error="invalid_token",…` by default). */
export function userinfoUnauthorizedAnswer(
  content = challenge('Bearer', 'invalid_token', 'The access token does not exist or has expired.'),
): Record<string, unknown> {
  return resourceErrorAnswer('UNAUTHORIZED', 'A091301', content)
}

/** `FORBIDDEN`: the token lacks the `openid` scope. */
export function userinfoForbiddenAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'FORBIDDEN',
    'A091302',
    challenge('Bearer', 'insufficient_scope', 'The access token does not have the openid scope.'),
  )
}

/** `INTERNAL_SERVER_ERROR`. */
export function userinfoInternalServerErrorAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'INTERNAL_SERVER_ERROR',
    'A091101',
    challenge('Bearer', 'server_error', 'Authlete failed to process the request.'),
  )
}

const helpers = callHelpers(USERINFO)

/** Your own msw resolver on the `/auth/userinfo` endpoint (v3 and v2 paths). */
export const userinfoHandler = helpers.handler

/** An `action` Authlete may add later. */
export const userinfoUnknownAction = helpers.unknownAction

/** A non-2xx answer from Authlete itself. */
export const userinfoApiError = helpers.apiError

/** `action: OK`: the token is valid; `claims` are the names to fill. */
export function userinfoOk(options: MockUserinfoOkOptions = {}): HttpHandler {
  return answerWith(USERINFO, () => userinfoOkAnswer(options), options)
}

/** `action: BAD_REQUEST`: no token. */
export function userinfoBadRequest(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(USERINFO, userinfoBadRequestAnswer(), options)
}

/** `action: UNAUTHORIZED`: an unknown or expired token (or `content`, e.g. a `DPoP …` challenge). */
export function userinfoUnauthorized(options: MockHandlerOptions & { content?: string } = {}): HttpHandler {
  return answerWith(USERINFO, userinfoUnauthorizedAnswer(options.content), options)
}

/** `action: FORBIDDEN`: no `openid` scope. */
export function userinfoForbidden(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(USERINFO, userinfoForbiddenAnswer(), options)
}

/** `action: INTERNAL_SERVER_ERROR`. */
export function userinfoInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(USERINFO, userinfoInternalServerErrorAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body), then
 * `BAD_REQUEST` without a token, else `OK` for John with `openid profile email`.
 */
export function userinfoAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return userinfoHandler(async (info) => {
    const { received, refused } = await receiveCall(USERINFO, info)
    if (refused) return refused
    const token = received.fields?.token
    if (typeof token !== 'string' || token === '') return HttpResponse.json(userinfoBadRequestAnswer())
    return HttpResponse.json(userinfoOkAnswer({ token }))
  }, options)
}

/**
 * The simulator's play: a token it issued, live, presented as bound (a proof of its DPoP key for
 * this request: `htm`, `htu`, by default its `userinfoEndpoint`, and `ath`), with the `openid`
 * scope; then `OK` with the claim names of its scopes.
 */
export const playUserinfo: Play = (state, fields) => {
  const presented = presentedToken(fields)
  if (presented.token === '') return userinfoBadRequestAnswer()
  const checked = checkPresentedToken(
    state.token.ledger,
    presented,
    state.now(),
    state.token.userinfoEndpoint,
  )
  if (!checked.ok) return userinfoUnauthorizedAnswer(checked.challenge)
  const { issued } = checked
  if (!issued.scopes.includes('openid')) return userinfoForbiddenAnswer()
  return defined({
    ...userinfoOkAnswer({
      subject: issued.subject,
      scopes: issued.scopes,
      clientId: issued.client.numericId,
    }),
    clientIdAlias: issued.client.alias,
    clientIdAliasUsed: false,
    token: presented.token,
  })
}
