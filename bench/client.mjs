// One benchmark client in its own process. Usage:
//   node client.mjs <floor|sdk|official|fetch> <baseUrl> <concurrency> <calls> <warmup>   (the issue call)
//   node client.mjs <floor|sdk>:<authentication|fail|complete> <baseUrl> <concurrency> <calls> <warmup>
//   node client.mjs soak <baseUrl> <concurrency> <calls>   (this SDK; heap and RSS sampled)
// Prints one JSON line with the measurements.
const [kind, baseUrl, concurrencyArg, callsArg, warmupArg] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const calls = Number(callsArg)
const warmup = Number(warmupArg ?? 0)
const serviceId = '715948317'
const token = 'bench-token-0123456789'
const ticket = 'c9bpMTl4R3VXYWZJcVdxdWRfRjJkMGpYcDhfUUhZdFpBZ1lIbkE'
const url = `${baseUrl}/api/${serviceId}/backchannel/authentication/issue`
// What this SDK sends, for the clients built by hand.
const headers = {
  authorization: `Bearer ${token}`,
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
}
const body = `ticket=${ticket}`

// The other operations: what the SDK sends, and the action that means the call went through.
const OPERATIONS = {
  authentication: {
    path: '/backchannel/authentication',
    contentType: 'application/x-www-form-urlencoded',
    body: `parameters=${encodeURIComponent('scope=openid&login_hint=john&binding_message=W4SCT')}&clientId=26862190133482&clientSecret=client-secret`,
    action: 'USER_IDENTIFICATION',
    sdk: (client) =>
      client.backchannelAuthentication({
        parameters: 'scope=openid&login_hint=john&binding_message=W4SCT',
        clientId: '26862190133482',
        clientSecret: 'client-secret',
      }),
  },
  fail: {
    path: '/backchannel/authentication/fail',
    contentType: 'application/x-www-form-urlencoded',
    body: `ticket=${ticket}&reason=UNKNOWN_USER_ID`,
    action: 'BAD_REQUEST',
    sdk: (client) => client.backchannelFail({ ticket, reason: 'UNKNOWN_USER_ID' }),
  },
  complete: {
    path: '/backchannel/authentication/complete',
    contentType: 'application/json',
    body: JSON.stringify({ ticket, result: 'AUTHORIZED', subject: 'john', authTime: 1700000000 }),
    action: 'NOTIFICATION',
    sdk: (client) =>
      client.backchannelComplete({ ticket, result: 'AUTHORIZED', subject: 'john', authTime: 1700000000 }),
  },
}

async function makeCall(name) {
  const [base, op] = name.split(':')
  if (op !== undefined) {
    const operation = OPERATIONS[op]
    if (!operation) throw new Error(`unknown operation ${op}`)
    if (base === 'floor') {
      const { Agent, request } = await import('undici')
      const dispatcher = new Agent({ keepAliveTimeout: 60_000 })
      const opUrl = `${baseUrl}/api/${serviceId}${operation.path}`
      const opHeaders = { ...headers, 'content-type': operation.contentType }
      return async () => {
        const res = await request(opUrl, {
          method: 'POST',
          headers: opHeaders,
          body: operation.body,
          dispatcher,
        })
        const json = JSON.parse(await res.body.text())
        if (json.action !== operation.action) throw new Error(`not ${operation.action}`)
      }
    }
    if (base === 'sdk') {
      const { AuthleteClient } = await import('../dist/index.js')
      const client = new AuthleteClient({ serviceId, accessToken: token, baseUrl, timeoutMs: 30_000 })
      return async () => {
        const res = await operation.sdk(client)
        if (res.action !== operation.action) throw new Error(`not ${operation.action}`)
      }
    }
    throw new Error(`unknown client ${name}`)
  }
  if (name === 'floor') {
    // The floor: undici itself, a keep-alive agent, JSON.parse, nothing else.
    const { Agent, request } = await import('undici')
    const dispatcher = new Agent({ keepAliveTimeout: 60_000 })
    return async () => {
      const res = await request(url, { method: 'POST', headers, body, dispatcher })
      const json = JSON.parse(await res.body.text())
      if (json.action !== 'OK') throw new Error('not OK')
    }
  }
  if (name === 'sdk' || name === 'soak') {
    const { AuthleteClient } = await import('../dist/index.js')
    const client = new AuthleteClient({ serviceId, accessToken: token, baseUrl, timeoutMs: 30_000 })
    return async () => {
      const res = await client.backchannelIssue(ticket)
      if (res.action !== 'OK') throw new Error('not OK')
    }
  }
  if (name === 'official') {
    const { Authlete } = await import('@authlete/typescript-sdk')
    const authlete = new Authlete({ bearer: token, serverURL: baseUrl })
    return async () => {
      const res = await authlete.ciba.issue({ serviceId, backchannelAuthenticationIssueRequest: { ticket } })
      if (res.action !== 'OK') throw new Error('not OK')
    }
  }
  if (name === 'fetch') {
    return async () => {
      const res = await fetch(url, { method: 'POST', headers, body })
      const json = await res.json()
      if (json.action !== 'OK') throw new Error('not OK')
    }
  }
  throw new Error(`unknown client ${name}`)
}

/** Runs `count` calls with `concurrency` workers; records each latency when `latencies` is given. */
async function drive(call, count, latencies, onProgress) {
  let next = 0
  async function worker() {
    while (next < count) {
      const i = next++
      const started = performance.now()
      await call()
      if (latencies) latencies[i] = performance.now() - started
      if (onProgress) onProgress(i + 1)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const call = await makeCall(kind)

if (kind === 'soak') {
  const samples = []
  const sample = (done) => {
    globalThis.gc?.()
    const { heapUsed, rss } = process.memoryUsage()
    samples.push({ calls: done, heapUsed, rss })
  }
  const every = Math.max(1, Math.floor(calls / 10))
  sample(0)
  await drive(call, calls, null, (done) => {
    if (done % every === 0) sample(done)
  })
  // The progress callback runs before the last workers finish; take the final sample once all are done.
  if (samples.at(-1).calls !== calls) sample(calls)
  process.stdout.write(`${JSON.stringify({ kind, concurrency, calls, samples })}\n`)
  process.exit(0)
}

await drive(call, warmup, null)
const latencies = new Float64Array(calls)
const cpu0 = process.cpuUsage()
const t0 = performance.now()
await drive(call, calls, latencies)
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
