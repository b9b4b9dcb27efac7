// What the pending tests share (the stores on a real Redis, decide, the device): a record of
// its own per call, and an Authlete client that answers /complete NO_ACTION, recording each call.
import { randomUUID } from 'node:crypto'
import type { BackchannelCompleteRequest } from '../../src/operations/backchannel-complete.js'
import type { PendingRecord } from '../../src/pending/store.js'

/** A pending record for John, expiring in 10 minutes, with a fresh `authReqId` and ticket. */
export function pendingRecord(fields: Partial<PendingRecord> = {}): PendingRecord {
  const now = Date.now()
  return {
    authReqId: `req-${randomUUID()}`,
    ticket: `ticket-${randomUUID()}`,
    subject: 'john',
    bindingMessage: 'W4SCT',
    scopes: ['openid'],
    acrs: [],
    createdAt: now,
    expiresAt: now + 600_000,
    ...fields,
  }
}

/** `backchannelComplete` answering NO_ACTION; `calls` has each request it was given. */
export function completeStandIn() {
  const calls: BackchannelCompleteRequest[] = []
  return {
    calls,
    backchannelComplete: async (request: BackchannelCompleteRequest) => {
      calls.push(request)
      return { action: 'NO_ACTION' as const }
    },
  }
}
