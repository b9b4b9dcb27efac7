/**
 * The in-process pending store: the default, for an authorization server that runs as one process.
 * Bounded in entries; expired entries are swept.
 *
 * @module
 */

import { timeoutOr } from '../deadline.js'
import { AuthleteInputError } from '../errors.js'
import type { PendingClaim, PendingClaimResult, PendingRecord, PendingStore, StoredPending } from './store.js'

/** Options of {@link inProcessPendingStore}. */
export interface InProcessPendingStoreOptions {
  /**
   * The most requests kept at once (pending, being decided, or decided and not yet expired). When
   * full (after a sweep of the expired ones), a save fails: a pending request is never evicted.
   * @default 100000
   */
  maxEntries?: number | undefined
  /**
   * How often expired entries are swept, in milliseconds (the timer does not keep the process alive).
   * @default 60000
   */
  sweepIntervalMs?: number | undefined
  /**
   * The clock, in milliseconds since the epoch (for tests).
   * @default Date.now
   */
  now?: (() => number) | undefined
}

interface Entry {
  readonly record: PendingRecord
  state: 'pending' | 'deciding' | 'decided'
  token: string | undefined
  leaseUntil: number
}

/** The store is full (`maxEntries`): the error `save` rejects with. */
export class PendingStoreFullError extends Error {
  override readonly name = 'PendingStoreFullError'
}

/**
 * A {@link PendingStore} in this process's memory: one instance of the authorization server only
 * (another instance cannot see, nor decide, what this one saved).
 */
export function inProcessPendingStore(options: InProcessPendingStoreOptions = {}): PendingStore {
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new AuthleteInputError('maxEntries', 'must be a whole number >= 1')
  }
  const sweepIntervalMs = timeoutOr('sweepIntervalMs', options.sweepIntervalMs, 60_000)
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  // subject → its requests' IDs.
  const bySubject = new Map<string, Set<string>>()

  const sweep = () => {
    const at = now()
    for (const [id, entry] of entries) if (entry.record.expiresAt <= at) forget(id, entry)
  }
  const forget = (id: string, entry: Entry) => {
    entries.delete(id)
    const ids = bySubject.get(entry.record.subject)
    ids?.delete(id)
    if (ids?.size === 0) bySubject.delete(entry.record.subject)
  }
  const live = (id: string): Entry | undefined => {
    const entry = entries.get(id)
    if (entry === undefined) return undefined
    if (entry.record.expiresAt <= now()) {
      forget(id, entry)
      return undefined
    }
    return entry
  }
  const stateOf = (entry: Entry): StoredPending['state'] =>
    entry.state === 'deciding' && entry.leaseUntil <= now() ? 'pending' : entry.state
  const view = (entry: Entry): StoredPending => ({ ...copy(entry.record), state: stateOf(entry) })

  setInterval(sweep, sweepIntervalMs).unref()

  return {
    async save(record) {
      if (live(record.authReqId)) throw new Error(`a request with this auth_req_id is already saved`)
      if (entries.size >= maxEntries) sweep()
      if (entries.size >= maxEntries) {
        throw new PendingStoreFullError(`the in-process pending store is full (maxEntries ${maxEntries})`)
      }
      entries.set(record.authReqId, {
        record: copy(record),
        state: 'pending',
        token: undefined,
        leaseUntil: 0,
      })
      const ids = bySubject.get(record.subject) ?? new Set<string>()
      bySubject.set(record.subject, ids)
      ids.add(record.authReqId)
    },
    async get(authReqId) {
      const entry = live(authReqId)
      return entry && view(entry)
    },
    async listBySubject(subject) {
      const list: StoredPending[] = []
      for (const id of bySubject.get(subject) ?? []) {
        const entry = live(id)
        if (entry && stateOf(entry) === 'pending') list.push(view(entry))
      }
      // Oldest first (a stable sort: saved at the same millisecond, in the order saved).
      return list.sort((a, b) => a.createdAt - b.createdAt)
    },
    async claim(authReqId, claim: PendingClaim): Promise<PendingClaimResult> {
      const at = now()
      if (at > claim.notAfter) return { status: 'late' }
      const entry = live(authReqId)
      if (entry === undefined) return { status: 'not-found' }
      // The subject before the state: another user learns nothing of the decision.
      if (entry.record.subject !== claim.subject) return { status: 'wrong-subject' }
      const state = stateOf(entry)
      if (state !== 'pending') return { status: state }
      entry.state = 'deciding'
      entry.token = claim.token
      entry.leaseUntil = at + claim.leaseMs
      return { status: 'claimed', record: copy(entry.record) }
    },
    async settle(authReqId, token) {
      const entry = live(authReqId)
      if (entry?.state !== 'deciding' || entry.token !== token) return false
      entry.state = 'decided'
      entry.token = undefined
      return true
    },
    async release(authReqId, token) {
      const entry = live(authReqId)
      if (entry?.state !== 'deciding' || entry.token !== token) return false
      entry.state = 'pending'
      entry.token = undefined
      entry.leaseUntil = 0
      return true
    },
  }
}

/**
 * The record's arrays and objects are the caller's: copies in and out, so that nobody mutates what
 * the store holds (a record is plain JSON, `authorization_details` nested as the client sent them).
 */
function copy(record: PendingRecord): PendingRecord {
  return structuredClone(record)
}
