// The Redis store through node-redis's Sentinel client (createSentinel), on a real primary with a
// replica watched by one Sentinel: the conformance kit.
import { randomUUID } from 'node:crypto'
import { createSentinel } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import { type RedisSentinelSet, SENTINEL_MASTER, startRedisSentinel } from '../helpers/redis-sentinel.js'
import { skipWithoutRedisServer } from '../helpers/redis-server.js'

const connect = (set: RedisSentinelSet) => {
  const client = createSentinel({
    name: SENTINEL_MASTER,
    sentinelRootNodes: [{ host: '127.0.0.1', port: set.sentinel.port }],
    nodeClientOptions: { socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } },
    sentinelClientOptions: { socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } },
  })
  client.on('error', () => {})
  return client.connect()
}

let set: RedisSentinelSet
let sentinel: Awaited<ReturnType<typeof connect>>
beforeAll(async () => {
  if (skipWithoutRedisServer) return
  set = await startRedisSentinel()
  sentinel = await connect(set)
}, 60_000)
afterAll(async () => {
  await sentinel?.destroy()
  await set?.close()
})

describe.skipIf(skipWithoutRedisServer)('the Redis store through Sentinel', () => {
  pendingStoreTests(
    { describe, it },
    {
      createStore: () => redisPendingStore(sentinel, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )
})
