/**
 * Pending authentications: what the endpoint saves once `/issue` said `OK`, what the user's device
 * lists, and what `decideBackchannelAuthentication` decides exactly once, on any instance of the
 * authorization server that shares the store.
 *
 * @module
 */

import { type Deadline, timeoutOr, withDeadline } from '../deadline.js'
import { AuthleteInputError } from '../errors.js'
import { MAX_FIELD_LENGTH, requiredString } from '../input.js'
import type { AuthorizationDetail } from './authorization-details.js'
import { inProcessPendingStore } from './in-process.js'
import type { PendingRecord, PendingState, PendingStore, StoredPending } from './store.js'
import { nonsense, storeCall } from './store-call.js'

/**
 * A pending request as the device shows it. The ticket is kept in the store, never handed out: it
 * is a capability.
 */
export interface PendingAuthentication {
  authReqId: string
  clientId: number | undefined
  clientName: string | undefined
  /** The user it is for. */
  subject: string
  hintType: string | undefined
  /** Show it on the device: the user compares it with what the client shows. */
  bindingMessage: string | undefined
  /** The requested scopes' names. */
  scopes: string[]
  /** The scopes' descriptions, by name, when Authlete gave any (its answer often has none). */
  scopeDescriptions: Record<string, string> | undefined
  /** The claims requested through the scopes (OpenID Connect Core §5.4), when any. */
  claimNames: string[] | undefined
  acrs: string[]
  /** The `request_context` (a JSON text), if any. */
  requestContext: string | undefined
  /** RFC 9396 `authorization_details`, when the client sent them: what the user is asked to allow. */
  authorizationDetails: AuthorizationDetail[] | undefined
  /** When it expires, in milliseconds since the epoch. */
  expiresAt: number
  state: PendingState
}

/** Options of {@link createPendingAuthentications}. */
export interface PendingAuthenticationsOptions {
  /**
   * Where pending requests live. Several instances of the authorization server must share one
   * (`redisPendingStore` of `authlete-ciba/redis`, or your own {@link PendingStore}).
   * @default inProcessPendingStore(): this process only, at most 100000 entries
   */
  store?: PendingStore | undefined
  /**
   * How long a decision's claim holds while its `/complete` is in flight, in milliseconds (at least
   * the decision's own deadline). A claim whose `/complete` may have reached Authlete (a timeout, a
   * reset connection) is kept this long, then the request may be decided again; Authlete refuses a
   * ticket already used, so that retry cannot complete twice.
   * @default 60000
   */
  leaseMs?: number | undefined
  /**
   * The deadline of `get`, `forSubject` and `save` when the call gives none, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number | undefined
  /**
   * The clock of every lifetime the package computes for these requests, in milliseconds since the
   * epoch: when the endpoint saves one (`createdAt`, `expiresAt`), the deadline a decision's claim
   * must reach the store by (`notAfter`), and the in-process store's own expiry. Give the one your
   * tests move (and the simulator's `now`): every side then agrees on when a request expires.
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** Per-call options of `get`, `forSubject` and `save`. */
export interface PendingCallOptions {
  /**
   * Aborts the call (`AUTHLETE_ABORTED`).
   * @default undefined
   */
  signal?: AbortSignal | undefined
  /**
   * The call's deadline in milliseconds (`AUTHLETE_STORE` when the store has not answered by then).
   * @default the `timeoutMs` of createPendingAuthentications
   */
  timeoutMs?: number | undefined
}

/** The pending authentications of one authorization server: see {@link createPendingAuthentications}. */
export interface PendingAuthentications {
  /** The request, or `undefined` when unknown or expired. A decided one reads `decided` until it expires. */
  get(authReqId: string, options?: PendingCallOptions): Promise<PendingAuthentication | undefined>
  /** The subject's requests still waiting for an answer, oldest first: what the device lists. */
  forSubject(subject: string, options?: PendingCallOptions): Promise<PendingAuthentication[]>
  /**
   * Saves a request (the endpoint does, with its `pending` option). Rejects with `AUTHLETE_STORE`
   * when the store fails, is full, or already holds this `auth_req_id`.
   */
  save(record: PendingRecord, options?: PendingCallOptions): Promise<void>
  /** The store underneath. */
  readonly store: PendingStore
  /** See {@link PendingAuthenticationsOptions.leaseMs}. */
  readonly leaseMs: number
  /** See {@link PendingAuthenticationsOptions.timeoutMs}. */
  readonly timeoutMs: number
  /** The clock: see {@link PendingAuthenticationsOptions.now}. */
  readonly now: () => number
}

/** The latest time a `Date` holds (ECMA-262 §21.4.1.1), in milliseconds since the epoch. */
const MAX_DATE_MS = 8_640_000_000_000_000

const OPTIONS: ReadonlySet<string> = new Set(['store', 'leaseMs', 'timeoutMs', 'now'])
const STORE_METHODS = ['save', 'get', 'listBySubject', 'claim', 'settle', 'release'] as const
const STATES: ReadonlySet<string> = new Set(['pending', 'deciding', 'decided'])

/**
 * The pending authentications of an authorization server: in this process by default, or in the
 * `store` that every instance shares.
 *
 * @example
 * ```ts
 * const pending = createPendingAuthentications()  // one process
 * const pending = createPendingAuthentications({  // every instance, one Redis
 *   store: redisPendingStore(await createClient({ url: process.env.REDIS_URL }).connect(), { prefix: 'ciba:' }),
 * })
 * ```
 */
export function createPendingAuthentications(
  options: PendingAuthenticationsOptions = {},
): PendingAuthentications {
  if (typeof options !== 'object' || options === null)
    throw new AuthleteInputError('options', 'must be an object')
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key))
      throw new AuthleteInputError(key, 'is not an option of createPendingAuthentications')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function')
    throw new AuthleteInputError('now', 'must be a function returning milliseconds')
  const store = options.store ?? inProcessPendingStore({ now })
  for (const method of STORE_METHODS) {
    if (typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new AuthleteInputError('store', `must be a PendingStore (it has no ${method} function)`)
    }
  }
  const leaseMs = timeoutOr('leaseMs', options.leaseMs, 60_000)
  const timeoutMs = timeoutOr('timeoutMs', options.timeoutMs, 5000)
  const within = <T>(call: PendingCallOptions | undefined, body: (deadline: Deadline) => Promise<T>) =>
    withDeadline(timeoutOr('timeoutMs', call?.timeoutMs, timeoutMs), call?.signal, body, now)

  return {
    store,
    leaseMs,
    timeoutMs,
    now,
    async get(authReqId, call) {
      const id = requiredString(authReqId, 'authReqId', MAX_FIELD_LENGTH)
      const stored = await within(call, (deadline) =>
        storeCall('get', deadline, (context) => store.get(id, context)),
      )
      if (stored === undefined || stored === null) return undefined
      const checked = checkStored(stored, 'get')
      if (checked.authReqId !== id) throw nonsense('get', 'a record of another auth_req_id')
      return publicView(checked)
    },
    async forSubject(subject, call) {
      const wanted = requiredString(subject, 'subject', MAX_FIELD_LENGTH)
      const list = await within(call, (deadline) =>
        storeCall('listBySubject', deadline, (context) => store.listBySubject(wanted, context)),
      )
      if (!Array.isArray(list)) throw nonsense('listBySubject', 'not an array')
      return list.map((stored) => {
        const checked = checkStored(stored, 'listBySubject')
        if (checked.subject !== wanted) throw nonsense('listBySubject', 'a record of another subject')
        return publicView(checked)
      })
    },
    async save(record, call) {
      const checked = checkRecord(record, 'record')
      await within(call, (deadline) => storeCall('save', deadline, (context) => store.save(checked, context)))
    },
  }
}

/** What a device may see: the record without its ticket. */
function publicView(stored: StoredPending): PendingAuthentication {
  return {
    authReqId: stored.authReqId,
    clientId: stored.clientId,
    clientName: stored.clientName,
    subject: stored.subject,
    hintType: stored.hintType,
    bindingMessage: stored.bindingMessage,
    scopes: stored.scopes,
    scopeDescriptions: stored.scopeDescriptions,
    claimNames: stored.claimNames,
    acrs: stored.acrs,
    requestContext: stored.requestContext,
    authorizationDetails: stored.authorizationDetails,
    expiresAt: stored.expiresAt,
    state: stored.state,
  }
}

function checkStored(value: unknown, what: string): StoredPending {
  const state = (value as { state?: unknown } | null)?.state
  if (typeof state !== 'string' || !STATES.has(state)) throw nonsense(what, 'no valid state')
  try {
    return { ...checkRecord(value, 'record'), state: state as PendingState }
  } catch (error) {
    throw nonsense(what, error instanceof Error ? error.message : 'a malformed record')
  }
}

/**
 * A record as the contract says, or an `AuthleteInputError` naming the field (the store's answers
 * go through it too: a broken one is then reported as nonsense).
 *
 * @internal
 */
export function checkRecord(value: unknown, what: string): PendingRecord {
  if (typeof value !== 'object' || value === null) throw new AuthleteInputError(what, 'must be an object')
  const r = value as Record<string, unknown>
  const text = (field: string) => requiredString(r[field], `${what}.${field}`)
  const optionalText = (field: string) => {
    const v = r[field]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') throw new AuthleteInputError(`${what}.${field}`, 'must be a string')
    return v
  }
  const texts = (field: string) => {
    const v = r[field]
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
      throw new AuthleteInputError(`${what}.${field}`, 'must be an array of strings')
    return [...v] as string[]
  }
  // The fields a record of version 0.1.0 lacks: absent reads as undefined.
  const optionalTexts = (field: string) =>
    r[field] === undefined || r[field] === null ? undefined : texts(field)
  const scopeDescriptions = (field: string) => {
    const v = r[field]
    if (v === undefined || v === null) return undefined
    if (!isPlainObject(v) || !Object.values(v).every((d) => typeof d === 'string'))
      throw new AuthleteInputError(`${what}.${field}`, 'must be an object of strings')
    return { ...v } as Record<string, string>
  }
  const authorizationDetails = (field: string) => {
    const v = r[field]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v) || !v.every((d) => isPlainObject(d) && typeof d.type === 'string'))
      throw new AuthleteInputError(`${what}.${field}`, 'must be an array of objects, each with a type')
    return v as AuthorizationDetail[]
  }
  const time = (field: string) => {
    const v = r[field]
    // A time a Date can hold: a store may refuse anything past it (Redis's PEXPIREAT does).
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_DATE_MS) {
      throw new AuthleteInputError(
        `${what}.${field}`,
        'must be a whole number of milliseconds since the epoch',
      )
    }
    return v
  }
  const clientId = r.clientId
  if (clientId !== undefined && clientId !== null && !Number.isInteger(clientId))
    throw new AuthleteInputError(`${what}.clientId`, 'must be an integer')
  return {
    authReqId: text('authReqId'),
    ticket: text('ticket'),
    subject: text('subject'),
    clientId: (clientId ?? undefined) as number | undefined,
    clientName: optionalText('clientName'),
    hintType: optionalText('hintType'),
    bindingMessage: optionalText('bindingMessage'),
    scopes: texts('scopes'),
    scopeDescriptions: scopeDescriptions('scopeDescriptions'),
    claimNames: optionalTexts('claimNames'),
    acrs: texts('acrs'),
    requestContext: optionalText('requestContext'),
    authorizationDetails: authorizationDetails('authorizationDetails'),
    createdAt: time('createdAt'),
    expiresAt: time('expiresAt'),
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
