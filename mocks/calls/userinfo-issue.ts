/**
 * Authlete's `/auth/userinfo/issue`, as the mocks play it: its answers, its default handler and
 * scenario helpers, and the simulator's play, which issues the claims the AS passes for a live
 * token it issued, with the token's `sub` (or the one given) and never another.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo/issue
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import { challenge, resourceErrorAnswer } from '../token/resource.js'

/** A `token`: 400 `A096201` without one (this stand-in's code). */
export const USERINFO_ISSUE: AuthleteCall = mockedCall('userinfoIssue', {
  fields: ['token'],
  code: 'A096201',
})

const OK_MESSAGE = '[A096001] An ID token was generated successfully.'

/** The body of a `JSON` answer: `responseContent` is the UserInfo response, `sub` first. */
export function userinfoIssueJsonAnswer(
  claims: Readonly<Record<string, unknown>>,
  sub: string,
): Record<string, unknown> {
  const { sub: _ignored, ...rest } = claims
  return {
    resultCode: 'A096001',
    resultMessage: OK_MESSAGE,
    action: 'JSON',
    responseContent: JSON.stringify({ sub, ...rest }),
  }
}

/** The body of a `JWT` answer: `responseContent` is the signed UserInfo response. */
export function userinfoIssueJwtAnswer(jwt: string): Record<string, unknown> {
  return { resultCode: 'A096001', resultMessage: OK_MESSAGE, action: 'JWT', responseContent: jwt }
}

/** `UNAUTHORIZED`: the token is unknown or has expired. */
export function userinfoIssueUnauthorizedAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'UNAUTHORIZED',
    'A096301',
    challenge('Bearer', 'invalid_token', 'The access token does not exist or has expired.'),
  )
}

/** `BAD_REQUEST`: `claims` is not a JSON object. */
function userinfoIssueBadRequestAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'BAD_REQUEST',
    'A096202',
    challenge('Bearer', 'invalid_request', 'The claims parameter is not a JSON object.'),
  )
}

const helpers = callHelpers(USERINFO_ISSUE)

/** Your own msw resolver on the `/auth/userinfo/issue` endpoint (v3 and v2 paths). */
export const userinfoIssueHandler = helpers.handler

/** An `action` Authlete may add later. */
export const userinfoIssueUnknownAction = helpers.unknownAction

/** A non-2xx answer from Authlete itself. */
export const userinfoIssueApiError = helpers.apiError

/** `action: JSON` with `claims` (and `sub`, by default `john`) as the UserInfo response. */
export function userinfoIssueJson(
  options: MockHandlerOptions & { claims?: Readonly<Record<string, unknown>>; sub?: string } = {},
): HttpHandler {
  return answerWith(
    USERINFO_ISSUE,
    userinfoIssueJsonAnswer(options.claims ?? {}, options.sub ?? 'john'),
    options,
  )
}

/** `action: JWT` with `jwt` as the signed UserInfo response (the client registered a signing algorithm). */
export function userinfoIssueJwt(jwt: string, options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(USERINFO_ISSUE, userinfoIssueJwtAnswer(jwt), options)
}

/** `action: UNAUTHORIZED`: the token expired between the two calls. */
export function userinfoIssueUnauthorized(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(USERINFO_ISSUE, userinfoIssueUnauthorizedAnswer(), options)
}

/** The claims of a call: `{}` without any, `undefined` when they are not a JSON object. */
function claimsOf(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  if (fields.claims === undefined || fields.claims === null || fields.claims === '') return {}
  try {
    const parsed: unknown = typeof fields.claims === 'string' ? JSON.parse(fields.claims) : fields.claims
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body, a
 * `token`), then `JSON` with the claims given and `sub` (`john` unless given).
 */
export function userinfoIssueAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return userinfoIssueHandler(async (info) => {
    const { received, refused } = await receiveCall(USERINFO_ISSUE, info)
    if (refused) return refused
    const fields = received.fields ?? {}
    const claims = claimsOf(fields)
    if (claims === undefined) return HttpResponse.json(userinfoIssueBadRequestAnswer())
    const sub = typeof fields.sub === 'string' && fields.sub !== '' ? fields.sub : 'john'
    return HttpResponse.json(userinfoIssueJsonAnswer(claims, sub))
  }, options)
}

/**
 * The simulator's play: a live token it issued, then `JSON` with the claims given and the `sub` of
 * the call, else the token's (the decision's `sub`, else its subject).
 */
export const playUserinfoIssue: Play = (state, fields) => {
  const issued = state.token.ledger.accessTokens.get(fields.token as string)
  if (issued === undefined || state.now() >= issued.expiresAt) return userinfoIssueUnauthorizedAnswer()
  const claims = claimsOf(fields)
  if (claims === undefined) return userinfoIssueBadRequestAnswer()
  const sub =
    typeof fields.sub === 'string' && fields.sub !== '' ? fields.sub : (issued.sub ?? issued.subject)
  return userinfoIssueJsonAnswer(claims, sub)
}
