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
import type { Operation } from '../http/operation.js'
import { requiredString } from '../input.js'
import {
  optionalSeconds,
  optionalString,
  type ResultFields,
  resultShape,
  type UnknownAction,
} from './fields.js'
import { formValue } from './form.js'
import { modelParser } from './model.js'

/**
 * The `action` values documented for this API, in the order of Authlete's reference.
 */
export const BACKCHANNEL_ISSUE_ACTIONS = ['OK', 'INVALID_TICKET', 'INTERNAL_SERVER_ERROR'] as const

/**
 * An `action` value documented for this API.
 */
export type BackchannelIssueAction = (typeof BACKCHANNEL_ISSUE_ACTIONS)[number]

/**
 * {@link UnknownAction}, by its earlier name.
 */
export type UnknownBackchannelIssueAction = UnknownAction

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

/**
 * `action: OK`: an `auth_req_id` was issued. Return `responseContent` to the client with status 200,
 * then start authenticating the user on their device.
 */
export interface BackchannelIssueOk extends BackchannelIssueFields {
  action: 'OK'
  authReqId: string
  expiresIn: number
  interval: number
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
export type BackchannelIssueResponse =
  | BackchannelIssueOk
  | BackchannelIssueInvalidTicket
  | BackchannelIssueInternalServerError
  | BackchannelIssueUnknownAction

/**
 * Whether `action` is one of the documented values ({@link BACKCHANNEL_ISSUE_ACTIONS}).
 */
export function isKnownBackchannelIssueAction(action: string): action is BackchannelIssueAction {
  return action === 'OK' || action === 'INVALID_TICKET' || action === 'INTERNAL_SERVER_ERROR'
}

/**
 * The longest ticket accepted. Authlete's tickets are about 43 characters; anything near this limit
 * is a bug in the caller, rejected before it costs a round trip.
 */
export const MAX_TICKET_LENGTH = 1024

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const backchannelIssueModel = z.looseObject({
  ...resultShape,
  authReqId: optionalString,
  expiresIn: optionalSeconds,
  interval: optionalSeconds,
})

export const backchannelIssue: Operation<string, BackchannelIssueResponse> = {
  name: 'backchannelIssue',
  path: '/backchannel/authentication/issue',
  repeatableAfterSend: false,
  encode: (ticket) => ({
    form: `ticket=${formValue(requiredString(ticket, 'ticket', MAX_TICKET_LENGTH))}`,
  }),
  parse: modelParser(backchannelIssueModel, {
    action: 'OK',
    fields: { authReqId: 'text', expiresIn: 'number', interval: 'number' },
  }),
}
