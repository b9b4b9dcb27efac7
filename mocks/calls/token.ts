/**
 * Authlete's `/auth/token`, as the mocks play it: its default handler and scenario helpers, and
 * the simulator's play, which is its token endpoint (`../token/`: the CIBA and refresh token
 * grants). The answers are worded in `../token/answers.ts`, shaped as Authlete's `TokenResponse`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  randomId,
  receiveCall,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import {
  MISSING_PARAMETERS_CODE,
  type SimulatedGrantType,
  tokenBadRequestAnswer,
  tokenInternalServerErrorAnswer,
  tokenInvalidClientAnswer,
  tokenOkBody,
} from '../token/answers.js'

/** The client's `parameters`: a 400 without them (`MISSING_PARAMETERS_CODE`). */
export const TOKEN: AuthleteCall = mockedCall('token', {
  fields: ['parameters'],
  code: MISSING_PARAMETERS_CODE,
})

/**
 * Options of the mocks' `OK` answer to `/auth/token`.
 */
export interface MockTokenOkOptions extends MockHandlerOptions {
  /**
   * The access token.
   * @default 43 random base64url characters, fresh per call
   */
  accessToken?: string | undefined
  /**
   * The refresh token.
   * @default 43 random base64url characters, fresh per call
   */
  refreshToken?: string | undefined
  /**
   * An ID token to include (the mocks sign nothing: give one, or use `createCibaSimulator`).
   * @default undefined (no ID token)
   */
  idToken?: string | undefined
  /**
   * Seconds.
   * @default 3600
   */
  expiresIn?: number | undefined
  /**
   * @default ['openid']
   */
  scopes?: readonly string[] | undefined
  /**
   * @default 'john'
   */
  subject?: string | undefined
  /**
   * @default 'CIBA'
   */
  grantType?: SimulatedGrantType | undefined
  /**
   * `dpopNonce`: the AS sends it as the `DPoP-Nonce` header.
   * @default undefined
   */
  dpopNonce?: string | undefined
}

/** The mocks' `OK` answer: consistent with itself (`responseContent` agrees with the fields). */
export function tokenOkAnswer(options: MockTokenOkOptions = {}): Record<string, unknown> {
  const expiresIn = options.expiresIn ?? 3600
  const now = Date.now()
  const body = tokenOkBody(
    {
      accessToken: options.accessToken ?? randomId(),
      accessTokenDuration: expiresIn,
      accessTokenExpiresAt: now + expiresIn * 1000,
      refreshToken: options.refreshToken ?? randomId(),
      refreshTokenDuration: 86400,
      refreshTokenExpiresAt: now + 86_400_000,
      idToken: options.idToken,
      scopes: options.scopes ?? ['openid'],
      tokenType: 'Bearer',
    },
    {
      client: { numericId: 26478243745571, alias: undefined },
      presentedClientId: '26478243745571',
      clientAuthMethod: 'CLIENT_SECRET_BASIC',
      grantType: options.grantType ?? 'CIBA',
      subject: options.subject ?? 'john',
    },
  )
  return options.dpopNonce === undefined ? body : { ...body, dpopNonce: options.dpopNonce }
}

/**
 * Options of the `PASSWORD` answer: the resource owner password credentials the AS must check.
 */
export interface MockTokenPasswordOptions extends MockHandlerOptions {
  /**
   * The ticket for `/auth/token/issue` or `/auth/token/fail`.
   * @default 43 random base64url characters, fresh per call
   */
  ticket?: string | undefined
  /** @default 'john' */
  username?: string | undefined
  /** @default 'password' */
  password?: string | undefined
}

/**
 * `PASSWORD`: a resource owner password credentials grant; the AS checks `username` and `password`,
 * then calls `/auth/token/issue` or `/auth/token/fail` with `ticket`.
 */
export function tokenPasswordAnswer(options: MockTokenPasswordOptions = {}): Record<string, unknown> {
  return {
    resultCode: 'A300002',
    resultMessage: '[A300002] The token request (grant_type=password) needs the credentials checked.',
    action: 'PASSWORD',
    ticket: options.ticket ?? randomId(),
    username: options.username ?? 'john',
    password: options.password ?? 'password',
    grantType: 'PASSWORD',
    clientId: 26478243745571,
    clientIdAliasUsed: false,
  }
}

const helpers = callHelpers(TOKEN)

/**
 * Your own msw resolver on the `/auth/token` endpoint (v3 and v2 paths).
 */
export const tokenHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const tokenUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const tokenApiError = helpers.apiError

/**
 * `action: OK` with fresh random tokens per call (unless fixed in `options`).
 */
export function tokenOk(options: MockTokenOkOptions = {}): HttpHandler {
  return answerWith(TOKEN, () => tokenOkAnswer(options), options)
}

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `authorization_pending`).
 */
export function tokenBadRequest(
  error = 'authorization_pending',
  description = 'The request was refused.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(TOKEN, tokenBadRequestAnswer(error, description), options)
}

/**
 * `action: INVALID_CLIENT`: the client's authentication failed.
 */
export function tokenInvalidClient(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN, tokenInvalidClientAnswer(), options)
}

/**
 * `action: PASSWORD`: the AS checks `username` and `password`, then calls `/auth/token/issue` or
 * `/auth/token/fail` with the `ticket`.
 */
export function tokenPassword(options: MockTokenPasswordOptions = {}): HttpHandler {
  return answerWith(TOKEN, () => tokenPasswordAnswer(options), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200.
 */
export function tokenInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN, tokenInternalServerErrorAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `parameters`), then answers `OK` with fresh random tokens and no ID token.
 */
export function tokenAsAuthlete(options: MockTokenOkOptions = {}): HttpHandler {
  return tokenHandler(async (info) => {
    const { refused } = await receiveCall(TOKEN, info)
    return refused ?? HttpResponse.json(tokenOkAnswer(options))
  }, options)
}

/** The simulator's play: its token endpoint. */
export const playToken: Play = (state, fields) => {
  const { status, body } = state.token.token(fields)
  return status === 200 ? body : HttpResponse.json(body, { status })
}
