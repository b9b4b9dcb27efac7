/**
 * The user's decision, as the device's routes and the automated approval make it: through
 * `decideBackchannelAuthentication` (exactly once, whichever instance it reaches), each outcome as
 * the status the routes answer.
 *
 * @module
 */

import { DEFAULT_DECISION_TIMEOUT_MS, startDeadline, untilEnd } from '../src/deadline.js'
import {
  type BackchannelCompleteClient,
  type BackchannelCompletion,
  type BackchannelDecision,
  type DecideBackchannelAuthenticationOptions,
  decideBackchannelAuthentication,
  isAuthleteError,
  type PendingAuthentication,
  type PendingAuthentications,
} from '../src/index.js'
import { json, refusal } from './http.js'

/** What the user answered. */
export type DeviceResult = 'AUTHORIZED' | 'ACCESS_DENIED'

/** A decision made, as `onDecision` is told of it. */
export interface DeviceDecision {
  /** The request decided, as it was before the decision. */
  request: PendingAuthentication
  /** Who decided: the request's subject. */
  subject: string
  result: DeviceResult
  /** What `decideBackchannelAuthentication` resolved to: `/complete`'s answer and the notification's delivery. */
  outcome: BackchannelCompletion
}

/**
 * The fields `/complete` takes beside the decision itself (`claims` for the ID token, `acr`, `authTime`,
 * `properties`, …): `completeWith`'s answer.
 */
export type CompletionFields = Omit<BackchannelDecision, 'authReqId' | 'subject' | 'result'>

/** What `/complete` is given besides the decision, for one request and the user's answer. */
export type CompleteWith = (context: {
  request: PendingAuthentication
  subject: string
  result: DeviceResult
}) => CompletionFields | undefined | Promise<CompletionFields | undefined>

/** How a decision is made: the AS's hooks, and the options of the decision. */
export interface DecisionSettings {
  completeWith: CompleteWith | undefined
  onDecision: ((decision: DeviceDecision) => unknown) | undefined
  report: (error: unknown, stage: 'decision' | 'notification' | 'onDecision') => void
  options: DecideBackchannelAuthenticationOptions
}

/**
 * Decides `request` for `subject` and answers: 200 `{"result"}`; 409 already decided; 404 unknown,
 * expired or another user's (one answer for the three, so that nobody learns of another's
 * requests); 503 the store or Authlete could not be reached, or Authlete could not complete it;
 * 500 the AS's own hook failed.
 */
export async function decide(
  authlete: BackchannelCompleteClient,
  pending: PendingAuthentications,
  request: PendingAuthentication,
  subject: string,
  result: DeviceResult,
  settings: DecisionSettings,
): Promise<Response> {
  // One deadline over the whole decision, the hooks included: a hook or a client that never settles
  // cannot hold the user's answer.
  const deadline = startDeadline(settings.options.timeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS, undefined, {
    what: "The decision's timeoutMs",
  })
  try {
    let fields: CompletionFields | undefined
    try {
      const completeWith = settings.completeWith
      fields = completeWith && (await untilEnd(deadline, () => completeWith({ request, subject, result })))
    } catch (error) {
      settings.report(error, 'decision')
      return serverError()
    }
    let outcome: BackchannelCompletion
    try {
      outcome = await decideBackchannelAuthentication(
        authlete,
        pending,
        {
          authTime: Math.floor(pending.now() / 1000),
          ...fields,
          authReqId: request.authReqId,
          subject,
          result,
        },
        { ...settings.options, timeoutMs: Math.max(1, deadline.remaining()), signal: deadline.signal },
      )
    } catch (error) {
      return refusalOf(error, settings)
    }
    if (outcome.action !== 'NOTIFICATION' && outcome.action !== 'NO_ACTION') {
      // Decided in the store, refused by Authlete (an expired or unknown ticket): the login is over.
      settings.report(
        new Error(
          `Authlete answered /complete with ${outcome.action}: ${outcome.answer.resultMessage ?? ''}`,
        ),
        'decision',
      )
      return refusal(503, 'unavailable', 'The decision could not be completed')
    }
    if (outcome.notification?.delivered === false) settings.report(outcome.notification.error, 'notification')
    const onDecision = settings.onDecision
    try {
      if (onDecision) await untilEnd(deadline, () => onDecision({ request, subject, result, outcome }))
    } catch (error) {
      // The decision stands: the user is answered all the same.
      settings.report(error, 'onDecision')
    }
    return json(200, { result })
  } finally {
    deadline.end()
  }
}

/** The answer to a decision that was not made. */
export function refusalOf(error: unknown, settings: Pick<DecisionSettings, 'report'>): Response {
  if (isAuthleteError(error, 'AUTHLETE_ALREADY_DECIDED')) return alreadyDecided()
  if (isAuthleteError(error, 'AUTHLETE_PENDING_NOT_FOUND')) return notFound()
  // decide refuses another subject's request as an input error: to the user, it does not exist.
  if (isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && error.field === 'subject') return notFound()
  settings.report(error, 'decision')
  if (isAuthleteError(error) && error.code !== 'AUTHLETE_INVALID_INPUT') {
    return refusal(503, 'unavailable', 'The decision could not be recorded now; try again')
  }
  return serverError()
}

export const alreadyDecided = () => refusal(409, 'already_decided', 'This request is already decided')
export const notFound = () => refusal(404, 'not_found', 'No such request is waiting (unknown or expired)')
const serverError = () => refusal(500, 'server_error', 'The decision failed')
