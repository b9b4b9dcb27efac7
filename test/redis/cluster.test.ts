// The Redis store on a real Redis Cluster of the test's own (three masters with a replica each):
// requests spread over the masters, decided exactly once under concurrency; a replica stopped
// (WAIT cannot be met); a master killed after a decision, its replica promoted.
import { randomUUID } from 'node:crypto'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { keySlot } from '../../redis/key-slot.js'
import { decideBackchannelAuthentication } from '../../src/completion/decide.js'
import { createPendingAuthentications } from '../../src/pending/pending.js'
import type { PendingRecord } from '../../src/pending/store.js'
import { completeStandIn, pendingRecord } from '../helpers/pending-fixtures.js'
import {
  type RedisCluster,
  skipWithoutRedisCluster,
  startRedisCluster,
  until,
} from '../helpers/redis-cluster.js'

const connect = (cluster: RedisCluster) => {
  const client = createCluster({
    rootNodes: cluster.nodes.map((node) => ({ url: node.url })),
    defaults: { socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } },
    // A master that stopped answering: the client asks the cluster for its masters again soon.
    topologyRefreshOnReconnectionAttemptStrategy: 100,
  })
  // A dropped connection is reported here; the commands in flight fail on their own.
  client.on('error', () => {})
  return client.connect()
}
type Client = Awaited<ReturnType<typeof connect>>

let cluster: RedisCluster
let client: Client
beforeAll(async () => {
  if (skipWithoutRedisCluster) return
  cluster = await startRedisCluster()
  client = await connect(cluster)
}, 60_000)
afterAll(async () => {
  client?.destroy()
  await cluster?.close()
})

function setUp(options: { waitTimeoutMs?: number } = {}) {
  const prefix = `t-${randomUUID()}:`
  const pending = createPendingAuthentications({ store: redisPendingStore(client, { prefix, ...options }) })
  return { prefix, pending }
}

/** A record whose key is in `slot`. */
function recordIn(prefix: string, slot: number, fields: Partial<PendingRecord> = {}): PendingRecord {
  for (;;) {
    const r = pendingRecord(fields)
    if (keySlot(`${prefix}req:${r.authReqId}`) === slot) return r
  }
}

/** The port of the master the cluster client sends `key`'s commands to. */
function clientMasterOf(key: string): number | undefined {
  return client.slots[keySlot(key)]?.master.port
}

describe.skipIf(skipWithoutRedisCluster)('the Redis store on a real Redis Cluster', () => {
  it('200 concurrent decisions of 50 requests spread over the three masters: one /complete each, every other decision AUTHLETE_ALREADY_DECIDED, each decision on its replica', async () => {
    const { prefix, pending } = setUp()
    const records = Array.from({ length: 50 }, (_, i) => pendingRecord({ subject: `user-${i % 5}` }))
    for (const r of records) await pending.save(r)

    // Each record on the master that serves its slot, as the cluster says; all three in use.
    const owners = await cluster.slotMasters()
    const masters = new Set<number>()
    for (const r of records) {
      const key = `${prefix}req:${r.authReqId}`
      const slot = Number(await cluster.command(owners[0] as number, ['CLUSTER', 'KEYSLOT', key]))
      expect(keySlot(key)).toBe(slot)
      const master = owners[slot] as number
      expect(await cluster.command(master, ['EXISTS', key])).toBe(1)
      masters.add(master)
    }
    expect([...masters].sort((a, b) => a - b)).toEqual(await cluster.masters())
    expect(masters.size).toBe(3)
    // The store's own slot function (it picks the master's connection for a write and its WAIT),
    // on keys with tags, empty tags and several bytes per character too.
    for (const key of [
      'foo{}{bar}',
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      '{user1000}.following',
      'ключ',
      '😀{é}',
    ]) {
      expect(keySlot(key)).toBe(
        Number(await cluster.command(owners[0] as number, ['CLUSTER', 'KEYSLOT', key])),
      )
    }

    const authlete = completeStandIn()
    const decisions = records.flatMap((r) =>
      Array.from({ length: 4 }, (_, i) => ({
        authReqId: r.authReqId,
        subject: r.subject,
        result: i % 2 ? ('ACCESS_DENIED' as const) : ('AUTHORIZED' as const),
      })),
    )
    decisions.sort(() => Math.random() - 0.5)
    const answers = await Promise.allSettled(
      decisions.map((decision) => decideBackchannelAuthentication(authlete, pending, decision)),
    )

    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(50)
    const refused = answers.filter((a) => a.status === 'rejected')
    expect(refused).toHaveLength(150)
    for (const a of refused) expect(a.reason.code).toBe('AUTHLETE_ALREADY_DECIDED')
    expect(authlete.calls.map((c) => c.ticket).sort()).toEqual(records.map((r) => r.ticket).sort())
    for (const r of records) {
      expect((await pending.get(r.authReqId))?.state).toBe('decided')
      // Answered once a replica had it (WAIT): the replica's own copy reads decided.
      const key = `${prefix}req:${r.authReqId}`
      const [replica] = await cluster.replicasOf(owners[keySlot(key)] as number)
      expect(await cluster.command(replica as number, ['HGET', key, 's'], { readonly: true })).toBe('d')
    }
    for (let i = 0; i < 5; i++) expect(await pending.forSubject(`user-${i}`)).toEqual([])
  })

  it('a replica stopped (SIGSTOP): the claim fails within the deadline with AUTHLETE_STORE and nothing is sent to Authlete; resumed, the same decision succeeds', async () => {
    const { prefix, pending } = setUp()
    const [master] = await cluster.masters()
    const slot = (await cluster.slotMasters()).indexOf(master as number)
    const r = recordIn(prefix, slot)
    await pending.save(r)
    const [replica] = await cluster.replicasOf(master as number)
    const authlete = completeStandIn()
    const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const

    cluster.node(replica as number).server.pause()
    try {
      const started = performance.now()
      const error = await decideBackchannelAuthentication(authlete, pending, decision, {
        timeoutMs: 3000,
      }).catch((e) => e)
      expect(error.code).toBe('AUTHLETE_STORE')
      expect(error.cause?.message).toMatch(/^0 of 1 replicas acknowledged the claim within \d+ ms$/)
      // WAIT's own bound (waitTimeoutMs, 1 s), well within the decision's deadline.
      expect(performance.now() - started).toBeLessThan(2500)
      expect(authlete.calls).toEqual([])
      // The claim was given back.
      await until(async () => (await pending.get(r.authReqId))?.state === 'pending')
    } finally {
      cluster.node(replica as number).server.resume()
    }
    await cluster.healthy()
    await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([r.ticket])
  })

  it('a master killed after a decision, its replica promoted: the request is still decided and a second decision gets AUTHLETE_ALREADY_DECIDED; a new request on that slot is saved, then decided once a replica is back', async () => {
    const { prefix, pending } = setUp({ waitTimeoutMs: 5000 })
    const [master] = await cluster.masters()
    const slot = (await cluster.slotMasters()).indexOf(master as number)
    const [replica] = (await cluster.replicasOf(master as number)) as [number]
    const decided = recordIn(prefix, slot)
    await pending.save(decided)
    const authlete = completeStandIn()
    const decision = { authReqId: decided.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
    await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })

    // The decision is acknowledged: the master dies at once.
    await cluster.node(master as number).server.stop('SIGKILL')
    await until(async () => (await cluster.role(replica)) === 'master', 20_000, 'the replica to take over')
    // The promoted replica has no replica of its own yet.
    await cluster.healthy({ replicas: 0 })
    const key = `${prefix}req:${decided.authReqId}`
    await until(async () => clientMasterOf(key) === replica, 20_000, 'the client to learn the new master')

    expect((await pending.get(decided.authReqId))?.state).toBe('decided')
    const again = await decideBackchannelAuthentication(authlete, pending, decision).catch((e) => e)
    expect(again.code).toBe('AUTHLETE_ALREADY_DECIDED')
    expect(authlete.calls.map((c) => c.ticket)).toEqual([decided.ticket])

    // A new request on the same slot: saved on the promoted replica. No replica could have its
    // claim: refused at once (not after WAIT's 5 s), nothing sent to Authlete.
    const fresh = recordIn(prefix, slot)
    await pending.save(fresh)
    expect(clientMasterOf(`${prefix}req:${fresh.authReqId}`)).toBe(replica)
    const next = { authReqId: fresh.authReqId, result: 'ACCESS_DENIED', subject: 'john' } as const
    const started = performance.now()
    const refused = await decideBackchannelAuthentication(authlete, pending, next).catch((e) => e)
    expect(refused.code).toBe('AUTHLETE_STORE')
    expect(refused.cause?.message).toMatch(/^NOREPLICAS /)
    expect(performance.now() - started).toBeLessThan(2500)
    expect(authlete.calls).toHaveLength(1)

    // The old master comes back as the new one's replica: the decision goes through.
    await cluster.node(master as number).server.start()
    await cluster.healthy()
    expect(await cluster.role(master as number)).toBe('slave')
    await expect(decideBackchannelAuthentication(authlete, pending, next)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([decided.ticket, fresh.ticket])
    expect((await pending.get(fresh.authReqId))?.state).toBe('decided')
  })
})
