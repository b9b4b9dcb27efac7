// One benchmark client in its own process. Usage (kinds: see calls.mjs):
//   node client.mjs <kind>[:<operation>] <baseUrl> <concurrency> <calls> <warmup>
//   node client.mjs soak <baseUrl> <concurrency> <calls>   (this SDK; heap and RSS sampled)
// Prints one JSON line with the measurements.
const [kind, baseUrl, concurrencyArg, callsArg, warmupArg] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const calls = Number(callsArg)
const warmup = Number(warmupArg ?? 0)

import { drive, makeCall } from './calls.mjs'

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const call = await makeCall(kind, baseUrl)

if (kind === 'soak') {
  const samples = []
  const sample = (done) => {
    globalThis.gc?.()
    const { heapUsed, rss } = process.memoryUsage()
    samples.push({ calls: done, heapUsed, rss })
  }
  const every = Math.max(1, Math.floor(calls / 10))
  sample(0)
  await drive(call, calls, concurrency, null, (done) => {
    if (done % every === 0) sample(done)
  })
  // The progress callback runs before the last workers finish; take the final sample once all are done.
  if (samples.at(-1).calls !== calls) sample(calls)
  process.stdout.write(`${JSON.stringify({ kind, concurrency, calls, samples })}\n`)
  process.exit(0)
}

await drive(call, warmup, concurrency, null)
const latencies = new Float64Array(calls)
const cpu0 = process.cpuUsage()
const t0 = performance.now()
await drive(call, calls, concurrency, latencies)
const wallMs = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
latencies.sort()
process.stdout.write(
  `${JSON.stringify({
    kind,
    concurrency,
    calls,
    wallMs,
    callsPerSecond: (calls / wallMs) * 1000,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    rssBytes: process.memoryUsage().rss,
  })}\n`,
)
process.exit(0)
