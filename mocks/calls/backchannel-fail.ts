/**
 * Authlete's `/backchannel/authentication/fail`, as the mocks play it: its request checks, result
 * codes and answers, its default handler and scenario helpers, and the simulator's play (the AS
 * refuses the request; the ticket ends).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { BACKCHANNEL_FAIL_REASONS } from '../../src/operations/values.js'
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
  textOf,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'

/** A `ticket`: 400 `A185201` without one (this stand-in's code: Authlete documents none). */
export const BACKCHANNEL_FAIL: AuthleteCall = mockedCall('backchannelFail', {
  fields: ['ticket'],
  code: 'A185201',
})

const REASONS: ReadonlySet<unknown> = new Set(BACKCHANNEL_FAIL_REASONS)

/** What a `/fail` request asks for, read as Authlete reads it. */
export interface FailRequestFields {
  ticket: string
  reason: string
  errorDescription: string | undefined
  errorUri: string | undefined
}

/**
 * The request's `reason` (Authlete reads a missing one as `SERVER_ERROR`), description and URI;
 * or 400 `A185202` for a reason Authlete does not know. `fields` passed the call's checks.
 */
export function readBackchannelFailRequest(fields: Record<string, unknown>): FailRequestFields | Response {
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
export function backchannelFailAnswer(
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
export function usedTicketBackchannelFailAnswer() {
  return serverErrorAnswer('INTERNAL_SERVER_ERROR', 'A185301', 'The ticket is invalid or has been used.')
}

const helpers = callHelpers(BACKCHANNEL_FAIL)

/**
 * Your own msw resolver on the `/backchannel/authentication/fail` endpoint (v3 and v2 paths).
 */
export const backchannelFailHandler = helpers.handler

/**
 * An `action` Authlete may add later.
 */
export const backchannelFailUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const backchannelFailApiError = helpers.apiError

/**
 * `action: BAD_REQUEST` with `{"error": error}` (default `unknown_user_id`).
 */
export function backchannelFailBadRequest(
  error = 'unknown_user_id',
  options: MockHandlerOptions = {},
): HttpHandler {
  return answerWith(
    BACKCHANNEL_FAIL,
    { ...backchannelFailAnswer('BAD_REQUEST'), responseContent: errorContent(error) },
    options,
  )
}

/**
 * `action: FORBIDDEN` with `{"error":"access_denied"}`.
 */
export function backchannelFailForbidden(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(BACKCHANNEL_FAIL, backchannelFailAnswer('ACCESS_DENIED'), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR` with `{"error":"server_error"}`.
 */
export function backchannelFailInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return answerWith(BACKCHANNEL_FAIL, backchannelFailAnswer('SERVER_ERROR'), options)
}

/**
 * The default handler: checks the request as Authlete would (Authorization, a parsable body,
 * `ticket`, a `reason` Authlete knows), then answers as {@link backchannelFailAnswer}.
 */
export function backchannelFailAsAuthlete(options: MockHandlerOptions = {}): HttpHandler {
  return backchannelFailHandler(async (info) => {
    const { received, refused } = await receiveCall(BACKCHANNEL_FAIL, info)
    if (refused) return refused
    const request = readBackchannelFailRequest(received.fields ?? {})
    if (request instanceof Response) return request
    return HttpResponse.json(
      backchannelFailAnswer(request.reason, request.errorDescription, request.errorUri),
    )
  }, options)
}

export const playBackchannelFail: Play = (state, fields) => {
  const request = readBackchannelFailRequest(fields)
  if (request instanceof Response) return request
  const ticket = state.tickets.get(request.ticket)
  // A completed login used its ticket up: Authlete refuses the ticket, and the completion stands.
  if (ticket?.state === 'completed') return usedTicketBackchannelFailAnswer()
  // Authlete deletes the ticket; the simulator keeps it as failed, for /complete's answer.
  if (ticket !== undefined) ticket.state = 'failed'
  return backchannelFailAnswer(request.reason, request.errorDescription, request.errorUri)
}
