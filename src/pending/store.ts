/**
 * The pending-authentication store: what an authorization server keeps between `/issue` and
 * `/complete`, behind six small calls that any database can implement (the package ships two: in
 * process, and on Redis or Valkey in `authlete-ciba/redis`). `authlete-ciba/pending-store-tests`
 * checks an implementation against this contract.
 *
 * @module
 */

import type { AuthorizationDetail } from './authorization-details.js'

/** Where a pending request is: waiting for the user, being decided (claimed), or decided. */
export type PendingState = 'pending' | 'deciding' | 'decided'

/**
 * One pending request as the store keeps it. Every field is plain JSON: a store may keep the record
 * as one JSON text. `ticket` is a capability (whoever holds it can complete the login): keep it out
 * of logs.
 */
export interface PendingRecord {
  /** The `auth_req_id`: the store's key. */
  authReqId: string
  /** The ticket `/complete` needs. */
  ticket: string
  /** The user the request is for (`identifyUser`'s `subject`): the second key, for listing. */
  subject: string
  /** The client's numeric ID at Authlete. */
  clientId?: number | undefined
  /** The client's name, to show on the device. */
  clientName?: string | undefined
  /** Which hint designated the user. */
  hintType?: string | undefined
  /** The `binding_message` to show on the device. */
  bindingMessage?: string | undefined
  /** The requested scopes' names. */
  scopes: string[]
  /**
   * The scopes' descriptions, by name, for those Authlete described. This field, `claimNames` and
   * `authorizationDetails` are absent from a record saved by version 0.1.0.
   */
  scopeDescriptions?: Record<string, string> | undefined
  /** The claims requested through the scopes (OpenID Connect Core §5.4), as Authlete lists them. */
  claimNames?: string[] | undefined
  /** The requested ACRs, in order of preference. */
  acrs: string[]
  /** The `request_context` (a JSON text), if any. */
  requestContext?: string | undefined
  /** RFC 9396 `authorization_details`: what the client asks to do, element by element. */
  authorizationDetails?: AuthorizationDetail[] | undefined
  /** When it was saved, in milliseconds since the epoch: listing is oldest first. */
  createdAt: number
  /** When the `auth_req_id` expires, in milliseconds since the epoch: the store forgets it then. */
  expiresAt: number
}

/** A record with its state, as `get` and `listBySubject` answer. */
export type StoredPending = PendingRecord & { state: PendingState }

/** What every store call receives. */
export interface PendingStoreContext {
  /**
   * Fires when the caller gives up (its deadline passed, or its own signal fired). Stop waiting
   * then, and send nothing more; the caller has already rejected.
   */
  signal: AbortSignal
}

/** A claim: the right, for one caller, to send the one `/complete` of a request. */
export interface PendingClaim {
  /** Unique per decision (a random UUID): only its holder may settle or release the claim. */
  token: string
  /** The subject the decision is for: a claim for another subject is refused (`wrong-subject`). */
  subject: string
  /**
   * How long the claim holds, in milliseconds from when the store applies it. After that the
   * request reads `pending` again and may be claimed anew.
   */
  leaseMs: number
  /**
   * The caller's deadline, in milliseconds since the epoch: a claim that reaches the store after it
   * (a store that resumes after a pause, a command that sat in a queue) must not be applied, since
   * its caller has given up: answer `late`.
   */
  notAfter: number
}

/** What a claim came to. Only `claimed` changed anything. */
export type PendingClaimResult =
  | { status: 'claimed'; record: PendingRecord }
  | { status: 'not-found' | 'deciding' | 'decided' | 'wrong-subject' | 'late' }

/**
 * The store of pending authentications. Every call must be safe to run from many processes at once
 * against one database; `claim` must be one atomic step on the database (a transaction, a script,
 * a conditional update), never a read then a write from the client. A call that cannot answer
 * rejects (any error: the caller reports it as `AUTHLETE_STORE`).
 */
export interface PendingStore {
  /**
   * Keeps `record` as `pending` until `record.expiresAt`. Rejects when a record with that
   * `authReqId` exists (it is never overwritten) or the store is full (never evict another to make
   * room: a pending request lost is a login nobody can finish). A save whose caller gave up
   * (`context.signal` fired) should not be applied; a store that may still apply it later (a
   * paused server) should apply one caller's later calls after it, as Redis does on one connection:
   * the endpoint withdraws such a request (a claim and a settle) right after the save failed.
   */
  save(record: PendingRecord, context: PendingStoreContext): Promise<void>
  /**
   * The record and its state, or `undefined` when unknown or expired. A claim whose lease has
   * lapsed reads `pending`. A decided record stays (as `decided`) until it expires.
   */
  get(authReqId: string, context: PendingStoreContext): Promise<StoredPending | undefined>
  /** The subject's records still `pending` (not claimed, not decided, not expired), oldest first. */
  listBySubject(subject: string, context: PendingStoreContext): Promise<StoredPending[]>
  /**
   * Atomically: when the request exists, is `pending` (or `deciding` with a lapsed lease), belongs
   * to `claim.subject`, and the store's clock is not past `claim.notAfter`, marks it `deciding`
   * under `claim.token` for `claim.leaseMs` and answers `claimed` with the record; otherwise
   * answers why not, changing nothing. A claim for another subject answers `wrong-subject` whatever
   * the state (`late` and `not-found` come first), so that it learns nothing of the decision.
   */
  claim(authReqId: string, claim: PendingClaim, context: PendingStoreContext): Promise<PendingClaimResult>
  /**
   * Marks a request `decided` if `token` still holds its claim (even past the lease, as long as no
   * other claim took it). Answers whether it did. The record stays until it expires.
   */
  settle(authReqId: string, token: string, context: PendingStoreContext): Promise<boolean>
  /** Gives a claim back (`pending` again) if `token` still holds it. Answers whether it did. */
  release(authReqId: string, token: string, context: PendingStoreContext): Promise<boolean>
}
