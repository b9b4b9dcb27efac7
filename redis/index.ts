/**
 * `authlete-ciba/redis`: the pending-authentication store on Redis or Valkey, shared by every
 * instance of the authorization server. Each step that reads and writes is one Lua script on one
 * key, run atomically by the server; the claim compares its deadline with the server's clock
 * (`TIME`), so a claim that reaches a paused server after its caller gave up is not applied.
 *
 * Takes a connected node-redis client (the `redis` package, v5 or v6: an optional peer dependency
 * that only this entry uses, and only through the client you pass): `createClient` (one server, or
 * a primary with replicas), `createCluster` (Redis Cluster) or `createSentinel` (Sentinel). No
 * script touches two keys, so each runs on the node that serves its key's slot; a claim and a
 * decision are answered once `replicas` replicas have them (`WAIT`).
 *
 * @see https://redis.io/docs/latest/develop/programmability/eval-intro/
 * @see https://redis.io/docs/latest/commands/wait/
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line.
import '../src/node-guard.js'
import { createHash } from 'node:crypto'
import { timeoutOr } from '../src/deadline.js'
import type {
  PendingClaim,
  PendingClaimResult,
  PendingRecord,
  PendingState,
  PendingStore,
  StoredPending,
} from '../src/pending/store.js'
import {
  connect,
  type RedisClusterCommandClient,
  type RedisCommandClient,
  type RedisSentinelCommandClient,
  type Send,
} from './connection.js'

/** Any client {@link redisPendingStore} takes. */
export type RedisPendingStoreClient =
  | RedisCommandClient
  | RedisClusterCommandClient
  | RedisSentinelCommandClient

/** Options of {@link redisPendingStore}. */
export interface RedisPendingStoreOptions {
  /**
   * Prepended to every key: `{prefix}req:{auth_req_id}` (a hash) and `{prefix}sub:{subject}` (the
   * subject's requests, a sorted set). Both expire with the requests. Without `{` or `}`: a hash
   * tag in it would put every key in one slot of a cluster.
   * @default 'authlete-ciba:'
   */
  prefix?: string | undefined
  /**
   * How many replicas must have a claim or a decision before the store answers it (Redis `WAIT`,
   * on the connection that wrote it): a failover to such a replica loses neither. A claim is
   * refused, nothing written, while fewer replicas are online; fewer acknowledgements within
   * `waitTimeoutMs` fail the call (`AUTHLETE_STORE`: the claim is given back, nothing is sent to
   * Authlete). 0: answer as soon as the primary has it.
   * @default 1 with a cluster client (`createCluster`) or a Sentinel client (`createSentinel`); 0 with any other
   */
  replicas?: number | undefined
  /**
   * How long a claim or a decision waits for its `replicas`, in milliseconds (a claim never past
   * its deadline). The connection that wrote it waits with it: every command this process sends
   * to that server then waits too. Keep it short.
   * @default 1000
   */
  waitTimeoutMs?: number | undefined
}

// The server's clock, in milliseconds: every instance compares with the same one.
const NOW = `local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local function ms(n) return string.format('%.0f', n) end
`

// ARGV[1], ARGV[2]: expiresAt and createdAt, checked before anything is written (a script stopped
// by an error keeps what it wrote before).
const TIMES = `local function time(s) local n = tonumber(s) return n and n == math.floor(n) and n >= 0 and n <= 8640000000000000 end
if not time(ARGV[1]) or not time(ARGV[2]) then return redis.error_reply('ERR expiresAt and createdAt must be whole milliseconds a Date holds') end
`

// How many replicas this server's replication stream reaches now.
const ONLINE = `local function online() local n = 0 for _ in string.gmatch(redis.call('INFO', 'replication'), 'slave%d+:[^\\r\\n]*state=online') do n = n + 1 end return n end
`

// Record hash fields: d = the record (JSON), u = subject, s = state (p pending, c claimed, d decided),
// t = the claim's token, l = until when the claim holds (ms). The subject's index scores each
// auth_req_id with its expiresAt: what has expired is dropped as the next one is added.

/** KEYS: subject index. ARGV: expiresAt, createdAt, auth_req_id. */
const INDEX = `${NOW}${TIMES}
local t = now()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms(t))
redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 or (ttl >= 0 and ttl < tonumber(ARGV[1]) - t) then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return 1`

/** KEYS: record. ARGV: expiresAt, createdAt, JSON, subject. */
const SAVE = `${TIMES}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'u', ARGV[4], 's', 'p')
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1`

/** KEYS: record. */
const GET = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'd', 's', 'l')
if not v[1] then return false end
local s = v[2]
if s == 'c' and tonumber(v[3]) <= now() then s = 'p' end
return {v[1], s}`

/**
 * KEYS: record. ARGV: token, subject, leaseMs, notAfter, replicas. The subject before the state:
 * another user learns nothing of the decision. Nothing is claimed while fewer than `replicas`
 * replicas are online: no WAIT could count them.
 */
const CLAIM = `${NOW}${ONLINE}
local t = now()
if t > tonumber(ARGV[4]) then return {'late'} end
local v = redis.call('HMGET', KEYS[1], 'd', 's', 'l', 'u')
if not v[1] then return {'not-found'} end
if v[4] ~= ARGV[2] then return {'wrong-subject'} end
if v[2] == 'd' then return {'decided'} end
if v[2] == 'c' and tonumber(v[3]) > t then return {'deciding'} end
local need = tonumber(ARGV[5])
if need > 0 and online() < need then return redis.error_reply('NOREPLICAS fewer replicas online than the store requires: nothing was claimed') end
redis.call('HSET', KEYS[1], 's', 'c', 't', ARGV[1], 'l', ms(t + tonumber(ARGV[3])))
return {'claimed', v[1]}`

/**
 * KEYS: record. ARGV: token, replicas. Answers the subject (its index entry goes next) and, when
 * `replicas` > 0, how many replicas are online.
 */
const SETTLE = `${ONLINE}
local v = redis.call('HMGET', KEYS[1], 's', 't', 'u')
if v[1] ~= 'c' or v[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'd')
redis.call('HDEL', KEYS[1], 't', 'l')
local n = 0
if tonumber(ARGV[2]) > 0 then n = online() end
return {v[3], n}`

/** KEYS: record. ARGV: token. */
const RELEASE = `local v = redis.call('HMGET', KEYS[1], 's', 't')
if v[1] ~= 'c' or v[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'p')
redis.call('HDEL', KEYS[1], 't', 'l')
return 1`

interface Script {
  readonly source: string
  readonly sha: string
}
const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
})
const SCRIPTS = {
  index: script(INDEX),
  save: script(SAVE),
  get: script(GET),
  claim: script(CLAIM),
  settle: script(SETTLE),
  release: script(RELEASE),
}

const STATES: Readonly<Record<string, PendingState>> = { p: 'pending', c: 'deciding', d: 'decided' }
const CLAIM_REFUSALS: ReadonlySet<string> = new Set([
  'not-found',
  'deciding',
  'decided',
  'wrong-subject',
  'late',
])
/** More replicas than any deployment has: a typo, not a wish. */
const MAX_REPLICAS = 100

/**
 * A {@link PendingStore} on Redis or Valkey, for every instance of the authorization server that
 * uses the same server (or cluster) and prefix.
 *
 * The kind of client is told by what it has: `nodeClient()` and `slots`, a cluster client
 * (`createCluster`), sent `sendCommand(key, false, args, options)`; `getMasterNode()` and
 * `getSentinelNode()`, a Sentinel client (`createSentinel`), sent `sendCommand(false, args,
 * options)`; anything else is one connection, sent `sendCommand(args, options)`
 * ({@link RedisCommandClient}: `createClient`, or your own). A `WAIT` must run on the connection
 * that wrote: on a cluster, the store sends the write and its `WAIT` over the connection to the
 * slot's master (`nodeClient`); otherwise over the client's one connection to the primary (keep a
 * Sentinel client's `masterPoolSize` at 1, its default). It checks that the connection did not
 * change in between (`CLIENT ID`): a client that spreads commands over several connections
 * (`createClientPool`) fails the calls that wait for replicas rather than count the wrong writes.
 *
 * @example
 * ```ts
 * import { createClient, createCluster } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const pending = createPendingAuthentications({ store: redisPendingStore(redis, { prefix: 'ciba:' }) })
 * // Redis Cluster: each claim and decision answered once a replica has it
 * const cluster = await createCluster({ rootNodes: [{ url: process.env.REDIS_URL }] }).connect()
 * const shared = createPendingAuthentications({ store: redisPendingStore(cluster, { prefix: 'ciba:' }) })
 * ```
 */
export function redisPendingStore(
  client: RedisCommandClient,
  options?: RedisPendingStoreOptions,
): PendingStore
export function redisPendingStore(
  client: RedisClusterCommandClient,
  options?: RedisPendingStoreOptions,
): PendingStore
export function redisPendingStore(
  client: RedisSentinelCommandClient,
  options?: RedisPendingStoreOptions,
): PendingStore
export function redisPendingStore(
  client: RedisPendingStoreClient,
  options: RedisPendingStoreOptions = {},
): PendingStore {
  const connection = connect(client, 'redisPendingStore')
  const prefix = options.prefix ?? 'authlete-ciba:'
  if (typeof prefix !== 'string') throw new TypeError('redisPendingStore: prefix must be a string')
  if (/[{}]/.test(prefix)) {
    throw new TypeError(
      'redisPendingStore: prefix must not hold { or } (a hash tag would put every key in one slot of a cluster)',
    )
  }
  const replicas = options.replicas ?? (connection.kind === 'single' ? 0 : 1)
  if (!Number.isSafeInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
    throw new TypeError(`redisPendingStore: replicas must be a whole number from 0 to ${MAX_REPLICAS}`)
  }
  // The one rule of every deadline option of the package, with its words.
  const waitTimeoutMs = timeoutOr('waitTimeoutMs', options.waitTimeoutMs, 1000)
  const recordKey = (authReqId: string) => `${prefix}req:${authReqId}`
  const subjectKey = (subject: string) => `${prefix}sub:${subject}`
  const routed =
    (key: string): Send =>
    (args, signal) =>
      connection.send(key, args, signal)

  /**
   * A script that writes, on the connection that serves `key`; then, when it wrote (`wrote` says),
   * `WAIT` there until `replicas` replicas have it, for at most `timeoutMs()`.
   */
  const replicated = async <T>(
    key: string,
    signal: AbortSignal,
    what: string,
    write: (send: Send) => Promise<T>,
    wrote: (reply: T) => boolean,
    timeoutMs: () => number,
  ): Promise<T> => {
    if (replicas === 0) return write(routed(key))
    return connection.pinned(key, signal, async (send) => {
      // The connection's ID before the write and after WAIT: WAIT counts the writes of the
      // connection it runs on, so a reconnection in between would count nothing of this one.
      const [before, reply] = await Promise.all([send(['CLIENT', 'ID'], signal), write(send)])
      if (!wrote(reply)) return reply
      const wait = Math.max(1, Math.ceil(timeoutMs()))
      const [acknowledged, after] = await Promise.all([
        send(['WAIT', String(replicas), String(wait)], signal),
        send(['CLIENT', 'ID'], signal),
      ])
      if (before !== after) {
        throw new Error(`the connection to Redis changed between the ${what} and its WAIT`)
      }
      if (typeof acknowledged !== 'number' || acknowledged < replicas) {
        throw new Error(
          `${String(acknowledged)} of ${replicas} replicas acknowledged the ${what} within ${wait} ms`,
        )
      }
      return reply
    })
  }

  const get = async (authReqId: string, signal: AbortSignal): Promise<StoredPending | undefined> => {
    const key = recordKey(authReqId)
    const reply = await run(routed(key), SCRIPTS.get, key, [], signal)
    if (reply === null) return undefined
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected reply to get')
    return stored(reply[0], reply[1])
  }

  return {
    async save(record: PendingRecord, { signal }) {
      const times = [millis(record.expiresAt), millis(record.createdAt)]
      // The index first: an entry whose record never came is harmless (a listing reads the record).
      const index = subjectKey(record.subject)
      const indexed = await run(routed(index), SCRIPTS.index, index, [...times, record.authReqId], signal)
      if (indexed !== 1) throw new Error('unexpected reply to save')
      const key = recordKey(record.authReqId)
      const saved = await run(
        routed(key),
        SCRIPTS.save,
        key,
        [...times, JSON.stringify(record), record.subject],
        signal,
      )
      if (saved === 0) throw new Error('a request with this auth_req_id is already saved')
      if (saved !== 1) throw new Error('unexpected reply to save')
    },
    async get(authReqId, { signal }) {
      return get(authReqId, signal)
    },
    async listBySubject(subject, { signal }) {
      const index = subjectKey(subject)
      const ids = await connection.send(index, ['ZRANGE', index, '0', '-1'], signal)
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw new Error('unexpected reply to listBySubject')
      }
      // Each record from the node that serves it. An entry of another subject's record (a
      // duplicate auth_req_id), of one expired or decided, is left out.
      const records = await Promise.all(ids.map((id: string) => get(id, signal)))
      return records
        .filter((r): r is StoredPending => r?.state === 'pending' && r.subject === subject)
        .sort(oldestFirst)
    },
    async claim(authReqId, claim: PendingClaim, { signal }): Promise<PendingClaimResult> {
      const key = recordKey(authReqId)
      const args = [
        claim.token,
        claim.subject,
        String(Math.ceil(claim.leaseMs)),
        String(Math.floor(claim.notAfter)),
        String(replicas),
      ]
      const reply = await replicated(
        key,
        signal,
        'claim',
        (send) => run(send, SCRIPTS.claim, key, args, signal),
        (reply) => Array.isArray(reply) && reply[0] === 'claimed',
        () => Math.min(waitTimeoutMs, claim.notAfter - Date.now()),
      )
      if (!Array.isArray(reply)) throw new Error('unexpected reply to claim')
      const [status, json] = reply as unknown[]
      if (status === 'claimed') return { status, record: parse(json) }
      if (typeof status === 'string' && CLAIM_REFUSALS.has(status)) {
        return { status: status as Exclude<PendingClaimResult['status'], 'claimed'> }
      }
      throw new Error('unexpected reply to claim')
    },
    async settle(authReqId, token, { signal }) {
      const key = recordKey(authReqId)
      const reply = await replicated(
        key,
        signal,
        'decision',
        async (send) => {
          const reply = await run(send, SCRIPTS.settle, key, [token, String(replicas)], signal)
          if (!Array.isArray(reply)) return reply
          const [subject, online] = reply as unknown[]
          // Best effort: a listing leaves out what is decided anyway.
          if (typeof subject === 'string') {
            const index = subjectKey(subject)
            connection.send(index, ['ZREM', index, authReqId], signal).catch(() => {})
          }
          if (typeof online === 'number' && online < replicas) {
            throw new Error(`decided on the primary, but only ${online} of ${replicas} replicas are online`)
          }
          return reply
        },
        Array.isArray,
        () => waitTimeoutMs,
      )
      if (reply === 0) return false
      if (Array.isArray(reply)) return true
      throw new Error('unexpected reply to settle')
    },
    async release(authReqId, token, { signal }) {
      const key = recordKey(authReqId)
      const reply = await run(routed(key), SCRIPTS.release, key, [token], signal)
      return reply === 1
    },
  }
}

/** A script on `key`: `EVALSHA`, or the script itself when the server's cache lacks it (a restart, SCRIPT FLUSH). */
async function run(
  send: Send,
  { source, sha }: Script,
  key: string,
  args: string[],
  signal: AbortSignal,
): Promise<unknown> {
  const tail = ['1', key, ...args]
  try {
    return await send(['EVALSHA', sha, ...tail], signal)
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
    return await send(['EVAL', source, ...tail], signal)
  }
}

/** Oldest first; the same time, by auth_req_id. */
function oldestFirst(a: StoredPending, b: StoredPending): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt
  return a.authReqId < b.authReqId ? -1 : a.authReqId > b.authReqId ? 1 : 0
}

/** A time as the scripts take it: digits, never an exponent (`1e+21`), which Lua reads otherwise than Redis. */
function millis(time: number): string {
  return Number.isSafeInteger(time) ? String(time) : 'invalid'
}

function parse(json: unknown): PendingRecord {
  if (typeof json !== 'string') throw new Error('a record that is not JSON text')
  return JSON.parse(json) as PendingRecord
}

function stored(json: unknown, state: unknown): StoredPending {
  const name = typeof state === 'string' ? STATES[state] : undefined
  if (name === undefined) throw new Error('a record in no known state')
  return { ...parse(json), state: name }
}

export type {
  PendingClaim,
  PendingClaimResult,
  PendingRecord,
  PendingState,
  PendingStore,
  PendingStoreContext,
  StoredPending,
} from '../src/pending/store.js'
export type {
  RedisClient,
  RedisClusterCommandClient,
  RedisCommandClient,
  RedisCommandOptions,
  RedisSentinelCommandClient,
} from './connection.js'
export { type RedisSubscriptionStoreOptions, redisSubscriptionStore } from './subscriptions.js'
