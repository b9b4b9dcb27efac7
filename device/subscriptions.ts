/**
 * `createPushSubscriptions`: the browsers a user asked to be notified on ("Notify me on this
 * browser"), in the store every instance shares. The device handler adds and removes them; the Web
 * Push notifier reads them, and removes those the push service no longer knows.
 *
 * @module
 */

import { timeoutOr, withDeadline } from '../src/deadline.js'
import { AuthleteInputError, AuthletePendingError } from '../src/index.js'
import { checkFields, MAX_FIELD_LENGTH, requiredString } from '../src/input.js'
import { storeCall } from '../src/pending/store-call.js'
import { inProcessSubscriptionStore } from './in-process-subscriptions.js'
import type {
  PushSubscriptionStore,
  PushSubscriptionStoreContext,
  StoredPushSubscription,
  WebPushSubscription,
} from './subscription-store.js'

/** Options of {@link createPushSubscriptions}. */
export interface PushSubscriptionsOptions {
  /**
   * Where subscriptions live. Several instances of the authorization server must share one
   * (`redisSubscriptionStore` of `authlete-ciba/redis`, or your own {@link PushSubscriptionStore}).
   * @default inProcessSubscriptionStore(): this process only
   */
  store?: PushSubscriptionStore | undefined
  /**
   * The most browsers one subject keeps: adding one more drops the oldest (a browser that no longer
   * answers is dropped anyway at its push service's first 404 or 410).
   * @default 10
   */
  maxPerSubject?: number | undefined
  /**
   * The deadline of each call when it gives none, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number | undefined
  /**
   * The clock of `createdAt`, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** Per-call options. */
export interface PushSubscriptionCallOptions {
  /**
   * Aborts the call (`AUTHLETE_ABORTED`).
   * @default undefined
   */
  signal?: AbortSignal | undefined
  /**
   * The call's deadline in milliseconds (`AUTHLETE_STORE` when the store has not answered by then).
   * @default the `timeoutMs` of createPushSubscriptions
   */
  timeoutMs?: number | undefined
}

/** The push subscriptions of one authorization server: see {@link createPushSubscriptions}. */
export interface PushSubscriptions {
  /**
   * Keeps a browser's subscription for `subject` (`PushSubscription.toJSON()`, checked: an `https:`
   * or `http:` endpoint, a 65-byte P-256 key, a 16-byte secret), in place of one with the same
   * endpoint. Rejects with `AuthleteInputError` naming the field, or `AUTHLETE_STORE`.
   */
  add(
    subject: string,
    subscription: WebPushSubscription,
    options?: PushSubscriptionCallOptions,
  ): Promise<void>
  /** Forgets the subject's subscription of `endpoint`; resolves to whether there was one. */
  remove(subject: string, endpoint: string, options?: PushSubscriptionCallOptions): Promise<boolean>
  /** The subject's subscriptions, oldest first. */
  forSubject(subject: string, options?: PushSubscriptionCallOptions): Promise<StoredPushSubscription[]>
  /** The store underneath. */
  readonly store: PushSubscriptionStore
}

const OPTIONS: ReadonlySet<string> = new Set(['store', 'maxPerSubject', 'timeoutMs', 'now'])
const STORE_METHODS = ['add', 'remove', 'list'] as const
const STORE = 'push subscription store'
/** Push services' endpoints are a few hundred characters; a browser's never near this. */
const MAX_ENDPOINT_LENGTH = 2048

/**
 * The push subscriptions of an authorization server: in this process by default, or in the `store`
 * every instance shares.
 *
 * @example
 * ```ts
 * const subscriptions = createPushSubscriptions() // one process
 * const subscriptions = createPushSubscriptions({ store: redisSubscriptionStore(redis, { prefix: 'ciba:' }) })
 * ```
 */
export function createPushSubscriptions(options: PushSubscriptionsOptions = {}): PushSubscriptions {
  const fields = checkFields(options, OPTIONS, 'the push subscriptions options')
  const store = (fields.store ?? inProcessSubscriptionStore()) as PushSubscriptionStore
  for (const method of STORE_METHODS) {
    if (typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new AuthleteInputError('store', `must be a PushSubscriptionStore (it has no ${method} function)`)
    }
  }
  const maxPerSubject = options.maxPerSubject ?? 10
  if (!Number.isSafeInteger(maxPerSubject) || maxPerSubject < 1) {
    throw new AuthleteInputError('maxPerSubject', 'must be a whole number >= 1')
  }
  const timeoutMs = timeoutOr('timeoutMs', options.timeoutMs, 5000)
  const now = options.now ?? Date.now
  if (typeof now !== 'function')
    throw new AuthleteInputError('now', 'must be a function returning milliseconds')
  const within = <T>(
    call: PushSubscriptionCallOptions | undefined,
    what: string,
    body: (context: PushSubscriptionStoreContext) => Promise<T>,
  ) =>
    withDeadline(timeoutOr('timeoutMs', call?.timeoutMs, timeoutMs), call?.signal, (deadline) =>
      storeCall(what, deadline, body, STORE),
    )
  const list = async (subject: string, call: PushSubscriptionCallOptions | undefined) => {
    const listed = await within(call, 'list', (context) => store.list(subject, context))
    if (!Array.isArray(listed) || !listed.every((s) => typeof s?.endpoint === 'string')) {
      throw new AuthletePendingError(
        'AUTHLETE_STORE',
        `The ${STORE} answered nonsense (list): not an array of subscriptions`,
      )
    }
    return listed
  }

  /**
   * The adds of each subject in this process, one after the other: each writes, then trims the list
   * to `maxPerSubject` (the oldest go), so that a burst of adds keeps the bound and costs a few store
   * calls each. Instances sharing the store may leave one more each for a while; the next add trims.
   */
  const adding = new Map<string, Promise<unknown>>()
  const inTurn = <T>(subject: string, step: () => Promise<T>): Promise<T> => {
    const previous = adding.get(subject) ?? Promise.resolve()
    const mine = previous.then(step, step)
    const tail = mine.then(
      () => {},
      () => {},
    )
    adding.set(subject, tail)
    void tail.then(() => {
      if (adding.get(subject) === tail) adding.delete(subject)
    })
    return mine
  }

  return {
    store,
    async add(subject, subscription, call) {
      const who = requiredString(subject, 'subject', MAX_FIELD_LENGTH)
      const checked = { ...checkSubscription(subscription), createdAt: now() }
      await inTurn(who, async () => {
        await within(call, 'add', (context) => store.add(who, checked, context))
        const known = await list(who, call)
        const others = known
          .filter(({ endpoint }) => endpoint !== checked.endpoint)
          .sort((a, b) => a.createdAt - b.createdAt)
        const excess = others.slice(0, Math.max(0, others.length - maxPerSubject + 1))
        await Promise.all(
          excess.map((oldest) =>
            within(call, 'remove', (context) => store.remove(who, oldest.endpoint, context)),
          ),
        )
      })
    },
    async remove(subject, endpoint, call) {
      const who = requiredString(subject, 'subject', MAX_FIELD_LENGTH)
      const url = requiredString(endpoint, 'endpoint', MAX_ENDPOINT_LENGTH)
      return (await within(call, 'remove', (context) => store.remove(who, url, context))) === true
    },
    forSubject(subject, call) {
      return list(requiredString(subject, 'subject', MAX_FIELD_LENGTH), call)
    },
  }
}

const SUBSCRIPTION_FIELDS: ReadonlySet<string> = new Set(['endpoint', 'expirationTime', 'keys'])
const KEY_FIELDS: ReadonlySet<string> = new Set(['p256dh', 'auth'])

/**
 * A browser's subscription as the contract says, or an `AuthleteInputError` naming the field: what
 * a page posts is checked before it is kept (the keys' lengths as RFC 8291 §3.1 has them).
 *
 * @internal
 */
function checkSubscription(value: unknown): WebPushSubscription {
  const fields = checkFields(value, SUBSCRIPTION_FIELDS, 'subscription')
  const endpoint = requiredString(fields.endpoint, 'endpoint', MAX_ENDPOINT_LENGTH)
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new AuthleteInputError('endpoint', 'must be a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AuthleteInputError('endpoint', 'must be an https: URL')
  const { expirationTime } = fields
  if (
    expirationTime !== undefined &&
    expirationTime !== null &&
    !(typeof expirationTime === 'number' && Number.isSafeInteger(expirationTime) && expirationTime >= 0)
  ) {
    throw new AuthleteInputError('expirationTime', 'must be milliseconds since the epoch, or null')
  }
  const keys = checkFields(fields.keys, KEY_FIELDS, 'keys')
  const p256dh = base64url(keys.p256dh, 'keys.p256dh')
  if (p256dh.length !== 65 || p256dh[0] !== 0x04)
    throw new AuthleteInputError('keys.p256dh', 'must be an uncompressed P-256 public key (65 bytes)')
  if (base64url(keys.auth, 'keys.auth').length !== 16)
    throw new AuthleteInputError('keys.auth', 'must be 16 bytes')
  return {
    endpoint,
    expirationTime: (expirationTime ?? null) as number | null,
    keys: { p256dh: keys.p256dh as string, auth: keys.auth as string },
  }
}

function base64url(value: unknown, field: string): Buffer {
  const text = requiredString(value, field, 256)
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw new AuthleteInputError(field, 'must be base64url')
  return Buffer.from(text, 'base64url')
}
