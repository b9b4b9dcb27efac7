/**
 * Authlete's `/auth/introspection`, as the mocks play it: its answers (an RFC 6750 challenge on
 * every error), its default handler and scenario helpers, and the simulator's play, which checks an
 * access token it issued (live, presented as bound) against the scopes and subject the resource
 * requires.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
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
import { challenge, checkPresentedToken, presentedToken, resourceErrorAnswer } from '../token/resource.js'

/** No required field: a call without a token is answered `BAD_REQUEST`, as Authlete documents. */
export const INTROSPECTION: AuthleteCall = mockedCall('introspection')

/** Options of the mocks' `OK` answer to `/auth/introspection`. */
export interface MockIntrospectionOkOptions extends MockHandlerOptions {
  /**
   * @default 'john'
   */
  subject?: string | undefined
  /**
   * @default ['openid']
   */
  scopes?: readonly string[] | undefined
  /**
   * The client's numeric ID.
   * @default 1000001
   */
  clientId?: number | undefined
  /**
   * When the token expires, in milliseconds since the epoch.
   * @default an hour after the call
   */
  expiresAt?: number | undefined
  /**
   * `dpopNonce`: the resource sends it as the `DPoP-Nonce` header.
   * @default undefined
   */
  dpopNonce?: string | undefined
}

/** The body of an `OK` answer: `A056001`, as Authlete's documented example. */
export function introspectionOkAnswer(options: MockIntrospectionOkOptions = {}): Record<string, unknown> {
  return defined({
    resultCode: 'A056001',
    resultMessage: '[A056001] The access token is valid.',
    action: 'OK',
    // As Authlete's example: an OK answer's content is a challenge no one sends.
    responseContent: 'Bearer error="invalid_request"',
    clientId: options.clientId ?? 1_000_001,
    clientIdAliasUsed: false,
    subject: options.subject ?? 'john',
    scopes: [...(options.scopes ?? ['openid'])],
    existent: true,
    usable: true,
    sufficient: true,
    refreshable: true,
    expiresAt: options.expiresAt ?? Date.now() + 3_600_000,
    dpopNonce: options.dpopNonce,
  })
}

/** `BAD_REQUEST`: no token in the call. */
export function introspectionBadRequestAnswer(): Record<string, unknown> {
  return resourceErrorAnswer(
    'BAD_REQUEST',
    'A056201',
    challenge('Bearer', 'invalid_request', 'An access token must be sent as a Bearer token.'),
  )
}

/** `UNAUTHORIZED`, with `content` (`Bearer error="invalid_token",…` by default). */
export function introspectionUnauthorizedAnswer(
  content = challenge('Bearer', 'invalid_token', 'The access token does not exist or has expired.'),
  existent = false,
): Record<string, unknown> {
  return {
    ...resourceErrorAnswer('UNAUTHORIZED', 'A056301', content),
    existent,
    usable: false,
    sufficient: false,
  }
}

/** `FORBIDDEN`: the token lacks `scopes` (or is not `subject`'s), with the scopes it needs. */
export function introspectionForbiddenAnswer(
  scopes: readonly string[] = [],
  wrongSubject = false,
): Record<string, unknown> {
  const content = wrongSubject
    ? challenge('Bearer', 'invalid_request', 'The access token was not issued to the subject required.')
    : challenge('Bearer', 'insufficient_scope', 'The access token does not cover the scopes required.', {
        scope: scopes.join(' '),
      })
  return {
    ...resourceErrorAnswer('FORBIDDEN', 'A056302', content),
    existent: true,
    usable: true,
    sufficient: false,
  }
}

const helpers = callHelpers(INTROSPECTION)

/** Your own msw resolver on the `/auth/introspection` endpoint (v3 and v2 paths). */
export const introspectionHandler = helpers.handler

/** An `action` Authlete may add later. */
export const introspectionUnknownAction = helpers.unknownAction

/** A non-2xx answer from Authlete itself. */
export const introspectionApiError = helpers.apiError

/** `action: OK`: a valid, sufficient token. */
export function introspectionOk(options: MockIntrospectionOkOptions = {}): HttpHandler {
  return answerWith(INTROSPECTION, () => introspectionOkAnswer(options), options)
}

/** `action: UNAUTHORIZED`: an unknown or expired token (or `content`, e.g. a `DPoP …` challenge). */
export function introspectionUnauthorized(
  options: MockHandlerOptions & { content?: string } = {},
): HttpHandler {
  return answerWith(INTROSPECTION, introspectionUnauthorizedAnswer(options.content), options)
}

/** `action: FORBIDDEN`: the token does not cover `scopes`. */
export function introspectionForbidden(
  options: MockHandlerOptions & { scopes?: readonly string[] } = {},
): HttpHandler {
  return answerWith(INTROSPECTION, introspectionForbiddenAnswer(options.scopes), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body), then
 * `BAD_REQUEST` without a token, else `OK` for John, with the scopes asked for (a JSON list, or a
 * form's space-separated value; `openid` when none are).
 */
export function introspectionAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return introspectionHandler(async (info) => {
    const { received, refused } = await receiveCall(INTROSPECTION, info)
    if (refused) return refused
    const fields = received.fields ?? {}
    if (typeof fields.token !== 'string' || fields.token === '') {
      return HttpResponse.json(introspectionBadRequestAnswer())
    }
    // A JSON list, or a form's space-separated value: the scopes asked for, as the simulator reads them.
    const scopes = fields.scopes === undefined ? undefined : scopesOf(fields.scopes)
    return HttpResponse.json(introspectionOkAnswer({ scopes }))
  }, options)
}

/** The scopes of a call: a JSON array, or a form's space-separated list. */
function scopesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string')
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : []
}

/**
 * The simulator's play: a token it issued, live, presented as bound (a proof of its DPoP key for the
 * call's `htm` and `htu`, with `ath`); of the `subject` asked for, if any; covering the `scopes`
 * asked for. Then `OK` with its subject, scopes, client and expiry.
 */
export const playIntrospection: Play = (state, fields) => {
  const presented = presentedToken(fields)
  if (presented.token === '') return introspectionBadRequestAnswer()
  const now = state.now()
  const checked = checkPresentedToken(state.token.ledger, presented, now, undefined)
  if (!checked.ok) return introspectionUnauthorizedAnswer(checked.challenge, checked.existent)
  const { issued } = checked
  const subject = typeof fields.subject === 'string' && fields.subject !== '' ? fields.subject : undefined
  if (subject !== undefined && subject !== issued.subject) return introspectionForbiddenAnswer([], true)
  const required = scopesOf(fields.scopes)
  if (!required.every((scope) => issued.scopes.includes(scope))) return introspectionForbiddenAnswer(required)
  return defined({
    ...introspectionOkAnswer({
      subject: issued.subject,
      scopes: issued.scopes,
      clientId: issued.client.numericId,
      expiresAt: issued.expiresAt,
    }),
    clientIdAlias: issued.client.alias,
    refreshable: state.token.ledger.refreshable(issued.grantId, now),
    grantType: issued.grantType,
    authTime: issued.authTime,
    acr: issued.acr,
  })
}
