// Reliability of the shared transport (src/http): each block holds for every operation, so most
// tests run a bare operation through `new Transport(…)` rather than a client method.
import { spawn } from 'node:child_process'
import type http from 'node:http'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Dispatcher } from 'undici'
import { Agent, MockAgent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackHost } from '../src/http/options.js'
import { retryAfterMs } from '../src/http/retry.js'
import { Transport } from '../src/http/transport.js'
import {
  AuthleteApiError,
  AuthleteClient,
  AuthleteError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
} from '../src/index.js'
import type { Operation } from '../src/operations/operation.js'
import { runFixture } from './helpers/child.js'
import { type HungPort, hungPort } from './helpers/hung-port.js'
import { json, type Loopback, type ReceivedRequest, startLoopback } from './helpers/loopback.js'
import { type RawServer, startRawServer } from './helpers/raw-server.js'
import { leaks } from './helpers/renderings.js'

const TOKEN = 'tok_SECRET_Zq81vXw3+/x'
const API_KEY = '5593494639'
const API_SECRET = 'sec_SECRET_Lm29pQa7>>>???~'
const BASIC = Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')
const V3 = { serviceId: '1', accessToken: TOKEN } as const
const V2 = { apiKey: API_KEY, apiSecret: API_SECRET } as const
/** The credentials in every form a leak would show them in. */
const FORBIDDEN = [TOKEN, API_SECRET, BASIC, 'SECRET']

// As in the fault matrix: no rejection goes unhandled, and nothing of the transport is left running.
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
})
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
  // Destroyed sockets leave the list once their close callbacks ran: wait for that, bounded.
  const ours = () => process.getActiveResourcesInfo().filter((r) => /TCP|Immediate/.test(r))
  for (let i = 0; i < 100 && ours().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(ours()).toEqual([])
  expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(1)
})

/** A minimal operation, as any Authlete call is to the transport. */
const echo: Operation<string, Record<string, unknown>> = {
  name: 'echo',
  path: '/echo',
  repeatableAfterSend: false,
  encode: (input) => ({ form: `value=${encodeURIComponent(input)}` }),
  parse: (json) =>
    typeof json === 'object' && json !== null
      ? { success: true, data: json as Record<string, unknown> }
      : { success: false, issues: [{ path: [], message: 'not an object' }] },
}

/** A loopback server that `await using` closes. */
async function loopback(): Promise<Loopback & AsyncDisposable> {
  const server = await startLoopback()
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close() })
}

/** A raw server that `await using` closes. */
async function rawServer(options: { idleCloseMs?: number } = {}): Promise<RawServer & AsyncDisposable> {
  const server = await startRawServer(options)
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close() })
}

async function failure(promise: Promise<unknown>): Promise<AuthleteError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  )
  expect(outcome).toBeInstanceOf(AuthleteError)
  return outcome as AuthleteError
}

/** A dispatcher that fails every request with `error`, as a proxy agent or interceptor might. */
function failingDispatcher(error: () => Error): Dispatcher {
  return {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      queueMicrotask(() =>
        handler.onResponseError?.(
          { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} },
          error(),
        ),
      )
      return true
    },
    async close() {},
    async destroy() {},
  } as unknown as Dispatcher
}

describe('1. no credential in the cause chain, whoever built the cause', () => {
  it.each([
    ['v3', V3],
    ['v2', V2],
  ])("undici's MockAgent listing the request headers (%s)", async (_name, credentials) => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    // An interceptor on the right path whose header matcher does not match: undici's error then
    // lists every request header, the Authorization header included.
    agent
      .get('http://127.0.0.1:9')
      .intercept({ path: /echo/, method: 'POST', headers: { 'x-other': 'y' } })
      .reply(200, {})
    const transport = new Transport({ ...credentials, baseUrl: 'http://127.0.0.1:9', dispatcher: agent })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.causeCode).toBe('UND_MOCK_ERR_MOCK_NOT_MATCHED')
    const cause = error.cause as Error & { code: string }
    expect(cause.name).toBe('MockNotMatchedError')
    expect(cause.code).toBe('UND_MOCK_ERR_MOCK_NOT_MATCHED')
    expect(cause.message).toContain('Mock dispatch not matched for headers')
    expect(cause.message).toContain('[REDACTED]')
    expect(leaks(error, FORBIDDEN)).toEqual([])
    await agent.close()
  })

  it('nested causes and AggregateError.errors', async () => {
    const transport = new Transport({
      ...V2,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() => {
        const inner = Object.assign(new Error(`proxy said: Authorization=Basic ${BASIC}`), {
          code: 'EPROXY',
          headers: { authorization: `Basic ${BASIC}` },
        })
        const second = new Error('second', { cause: inner })
        const aggregate = new AggregateError(
          [new Error('first, clean'), second],
          `connect failed with ${API_SECRET}`,
        )
        return Object.assign(aggregate, { code: 'ECONNRESET' })
      }),
    })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error.causeCode).toBe('ECONNRESET')
    const cause = error.cause as AggregateError & { code: string }
    expect(cause.name).toBe('AggregateError')
    expect(cause.code).toBe('ECONNRESET')
    expect(cause.message).toBe('connect failed with [REDACTED]')
    expect(cause.errors).toHaveLength(2)
    expect((cause.errors[0] as Error).message).toBe('first, clean')
    const nested = (cause.errors[1] as Error).cause as Error & { code: string }
    expect(nested.code).toBe('EPROXY')
    expect(nested.message).toBe('proxy said: Authorization=Basic [REDACTED]')
    expect(leaks(error, FORBIDDEN)).toEqual([])
  })

  it("the caller's own error that quotes a credential, as the cause of an AuthleteInputError", async () => {
    const transport = new Transport({ ...V3, baseUrl: 'http://127.0.0.1:9' })
    const input = {
      toString(): string {
        throw new Error(`cannot read with Bearer ${TOKEN}`)
      },
    }
    const fromInput = await failure(transport.call(echo, input as unknown as string, undefined))
    expect(fromInput).toBeInstanceOf(AuthleteInputError)
    expect((fromInput.cause as Error).message).toBe('cannot read with Bearer [REDACTED]')
    const options = {
      get timeoutMs(): number {
        throw new Error(`no ${TOKEN}`)
      },
    }
    const fromOptions = await failure(transport.call(echo, 'x', options))
    expect(fromOptions).toBeInstanceOf(AuthleteInputError)
    expect(leaks(fromInput, FORBIDDEN)).toEqual([])
    expect(leaks(fromOptions, FORBIDDEN)).toEqual([])
  })

  it('a clean cause is kept as it is: the same object', async () => {
    const original = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    const transport = new Transport({
      ...V3,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() => original),
    })
    const error = await failure(transport.call(echo, 'x', undefined))
    expect(error.cause).toBe(original)
  })
})

/** Answers every request with `status`, `type` and the body `render` makes of the Authorization header. */
function echoing(status: number, type: string, render: (authorization: string) => string) {
  return (request: ReceivedRequest, res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': type })
    res.end(render(String(request.headers.authorization)))
  }
}

const htmlEntities = (text: string, hex: boolean) =>
  text.replace(/[^A-Za-z0-9 _-]/g, (c) =>
    hex ? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};` : `&#${c.charCodeAt(0)};`,
  )

describe('6. redaction of credentials echoed URL-encoded, HTML-entity-encoded or JSON-escaped', () => {
  let server: Loopback
  beforeAll(async () => {
    server = await startLoopback()
  })
  afterAll(() => server.close())

  const forms: Array<[string, (authorization: string) => string]> = [
    ['URL-encoded', (a) => `<p>header=${encodeURIComponent(a)}</p>`],
    [
      'URL-encoded, lower-case hex',
      (a) => `<p>header=${encodeURIComponent(a).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}</p>`,
    ],
    ['HTML entities, decimal', (a) => `<pre>${htmlEntities(a, false)}</pre>`],
    ['HTML entities, hex', (a) => `<pre>${htmlEntities(a, true)}</pre>`],
    [
      'named HTML entities',
      (a) => `<pre>${a.replace(/\+/g, '&plus;').replace(/\//g, '&sol;').replace(/=/g, '&equals;')}</pre>`,
    ],
    ['JSON-escaped', (a) => `{"echo":${JSON.stringify(a).replace(/\//g, '\\/')}}`],
    [
      'JSON \\u escapes',
      (a) =>
        `{"echo":"${a.replace(/[+/=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`,
    ],
    ['URL-encoded twice', (a) => `<p>${encodeURIComponent(encodeURIComponent(a))}</p>`],
    ['HTML-escaped URL encoding', (a) => `<p>${encodeURIComponent(a).replace(/%/g, '&#37;')}</p>`],
  ]

  it.each(
    forms.flatMap(([name, render]) => [
      [`v3 token, ${name}`, V3, render] as const,
      [`v2 Basic value, ${name}`, V2, render] as const,
    ]),
  )('a proxy page: %s', async (_name, credentials, render) => {
    server.handle(echoing(502, 'text/html', render))
    const transport = new Transport({ ...credentials, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    const encoded = [TOKEN, BASIC].flatMap((secret) => [
      encodeURIComponent(secret),
      htmlEntities(secret, false),
      htmlEntities(secret, true),
      JSON.stringify(secret).replace(/\//g, '\\/'),
    ])
    expect(leaks(error, [...FORBIDDEN, ...encoded])).toEqual([])
    // Only the credential is replaced: the page around it stays readable.
    expect(error.bodyExcerpt?.slice(0, 3)).toBe(render('x').slice(0, 3))
  })

  it('the v2 Basic value with its = padding, URL-encoded, in a resultMessage', async () => {
    // 5593494639:sec_SECRET_Lm29pQa7>>>???~ makes a base64 value with "+", "/" and "==" in it.
    expect(BASIC).toMatch(/\+.*\/.*==$/)
    server.handle((request, res) =>
      json(res, 401, {
        resultCode: 'A001202',
        resultMessage: `bad header Authorization=${encodeURIComponent(String(request.headers.authorization))}`,
      }),
    )
    const transport = new Transport({ ...V2, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error.resultMessage).toBe('bad header Authorization=Basic%20[REDACTED]')
    expect(leaks(error, [...FORBIDDEN, encodeURIComponent(BASIC)])).toEqual([])
  })

  it('a credential shorter than 6 characters is redacted where it stands alone, not inside words', async () => {
    server.handle((request, res) =>
      json(res, 401, {
        resultCode: 'A001202',
        resultMessage: `${request.headers.authorization}, enc: ${encodeURIComponent('Ab+/')} in Abcde and xAb+/ stay`,
      }),
    )
    const transport = new Transport({
      serviceId: '1',
      accessToken: 'Ab+/',
      baseUrl: server.url,
      retry: false,
    })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error.resultMessage).toBe('Bearer [REDACTED], enc: [REDACTED] in Abcde and xAb+/ stay')
  })
})

describe("7. the JSON parser's error does not quote the body", () => {
  let server: Loopback
  beforeAll(async () => {
    server = await startLoopback()
  })
  afterAll(() => server.close())

  it.each([
    ['a body that is one word', 'PRIVATEWORD123', /^Unexpected token/],
    ['a word where a value belongs', '{"a": PRIVATEWORD123}', /^Unexpected token/],
    ['an unterminated string', '{"a": "PRIVATEWORD123', /^Unterminated string in JSON at position \d+/],
    [
      'a value followed by more',
      '{"a":1} PRIVATEWORD123',
      /^Unexpected non-whitespace character after JSON at position 8/,
    ],
    ['a body cut short', '{"PRIVATEWORD123":', /^Unexpected end of JSON input$/],
  ])('%s', async (_name, body, message) => {
    server.handle((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    })
    const transport = new Transport({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteResponseError
    expect(error).toBeInstanceOf(AuthleteResponseError)
    expect(error.message).toContain('the body is not valid JSON')
    expect(error.cause).toBeInstanceOf(SyntaxError)
    expect((error.cause as SyntaxError).message).toMatch(message)
    expect(leaks(error, ['PRIVATE', 'WORD123'])).toEqual([])
  })
})

describe('9. Retry-After as an HTTP date: the three forms of RFC 9110, always UTC, nothing else', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 35) // two seconds before the dates below
  const zones = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']

  function inZone<T>(zone: string, run: () => T): T {
    const saved = process.env.TZ
    process.env.TZ = zone // Node applies a new TZ at once
    try {
      return run()
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  }

  it.each(
    zones.flatMap((zone) => [
      [zone, 'IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
      [zone, 'obsolete RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
      [zone, 'asctime', 'Sun Nov  6 08:49:37 1994'],
    ]),
  )('TZ=%s: %s is two seconds away', (zone, _form, date) => {
    expect(inZone(zone, () => retryAfterMs(date, undefined, now))).toBe(2000)
  })

  it('asctime with a two-digit day, and a date in the past, which means no wait', () => {
    expect(retryAfterMs('Thu Nov 10 08:49:37 1994', undefined, now)).toBe(4 * 86_400_000 + 2000)
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:30 GMT', undefined, now)).toBe(0)
  })

  it('RFC 850 two-digit years: more than 50 years ahead means the past century', () => {
    const in2026 = Date.UTC(2026, 0, 1)
    expect(retryAfterMs('Wednesday, 01-Jan-76 00:00:00 GMT', undefined, in2026)).toBe(
      Date.UTC(2076, 0, 1) - in2026,
    )
    expect(retryAfterMs('Friday, 01-Jan-77 00:00:00 GMT', undefined, in2026)).toBe(0) // 1977
    expect(retryAfterMs('Thursday, 01-Jan-26 00:00:10 GMT', undefined, in2026)).toBe(10_000)
  })

  it.each([
    'a 1',
    'soon',
    '1 a',
    '2026-01-01T00:00:00Z',
    'Sun, 06 Nov 1994 08:49:37',
    'Sun, 06 Nov 1994 08:49:37 PST',
    'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun 06 Nov 1994 08:49:37 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nox 1994 08:49:37 GMT',
    'Sunday, 06-Nov-1994 08:49:37 GMT',
    'Sun Nov 6 08:49:37 1994',
    'Nov  6 08:49:37 1994',
    '1.5',
    '-1',
  ])('%j is no hint: the backoff (or RateLimit-Reset) applies', (value) => {
    for (const zone of zones) {
      expect(inZone(zone, () => retryAfterMs(value, undefined, now))).toBeUndefined()
      expect(inZone(zone, () => retryAfterMs(value, '3', now))).toBe(3000)
    }
  })
})

describe('10. a kept error holds its excerpt, not the body it came from', () => {
  it('100 AuthleteApiErrors from 1 MiB pages hold a few hundred KB of heap, not 100 MB', async () => {
    const { stdout, stderr } = await runFixture('excerpt-heap.ts', ['--expose-gc'])
    expect(stderr).toBe('')
    const { mb, errors, excerpt } = JSON.parse(stdout) as { mb: number; errors: number; excerpt: number }
    expect(errors).toBe(100)
    expect(excerpt).toBe(AuthleteApiError.EXCERPT_LENGTH)
    // Each error pinned its whole decoded page (1 MiB) before: 100 MB in all. Generous bound.
    expect(mb).toBeLessThan(20)
  })
})

describe("5. the call's deadline is the only clock: undici's own timeouts never fire first", () => {
  let server: Loopback
  beforeAll(async () => {
    server = await startLoopback()
  })
  afterAll(() => server.close())

  it('every request is dispatched with headersTimeout: 0 and bodyTimeout: 0 (off)', async () => {
    const seen: Dispatcher.DispatchOptions[] = []
    const inner = new Agent()
    const recording = {
      dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        seen.push(options)
        return inner.dispatch(options, handler)
      },
      close: () => inner.close(),
    } as unknown as Dispatcher
    server.handle((_r, res) => json(res, 200, { ok: true }))
    const transport = new Transport({ ...V3, baseUrl: server.url, dispatcher: recording })
    expect(await transport.call(echo, 'x', { timeoutMs: 400_000 })).toEqual({ ok: true })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ headersTimeout: 0, bodyTimeout: 0 })
    await inner.close()
  })

  it('a dispatcher whose undici timeouts are 50 ms, a 4 s deadline: a status line after 1.3 s, a body that pauses 1.3 s, both answered', async () => {
    // undici's 50 ms fires after 0.5 to 1 s (its timers tick twice a second), so the pauses are longer.
    const agent = new Agent({ headersTimeout: 50, bodyTimeout: 50 })
    const text = JSON.stringify({ ok: true })
    server.handle((request, res) => {
      if (request.body === 'value=headers') {
        setTimeout(() => json(res, 200, { ok: true }), 1300)
        return
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length })
      res.write(text.slice(0, 3))
      setTimeout(() => res.end(text.slice(3)), 1300)
    })
    const transport = new Transport({ ...V3, baseUrl: server.url, dispatcher: agent, retry: false })
    const calls = ['headers', 'body'].map((phase) => transport.call(echo, phase, { timeoutMs: 4000 }))
    expect(await Promise.all(calls)).toEqual([{ ok: true }, { ok: true }])
    await agent.close()
  })
})

describe('2. a connect that never completes ends with the call', () => {
  let hung: HungPort
  beforeAll(async () => {
    hung = await hungPort()
  })
  afterAll(() => hung.close())

  it('the call times out at its deadline, its socket goes with it, and close() returns at once (undici would wait 10 s)', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length
    const before = sockets()
    const transport = new Transport({ ...V3, baseUrl: `http://127.0.0.1:${hung.port}`, retry: false })
    const error = (await failure(transport.call(echo, 'x', { timeoutMs: 200 }))) as AuthleteTimeoutError
    expect(error).toBeInstanceOf(AuthleteTimeoutError)
    expect(error.phase).toBe('headers')
    // A destroyed socket leaves the list once its close callback ran: wait for that, bounded.
    for (let i = 0; i < 50 && sockets() > before; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(sockets()).toBe(before)
    const started = performance.now()
    await transport.close()
    expect(performance.now() - started).toBeLessThan(1500)
  })

  it("two calls waiting for connects: the first to give up does not end the other's wait", async () => {
    const transport = new Transport({ ...V3, baseUrl: `http://127.0.0.1:${hung.port}`, retry: false })
    const short = failure(transport.call(echo, 'x', { timeoutMs: 100 }))
    const long = failure(transport.call(echo, 'y', { timeoutMs: 400 }))
    expect(await short).toBeInstanceOf(AuthleteTimeoutError)
    const error = (await long) as AuthleteTimeoutError
    expect(error).toBeInstanceOf(AuthleteTimeoutError)
    expect(error.timeoutMs).toBe(400)
    const started = performance.now()
    await transport.close()
    expect(performance.now() - started).toBeLessThan(1500)
  })

  it('a process that never closes the client exits right after the call failed', async () => {
    const { code, stdout, stderr, ms } = await runFixture('hung-connect.ts', [], [String(hung.port)])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'AUTHLETE_TIMEOUT' })
    // Start-up plus the 300 ms deadline; it took over 10 s while undici's connect attempt lived on.
    expect(ms).toBeLessThan(6000)
  })

  it('the same client works as soon as the server accepts again (last: it releases the port)', async () => {
    const transport = new Transport({ ...V3, baseUrl: `http://127.0.0.1:${hung.port}`, retry: false })
    expect(await failure(transport.call(echo, 'x', { timeoutMs: 200 }))).toBeInstanceOf(AuthleteTimeoutError)
    hung.release()
    expect(await transport.call(echo, 'x', { timeoutMs: 5000 })).toEqual({ ok: true })
    await transport.close()
  })
})

describe('3. a request that meets a keep-alive connection the server just closed is repeated once', () => {
  it('the server drops every reused connection when the next request arrives: every call succeeds', async () => {
    await using server = await rawServer()
    for (const action of ['reset', 'close'] as const) {
      server.decide = (index) => (index === 0 ? 'answer' : action)
      const transport = new Transport({ ...V3, baseUrl: server.url })
      const before = server.requests
      for (let i = 0; i < 10; i++) expect(await transport.call(echo, 'x', undefined)).toEqual({ ok: true })
      // Each call that met a dead connection was repeated (undici opens a new connection by itself
      // now and then, so not every call meets one).
      expect(server.requests - before).toBeGreaterThan(10)
      await transport.close()
    }
  })

  it('idle connections closed after 5 ms, 150 calls paced around that: not one failure', async () => {
    await using server = await rawServer({ idleCloseMs: 5 })
    const transport = new Transport({ ...V3, baseUrl: server.url })
    const failures: unknown[] = []
    for (let i = 0; i < 150; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3 + (i % 5)))
      await transport.call(echo, 'x', undefined).catch((error: unknown) => failures.push(error))
    }
    await transport.close()
    expect(failures).toEqual([])
  })

  it('a reset on a fresh connection is not repeated (the request may have been processed)', async () => {
    await using server = await rawServer()
    server.decide = () => 'reset'
    const transport = new Transport({ ...V3, baseUrl: server.url })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.causeCode).toBe('ECONNRESET')
    expect(error.attempts).toBe(1)
    expect(server.requests).toBe(1)
    await transport.close()
  })

  it('once per call, on a new connection (not another idle one of the pool), and a reset there is not repeated', async () => {
    await using server = await rawServer()
    const transport = new Transport({ ...V3, baseUrl: server.url })
    // Two idle connections in the pool, then the server drops every connection a request arrives on.
    await Promise.all([transport.call(echo, 'a', undefined), transport.call(echo, 'b', undefined)])
    expect(server.connections).toBe(2)
    server.decide = () => 'reset'
    const before = server.requests
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error.causeCode).toBe('ECONNRESET')
    expect(error.attempts).toBe(2)
    expect(server.requests - before).toBe(2)
    expect(server.connections).toBe(3)
    await transport.close()
  })

  it('not after a byte of the answer came back', async () => {
    await using server = await rawServer()
    const transport = new Transport({ ...V3, baseUrl: server.url })
    await transport.call(echo, 'x', undefined)
    server.decide = () => 'partial'
    const before = server.requests
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.attempts).toBe(1)
    expect(server.requests - before).toBe(1)
    await transport.close()
  })

  it('not with retry: false (one attempt)', async () => {
    await using server = await rawServer()
    const transport = new Transport({ ...V3, baseUrl: server.url, retry: false })
    await transport.call(echo, 'x', undefined)
    server.decide = () => 'reset'
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error.attempts).toBe(1)
    await transport.close()
  })
})

describe('4. close() while a call waits out a Retry-After', () => {
  // Concurrent (each has its own server): each waits out a 1 s Retry-After.
  it.concurrent.each([
    [200, 'the retry succeeds'],
    [400, 'the retry fails as the server says'],
  ])('then %i: %s; close() calls share one promise that resolves after the call', async (second) => {
    await using server = await loopback()
    const events: string[] = []
    let closes: Array<Promise<void>> = []
    let transport: Transport | undefined
    let requests = 0
    server.handle((_r, res) => {
      if (++requests > 1) {
        events.push('retry arrived')
        json(res, second, second === 200 ? { ok: true } : { resultCode: 'A001201', resultMessage: 'bad' })
        return
      }
      json(res, 429, { resultCode: 'A001301', resultMessage: 'slow down' }, { 'retry-after': '1' })
      // The client has the 429 and waits 1 s: close it twice meanwhile.
      res.on('finish', () =>
        setTimeout(() => {
          closes = [transport?.close(), transport?.close()] as Array<Promise<void>>
          for (const close of closes) void close.then(() => events.push('closed'))
        }, 50),
      )
    })
    transport = new Transport({ ...V3, baseUrl: server.url, timeoutMs: 5000 })
    const outcome = await transport.call(echo, 'x', undefined).then(
      (value) => value,
      (error: unknown) => error,
    )
    events.push('call settled')
    expect(closes).toHaveLength(2)
    expect(closes[0]).toBe(closes[1])
    await Promise.all(closes)
    if (second === 200) expect(outcome).toEqual({ ok: true })
    else {
      expect(outcome).toBeInstanceOf(AuthleteApiError)
      expect((outcome as AuthleteApiError).status).toBe(400)
      expect((outcome as AuthleteApiError).attempts).toBe(2)
    }
    expect(events).toEqual(['retry arrived', 'call settled', 'closed', 'closed'])
    // Closed for good: a new call is refused before any I/O.
    const after = await failure(transport.call(echo, 'x', undefined))
    expect(after.code).toBe('AUTHLETE_CLIENT_CLOSED')
  })
})

describe('8. option values never reach a constructor error', () => {
  it.each([
    'https://admin:pw@[bad-host/',
    'https://admin:pw@[bad-host',
    'http://admin:pw@127.0.0.1:8080',
    new URL('https://admin:pw@authlete.example/'),
  ])('baseUrl %s is refused for its credentials, and no error text holds them', (baseUrl) => {
    let error: unknown
    try {
      new AuthleteClient({ serviceId: '1', accessToken: TOKEN, baseUrl })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect((error as AuthleteInputError).field).toBe('baseUrl')
    expect((error as AuthleteInputError).message).toBe(
      'baseUrl: must not carry credentials (user:password@); give them as options',
    )
    expect((error as AuthleteInputError).cause).toBeUndefined()
    expect(leaks(error, [...FORBIDDEN, 'admin', ':pw', 'bad-host', 'authlete.example'])).toEqual([])
  })
})

describe('11. *.localhost is not loopback by name', () => {
  it('http://authlete.localhost:8080 is refused without allowInsecureHttp, accepted with it', () => {
    const options = { serviceId: '1', accessToken: TOKEN, baseUrl: 'http://authlete.localhost:8080' }
    expect(() => new AuthleteClient(options)).toThrow(AuthleteInputError)
    expect(() => new AuthleteClient(options)).toThrow(/plain http: would send credentials in clear text/)
    expect(new AuthleteClient({ ...options, allowInsecureHttp: true }).baseUrl).toBe(
      'http://authlete.localhost:8080',
    )
  })

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['authlete.localhost', false],
    ['localhost.example', false],
    ['localhost.', false],
    ['128.0.0.1', false],
    ['[::ffff:7f00:1]', false],
  ])('isLoopbackHost(%s) is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})

describe('unreadable input and per-call options reject with AuthleteInputError, before any I/O', () => {
  const ticketOf: Operation<{ ticket: string }, Record<string, unknown>> = {
    ...(echo as unknown as Operation<{ ticket: string }, Record<string, unknown>>),
    encode: (input) => ({ form: `ticket=${encodeURIComponent(input.ticket)}` }),
  }
  const boom = () => {
    throw new Error('boom')
  }
  const dispatched: unknown[] = []
  const transport = new Transport({
    ...V3,
    dispatcher: {
      dispatch: (options: unknown) => dispatched.push(options),
      close: async () => {},
    } as unknown as Dispatcher,
  })

  it.each<[string, () => Promise<unknown>, string]>([
    [
      'options with a throwing getter',
      () =>
        transport.call(
          ticketOf,
          { ticket: 't' },
          {
            get timeoutMs(): number {
              return boom()
            },
          },
        ),
      'options',
    ],
    [
      'options as a Proxy whose ownKeys trap throws',
      () => transport.call(ticketOf, { ticket: 't' }, new Proxy({}, { ownKeys: boom })),
      'options',
    ],
    [
      'options as a Proxy whose get trap throws',
      () => transport.call(ticketOf, { ticket: 't' }, new Proxy({ signal: undefined }, { get: boom })),
      'options',
    ],
    [
      'an input object with a throwing getter',
      () =>
        transport.call(
          ticketOf,
          {
            get ticket(): string {
              return boom()
            },
          },
          undefined,
        ),
      'echo',
    ],
    [
      'an input Proxy whose get trap throws',
      () => transport.call(ticketOf, new Proxy({ ticket: 't' }, { get: boom }), undefined),
      'echo',
    ],
  ])('%s', async (_name, call, field) => {
    const error = (await failure(call())) as AuthleteInputError
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect(error.field).toBe(field)
    expect((error.cause as Error).message).toBe('boom')
    expect(dispatched).toEqual([])
  })
})

describe('12. the stand-in Authlete survives bad requests', () => {
  /** Sends `text` on a new connection; resolves with what came back when the server ends it or answers. */
  function raw(url: string, text: string, hangUp = false): Promise<string> {
    const { port } = new URL(url)
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(text)
        if (hangUp) socket.destroy()
      })
      let received = ''
      socket.on('data', (data: Buffer) => {
        received += data.toString('latin1')
        // One answer is enough: the status line and, when the headers end, the whole exchange.
        if (received.includes('\r\n\r\n')) socket.end()
      })
      socket.on('close', () => resolve(received))
      socket.on('error', () => {})
    })
  }

  it('TRACE, a GET with a body, POST //, a client hanging up mid-body: answered 400/405 or dropped, and it keeps serving', async () => {
    const child = spawn(
      process.execPath,
      [
        '--unhandled-rejections=strict',
        '--import',
        fileURLToPath(new URL('../scripts/ts-loader.mjs', import.meta.url)),
        fileURLToPath(new URL('./fixtures/stand-in.ts', import.meta.url)),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (data: Buffer) => {
      stderr += data
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve) =>
      child.stdout.on('data', (data: Buffer) => {
        stdout += data
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string)
      }),
    )
    try {
      const path = '/api/1/backchannel/authentication/issue'
      expect(await raw(url, 'TRACE / HTTP/1.1\r\nhost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /)
      expect(await raw(url, `GET ${path} HTTP/1.1\r\nhost: a\r\ncontent-length: 4\r\n\r\nbody`)).toMatch(
        /^HTTP\/1\.1 400 /,
      )
      expect(await raw(url, 'POST // HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n')).toMatch(
        /^HTTP\/1\.1 400 /,
      )
      expect(
        await raw(url, `POST ${path} HTTP/1.1\r\nhost: a\r\ncontent-length: 100\r\n\r\nticket=`, true),
      ).toBe('')
      // An answered request after all of them shows that the hang-up was dealt with first.
      expect(await raw(url, 'TRACE / HTTP/1.1\r\nhost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /)
      await using client = new AuthleteClient({ serviceId: '1', accessToken: 'standin-token', baseUrl: url })
      expect((await client.backchannelIssue('ticket')).action).toBe('OK')
    } finally {
      child.stdin.end()
    }
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
    expect(stdout.trim().split('\n').at(-1)).toBe('closed')
  })
})

describe('the keep-alive repeat is bounded in time', () => {
  it('a reused connection that dies 300 ms after the request went out is not repeated (the server may have processed it)', async () => {
    const server = await startLoopback()
    try {
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: 'tok',
        baseUrl: server.url,
        timeoutMs: 5000,
      })
      expect((await client.backchannelIssue('first')).action).toBe('OK')
      // Let the connection go idle in the pool, so that the next request reuses it.
      await new Promise((resolve) => setTimeout(resolve, 50))
      server.handle((r) => setTimeout(() => r.socket.resetAndDestroy(), 300))
      const error = await client.backchannelIssue('second').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AuthleteNetworkError)
      expect(server.requests.filter((r) => r.body === 'ticket=second')).toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})
