// A real Redis Cluster for the cluster tests: six redis-server processes in cluster mode on free
// loopback ports (each with its own data folder under a temporary directory), made three masters
// with a replica each by `redis-cli --cluster create`. The test kills (SIGKILL), restarts and
// pauses (SIGSTOP) nodes; everything waits on a condition (CLUSTER INFO, ROLE, INFO replication)
// with a deadline, never a fixed time. Where redis-server or redis-cli is missing, the tests are
// skipped with one line saying how to run them, unless AUTHLETE_CIBA_REQUIRE_REDIS=1 (CI).
import { execFile } from 'node:child_process'
import { accessSync, constants, openSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createClient } from 'redis'
import {
  freePort,
  type RedisServer,
  redisRequired,
  redisServerBinary,
  startRedisServer,
} from './redis-server.js'

// REDIS_CLI names the binary, and only it is tried (REDIS_CLI=none: as on a machine without).
const CLI_CANDIDATES = process.env.REDIS_CLI
  ? [process.env.REDIS_CLI]
  : ['/usr/bin/redis-cli', '/usr/bin/valkey-cli', '/usr/local/bin/redis-cli', '/usr/local/bin/valkey-cli']

/** The `redis-cli` binary, or `undefined` when none is installed. */
export const redisCliBinary: string | undefined = CLI_CANDIDATES.find((file) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
})

/** Whether the cluster tests are skipped here (no server or no redis-cli, and not CI). */
export const skipWithoutRedisCluster =
  (redisServerBinary === undefined || redisCliBinary === undefined) && !redisRequired

if (skipWithoutRedisCluster && redisServerBinary !== undefined) tellOnce()

function tellOnce() {
  try {
    openSync(path.join(os.tmpdir(), `authlete-ciba-redis-cluster-skipped-${process.ppid}`), 'wx')
  } catch {
    return
  }
  console.warn(
    'Redis Cluster tests skipped: no redis-cli here (it creates the cluster). Run them with `apt install redis-tools`.',
  )
}

/** How long a node waits for another before it holds it failed: failovers in about two seconds. */
const NODE_TIMEOUT_MS = 500

export interface ClusterNode {
  readonly port: number
  /** `redis://127.0.0.1:{port}` */
  readonly url: string
  readonly server: RedisServer
}

export interface RedisCluster {
  readonly nodes: readonly ClusterNode[]
  /** The node on `port`. */
  node(port: number): ClusterNode
  /**
   * One command to one node (a connection per node, kept; a node that does not answer fails it
   * after 2 s); `readonly`: after `READONLY`, so that a replica answers a read of its own copy
   * rather than redirecting it.
   */
  command(port: number, args: string[], options?: { readonly?: boolean }): Promise<unknown>
  /** `master` or `slave`, as `ROLE` says. */
  role(port: number): Promise<string>
  /** The ports of the replicas a master streams to (online or not). */
  replicasOf(port: number): Promise<number[]>
  /** Which master serves each slot (index: the slot), as a live node sees it. */
  slotMasters(): Promise<number[]>
  /** The masters' ports, as the node on `via` (any live node) sees them. */
  masters(via?: number): Promise<number[]>
  /**
   * Until every live node says `cluster_state:ok` and knows the same masters, every master has
   * `replicas` replicas online (replication running), and each replica's link to its master is up.
   */
  healthy(options?: { replicas?: number; timeoutMs?: number }): Promise<void>
  /** Stops every node and removes their folders. */
  close(): Promise<void>
}

/** Starts six nodes and makes them a cluster of three masters with a replica each. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const cli = redisCliBinary
  if (redisServerBinary === undefined || cli === undefined) {
    throw new Error(
      'The Redis Cluster tests need redis-server and redis-cli: apt-get install -y redis-server redis-tools',
    )
  }
  const nodes: ClusterNode[] = []
  const cluster: RedisCluster = {
    nodes,
    node(port) {
      const found = nodes.find((n) => n.port === port)
      if (!found) throw new Error(`no node on port ${port}`)
      return found
    },
    command,
    async role(port) {
      const [role] = (await command(port, ['ROLE'])) as [string]
      return role
    },
    async replicasOf(port) {
      const replication = String(await command(port, ['INFO', 'replication']))
      return [...replication.matchAll(/^slave\d+:.*port=(\d+)/gm)].map((m) => Number(m[1]))
    },
    async slotMasters() {
      const owners: number[] = []
      for (const [from, to, [, port]] of await slotRanges((await live())[0])) {
        for (let slot = from; slot <= to; slot++) owners[slot] = port
      }
      return owners
    },
    async masters(via) {
      return mastersIn(await slotRanges(via ?? (await live())[0]))
    },
    async healthy({ replicas = 1, timeoutMs = 20_000 } = {}) {
      await until(
        async () => {
          const ports = await live()
          const views = new Set<string>()
          for (const port of ports) {
            const info = String(await command(port, ['CLUSTER', 'INFO']))
            if (!/^cluster_state:ok\r?$/m.test(info)) return false
            const replication = String(await command(port, ['INFO', 'replication']))
            const role = /^role:(\w+)/m.exec(replication)?.[1]
            if (role === 'master') {
              const online = replication.match(/^slave\d+:.*state=online/gm)?.length ?? 0
              if (online < replicas) return false
            } else if (!/^master_link_status:up\r?$/m.test(replication)) {
              return false
            }
            views.add(JSON.stringify(await cluster.masters(port)))
          }
          return views.size === 1
        },
        timeoutMs,
        'the cluster to be healthy',
      )
    },
    async close() {
      forget(nodes.map((n) => n.port))
      await Promise.all(nodes.map((n) => n.server.close()))
    },
  }

  async function live(): Promise<[number, ...number[]]> {
    const [first, ...rest] = nodes.filter((n) => n.server.running()).map((n) => n.port)
    if (first === undefined) throw new Error('no node is running')
    return [first, ...rest]
  }

  try {
    for (let i = 0; i < 6; i++) {
      const busPort = await freePort()
      const server = await startRedisServer({
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf', // in the node's own --dir
          '--cluster-port',
          String(busPort),
          '--cluster-node-timeout',
          String(NODE_TIMEOUT_MS),
          // A replica takes over whatever the time since it last heard from its master.
          '--cluster-replica-validity-factor',
          '0',
          '--cluster-allow-replica-migration',
          'no',
          // A replica syncs at once, not after the default 5 s wait for more replicas.
          '--repl-diskless-sync-delay',
          '0',
        ],
      })
      nodes.push({ port: server.port, url: server.url, server })
    }
    await promisify(execFile)(
      cli,
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    )
    await cluster.healthy()
  } catch (error) {
    await cluster.close()
    throw error
  }
  return cluster
}

type SlotRange = [from: number, to: number, master: [host: string, port: number]]

async function slotRanges(port: number): Promise<SlotRange[]> {
  return (await command(port, ['CLUSTER', 'SLOTS'])) as SlotRange[]
}

function mastersIn(ranges: SlotRange[]): number[] {
  return [...new Set(ranges.map((range) => range[2][1]))].sort((a, b) => a - b)
}

const adminClient = (port: number) =>
  createClient({
    url: `redis://127.0.0.1:${port}`,
    socket: { reconnectStrategy: false, connectTimeout: 1000 },
  })
/** One connection per node (and per READONLY or not), opened on first use, dropped on failure. */
const admin = new Map<string, Promise<ReturnType<typeof adminClient>>>()

/**
 * One command to one server (a connection per server, kept); a server that does not answer
 * (paused) fails it after 2 s.
 */
export async function command(port: number, args: string[], { readonly = false } = {}): Promise<unknown> {
  const id = `${port}${readonly ? ' readonly' : ''}`
  let connecting = admin.get(id)
  // A connection the server closed (it was stopped): a new one.
  if (connecting !== undefined && !(await connecting.then((c) => c.isOpen).catch(() => false))) {
    admin.delete(id)
    connecting = undefined
  }
  if (connecting === undefined) {
    const client = adminClient(port)
    client.on('error', () => {})
    connecting = client.connect().then(async () => {
      if (readonly) await client.sendCommand(['READONLY'])
      return client
    })
    connecting.catch(() => {})
    admin.set(id, connecting)
  }
  let timer: NodeJS.Timeout | undefined
  const answer = connecting.then((client) => client.sendCommand(args))
  try {
    return await Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`127.0.0.1:${port} did not answer ${args[0]}`)), 2000)
      }),
    ])
  } catch (error) {
    if (admin.get(id) === connecting) admin.delete(id)
    connecting.then((client) => client.isOpen && client.destroy()).catch(() => {})
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Closes the connections {@link command} keeps to the servers on `ports`. */
export function forget(ports: readonly number[]) {
  for (const [id, connecting] of admin) {
    if (!ports.includes(Number.parseInt(id, 10))) continue
    admin.delete(id)
    connecting.then((client) => client.isOpen && client.destroy()).catch(() => {})
  }
}

/** Polls `condition` (a failure counts as not yet) until it holds, or throws after `timeoutMs`. */
export async function until(
  condition: () => Promise<boolean>,
  timeoutMs = 10_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      if (await condition()) return
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeoutMs} ms for ${what}`, { cause: last })
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
