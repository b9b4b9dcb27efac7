/**
 * Authlete's `/auth/introspection/standard`, as the mocks play it: its answers, its default handler
 * and scenario helpers, and the simulator's play, which answers RFC 7662 for the access and refresh
 * tokens it issued (`{"active":false}` for any other, expired or revoked), signed as RFC 9701 says
 * when the caller accepts `application/token-introspection+jwt`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection/standard
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc9701#section-5
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
  receiveCall,
  repeatedParameter,
} from '../authlete.js'
import type { Play, SimulatorState } from '../simulator/state.js'
import { signJws } from '../token/jws.js'

/** The caller's `parameters`: 400 `A145201` without them (this stand-in's code). */
export const INTROSPECTION_STANDARD: AuthleteCall = mockedCall('introspectionStandard', {
  fields: ['parameters'],
  code: 'A145201',
})

/** The media type of a signed introspection response (RFC 9701 §4). */
const JWT_TYPE = 'application/token-introspection+jwt'

/** The body of an `OK` answer with `content`, the RFC 7662 response. */
export function introspectionStandardOkAnswer(
  content: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    resultCode: 'A145001',
    resultMessage: `[A145001] Introspection was performed successfully (type=access_token, active=${content.active === true}).`,
    action: 'OK',
    responseContent: JSON.stringify(content),
  }
}

/** The body of a `JWT` answer: `jwt`, the signed response. */
export function introspectionStandardJwtAnswer(jwt: string): Record<string, unknown> {
  return {
    resultCode: 'A145001',
    resultMessage: '[A145001] Introspection was performed successfully (signed).',
    action: 'JWT',
    responseContent: jwt,
  }
}

/** `BAD_REQUEST`: the caller's request has no `token`, or a parameter twice. */
export function introspectionStandardBadRequestAnswer(description: string): Record<string, unknown> {
  return {
    resultCode: 'A145202',
    resultMessage: `[A145202] ${description}`,
    action: 'BAD_REQUEST',
    responseContent: errorContent('invalid_request', description),
  }
}

const helpers = callHelpers(INTROSPECTION_STANDARD)

/** Your own msw resolver on the `/auth/introspection/standard` endpoint (v3 and v2 paths). */
export const introspectionStandardHandler = helpers.handler

/** An `action` Authlete may add later. */
export const introspectionStandardUnknownAction = helpers.unknownAction

/** A non-2xx answer from Authlete itself. */
export const introspectionStandardApiError = helpers.apiError

/** `action: OK` with `content` as the RFC 7662 response (`{ active: true }` by default). */
export function introspectionStandardOk(
  options: MockHandlerOptions & { content?: Readonly<Record<string, unknown>> } = {},
): HttpHandler {
  return answerWith(
    INTROSPECTION_STANDARD,
    introspectionStandardOkAnswer(options.content ?? { active: true }),
    options,
  )
}

/** `action: JWT` with `jwt` as the signed response. */
export function introspectionStandardJwt(jwt: string, options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(INTROSPECTION_STANDARD, introspectionStandardJwtAnswer(jwt), options)
}

/** `action: BAD_REQUEST`: no token in the caller's request. */
export function introspectionStandardBadRequest(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(
    INTROSPECTION_STANDARD,
    introspectionStandardBadRequestAnswer('The token parameter is missing.'),
    options,
  )
}

/** The caller's token, or why the request is bad. */
function tokenOf(fields: Record<string, unknown>): { token: string } | { bad: string } {
  const parameters = new URLSearchParams(fields.parameters as string)
  const repeated = repeatedParameter(parameters)
  if (repeated !== undefined) return { bad: `The '${repeated}' parameter is included more than once.` }
  const token = parameters.get('token')
  return token === null || token === '' ? { bad: 'The token parameter is missing.' } : { token }
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `parameters`), then `BAD_REQUEST` without a `token`, else `OK` with `{"active":true}`.
 */
export function introspectionStandardAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return introspectionStandardHandler(async (info) => {
    const { received, refused } = await receiveCall(INTROSPECTION_STANDARD, info)
    if (refused) return refused
    const token = tokenOf(received.fields ?? {})
    if ('bad' in token) return HttpResponse.json(introspectionStandardBadRequestAnswer(token.bad))
    return HttpResponse.json(introspectionStandardOkAnswer({ active: true }))
  }, options)
}

/** RFC 7662 §2.2 for `token` at the simulator's clock: an access or refresh token of its own, live. */
function introspect(state: SimulatorState, token: string): Record<string, unknown> {
  const now = state.now()
  const { ledger } = state.token
  const seconds = (ms: number) => Math.floor(ms / 1000)
  const access = ledger.accessTokens.get(token)
  if (access !== undefined && now < access.expiresAt) {
    return defined({
      active: true,
      scope: access.scopes.join(' '),
      client_id: access.client.clientId,
      sub: access.sub ?? access.subject,
      token_type: access.jkt === undefined ? 'Bearer' : 'DPoP',
      exp: seconds(access.expiresAt),
      iat: seconds(access.issuedAt),
      iss: state.issuer,
      cnf: access.jkt === undefined ? undefined : { jkt: access.jkt },
    })
  }
  const refresh = ledger.refreshTokens.get(token)
  if (refresh !== undefined && now < refresh.expiresAt) {
    return {
      active: true,
      scope: refresh.scopes.join(' '),
      client_id: refresh.client.clientId,
      sub: refresh.decision.sub ?? refresh.decision.subject,
      token_type: 'refresh_token',
      exp: seconds(refresh.expiresAt),
      iat: seconds(refresh.issuedAt),
      iss: state.issuer,
    }
  }
  return { active: false }
}

/**
 * Whether an `Accept` header names `type` as acceptable: its name in any case (RFC 9110 §8.3.1),
 * with no `q=0` (RFC 9110 §12.4.2: "not acceptable").
 */
function accepts(header: unknown, type: string): boolean {
  if (typeof header !== 'string') return false
  return header.split(',').some((range) => {
    const [name = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase())
    if (name !== type) return false
    const q = parameters.find((parameter) => /^q\s*=/.test(parameter))
    return q === undefined || Number(q.slice(q.indexOf('=') + 1).trim()) > 0
  })
}

/**
 * The simulator's play: the caller's `token` (a parameter twice, or none, is `BAD_REQUEST`), then
 * `OK` with its RFC 7662 response, or `JWT` (RFC 9701: `typ` `token-introspection+jwt`, `iss`, `aud`
 * the `rsUri`, `iat`, `token_introspection`) when `httpAcceptHeader` accepts that type.
 */
export const playIntrospectionStandard: Play = (state, fields) => {
  const token = tokenOf(fields)
  if ('bad' in token) return introspectionStandardBadRequestAnswer(token.bad)
  const content = introspect(state, token.token)
  if (!accepts(fields.httpAcceptHeader, JWT_TYPE)) return introspectionStandardOkAnswer(content)
  const key = state.token.signingKey()
  const jwt = signJws(
    { alg: key.alg, typ: 'token-introspection+jwt', kid: key.kid },
    defined({
      iss: state.issuer,
      aud: typeof fields.rsUri === 'string' && fields.rsUri !== '' ? fields.rsUri : undefined,
      iat: Math.floor(state.now() / 1000),
      token_introspection: content,
    }),
    key.privateKey,
  )
  return introspectionStandardJwtAnswer(jwt)
}
