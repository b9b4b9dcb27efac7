// The README's Redis client, run as written: with Redis down at startup it fails fast and clearly
// (no crash of an unhandled 'error' event, no endless retry); once up, it rides out a restart.
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { setTimeout as setTimeoutPromise } from 'node:timers/promises'
import { createClient } from 'redis'
import { afterEach, describe, expect, it } from 'vitest'
import { closedPort } from '../helpers/loopback.js'
import { type RedisServer, skipWithoutRedisServer, startRedisServer } from '../helpers/redis-server.js'

/**
 * The README's lines from `let started` to `started = true`, as one async function; `sleep` is
 * node:timers/promises' unless a test gives a shorter one.
 */
function readmeStartup(
  sleep: (ms: number, value?: unknown, options?: { ref?: boolean }) => Promise<unknown> = setTimeoutPromise,
): (url: string, log: string[]) => Promise<ReturnType<typeof createClient>> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const snippet = /^let started = false[^\n]*\n[\s\S]*?^started = true$/m.exec(readme)?.[0]
  if (snippet === undefined) throw new Error('README.md has no Redis startup snippet')
  const AsyncFunction = (async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<ReturnType<typeof createClient>>
  const run = new AsyncFunction('createClient', 'sleep', 'process', 'console', `${snippet}\nreturn redis`)
  return (url, log) =>
    run(
      createClient,
      sleep,
      { env: { REDIS_URL: url } },
      { error: (...args: unknown[]) => log.push(args.join(' ')) },
    )
}

let server: RedisServer | undefined
let client: ReturnType<typeof createClient> | undefined
afterEach(async () => {
  client?.destroy()
  client = undefined
  await server?.close()
  server = undefined
})

describe('the README’s Redis client at startup', () => {
  it('Redis down: connect() rejects with the connection’s error after 5 tries, within 5 s, each reported to the listener', async () => {
    const port = await closedPort()
    const log: string[] = []
    const started = performance.now()
    await expect(readmeStartup()(`redis://127.0.0.1:${port}`, log)).rejects.toThrow(/ECONNREFUSED/)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(log.length).toBeGreaterThanOrEqual(5)
    expect(log.every((line) => line.startsWith('redis: ') && line.includes('ECONNREFUSED'))).toBe(true)
  })

  it('a server that takes the connection and never answers: connect() rejects at the bound, not never', async () => {
    const silent = net.createServer(() => {}).listen(0, '127.0.0.1')
    await new Promise((resolve) => silent.once('listening', resolve))
    const { port } = silent.address() as net.AddressInfo
    try {
      // The README's 10 s bound, shortened: what is tested is that the snippet has one.
      const quick = (_ms: number, value?: unknown, options?: { ref?: boolean }) =>
        setTimeoutPromise(200, value, options)
      const connecting = readmeStartup(quick)(`redis://127.0.0.1:${port}`, [])
      await expect(connecting).rejects.toThrow('Redis: no answer in 10 s')
    } finally {
      silent.close()
    }
  })

  it.skipIf(skipWithoutRedisServer)(
    'Redis up: connects; stopped and started again later, it reconnects however long it takes',
    async () => {
      server = await startRedisServer()
      const log: string[] = []
      client = await readmeStartup()(server.url, log)
      expect(await client.ping()).toBe('PONG')
      await server.stop('SIGKILL')
      // More failed tries than the startup allows: only a started client keeps trying.
      await expect.poll(() => log.length, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(8)
      expect(client.isOpen).toBe(true)
      await server.start()
      await expect.poll(() => client?.isReady, { timeout: 5_000, interval: 50 }).toBe(true)
      expect(await client.ping()).toBe('PONG')
    },
  )
})
