// The Redis store through node-redis's Sentinel client (createSentinel), on a real primary with a
// replica watched by one Sentinel: the conformance kit; WAIT (a replica stopped); the primary
// killed after a decision, the replica promoted. And WAIT through a plain client (createClient on
// the primary, replicas: 1).
import { randomUUID } from 'node:crypto'
import { createClient, createSentinel } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { decideBackchannelAuthentication } from '../../src/completion/decide.js'
import { createPendingAuthentications } from '../../src/pending/pending.js'
import type { PendingStore } from '../../src/pending/store.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'
import { completeStandIn, pendingRecord } from '../helpers/pending-fixtures.js'
import { command, until } from '../helpers/redis-cluster.js'
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
  // The Sentinel client's default: a replica has each claim and decision before it is answered.
  pendingStoreTests(
    { describe, it },
    {
      createStore: () => redisPendingStore(sentinel, { prefix: `test-${randomUUID()}:` }),
      title: 'conformance',
    },
  )

  it.each([
    ['the Sentinel client (its default replicas: 1)', () => redisPendingStore(sentinel)],
    ['a plain client on the primary, replicas: 1', async () => plainStore()],
  ])(
    'through %s, with the replica stopped (SIGSTOP): AUTHLETE_STORE within the deadline and nothing sent to Authlete; resumed, the same decision succeeds',
    async (_, store: () => PendingStore | Promise<PendingStore>) => {
      const pending = createPendingAuthentications({ store: await store() })
      const [primary, replica] = set.servers
      const [warm, r] = [pendingRecord(), pendingRecord()]
      await pending.save(warm)
      await pending.save(r)
      const authlete = completeStandIn()
      await decideBackchannelAuthentication(authlete, pending, {
        authReqId: warm.authReqId,
        result: 'AUTHORIZED',
        subject: 'john',
      })
      const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
      replica.pause()
      try {
        const started = performance.now()
        const error = await decideBackchannelAuthentication(authlete, pending, decision, {
          timeoutMs: 3000,
        }).catch((e) => e)
        expect(error.code).toBe('AUTHLETE_STORE')
        expect(error.cause?.message).toMatch(/^0 of 1 replicas acknowledged the claim within \d+ ms$/)
        expect(performance.now() - started).toBeLessThan(2500)
        expect(authlete.calls.map((c) => c.ticket)).toEqual([warm.ticket])
        await until(async () => (await pending.get(r.authReqId))?.state === 'pending')
      } finally {
        replica.resume()
      }
      await set.healthy(primary)
      await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
        action: 'NO_ACTION',
      })
      expect(authlete.calls.map((c) => c.ticket)).toEqual([warm.ticket, r.ticket])
    },
  )

  // Last: the primary and the replica change places.
  it('the primary killed after a decision, Sentinel promotes the replica: the request is still decided and a second decision gets AUTHLETE_ALREADY_DECIDED; a new request is saved, then decided once a replica is back', async () => {
    const pending = createPendingAuthentications({
      store: redisPendingStore(sentinel, { waitTimeoutMs: 5000 }),
    })
    const [primary, replica] = set.servers
    const decided = pendingRecord()
    await pending.save(decided)
    const authlete = completeStandIn()
    const decision = { authReqId: decided.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
    await decideBackchannelAuthentication(authlete, pending, decision)

    await primary.stop('SIGKILL')
    await set.healthy(replica, { replicas: 0 })
    await until(
      async () => sentinel.getMasterNode()?.port === replica.port,
      20_000,
      'the client to follow Sentinel',
    )
    expect((await pending.get(decided.authReqId))?.state).toBe('decided')
    const again = await decideBackchannelAuthentication(authlete, pending, decision).catch((e) => e)
    expect(again.code).toBe('AUTHLETE_ALREADY_DECIDED')

    const fresh = pendingRecord()
    await pending.save(fresh)
    const next = { authReqId: fresh.authReqId, result: 'ACCESS_DENIED', subject: 'john' } as const
    // No replica could have its claim: refused at once (not after WAIT's 5 s), nothing sent.
    const started = performance.now()
    const refused = await decideBackchannelAuthentication(authlete, pending, next).catch((e) => e)
    expect(refused.code).toBe('AUTHLETE_STORE')
    expect(refused.cause?.message).toMatch(/^NOREPLICAS /)
    expect(performance.now() - started).toBeLessThan(2500)
    expect(authlete.calls.map((c) => c.ticket)).toEqual([decided.ticket])

    // The old primary comes back as the new one's replica: what Sentinel does on its next look at
    // it (INFO, every 10 s), done here at once.
    await primary.start()
    await command(primary.port, ['REPLICAOF', '127.0.0.1', String(replica.port)])
    await set.healthy(replica)
    expect(await set.role(primary)).toBe('slave')
    await expect(decideBackchannelAuthentication(authlete, pending, next)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([decided.ticket, fresh.ticket])
  })
})

const plainClients: { destroy(): void }[] = []
afterAll(() => {
  for (const client of plainClients) client.destroy()
})

async function plainStore(): Promise<PendingStore> {
  const client = createClient({ url: set.servers[0].url })
  client.on('error', () => {})
  plainClients.push(client)
  await client.connect()
  return redisPendingStore(client, { prefix: `test-${randomUUID()}:`, replicas: 1 })
}
