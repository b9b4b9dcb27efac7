/**
 * The user's answer on their device, on whichever instance of the authorization server it reaches:
 * claim the pending request (once, across every instance sharing the store), report the decision to
 * Authlete through `completeBackchannelAuthentication`, then mark the request decided.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10
 * @module
 */

import { randomUUID } from 'node:crypto'
import { DEFAULT_DECISION_TIMEOUT_MS, type Deadline, timeoutOr, withDeadline } from '../deadline.js'
import { AuthleteError, AuthleteInputError, AuthletePendingError } from '../errors.js'
import { checkFields, MAX_FIELD_LENGTH, requiredString } from '../input.js'
import {
  type BackchannelCompleteAnswer,
  type BackchannelCompleteRequest,
  COMPLETE_REQUEST,
} from '../operations/backchannel-complete.js'
import { checkRecord, type PendingAuthentications } from '../pending/pending.js'
import type { PendingClaimResult } from '../pending/store.js'
import { nonsense, storeCall } from '../pending/store-call.js'
import {
  type BackchannelCompleteClient,
  type BackchannelCompletion,
  type CompleteBackchannelAuthenticationOptions,
  completeWith,
} from './complete.js'
import { checkNotificationOptions, DEFAULT_NOTIFICATION_TIMEOUT_MS } from './deliver.js'

/**
 * The user's decision: what `/complete` takes, with the `auth_req_id` in place of the ticket (the
 * ticket stays in the store).
 */
export interface BackchannelDecision extends Omit<BackchannelCompleteRequest, 'ticket' | 'subject'> {
  /** The request decided. */
  authReqId: string
  /** Who decided: must be the request's subject, or the decision is refused (`subject`). */
  subject: string
}

/**
 * Options of {@link decideBackchannelAuthentication}: `signal`, `timeoutMs` (one deadline over the
 * store calls and `/complete`) and the notification's (which has its own deadline).
 */
export interface DecideBackchannelAuthenticationOptions extends CompleteBackchannelAuthenticationOptions {
  /**
   * The deadline of the store calls and `/complete` together, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number | undefined
}

/** A complete request's fields, with the request's `authReqId` for the ticket the store keeps. */
const DECISION_FIELDS: ReadonlySet<string> = new Set(
  [...COMPLETE_REQUEST.names].map((field) => (field === 'ticket' ? 'authReqId' : field)),
)
/**
 * The least time a settle or release gets after the decision's deadline (the outcome is known by
 * then): 2 s, or the deadline itself when it is shorter.
 */
const graceOf = (timeoutMs: number) => Math.min(2000, timeoutMs)

/**
 * Decides a pending request exactly once and reports the decision to Authlete: resolves to what
 * `completeBackchannelAuthentication` resolves to.
 *
 * 1. Claims the request in the store, atomically: only one decision per `auth_req_id` gets past
 *    this step, across every instance sharing the store. Another one rejects with
 *    `AUTHLETE_ALREADY_DECIDED` (also once decided, until the request expires); an unknown or
 *    expired request with `AUTHLETE_PENDING_NOT_FOUND`; a `subject` other than the saved one with
 *    `AuthleteInputError` (`subject`), whatever the request's state. Nothing is sent to Authlete
 *    then. The claim holds for the whole decision: at least `timeoutMs`, a grace, and the
 *    notification's own deadline (more if the store's `leaseMs` is longer).
 * 2. `/complete` with the saved ticket.
 * 3. Answered: the request is marked decided at once (the device lists it no more; a second
 *    decision is refused), then, in ping and push modes, the notification is delivered.
 *    `/complete` certainly not sent (the transport says so: `AuthleteError.mayHaveBeenProcessed`
 *    is `false`): the claim is released and the same decision may be retried at once. Its fate
 *    unknown (a timeout, a reset connection, a 5xx, or retries `afterSend`): the claim is kept for
 *    its lease, after which a retry is allowed; Authlete refuses a ticket already used, so a retry
 *    cannot complete twice. Either way the error of `/complete` is rethrown.
 *
 * The store down, hanging, full or answering nonsense (a record of another `auth_req_id` or
 * subject) rejects with `AUTHLETE_STORE` within the deadline, and nothing is sent to Authlete. A
 * claim that reaches a paused store after the caller gave up is not applied (see
 * `PendingClaim.notAfter`, on the clock of `createPendingAuthentications({ now })`), and the caller
 * releases what it may have claimed, so the same decision succeeds once the store is back.
 */
export async function decideBackchannelAuthentication(
  authlete: BackchannelCompleteClient,
  pending: PendingAuthentications,
  decision: BackchannelDecision,
  options: DecideBackchannelAuthenticationOptions = {},
): Promise<BackchannelCompletion> {
  const fields = checkFields(decision, DECISION_FIELDS, 'the decision')
  const authReqId = requiredString(fields.authReqId, 'authReqId', MAX_FIELD_LENGTH)
  const subject = requiredString(fields.subject, 'subject', MAX_FIELD_LENGTH)
  // Checked before the claim, as /complete will check it: a decision Authlete refuses claims nothing.
  COMPLETE_REQUEST.fields.result.read(fields.result, 'result')
  const { timeoutMs: givenTimeout, signal, notification } = options
  const timeoutMs = timeoutOr('timeoutMs', givenTimeout, DEFAULT_DECISION_TIMEOUT_MS)
  // Before the claim: in push mode /complete mints tokens, which an options typo must not lose.
  const delivery = checkNotificationOptions(notification)
  const { store } = pending
  const token = randomUUID()
  // The claim holds for the whole decision, whatever leaseMs says: the store calls and /complete
  // (within timeoutMs), the settle's grace, and the notification's delivery (its own deadline).
  const leaseMs = Math.max(
    pending.leaseMs,
    timeoutMs + graceOf(timeoutMs) + (delivery.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS),
  )
  const giveBack = () =>
    afterwards(() => store.release(authReqId, token, { signal: AbortSignal.timeout(pending.leaseMs) }))

  return withDeadline(
    timeoutMs,
    signal,
    async (deadline) => {
      let claimed: PendingClaimResult
      try {
        claimed = await storeCall('claim', deadline, (context) =>
          store.claim(authReqId, { token, subject, leaseMs, notAfter: deadline.at }, context),
        )
      } catch (error) {
        // The claim may still reach the store (or have reached it, its answer lost): give it back, in
        // the background. A store connection keeps its commands in order, so this comes after it.
        giveBack()
        throw error
      }
      let record: ReturnType<typeof claimedRecord>
      try {
        record = claimedRecord(claimed, authReqId, subject)
      } catch (error) {
        // Claimed, with a record that cannot be used: nothing will be sent, so give it back.
        if (claimed?.status === 'claimed') giveBack()
        throw error
      }

      const { authReqId: _, ...completion } = fields
      let answer: BackchannelCompleteAnswer
      try {
        answer = await authlete.backchannelComplete(
          { ...(completion as Omit<BackchannelDecision, 'authReqId'>), ticket: record.ticket },
          // The caller's signal, and what is left of the deadline: a timeout then reads AUTHLETE_TIMEOUT.
          { signal, timeoutMs: Math.max(1, deadline.remaining()) },
        )
      } catch (error) {
        if (notSent(error)) {
          await quietly(deadline, 'release', (context) => store.release(authReqId, token, context))
        }
        throw error
      }
      // Decided as soon as Authlete has it: the device lists it no more, a second decision is
      // refused, while the notification goes out (the claim's lease covers it, should this fail).
      await quietly(deadline, 'settle', (context) => store.settle(authReqId, token, context))
      return answer
    },
    pending.now,
  ).then((answer) => completeWith(answer, delivery))
}

function claimedRecord(claimed: PendingClaimResult, authReqId: string, subject: string) {
  switch (claimed?.status) {
    case 'claimed': {
      let record: ReturnType<typeof checkRecord>
      try {
        record = checkRecord(claimed.record, 'record')
      } catch (error) {
        throw nonsense('claim', error instanceof Error ? error.message : 'a malformed record')
      }
      if (record.authReqId !== authReqId) throw nonsense('claim', 'a record of another auth_req_id')
      // The store said the subject matched: a record of another one is a faulty store's, whose ticket
      // must not be completed in this subject's name.
      if (record.subject !== subject) throw nonsense('claim', 'a record of another subject')
      return record
    }
    case 'deciding':
    case 'decided':
      throw new AuthletePendingError(
        'AUTHLETE_ALREADY_DECIDED',
        `This request is already ${claimed.status === 'decided' ? 'decided' : 'being decided'}`,
      )
    case 'not-found':
      throw new AuthletePendingError(
        'AUTHLETE_PENDING_NOT_FOUND',
        'No such pending request (unknown or expired)',
      )
    case 'wrong-subject':
      throw new AuthleteInputError('subject', 'is not the subject of this request')
    case 'late':
      // The store's clock is ahead of ours by more than the deadline left: nothing was applied.
      throw new AuthletePendingError(
        'AUTHLETE_STORE',
        'The pending store refused the claim as late (check the clocks)',
      )
    default:
      throw nonsense('claim', 'an unknown status')
  }
}

/**
 * Whether `/complete` certainly did not reach Authlete (the transport says so on its error, for
 * every attempt of the call): then releasing the claim is safe. Anything else, a stand-in's own
 * error included, keeps the claim for its lease.
 */
function notSent(error: unknown): boolean {
  return error instanceof AuthleteError && error.mayHaveBeenProcessed === false
}

/**
 * A settle or release once the outcome is known: bounded (the deadline, or a short grace once it
 * passed), and its failure is not the caller's. A claim left behind lapses with its lease.
 */
async function quietly(
  deadline: Deadline,
  what: string,
  call: Parameters<typeof storeCall<boolean>>[2],
): Promise<void> {
  try {
    await withDeadline(Math.max(deadline.remaining(), graceOf(deadline.timeoutMs)), undefined, (grace) =>
      storeCall(what, grace, call),
    )
  } catch {
    // The lease covers it.
  }
}

function afterwards(call: () => Promise<unknown>): void {
  try {
    call().catch(() => {})
  } catch {
    // A store that throws synchronously: nothing to give back.
  }
}
