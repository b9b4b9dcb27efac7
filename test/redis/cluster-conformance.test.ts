// The conformance kit on a real Redis Cluster (three masters with a replica each), each test's
// keys spread over the masters; every claim and decision waits for a replica (WAIT), as the
// cluster client's default has it.

import { randomUUID } from 'node:crypto'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import { type RedisCluster, skipWithoutRedisCluster, startRedisCluster } from '../helpers/redis-cluster.js'

const connect = (url: string) => {
  const client = createCluster({ rootNodes: [{ url }] })
  client.on('error', () => {})
  return client.connect()
}

describe.skipIf(skipWithoutRedisCluster)('the Redis store on Redis Cluster', () => {
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
})
