/**
 * Authlete's `/backchannel/authentication/fail`, as the mocks play it: the call, its request checks,
 * its result codes and its answers. The default handlers (`../fail.ts`) and the simulator both
 * answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { BACKCHANNEL_FAIL_REASONS } from '../../src/operations/values.js'
import { type AuthleteCall, invalidField, serverErrorAnswer, textOf } from '../authlete.js'

/** `POST`, a `ticket`: 400 `A185201` without one (this stand-in's code: Authlete documents none). */
export const FAIL: AuthleteCall = {
  method: 'POST',
  paths: {
    v3: '/api/{serviceId}/backchannel/authentication/fail',
    v2: '/api/backchannel/authentication/fail',
  },
  required: { fields: ['ticket'], code: 'A185201' },
}

const REASONS: ReadonlySet<unknown> = new Set(BACKCHANNEL_FAIL_REASONS)

/** What a `/fail` request asks for, read as Authlete reads it. */
export interface FailRequest {
  ticket: string
  reason: string
  errorDescription: string | undefined
  errorUri: string | undefined
}

/**
 * The request's `reason` (Authlete reads a missing one as `SERVER_ERROR`), description and URI;
 * or 400 `A185202` for a reason Authlete does not know. `fields` passed the call's checks.
 */
export function readFailRequest(fields: Record<string, unknown>): FailRequest | Response {
  const reason = fields.reason === undefined || fields.reason === '' ? 'SERVER_ERROR' : fields.reason
  if (!REASONS.has(reason)) return invalidField('A185202', 'reason')
  return {
    ticket: fields.ticket as string,
    reason: reason as string,
    errorDescription: textOf(fields.errorDescription),
    errorUri: textOf(fields.errorUri),
  }
}

/**
 * The answer Authlete gives to `/fail` with `reason` (and optional `errorDescription`, `errorUri`):
 * `FORBIDDEN` for `ACCESS_DENIED`, `INTERNAL_SERVER_ERROR` for `SERVER_ERROR`, else `BAD_REQUEST`;
 * `responseContent` carries the reason in lower case as CIBA Core §13's `error`.
 */
export function failAnswer(
  reason: string,
  errorDescription?: string,
  errorUri?: string,
): Record<string, unknown> {
  const action =
    reason === 'ACCESS_DENIED'
      ? 'FORBIDDEN'
      : reason === 'SERVER_ERROR'
        ? 'INTERNAL_SERVER_ERROR'
        : 'BAD_REQUEST'
  const content: Record<string, string> = { error: reason.toLowerCase() }
  if (errorDescription !== undefined) content.error_description = errorDescription
  if (errorUri !== undefined) content.error_uri = errorUri
  return {
    resultCode: 'A185001',
    resultMessage:
      '[A185001] Successfully generated an error response for the backchannel authentication request.',
    action,
    responseContent: JSON.stringify(content),
  }
}

/**
 * `/fail` for a ticket that is used up (its login was completed): `INTERNAL_SERVER_ERROR`, which
 * Authlete documents for a call whose request parameters are wrong, with a `server_error` content.
 * The code is this stand-in's: Authlete documents none for it.
 */
export function usedTicketFailAnswer() {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A185301', 'The ticket is invalid or has been used.')
}
