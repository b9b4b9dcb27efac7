/**
 * The node-redis clients the Redis stores take, told apart by what each has, and one command on
 * them: one connection (`createClient`), a cluster client (`createCluster`, routed by the key) or a
 * Sentinel client (`createSentinel`, to the primary). The pending store and the push subscription
 * store both send through it.
 *
 * @module
 */

import { keySlot } from './key-slot.js'

/** What a command takes besides its arguments: the call's signal. */
export interface RedisCommandOptions {
  abortSignal?: AbortSignal
}

/**
 * The one method of a node-redis client this store uses (`createClient()` of the `redis`
 * package, connected). A client of your own that sends a command and resolves to its RESP2 reply
 * (arrays, strings, integers, `null`) will do.
 */
export interface RedisCommandClient {
  sendCommand(args: string[], options?: RedisCommandOptions): Promise<unknown>
}

/**
 * What this store uses of node-redis's cluster client (`createCluster()` of the `redis` package,
 * connected): a command routed by its first key, each slot's master, and the connection to a node
 * (a claim or a decision and its `WAIT` go over the connection to its slot's master).
 */
export interface RedisClusterCommandClient {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: RedisCommandOptions,
  ): Promise<unknown>
  /** The shard of each slot (index: the slot), as the client last learnt them. */
  readonly slots: ReadonlyArray<{ readonly master: unknown } | undefined>
  /** The connection to one node. */
  nodeClient(node: unknown): RedisCommandClient | Promise<RedisCommandClient>
}

/**
 * What this store uses of node-redis's Sentinel client (`createSentinel()` of the `redis` package,
 * connected): a command to the primary. Its `sendCommand` takes `isReadonly` first, unlike
 * `createClient`'s; `getMasterNode` and `getSentinelNode` tell it apart.
 */
export interface RedisSentinelCommandClient {
  sendCommand(
    isReadonly: boolean | undefined,
    args: string[],
    options?: RedisCommandOptions,
  ): Promise<unknown>
  getMasterNode(): unknown
  getSentinelNode(): unknown
}

/** Any client the Redis stores take. */
export type RedisClient = RedisCommandClient | RedisClusterCommandClient | RedisSentinelCommandClient

/** One command on one connection. */
export type Send = (args: string[], signal: AbortSignal) => Promise<unknown>

/** The client, whatever its kind, as the store uses it. */
export interface Connection {
  readonly kind: 'single' | 'cluster' | 'sentinel'
  /** One command about `key`: on a cluster, to the master of its slot (node-redis follows MOVED and ASK). */
  send(key: string, args: string[], signal: AbortSignal): Promise<unknown>
  /** `body` on the one connection that writes `key`: a `WAIT` there counts what `body` wrote. */
  pinned<T>(key: string, signal: AbortSignal, body: (send: Send) => Promise<T>): Promise<T>
}

/** The client as a {@link Connection}, by what it has. */
export function connect(client: RedisClient, what: string): Connection {
  const c = client as unknown as Record<string, unknown> | null | undefined
  if (typeof c?.sendCommand !== 'function') {
    throw new TypeError(
      `${what}: client must be a connected node-redis client (createClient, createCluster or createSentinel, connected)`,
    )
  }
  if (typeof c.nodeClient === 'function' && 'slots' in c) {
    return clusterConnection(client as RedisClusterCommandClient)
  }
  if (typeof c.getMasterNode === 'function' && typeof c.getSentinelNode === 'function') {
    const sentinel = client as RedisSentinelCommandClient
    return oneConnection('sentinel', (args, signal) =>
      sentinel.sendCommand(false, args, { abortSignal: signal }),
    )
  }
  const single = client as RedisCommandClient
  return oneConnection('single', (args, signal) => single.sendCommand(args, { abortSignal: signal }))
}

/** A client with one connection to the primary (a Sentinel client's, with its default masterPoolSize: 1). */
function oneConnection(kind: 'single' | 'sentinel', send: Send): Connection {
  return {
    kind,
    send: (_key, args, signal) => send(args, signal),
    pinned: (_key, _signal, body) => body(send),
  }
}

function clusterConnection(cluster: RedisClusterCommandClient): Connection {
  return {
    kind: 'cluster',
    send: (key, args, signal) => cluster.sendCommand(key, false, args, { abortSignal: signal }),
    async pinned(key, signal, body) {
      for (let attempt = 1; ; attempt++) {
        const master = cluster.slots[keySlot(key)]?.master
        if (master === undefined) throw new Error('the cluster client knows no master for this key yet')
        const node = await cluster.nodeClient(master)
        try {
          return await body((args, signal) => node.sendCommand(args, { abortSignal: signal }))
        } catch (error) {
          // The slot has moved (a failover, a resharding): the script did not run. A read through
          // the cluster client has node-redis follow the redirection and learn the new masters.
          if (attempt > 1 || !/^(MOVED|ASK) /.test(String((error as Error)?.message))) throw error
          await cluster.sendCommand(key, false, ['PTTL', key], { abortSignal: signal })
        }
      }
    },
  }
}
