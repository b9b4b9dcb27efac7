/**
 * The simulator's token calls: `/auth/token` (the CIBA and refresh token grants, from the state's
 * token endpoint, `../token/`), `/service/configuration` and `/service/jwks/get`; and
 * `/auth/token/issue` and `/auth/token/fail`, which only follow a `PASSWORD` answer.
 *
 * The simulator plays the CIBA and refresh token grants only: its `/auth/token` never answers
 * `PASSWORD`, so it never gives a ticket for `/auth/token/issue` or `/auth/token/fail`. Each of them
 * answers as Authlete answers a ticket it does not hold: `INTERNAL_SERVER_ERROR`, with a
 * `server_error` content (after the call's own checks, e.g. a `reason` Authlete does not know).
 *
 * @module
 */

import { HttpResponse } from 'msw'
import { checkTokenFailReason, tokenFailInvalidTicketAnswer } from '../calls/token-fail.js'
import { tokenIssueInvalidTicketAnswer } from '../calls/token-issue.js'
import type { Play } from './state.js'

export const playToken: Play = (state, fields) => {
  const { status, body } = state.token.token(fields)
  return status === 200 ? body : HttpResponse.json(body, { status })
}

export const playTokenIssue: Play = () => tokenIssueInvalidTicketAnswer()

export const playTokenFail: Play = (_state, fields) =>
  checkTokenFailReason(fields) ?? tokenFailInvalidTicketAnswer()

export const playServiceConfiguration: Play = (state) => state.token.configuration()

export const playServiceJwks: Play = (state) => state.token.jwks()
