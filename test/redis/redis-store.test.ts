// The Redis store against a real redis-server of the test's own: stopped, paused (SIGSTOP),
// killed and restarted mid-flow, with and without `appendonly yes`.
import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { afterEach, describe, expect, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { decideBackchannelAuthentication } from '../../src/completion/decide.js'
import { createPendingAuthentications } from '../../src/pending/pending.js'
import { completeStandIn, pendingRecord } from '../helpers/pending-fixtures.js'
import { type RedisServer, skipWithoutRedisServer, startRedisServer } from '../helpers/redis-server.js'

const connect = (url: string) => {
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } })
  // A dropped connection is reported here; the commands in flight fail on their own.
  client.on('error', () => {})
  return client.connect()
}
type Client = Awaited<ReturnType<typeof connect>>

let server: RedisServer | undefined
let client: Client | undefined
afterEach(async () => {
  client?.destroy()
  client = undefined
  await server?.close()
  server = undefined
})

async function setUp(appendOnly = false) {
  server = await startRedisServer({ appendOnly })
  client = await connect(server.url)
  const prefix = `t-${randomUUID()}:`
  const pending = createPendingAuthentications({ store: redisPendingStore(client, { prefix }) })
  return { server, client, prefix, pending }
}

describe.skipIf(skipWithoutRedisServer)('the Redis store on a real server', () => {
  it('keeps both keys under the prefix, each expiring with the request', async () => {
    const { client, prefix, pending } = await setUp()
    const r = pendingRecord({ expiresAt: Date.now() + 60_000 })
    await pending.save(r)
    expect((await client.keys(`${prefix}*`)).sort()).toEqual([
      `${prefix}req:${r.authReqId}`,
      `${prefix}sub:john`,
    ])
    for (const key of [`${prefix}req:${r.authReqId}`, `${prefix}sub:john`]) {
      const ttl = await client.pTTL(key)
      expect(ttl).toBeGreaterThan(55_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
    }
    expect(await client.keys('*')).toEqual(expect.arrayContaining([`${prefix}req:${r.authReqId}`]))
  })

  it('stopped mid-flow: AUTHLETE_STORE within the deadline, no /complete; after a restart the same decision succeeds', async () => {
    const { server, pending } = await setUp()
    const r = pendingRecord()
    await pending.save(r)
    await server.stop()
    const authlete = completeStandIn()
    const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
    const started = performance.now()
    const error = await decideBackchannelAuthentication(authlete, pending, decision, {
      timeoutMs: 300,
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(performance.now() - started).toBeLessThan(2000)
    expect(authlete.calls).toEqual([])
    // No data survives this server's restart (no persistence): save again, as a fresh request.
    await server.start()
    await pending.save(r, { timeoutMs: 5000 })
    await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([r.ticket])
  })

  it('paused mid-claim: AUTHLETE_STORE; the claim it applies on resuming is refused as late, so the same decision succeeds', async () => {
    const { server, pending } = await setUp()
    const [warm, r] = [pendingRecord(), pendingRecord()]
    await pending.save(warm)
    await pending.save(r)
    const authlete = completeStandIn()
    // The scripts in the server's cache first: the paused claim is then one EVALSHA that runs.
    await decideBackchannelAuthentication(authlete, pending, {
      authReqId: warm.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    server.pause()
    const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
    const error = await decideBackchannelAuthentication(authlete, pending, decision, {
      timeoutMs: 200,
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.message).toBe('The pending store did not answer within 200 ms (claim)')
    expect(authlete.calls).toHaveLength(1)
    server.resume()
    // The claim written before the pause runs now, past its notAfter: nothing applied.
    expect((await pending.get(r.authReqId, { timeoutMs: 5000 }))?.state).toBe('pending')
    await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([warm.ticket, r.ticket])
  })

  it('with appendonly yes, a crash and restart lose no pending request, nor a decision', async () => {
    const { server, pending } = await setUp(true)
    const [waiting, decided] = [pendingRecord(), pendingRecord()]
    await pending.save(waiting)
    await pending.save(decided)
    const authlete = completeStandIn()
    await decideBackchannelAuthentication(authlete, pending, {
      authReqId: decided.authReqId,
      result: 'ACCESS_DENIED',
      subject: 'john',
    })
    await server.stop('SIGKILL')
    await server.start()
    expect((await pending.forSubject('john', { timeoutMs: 5000 })).map((p) => p.authReqId)).toEqual([
      waiting.authReqId,
    ])
    expect((await pending.get(decided.authReqId))?.state).toBe('decided')
    // The script cache did not survive: the store sends the script again (NOSCRIPT).
    await expect(
      decideBackchannelAuthentication(authlete, pending, {
        authReqId: waiting.authReqId,
        result: 'AUTHORIZED',
        subject: 'john',
      }),
    ).resolves.toMatchObject({ action: 'NO_ACTION' })
    expect(authlete.calls.map((c) => c.ticket)).toEqual([decided.ticket, waiting.ticket])
  })
})

describe('the Redis store with a client answering nonsense', () => {
  it.each([
    ['get', 'not an array', 'x'],
    ['get', 'JSON that is no record', ['{"ticket":1}', 'p']],
    ['get', 'a state it does not know', ['{}', 'z']],
    ['claim', 'an unknown status', ['maybe']],
  ])('%s answering %s: AUTHLETE_STORE', async (call, _, reply) => {
    const store = redisPendingStore({ sendCommand: async () => reply })
    const pending = createPendingAuthentications({ store })
    const error =
      call === 'get'
        ? await pending.get('x').catch((e) => e)
        : await decideBackchannelAuthentication(completeStandIn(), pending, {
            authReqId: 'x',
            result: 'AUTHORIZED',
            subject: 'john',
          }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
  })

  it('sends the script itself when the server answers NOSCRIPT, then EVALSHA again', async () => {
    const sent: string[] = []
    const store = redisPendingStore({
      sendCommand: async (args) => {
        sent.push(args[0] as string)
        if (args[0] === 'EVALSHA' && sent.length === 1) throw new Error('NOSCRIPT No matching script.')
        return null
      },
    })
    const pending = createPendingAuthentications({ store })
    expect(await pending.get('x')).toBeUndefined()
    expect(await pending.get('x')).toBeUndefined()
    expect(sent).toEqual(['EVALSHA', 'EVAL', 'EVALSHA'])
  })

  it('refuses something that is no node-redis client', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong
    expect(() => redisPendingStore({} as any)).toThrow(TypeError)
  })
})

describe('nothing is half-written', () => {
  it.each([1e21, 8.64e15 + 1, -1, 1.5, Number.NaN])(
    'a save with expiresAt %s is refused whole: no record, no index, and the auth_req_id is saved right after',
    async (expiresAt) => {
      const { client, prefix } = await setUp()
      const store = redisPendingStore(client, { prefix })
      const signal = new AbortController().signal
      const bad = pendingRecord({ expiresAt })
      await expect(store.save(bad, { signal })).rejects.toThrow(
        'ERR expiresAt and createdAt must be whole milliseconds a Date holds',
      )
      expect(await client.keys(`${prefix}*`)).toEqual([])
      const good = { ...bad, expiresAt: Date.now() + 600_000 }
      await store.save(good, { signal })
      expect((await store.get(good.authReqId, { signal }))?.state).toBe('pending')
      expect(await client.pTTL(`${prefix}req:${good.authReqId}`)).toBeGreaterThan(0)
    },
  )

  it('createPendingAuthentications refuses such a record before the store is asked', async () => {
    const { pending } = await setUp()
    await expect(pending.save(pendingRecord({ expiresAt: 1e21 }))).rejects.toThrow(
      'record.expiresAt: must be a whole number of milliseconds since the epoch',
    )
  })
})
