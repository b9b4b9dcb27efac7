// In-process A/B: several kinds of client in ONE process, measured in alternating batches, so that
// machine drift and JIT state hit all alike; for the tight ratios (SDK vs the dispatch floor).
//   node ab.mjs <baseUrl> <operation> <concurrency> <batch> <batches> <warmup> <kind,kind,...>
// The logins: operation `login` (ping: kinds `login`, `login-floor`) and `poll` (kinds `poll`,
// `poll-floor`); a kind `login@/path/to/dist` (or `poll@…`) runs the same login on another build.
// Prints one JSON line: per kind the median CPU µs per call over batches, and per kind the median of
// the per-batch-pair ratios to the first kind.
import { drive, makeCall } from './calls.mjs'

const [baseUrl, operation, concurrencyArg, batchArg, batchesArg, warmupArg, kindsArg] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const batch = Number(batchArg)
const batches = Number(batchesArg)
const warmup = Number(warmupArg)
const kinds = kindsArg.split(',')

/** Runs `work` with `call`'s process-wide setting on (a tracing subscriber), if it has one. */
async function measured(call, work) {
  call.enter?.()
  try {
    return await work()
  } finally {
    call.leave?.()
  }
}

const calls = {}
for (const kind of kinds) {
  calls[kind] = await makeCall(
    operation === 'issue' || operation === 'login' || operation === 'poll' ? kind : `${kind}:${operation}`,
    baseUrl,
  )
  await measured(calls[kind], () => drive(calls[kind], warmup, concurrency))
}

const cpu = Object.fromEntries(kinds.map((kind) => [kind, []]))
for (let b = 0; b < batches; b++) {
  // Rotate the order so that no kind always follows the same one.
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[(i + b) % kinds.length]
    const used = await measured(calls[kind], async () => {
      const start = process.cpuUsage()
      await drive(calls[kind], batch, concurrency)
      return process.cpuUsage(start)
    })
    cpu[kind].push((used.user + used.system) / batch)
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const base = kinds[0]
process.stdout.write(
  `${JSON.stringify({
    operation,
    concurrency,
    batch,
    batches,
    cpuUsPerCall: Object.fromEntries(kinds.map((kind) => [kind, median(cpu[kind])])),
    ratioToFirst: Object.fromEntries(
      kinds.map((kind) => [kind, median(cpu[kind].map((v, i) => v / cpu[base][i]))]),
    ),
  })}\n`,
)
process.exit(0)
