/**
 * The endpoint's `pending` option: once `/issue` said `OK`, the request is saved where any instance
 * can list and decide it, before the user's device is asked.
 *
 * @module
 */

import { randomUUID } from 'node:crypto'
import { withDeadline } from '../deadline.js'
import type { BackchannelAuthenticationUserIdentification } from '../operations/backchannel-authentication.js'
import type { BackchannelIssueOk } from '../operations/backchannel-issue.js'
import type { Scope } from '../operations/fields.js'
import { authorizationDetailsOf } from '../pending/authorization-details.js'
import type { PendingAuthentications } from '../pending/pending.js'
import type { PendingRecord } from '../pending/store.js'
import { storeCall } from '../pending/store-call.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import type { BackchannelUser } from './backchannel-authentication-hooks.js'

/** What is saved of an issued request. */
export function pendingRecordOf(
  request: BackchannelAuthenticationUserIdentification,
  user: BackchannelUser,
  issued: BackchannelIssueOk,
  now: number,
): PendingRecord {
  return {
    authReqId: issued.authReqId,
    ticket: request.ticket,
    subject: user.subject,
    clientId: request.clientId,
    clientName: request.clientName,
    hintType: request.hintType,
    bindingMessage: request.bindingMessage,
    scopes: (request.scopes ?? []).flatMap((scope) => (typeof scope.name === 'string' ? [scope.name] : [])),
    scopeDescriptions: scopeDescriptionsOf(request.scopes),
    claimNames: request.claimNames?.length ? request.claimNames : undefined,
    acrs: request.acrs ?? [],
    requestContext: request.requestContext ?? undefined,
    authorizationDetails: authorizationDetailsOf(request.authorizationDetails),
    createdAt: now,
    expiresAt: now + issued.expiresIn * 1000,
  }
}

/**
 * The scopes' descriptions Authlete gave, by name: its documented answer has none (they live in the
 * service's settings), but a description it sends is kept for the device.
 */
function scopeDescriptionsOf(scopes: Scope[] | null | undefined): Record<string, string> | undefined {
  const described = (scopes ?? []).flatMap(({ name, description }) =>
    typeof name === 'string' && typeof description === 'string' && description !== ''
      ? [[name, description] as const]
      : [],
  )
  return described.length === 0 ? undefined : Object.fromEntries(described)
}

/**
 * Saves the issued request; resolves to the error when the store could not (`AUTHLETE_STORE`),
 * else to `undefined`. Within the store's deadline and the endpoint's `signal`.
 */
export async function savePending(
  pending: PendingAuthentications,
  request: BackchannelAuthenticationUserIdentification,
  user: BackchannelUser,
  issued: BackchannelIssueOk,
  options: AuthleteCallOptions | undefined,
): Promise<unknown> {
  try {
    await pending.save(pendingRecordOf(request, user, issued, pending.now()), { signal: options?.signal })
    return undefined
  } catch (error) {
    return error
  }
}

/**
 * Withdraws a saved request whose device was never asked: its save failed (and may still land
 * later, on a store that resumes after a pause), or `startAuthentication` failed, or the flow ended
 * while it ran. The client got a 500 and will not poll it, so no device may list or decide it. It is
 * claimed and settled as decided, as a decision would be, without a `/complete`: the `auth_req_id`
 * expires unused at Authlete. In the background, within a lease (the endpoint has answered
 * already); a store that fails is reported at `pending`, and the request then stays listed until it
 * expires.
 */
export function withdrawPending(
  pending: PendingAuthentications,
  authReqId: string,
  subject: string,
  report: (error: unknown, stage: 'pending') => void,
): void {
  const token = randomUUID()
  const { store, timeoutMs, leaseMs, now } = pending
  // A lease's time, not a call's: behind a save that missed its deadline (a paused store), the claim
  // must still count when the save lands, on a store that runs one connection's calls in order.
  const budget = Math.max(timeoutMs, leaseMs)
  withDeadline(
    budget,
    undefined,
    async (deadline) => {
      const claimed = await storeCall('claim', deadline, (context) =>
        store.claim(authReqId, { token, subject, leaseMs: budget, notAfter: deadline.at }, context),
      )
      if (claimed?.status !== 'claimed') return
      await storeCall('settle', deadline, (context) => store.settle(authReqId, token, context))
    },
    now,
  ).catch((error: unknown) => report(error, 'pending'))
}
