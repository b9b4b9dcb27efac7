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

/**
 * The clients it takes, as `redisPendingStore` takes them (repeated here: `index.ts` re-exports this
 * module, and the house allows no import loop, type-only ones included): one connection
 * (`createClient`), a cluster client (`createCluster`) or a Sentinel client (`createSentinel`).
 */
type SubscriptionStoreClient =
  | { sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown> }
  | {
      sendCommand(
        firstKey: string | undefined,
        isReadonly: boolean | undefined,
        args: string[],
        options?: { abortSignal?: AbortSignal },
      ): Promise<unknown>
      readonly slots: unknown
      nodeClient(node: unknown): unknown
    }
  | {
      sendCommand(
        isReadonly: boolean | undefined,
        args: string[],
        options?: { abortSignal?: AbortSignal },
      ): Promise<unknown>
      getMasterNode(): unknown
      getSentinelNode(): unknown
    }

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
  client: SubscriptionStoreClient,
  options: RedisSubscriptionStoreOptions = {},
): PushSubscriptionStore {
  const command = commandOf(client)
  const prefix = options.prefix ?? 'authlete-ciba:'
  if (typeof prefix !== 'string') throw new TypeError('redisSubscriptionStore: prefix must be a string')
  const key = (subject: string) => `${prefix}push:${subject}`
  // Every command names the subject's key second: a cluster client routes it by that key.
  const send = (args: string[], { signal }: PushSubscriptionStoreContext) =>
    command(args[1] as string, args, signal)

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

/**
 * How a command is sent with `client`, told by what the client has, as `redisPendingStore` tells
 * them apart: `nodeClient()` and `slots`, a cluster client (routed by the key); `getMasterNode()`
 * and `getSentinelNode()`, a Sentinel client (to the primary); else one connection.
 */
function commandOf(
  client: SubscriptionStoreClient,
): (key: string, args: string[], signal: AbortSignal) => Promise<unknown> {
  const c = client as unknown as Record<string, unknown> | null | undefined
  if (typeof c?.sendCommand !== 'function') {
    throw new TypeError(
      'redisSubscriptionStore: client must be a connected node-redis client (createClient, createCluster or createSentinel, connected)',
    )
  }
  const send = c.sendCommand as (...args: unknown[]) => Promise<unknown>
  if (typeof c.nodeClient === 'function' && 'slots' in c) {
    return (key, args, signal) => send.call(client, key, false, args, { abortSignal: signal })
  }
  if (typeof c.getMasterNode === 'function' && typeof c.getSentinelNode === 'function') {
    return (_key, args, signal) => send.call(client, false, args, { abortSignal: signal })
  }
  return (_key, args, signal) => send.call(client, args, { abortSignal: signal })
}
