/**
 * The push subscription store on Redis or Valkey (`redisSubscriptionStore`), shared by every
 * instance of the authorization server: one hash per subject, `{prefix}push:{subject}`, whose fields
 * are the endpoints and whose values are the subscriptions as JSON. Each call is one command on one
 * key (Redis Cluster places each subject's hash whole).
 *
 * @module
 */

import type {
  PushSubscriptionStore,
  PushSubscriptionStoreContext,
  StoredPushSubscription,
} from '../device/subscription-store.js'
import { connect, type RedisClient } from './connection.js'

/** Options of {@link redisSubscriptionStore}. */
export interface RedisSubscriptionStoreOptions {
  /**
   * Prepended to every key: `{prefix}push:{subject}` (a hash of the subject's subscriptions).
   * @default 'authlete-ciba:'
   */
  prefix?: string | undefined
}

/**
 * A {@link PushSubscriptionStore} on Redis or Valkey, for every instance of the authorization server
 * that uses the same server and prefix. Subscriptions do not expire: the notifier removes one when
 * its push service answers 404 or 410.
 *
 * @example
 * ```ts
 * const subscriptions = createPushSubscriptions({ store: redisSubscriptionStore(redis, { prefix: 'ciba:' }) })
 * ```
 */
export function redisSubscriptionStore(
  client: RedisClient,
  options: RedisSubscriptionStoreOptions = {},
): PushSubscriptionStore {
  const connection = connect(client, 'redisSubscriptionStore')
  const prefix = options.prefix ?? 'authlete-ciba:'
  if (typeof prefix !== 'string') throw new TypeError('redisSubscriptionStore: prefix must be a string')
  const key = (subject: string) => `${prefix}push:${subject}`
  // Every command names the subject's key second: a cluster client routes it by that key.
  const send = (args: string[], { signal }: PushSubscriptionStoreContext) =>
    connection.send(args[1] as string, args, signal)

  return {
    async add(subject, subscription, context) {
      await send(['HSET', key(subject), subscription.endpoint, JSON.stringify(subscription)], context)
    },
    async remove(subject, endpoint, context) {
      return (await send(['HDEL', key(subject), endpoint], context)) === 1
    },
    async list(subject, context) {
      const reply = await send(['HVALS', key(subject)], context)
      if (!Array.isArray(reply)) throw new Error('unexpected reply to HVALS')
      const subscriptions = reply.map((json) => {
        if (typeof json !== 'string') throw new Error('a subscription that is not JSON text')
        return JSON.parse(json) as StoredPushSubscription
      })
      return subscriptions.sort((a, b) => a.createdAt - b.createdAt)
    },
  }
}
