import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import {
  externalRedisUrl,
  type RedisServer,
  skipWithoutRedis,
  startRedisServer,
} from '../helpers/redis-server.js'

const connect = (url: string) => createClient({ url }).connect()

describe.skipIf(skipWithoutRedis)('the Redis store', () => {
  let server: RedisServer | undefined
  let client: Awaited<ReturnType<typeof connect>>
  beforeAll(async () => {
    if (externalRedisUrl === undefined) server = await startRedisServer()
    const url = externalRedisUrl ?? (server as RedisServer).url
    client = await connect(url)
  })
  afterAll(async () => {
    client?.destroy()
    await server?.close()
  })

  // Each test under a prefix of its own: a shared server, no test sees another's keys.
  pendingStoreTests(
    { describe, it },
    {
      createStore: () => redisPendingStore(client, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )
})
