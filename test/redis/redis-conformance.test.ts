import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import { externalRedisUrl, type RedisServer, skipWithoutRedis, startRedisServer } from '../helpers/redis-server.js'

describe.skipIf(skipWithoutRedis)('the Redis store', () => {
  let server: RedisServer | undefined
  let client: ReturnType<typeof createClient>
  beforeAll(async () => {
    const url = externalRedisUrl ?? (server = await startRedisServer()).url
    client = await createClient({ url }).connect()
  })
  afterAll(async () => {
    client?.destroy()
    await server?.close()
  })

  // Each test under a prefix of its own: a shared server, no test sees another's keys.
  pendingStoreTests(
    { describe, it },
    { createStore: () => redisPendingStore(client, { prefix: `test-${randomUUID()}:` }), title: 'conformance' },
  )
})
