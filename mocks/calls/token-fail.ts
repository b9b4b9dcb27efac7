/**
 * Authlete's `/auth/token/fail`, as the mocks play it: the call, its request checks, its result
 * codes and its answers. An AS calls it after `/auth/token` answered `PASSWORD` and the user's
 * credentials did not check out. The default handlers (`../token-fail.ts`) and the simulator both
 * answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
 * @module
 */

import { type AuthleteCall, errorContent, invalidField, serverErrorAnswer } from '../authlete.js'

/** `POST`, a `ticket` and a `reason`: 400 `A067201` without one (this stand-in's code). */
export const TOKEN_FAIL: AuthleteCall = {
  method: 'POST',
  paths: { v3: '/api/{serviceId}/auth/token/fail', v2: '/api/auth/token/fail' },
  required: { fields: ['ticket', 'reason'], code: 'A067201' },
}

/** The reasons Authlete's documents list, with the answer each gets. */
const ANSWERS: Readonly<Record<string, { action: string; code: string; error: string; message: string }>> = {
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

/** The reasons `/auth/token/fail` takes. */
export const TOKEN_FAIL_REASONS: readonly string[] = Object.freeze(Object.keys(ANSWERS))

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
  const answer = ANSWERS[reason] ?? (ANSWERS.UNKNOWN as (typeof ANSWERS)[string])
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
