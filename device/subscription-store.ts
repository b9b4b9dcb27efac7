/**
 * The push subscription store: where browsers' Web Push subscriptions live, by subject, behind three
 * small calls any database can implement (the package ships two: in process, and on Redis or Valkey
 * as `redisSubscriptionStore` of `authlete-ciba/redis`). `pushSubscriptionStoreTests` checks an
 * implementation against this contract.
 *
 * @module
 */

/**
 * A browser's push subscription, as `PushSubscription.toJSON()` gives it: where its push service
 * takes messages for it, and the keys messages are encrypted with (RFC 8291).
 *
 * @see https://www.w3.org/TR/push-api/#dom-pushsubscription-tojson
 */
export interface WebPushSubscription {
  /** The push resource's URL, at the browser's push service. */
  endpoint: string
  /** When the push service will drop it, in milliseconds since the epoch, if the browser knows. */
  expirationTime?: number | null | undefined
  keys: {
    /** The browser's P-256 public key, uncompressed (65 bytes), base64url. */
    p256dh: string
    /** The browser's authentication secret (16 bytes), base64url. */
    auth: string
  }
}

/** A subscription as the store keeps it. Plain JSON: a store may keep it as one JSON text. */
export interface StoredPushSubscription extends WebPushSubscription {
  /** When it was added, in milliseconds since the epoch: listing is oldest first. */
  createdAt: number
}

/** What every store call receives. */
export interface PushSubscriptionStoreContext {
  /** Fires when the caller gives up (its deadline passed, or its own signal fired): stop then. */
  signal: AbortSignal
}

/**
 * The store of push subscriptions, by subject. Every call must be safe to run from many processes
 * at once against one database. A call that cannot answer rejects (any error: the caller reports it
 * as `AUTHLETE_STORE`).
 */
export interface PushSubscriptionStore {
  /**
   * Keeps `subscription` for `subject`, in place of the one with the same `endpoint` if any (a
   * browser that subscribes again keeps its endpoint and may change its keys).
   */
  add(
    subject: string,
    subscription: StoredPushSubscription,
    context: PushSubscriptionStoreContext,
  ): Promise<void>
  /** Forgets the subject's subscription of `endpoint`; answers whether there was one. */
  remove(subject: string, endpoint: string, context: PushSubscriptionStoreContext): Promise<boolean>
  /** The subject's subscriptions, oldest first (`createdAt`); none: an empty array. */
  list(subject: string, context: PushSubscriptionStoreContext): Promise<StoredPushSubscription[]>
}
