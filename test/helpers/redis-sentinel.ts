// A real primary with a replica, watched by one Sentinel, for the Sentinel tests: three
// redis-server processes on free loopback ports, each with its own data folder. The test pauses
// (SIGSTOP) the replica or kills the primary; everything waits on a condition with a deadline.
// Skipped or failing without redis-server as the other Redis tests (AUTHLETE_CIBA_REQUIRE_REDIS).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { command as ask, forget, until } from './redis-cluster.js'
import { freePort, type RedisServer, startRedisServer } from './redis-server.js'

/** The name Sentinel knows the primary by. */
export const SENTINEL_MASTER = 'authlete'

export interface RedisSentinelSet {
  /** The primary's and the replica's servers: after a failover, the other way round. */
  readonly servers: readonly [RedisServer, RedisServer]
  readonly sentinel: RedisServer
  /** `master` or `slave`, as `ROLE` says. */
  role(server: RedisServer): Promise<string>
  /** Until `primary` is the primary Sentinel names, with a replica online. */
  healthy(primary: RedisServer, options?: { replicas?: number }): Promise<void>
  close(): Promise<void>
}

// Replicas sync at once (no wait for more), and a primary silent for half a second is down.
const SYNC_AT_ONCE = ['--repl-diskless-sync-delay', '0']

export async function startRedisSentinel(): Promise<RedisSentinelSet> {
  const started: RedisServer[] = []
  try {
    const primary = await startRedisServer({ args: SYNC_AT_ONCE })
    started.push(primary)
    const replica = await startRedisServer({
      args: [...SYNC_AT_ONCE, '--replicaof', '127.0.0.1', String(primary.port)],
    })
    started.push(replica)
    // Sentinel rewrites its configuration file: one of its own, in the replica's folder.
    const config = path.join(replica.dir, `sentinel-${await freePort()}.conf`)
    await writeFile(
      config,
      [
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primary.port} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 500`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
        '',
      ].join('\n'),
    )
    const sentinel = await startRedisServer({
      configFile: config,
      args: ['--sentinel'],
      ready: /\+monitor master/,
    })
    started.push(sentinel)
    const set: RedisSentinelSet = {
      servers: [primary, replica],
      sentinel,
      async role(server) {
        const [role] = (await ask(server.port, ['ROLE'])) as [string]
        return role
      },
      async healthy(expected, { replicas = 1 } = {}) {
        await until(
          async () => {
            const [, port] = (await ask(sentinel.port, [
              'SENTINEL',
              'GET-MASTER-ADDR-BY-NAME',
              SENTINEL_MASTER,
            ])) as [string, string]
            if (Number(port) !== expected.port) return false
            const replication = String(await ask(expected.port, ['INFO', 'replication']))
            return (
              /^role:master/m.test(replication) &&
              (replication.match(/^slave\d+:.*state=online/gm)?.length ?? 0) >= replicas
            )
          },
          20_000,
          `127.0.0.1:${expected.port} to be the primary with ${replicas} replica(s) online`,
        )
      },
      async close() {
        forget(started.map((server) => server.port))
        await Promise.all(started.map((server) => server.close()))
      },
    }
    await set.healthy(primary)
    return set
  } catch (error) {
    await Promise.all(started.map((server) => server.close()))
    throw error
  }
}
