/**
 * `authlete-ciba/redis`: the pending-authentication store on Redis or Valkey, shared by every
 * instance of the authorization server. Each step that reads and writes is one Lua script, run
 * atomically by the server; the claim compares its deadline with the server's clock (`TIME`), so a
 * claim that reaches a paused server after its caller gave up is not applied.
 *
 * Takes a connected node-redis client (the `redis` package, v5 or v6: an optional peer dependency
 * that only this entry uses, and only through the client you pass). One server, or a primary with
 * replicas; not Redis Cluster (a subject's list and its requests live under different keys).
 *
 * @see https://redis.io/docs/latest/develop/programmability/eval-intro/
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line.
import '../src/node-guard.js'
import { createHash } from 'node:crypto'
import type {
  PendingClaim,
  PendingClaimResult,
  PendingRecord,
  PendingState,
  PendingStore,
  PendingStoreContext,
  StoredPending,
} from '../src/pending/store.js'

/**
 * The one method of a node-redis client this store uses (`createClient()` of the `redis`
 * package, connected). A client of your own that sends a command and resolves to its RESP2 reply
 * (arrays, strings, integers, `null`) will do.
 */
export interface RedisCommandClient {
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

/** Options of {@link redisPendingStore}. */
export interface RedisPendingStoreOptions {
  /**
   * Prepended to every key: `{prefix}req:{auth_req_id}` (a hash) and `{prefix}sub:{subject}` (the
   * subject's requests, a sorted set). Both expire with the requests.
   * @default 'authlete-ciba:'
   */
  prefix?: string | undefined
}

// The server's clock, in milliseconds: every instance compares with the same one.
const NOW = `local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local function ms(n) return string.format('%.0f', n) end
`

// Record hash fields: d = the record (JSON), u = subject, s = state (p pending, c claimed, d decided),
// t = the claim's token, l = until when the claim holds (ms).

/**
 * KEYS: record, subject index. ARGV: JSON, subject, expiresAt, createdAt, auth_req_id. The times are
 * checked before anything is written: a script stopped by an error keeps what it wrote before.
 */
const SAVE = `${NOW}
local function time(s) local n = tonumber(s) return n and n == math.floor(n) and n >= 0 and n <= 8640000000000000 end
if not time(ARGV[3]) or not time(ARGV[4]) then return redis.error_reply('ERR expiresAt and createdAt must be whole milliseconds a Date holds') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'u', ARGV[2], 's', 'p')
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
local ttl = redis.call('PTTL', KEYS[2])
if ttl == -1 or (ttl >= 0 and ttl < tonumber(ARGV[3]) - now()) then redis.call('PEXPIREAT', KEYS[2], ARGV[3]) end
return 1`

/** KEYS: record. */
const GET = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'd', 's', 'l')
if not v[1] then return false end
local s = v[2]
if s == 'c' and tonumber(v[3]) <= now() then s = 'p' end
return {v[1], s}`

/** KEYS: subject index. ARGV: record key prefix. */
const LIST = `${NOW}
local t = now()
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local v = redis.call('HMGET', ARGV[1] .. id, 'd', 's', 'l')
  if not v[1] then redis.call('ZREM', KEYS[1], id)
  elseif v[2] == 'p' or (v[2] == 'c' and tonumber(v[3]) <= t) then table.insert(out, v[1]) end
end
return out`

/**
 * KEYS: record. ARGV: token, subject, leaseMs, notAfter. The subject before the state: another
 * user learns nothing of the decision.
 */
const CLAIM = `${NOW}
local t = now()
if t > tonumber(ARGV[4]) then return {'late'} end
local v = redis.call('HMGET', KEYS[1], 'd', 's', 'l', 'u')
if not v[1] then return {'not-found'} end
if v[4] ~= ARGV[2] then return {'wrong-subject'} end
if v[2] == 'd' then return {'decided'} end
if v[2] == 'c' and tonumber(v[3]) > t then return {'deciding'} end
redis.call('HSET', KEYS[1], 's', 'c', 't', ARGV[1], 'l', ms(t + tonumber(ARGV[3])))
return {'claimed', v[1]}`

/** KEYS: record. ARGV: token, subject index prefix, auth_req_id. */
const SETTLE = `local v = redis.call('HMGET', KEYS[1], 's', 't', 'u')
if v[1] ~= 'c' or v[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'd')
redis.call('HDEL', KEYS[1], 't', 'l')
redis.call('ZREM', ARGV[2] .. v[3], ARGV[3])
return 1`

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
  save: script(SAVE),
  get: script(GET),
  list: script(LIST),
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

/**
 * A {@link PendingStore} on Redis or Valkey, for every instance of the authorization server that
 * uses the same server and prefix.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const pending = createPendingAuthentications({ store: redisPendingStore(redis, { prefix: 'ciba:' }) })
 * ```
 */
export function redisPendingStore(
  client: RedisCommandClient,
  options: RedisPendingStoreOptions = {},
): PendingStore {
  if (typeof client?.sendCommand !== 'function') {
    throw new TypeError(
      'redisPendingStore: client must be a connected node-redis client (createClient().connect())',
    )
  }
  const prefix = options.prefix ?? 'authlete-ciba:'
  if (typeof prefix !== 'string') throw new TypeError('redisPendingStore: prefix must be a string')
  const recordKey = (authReqId: string) => `${prefix}req:${authReqId}`
  const subjectKey = (subject: string) => `${prefix}sub:${subject}`

  const run = async (
    { source, sha }: Script,
    keys: string[],
    args: string[],
    { signal }: PendingStoreContext,
  ): Promise<unknown> => {
    const tail = [String(keys.length), ...keys, ...args]
    try {
      return await client.sendCommand(['EVALSHA', sha, ...tail], { abortSignal: signal })
    } catch (error) {
      // The script cache is empty after a restart (or a SCRIPT FLUSH): send the script itself.
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
      return await client.sendCommand(['EVAL', source, ...tail], { abortSignal: signal })
    }
  }

  return {
    async save(record: PendingRecord, context) {
      const saved = await run(
        SCRIPTS.save,
        [recordKey(record.authReqId), subjectKey(record.subject)],
        [
          JSON.stringify(record),
          record.subject,
          millis(record.expiresAt),
          millis(record.createdAt),
          record.authReqId,
        ],
        context,
      )
      if (saved === 0) throw new Error('a request with this auth_req_id is already saved')
      if (saved !== 1) throw new Error('unexpected reply to save')
    },
    async get(authReqId, context) {
      const reply = await run(SCRIPTS.get, [recordKey(authReqId)], [], context)
      if (reply === null) return undefined
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected reply to get')
      return stored(reply[0], reply[1])
    },
    async listBySubject(subject, context) {
      const reply = await run(SCRIPTS.list, [subjectKey(subject)], [`${prefix}req:`], context)
      if (!Array.isArray(reply)) throw new Error('unexpected reply to listBySubject')
      return reply.map((json) => stored(json, 'p'))
    },
    async claim(authReqId, claim: PendingClaim, context): Promise<PendingClaimResult> {
      const reply = await run(
        SCRIPTS.claim,
        [recordKey(authReqId)],
        [claim.token, claim.subject, String(Math.ceil(claim.leaseMs)), String(Math.floor(claim.notAfter))],
        context,
      )
      if (!Array.isArray(reply)) throw new Error('unexpected reply to claim')
      const [status, json] = reply as unknown[]
      if (status === 'claimed') return { status, record: parse(json) }
      if (typeof status === 'string' && CLAIM_REFUSALS.has(status)) {
        return { status: status as Exclude<PendingClaimResult['status'], 'claimed'> }
      }
      throw new Error('unexpected reply to claim')
    },
    async settle(authReqId, token, context) {
      const reply = await run(
        SCRIPTS.settle,
        [recordKey(authReqId)],
        [token, `${prefix}sub:`, authReqId],
        context,
      )
      return reply === 1
    },
    async release(authReqId, token, context) {
      const reply = await run(SCRIPTS.release, [recordKey(authReqId)], [token], context)
      return reply === 1
    },
  }
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
export { type RedisSubscriptionStoreOptions, redisSubscriptionStore } from './subscriptions.js'
