// The push subscription store on Redis runs the conformance kit every PushSubscriptionStore runs.
import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pushSubscriptionStoreTests } from '../../device/subscription-store-tests.js'
import { redisSubscriptionStore } from '../../redis/index.js'
import {
  externalRedisUrl,
  type RedisServer,
  skipWithoutRedis,
  startRedisServer,
} from '../helpers/redis-server.js'

const connect = (url: string) => createClient({ url }).connect()

describe.skipIf(skipWithoutRedis)('the Redis push subscription store', () => {
  let server: RedisServer | undefined
  let client: Awaited<ReturnType<typeof connect>>
  beforeAll(async () => {
    if (externalRedisUrl === undefined) server = await startRedisServer()
    client = await connect(externalRedisUrl ?? (server as RedisServer).url)
  })
  afterAll(async () => {
    client?.destroy()
    await server?.close()
  })

  // Each test under a prefix of its own: a shared server, no test sees another's keys.
  pushSubscriptionStoreTests(
    { describe, it },
    {
      createStore: () => redisSubscriptionStore(client, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )

  it('keeps a subject’s subscriptions in one hash under the prefix: {prefix}push:{subject}', async () => {
    const prefix = `test-${randomUUID()}:`
    const store = redisSubscriptionStore(client, { prefix })
    const subscription = {
      endpoint: 'https://push.example.net/wpush/v2/abc',
      expirationTime: null,
      keys: { p256dh: 'BP', auth: 'au' },
      createdAt: 1,
    }
    await store.add('john', subscription, { signal: AbortSignal.timeout(5000) })
    expect(await client.keys(`${prefix}*`)).toEqual([`${prefix}push:john`])
    expect(JSON.parse((await client.hGet(`${prefix}push:john`, subscription.endpoint)) ?? '')).toEqual(
      subscription,
    )
  })

  it('sends a Sentinel client’s commands to the primary as createSentinel takes them, a cluster’s by the subject’s key', async () => {
    const calls: unknown[][] = []
    const record = async (...args: unknown[]) => {
      calls.push(args)
      return []
    }
    const context = { signal: AbortSignal.timeout(5000) }
    const sentinel = { sendCommand: record, getMasterNode: () => ({}), getSentinelNode: () => ({}) }
    await redisSubscriptionStore(sentinel, { prefix: 'p:' }).list('john', context)
    const cluster = { sendCommand: record, slots: [], nodeClient: () => ({}) }
    await redisSubscriptionStore(cluster, { prefix: 'p:' }).list('jane', context)
    expect(calls).toEqual([
      [false, ['HVALS', 'p:push:john'], { abortSignal: context.signal }],
      ['p:push:jane', false, ['HVALS', 'p:push:jane'], { abortSignal: context.signal }],
    ])
  })

  it('refuses a client that cannot send commands', () => {
    expect(() => redisSubscriptionStore({} as never)).toThrow(
      'redisSubscriptionStore: client must be a connected node-redis client (createClient, createCluster or createSentinel, connected)',
    )
  })
})
