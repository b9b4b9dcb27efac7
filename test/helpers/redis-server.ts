// A real redis-server (or valkey-server) for the Redis tests: on a free loopback port, with its own
// data folder under a temporary directory; stopped, paused, restarted by the test. Where none is
// installed, the tests that need one are skipped with one line saying how to run them, unless
// AUTHLETE_CIBA_REQUIRE_REDIS=1 (CI), which makes them fail instead.
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, openSync, rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

// REDIS_SERVER names the binary, and only it is tried (REDIS_SERVER=none: as on a machine without).
const CANDIDATES = process.env.REDIS_SERVER
  ? [process.env.REDIS_SERVER]
  : [
      '/usr/bin/redis-server',
      '/usr/bin/valkey-server',
      '/usr/local/bin/redis-server',
      '/usr/local/bin/valkey-server',
    ]

/** The server binary, or `undefined` when none is installed. */
export const redisServerBinary: string | undefined = CANDIDATES.find((file) => {
  if (!file) return false
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
})

/** A Redis the tests may use without controlling it: `REDIS_URL` (loopback only). */
export const externalRedisUrl: string | undefined = loopbackUrl(process.env.REDIS_URL)

/** Whether a missing server fails the tests (CI) rather than skipping them. */
export const redisRequired = process.env.AUTHLETE_CIBA_REQUIRE_REDIS === '1'

/**
 * Whether the tests that need a server they start and stop are skipped here. Prints, once per
 * `npm test` run, how to run them.
 */
export const skipWithoutRedisServer = redisServerBinary === undefined && !redisRequired
/** Whether the tests that need any Redis (started here, or `REDIS_URL`) are skipped here. */
export const skipWithoutRedis = skipWithoutRedisServer && externalRedisUrl === undefined

if (skipWithoutRedisServer) tellOnce()

function tellOnce() {
  // Every test file runs in its own process under one vitest process: the first one to create the
  // marker says it, for the whole run.
  try {
    openSync(path.join(os.tmpdir(), `authlete-ciba-redis-skipped-${process.ppid}`), 'wx')
  } catch {
    return
  }
  console.warn(
    'Redis tests skipped: no redis-server or valkey-server here. Run them with `apt install redis-server`' +
      ' (or REDIS_URL=redis://127.0.0.1:6379 for those that need no server of their own).',
  )
}

function loopbackUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  const { hostname } = new URL(value)
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(hostname)) {
    throw new Error('REDIS_URL must point to a loopback address (tests send traffic to loopback only)')
  }
  return value
}

export interface RedisServerOptions {
  /** `appendonly yes`, with `appendfsync always`: every write is on disk before it is answered. */
  appendOnly?: boolean
  /** A configuration file to load first (Sentinel's: it writes what it learns there). */
  configFile?: string
  /** More arguments, after the helper's own (`--cluster-enabled yes`, `--replicaof`, `--sentinel`). */
  args?: readonly string[]
  /** What the server logs once it accepts connections. @default /Ready to accept connections/ */
  ready?: RegExp
}

export interface RedisServer {
  /** `redis://127.0.0.1:{port}` */
  readonly url: string
  readonly port: number
  /** Its data folder (under a temporary directory). */
  readonly dir: string
  /** Stops it: SIGTERM (a clean shutdown), or SIGKILL (a crash). Resolves once it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Starts it again on the same port and folder; resolves once it accepts connections. */
  start(): Promise<void>
  /** Whether its process is up (paused or not). */
  running(): boolean
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void
  /** Unfreezes it (SIGCONT). */
  resume(): void
  /** Stops it and removes its folder. */
  close(): Promise<void>
}

/** Starts a redis-server on a free loopback port. Throws when none is installed. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary
  if (binary === undefined) {
    throw new Error('No redis-server or valkey-server is installed: apt-get install -y redis-server')
  }
  hookCleanup()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authlete-ciba-redis-'))
  folders.add(dir)
  const port = await freePort()
  const ready = options.ready ?? /Ready to accept connections/
  const args = [
    ...(options.configFile === undefined ? [] : [options.configFile]),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.args ?? []),
  ]
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const start = async () => {
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    running.add(proc)
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        running.delete(proc)
        resolve()
      }),
    )
    let log = ''
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        log += chunk
        if (ready.test(log)) {
          proc.stdout?.off('data', onData)
          resolve()
        }
      }
      proc.stdout?.on('data', onData)
      proc.stderr?.on('data', (chunk: Buffer) => {
        log += chunk
      })
      proc.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}`)),
      )
    })
    // Keep the pipes drained: a full pipe would block the server.
    proc.stdout?.resume()
    proc.stderr?.resume()
  }
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    proc.kill('SIGCONT')
    proc.kill(signal)
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      await stop('SIGKILL')
      await rm(dir, { recursive: true, force: true })
      folders.delete(dir)
    },
  }
}

// A test process that ends without closing its servers takes them along, and their folders: no
// redis-server outlives the run. It may end by exiting, or by a signal (vitest ends a worker with
// SIGTERM, then SIGKILL, which nothing can catch): the signal is raised again once they are gone.
const running = new Set<ChildProcess>()
const folders = new Set<string>()
let cleanupHooked = false
function hookCleanup() {
  if (cleanupHooked) return
  cleanupHooked = true
  const cleanUp = () => {
    for (const proc of running) proc.kill('SIGKILL')
    for (const dir of folders) rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', cleanUp)
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUp()
      process.kill(process.pid, signal)
    })
  }
}

/** A port nothing listens on, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
