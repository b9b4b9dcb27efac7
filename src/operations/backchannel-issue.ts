/**
 * `/backchannel/authentication/issue`: turns the ticket of a valid backchannel authentication
 * request into an `auth_req_id`.
 *
 * The model is strict where the caller relies on it (an `OK` answer must carry `authReqId`,
 * `expiresIn` and `interval`), tolerant where Authlete may change: an `action` this version does
 * not know is returned, not rejected (the list has changed before: `BAD_TICKET` became
 * `INVALID_TICKET`), and fields this version does not know are kept.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import { z } from 'zod'
import {
  optionalSeconds,
  optionalString,
  type ResultFields,
  resultShape,
  type UnknownAction,
} from './fields.js'
import { formValue } from './form.js'
import { answerModel, type ModelledOperation, type Requirements, type WithRequired } from './model.js'
import { ticket } from './request-fields.js'
import { AUTHLETE_CALL } from './table.js'

/**
 * The `action` values documented for this API, in the order of Authlete's reference.
 */
export const BACKCHANNEL_ISSUE_ACTIONS = ['OK', 'INVALID_TICKET', 'INTERNAL_SERVER_ERROR'] as const

/**
 * An `action` value documented for this API.
 */
export type BackchannelIssueAction = (typeof BACKCHANNEL_ISSUE_ACTIONS)[number]

/** Fields every answer may carry. All are optional in Authlete's schema. */
interface BackchannelIssueFields extends ResultFields {
  /**
   * The JSON text the authorization server returns to the client application as the body of its
   * backchannel authentication response (see `toBackchannelResponse`).
   */
  responseContent?: string
  /** The issued `auth_req_id`. */
  authReqId?: string
  /** Lifetime of the `auth_req_id` in seconds (service setting `backchannelAuthReqIdDuration`). */
  expiresIn?: number
  /** Minimum polling interval in seconds (service setting `backchannelPollingInterval`); may be 0. */
  interval?: number
}

/** The fields an action requires. */
const REQUIRED = {
  OK: { authReqId: 'text', expiresIn: 'number', interval: 'number' },
} as const satisfies Requirements

/**
 * `action: OK`: an `auth_req_id` was issued. Return `responseContent` to the client with status 200,
 * then start authenticating the user on their device.
 */
export interface BackchannelIssueOk extends WithRequired<BackchannelIssueFields, typeof REQUIRED.OK> {
  action: 'OK'
}

/**
 * `action: INVALID_TICKET`: the ticket is unknown or expired. Answer the client with status 500.
 */
export interface BackchannelIssueInvalidTicket extends BackchannelIssueFields {
  action: 'INVALID_TICKET'
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a bad call or a fault inside Authlete. Answer with status 500.
 */
export interface BackchannelIssueInternalServerError extends BackchannelIssueFields {
  action: 'INTERNAL_SERVER_ERROR'
}

/**
 * An answer whose `action` this version does not know. Treat it as a failure (status 500).
 */
export interface BackchannelIssueUnknownAction extends BackchannelIssueFields {
  action: UnknownAction
}

/**
 * The validated answer of `/backchannel/authentication/issue`. Narrow on `action`:
 * `if (res.action === 'OK') res.authReqId` is a `string`.
 */
export type BackchannelIssueAnswer =
  | BackchannelIssueOk
  | BackchannelIssueInvalidTicket
  | BackchannelIssueInternalServerError
  | BackchannelIssueUnknownAction

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelIssueModel = z.looseObject({
  ...resultShape,
  authReqId: optionalString,
  expiresIn: optionalSeconds,
  interval: optionalSeconds,
})

/** The request's one field. */
const TICKET = ticket()

/** @internal */
export const backchannelIssue: ModelledOperation<string, BackchannelIssueAnswer> = {
  ...AUTHLETE_CALL.backchannelIssue,
  repeatableAfterSend: false,
  // The ticket alone, as a form: the hot path of a login, with no object to check.
  encode: (ticket) => ({ form: `ticket=${formValue(TICKET.read(ticket, 'ticket') as string)}` }),
  ...answerModel(backchannelIssueModel, REQUIRED),
}
