// The conformance kits of both Redis stores on one real Redis Cluster (three masters with a replica
// each): the pending store, each test's keys spread over the masters, every claim and decision
// waiting for a replica (WAIT) as the cluster client's default has it; the push subscription
// store, each subject's hash routed by its key.

import { randomUUID } from 'node:crypto'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { pushSubscriptionStoreTests } from '../../device/subscription-store-tests.js'
import { redisPendingStore, redisSubscriptionStore } from '../../redis/index.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import { type RedisCluster, skipWithoutRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js'

const connect = (url: string) => {
  const client = createCluster({ rootNodes: [{ url }] })
  client.on('error', () => {})
  return client.connect()
}

describe.skipIf(skipWithoutRedisCluster)('the Redis stores on Redis Cluster', () => {
  let cluster: RedisCluster | undefined
  let client: Awaited<ReturnType<typeof connect>>
  beforeAll(async () => {
    cluster = await startRedisCluster()
    client = await connect((cluster.nodes[0] as { url: string }).url)
  }, 60_000)
  afterAll(async () => {
    client?.destroy()
    await cluster?.close()
  })

  // Each test under a prefix of its own: its keys spread over the three masters.
  pendingStoreTests(
    { describe, it },
    {
      createStore: () => redisPendingStore(client, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )

  pushSubscriptionStoreTests(
    { describe, it },
    {
      createStore: () => redisSubscriptionStore(client, { prefix: `test-${randomUUID()}:` }),
      title: 'push subscriptions: conformance',
    },
  )
})
