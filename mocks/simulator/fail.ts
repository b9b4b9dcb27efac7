/**
 * The simulator's `/backchannel/authentication/fail`: the AS refuses the request; the ticket ends.
 *
 * @module
 */

import { failAnswer, readFailRequest, usedTicketFailAnswer } from '../calls/fail.js'
import type { Play } from './state.js'

export const playFail: Play = (state, fields) => {
  const request = readFailRequest(fields)
  if (request instanceof Response) return request
  const ticket = state.tickets.get(request.ticket)
  // A completed login used its ticket up: Authlete refuses the ticket, and the completion stands.
  if (ticket?.state === 'completed') return usedTicketFailAnswer()
  // Authlete deletes the ticket; the simulator keeps it as failed, for /complete's answer.
  if (ticket !== undefined) ticket.state = 'failed'
  return failAnswer(request.reason, request.errorDescription, request.errorUri)
}
