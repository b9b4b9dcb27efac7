/**
 * The simulator's `/backchannel/authentication/issue`: a live ticket, once, gets its `auth_req_id`
 * and the authentication the user's device shows.
 *
 * @module
 */

import { randomId } from '../authlete.js'
import { invalidTicketAnswer, okAnswer } from '../calls/issue.js'
import type { Play } from './state.js'

export const playIssue: Play = (state, fields) => {
  const ticket = state.tickets.get(fields.ticket as string)
  if (ticket === undefined || ticket.state !== 'identified' || state.expired(ticket)) {
    return invalidTicketAnswer()
  }
  const expiresIn = ticket.request.requestedExpiry ?? state.lifetime
  const { authReqId } = state.issue(ticket, randomId(), expiresIn)
  return okAnswer({ authReqId, expiresIn, interval: state.interval })
}
