// The push subscription store on a real Redis Cluster (three masters with a replica each): the
// conformance kit, each subject's hash routed by its key.
import { randomUUID } from 'node:crypto'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { pushSubscriptionStoreTests } from '../../device/subscription-store-tests.js'
import { redisSubscriptionStore } from '../../redis/index.js'
import { type RedisCluster, skipWithoutRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js'

const connect = (url: string) => {
  const client = createCluster({ rootNodes: [{ url }] })
  client.on('error', () => {})
  return client.connect()
}

describe.skipIf(skipWithoutRedisCluster)('the Redis push subscription store on Redis Cluster', () => {
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

  pushSubscriptionStoreTests(
    { describe, it },
    {
      createStore: () => redisSubscriptionStore(client, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )
})
