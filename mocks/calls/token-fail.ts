/**
 * Authlete's `/auth/token/fail`, as the mocks play it: its request checks, result codes and answers,
 * its default handler and scenario helpers, and the simulator's play. An AS calls it after
 * `/auth/token` answered `PASSWORD` and the user's credentials did not check out; the simulator
 * never answers `PASSWORD`, so it answers as Authlete does for a ticket it does not hold.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import type { TOKEN_FAIL_REASONS } from '../../src/operations/values.js'
import {
  type AuthleteCall,
  answerWith,
  callHelpers,
  errorContent,
  invalidField,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
  serverErrorAnswer,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'

/** A `ticket` and a `reason`: 400 `A067201` without one (this stand-in's code). */
export const TOKEN_FAIL: AuthleteCall = mockedCall('tokenFail', {
  fields: ['ticket', 'reason'],
  code: 'A067201',
})

/** The reasons Authlete's documents list, with the answer each gets. */
const ANSWERS: Readonly<
  Record<
    (typeof TOKEN_FAIL_REASONS)[number],
    { action: string; code: string; error: string; message: string }
  >
> = {
  // Authlete's documented example: A067301 with `invalid_request`.
  INVALID_RESOURCE_OWNER_CREDENTIALS: {
    action: 'BAD_REQUEST',
    code: 'A067301',
    error: 'invalid_request',
    message: 'The credentials (username & password) passed to the token endpoint are invalid.',
  },
  INVALID_TARGET: {
    action: 'BAD_REQUEST',
    code: 'A067302',
    error: 'invalid_target',
    message: 'The requested resource is invalid.',
  },
  UNKNOWN: {
    action: 'INTERNAL_SERVER_ERROR',
    code: 'A067101',
    error: 'server_error',
    message: 'The token request failed for an unknown reason.',
  },
}

/** 400 `A067202` for a `reason` Authlete does not know; `undefined` when it knows it. */
export function checkTokenFailReason(fields: Record<string, unknown>): Response | undefined {
  return typeof fields.reason === 'string' && Object.hasOwn(ANSWERS, fields.reason)
    ? undefined
    : invalidField('A067202', 'reason')
}

/**
 * The answer Authlete gives to `/auth/token/fail` with `reason` (one of {@link TOKEN_FAIL_REASONS}):
 * `BAD_REQUEST` with the client's error, or `INTERNAL_SERVER_ERROR` for `UNKNOWN`.
 */
export function tokenFailAnswer(reason: string): Record<string, unknown> {
  const answer = ANSWERS[reason as keyof typeof ANSWERS] ?? ANSWERS.UNKNOWN
  const resultMessage = `[${answer.code}] ${answer.message}`
  return {
    resultCode: answer.code,
    resultMessage,
    action: answer.action,
    responseContent: errorContent(answer.error, resultMessage),
  }
}

/**
 * The body of the answer to a ticket Authlete does not hold (unknown, expired or used):
 * `INTERNAL_SERVER_ERROR` with a `server_error` content. The code is this stand-in's.
 */
export function tokenFailInvalidTicketAnswer(): Record<string, unknown> {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A067303', 'The ticket is invalid or has expired.')
}

const helpers = callHelpers(TOKEN_FAIL)

/**
 * Your own msw resolver on the `/auth/token/fail` endpoint (v3 and v2 paths).
 */
export const tokenFailHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const tokenFailUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const tokenFailApiError = helpers.apiError

/**
 * `action: INTERNAL_SERVER_ERROR` with a `server_error` content: a ticket Authlete does not hold.
 */
export function tokenFailInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(TOKEN_FAIL, tokenFailInvalidTicketAnswer(), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `reason` Authlete knows), then answers as {@link tokenFailAnswer}: for
 * `INVALID_RESOURCE_OWNER_CREDENTIALS`, `BAD_REQUEST` with `invalid_request` (Authlete's example).
 */
export function tokenFailAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return tokenFailHandler(async (info) => {
    const { received, refused } = await receiveCall(TOKEN_FAIL, info)
    if (refused) return refused
    const fields = received.fields ?? {}
    return checkTokenFailReason(fields) ?? HttpResponse.json(tokenFailAnswer(fields.reason as string))
  }, options)
}

/** The simulator's play: the call's own checks, then a ticket it never gave. */
export const playTokenFail: Play = (_state, fields) =>
  checkTokenFailReason(fields) ?? tokenFailInvalidTicketAnswer()
