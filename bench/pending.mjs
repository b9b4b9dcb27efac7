// Decisions per second and p99 latency of decideBackchannelAuthentication at concurrency 64, on the
// in-process store and on Redis (a redis-server of its own on a loopback port, temporary data
// folder). Authlete's /complete is answered in process (NO_ACTION): what is measured is the claim,
// the settle and the package's own work, not Authlete.
//
//   npm run -s build && node bench/pending.mjs [--decisions 20000] [--concurrency 64] [--smoke]
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createClient } from 'redis'
import { createPendingAuthentications, decideBackchannelAuthentication } from '../dist/index.js'
import { redisPendingStore } from '../dist/redis/index.js'

const { values } = parseArgs({
  options: { decisions: { type: 'string' }, concurrency: { type: 'string' }, smoke: { type: 'boolean' } },
})
const decisions = Number(values.decisions ?? (values.smoke ? 500 : 20_000))
const concurrency = Number(values.concurrency ?? 64)
const warmup = Math.min(2000, decisions)
const authlete = { backchannelComplete: async () => ({ action: 'NO_ACTION' }) }

async function measure(name, pending) {
  const run = async (count, tag) => {
    const now = Date.now()
    for (let i = 0; i < count; i++) {
      await pending.save({
        authReqId: `${tag}-${i}`,
        ticket: `ticket-${i}`,
        subject: `user-${i % 1000}`,
        scopes: ['openid'],
        acrs: [],
        createdAt: now,
        expiresAt: now + 600_000,
      })
    }
    const latencies = new Float64Array(count)
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++
          const t = performance.now()
          await decideBackchannelAuthentication(authlete, pending, {
            authReqId: `${tag}-${i}`,
            result: i % 2 ? 'AUTHORIZED' : 'ACCESS_DENIED',
            subject: `user-${i % 1000}`,
          })
          latencies[i] = performance.now() - t
        }
      }),
    )
    return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort() }
  }
  await run(warmup, `${name}-warm`)
  const { seconds, latencies } = await run(decisions, name)
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2)
  return { store: name, decisionsPerSecond: Math.round(decisions / seconds), p50: p(0.5), p99: p(0.99) }
}

const results = [await measure('in-process', createPendingAuthentications())]

const binary = ['/usr/bin/redis-server', '/usr/bin/valkey-server'].find((file) => existsSync(file))
if (binary) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authlete-ciba-bench-redis-'))
  const port = await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  await new Promise((resolve) => {
    let log = ''
    child.stdout.on('data', (chunk) => {
      log += chunk
      if (log.includes('Ready to accept connections')) resolve()
    })
  })
  child.stdout.resume()
  const client = await createClient({ url: `redis://127.0.0.1:${port}` }).connect()
  try {
    results.push(await measure('redis', createPendingAuthentications({ store: redisPendingStore(client) })))
  } finally {
    client.destroy()
    child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
} else {
  console.error('no redis-server here: the Redis row is left out (apt install redis-server)')
}

console.log(`decideBackchannelAuthentication, ${decisions} decisions at concurrency ${concurrency} (ms):`)
console.table(results)
