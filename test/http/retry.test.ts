import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_RETRY, mayHaveBeenProcessed, retryAfterMs } from '../../src/http/retry.js'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClient,
  type AuthleteClientOptions,
  AuthleteNetworkError,
} from '../../src/index.js'
import { closedPort, json, OK_BODY } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const server = useLoopback()

function client(options: Partial<AuthleteClientOptions> = {}) {
  return new AuthleteClient({
    serviceId: '1',
    accessToken: 't',
    baseUrl: server.url,
    retry: { backoffMs: 1, maxBackoffMs: 2 },
    ...options,
  })
}

/** Answers the listed responses in order, then OK; returns how many requests arrived. */
function script(...steps: Array<(res: import('node:http').ServerResponse) => void>) {
  const start = server.requests.length
  server.handle((_r, res) => {
    const step = steps[server.requests.length - start - 1]
    if (step) step(res)
    else json(res, 200, OK_BODY)
  })
  return () => server.requests.length - start
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: import('node:http').ServerResponse) =>
    json(res, code, { resultCode: `A${code}`, resultMessage: 'm' }, headers)

describe('retry policy', () => {
  it('retries 429 and 503 and returns the answer that follows', async () => {
    await using c = client()
    const count = script(status(429), status(503))
    expect(await c.backchannelIssue('t')).toEqual(OK_BODY)
    expect(count()).toBe(3)
  })

  it('makes at most 3 attempts by default and rejects with the last answer', async () => {
    await using c = client()
    const count = script(status(503), status(503), status(429), status(503))
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.status).toBe(429)
    expect(error.attempts).toBe(3)
    expect(count()).toBe(3)
  })

  it.each([500, 502, 504, 400, 401])(
    'does not retry %i by default (the call may have been processed)',
    async (code) => {
      await using c = client()
      const count = script(status(code))
      const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
      expect(error.status).toBe(code)
      expect(count()).toBe(1)
    },
  )

  it('retries 500, 502 and 504 when the caller opts in with afterSend', async () => {
    await using c = client({ retry: { backoffMs: 1, afterSend: true, attempts: 4 } })
    const count = script(status(500), status(502), status(504))
    expect(await c.backchannelIssue('t')).toEqual(OK_BODY)
    expect(count()).toBe(4)
  })

  it('says repeatedAfterSend when an earlier attempt may have been processed (afterSend: a 502, then a 503)', async () => {
    await using c = client({ retry: { backoffMs: 1, afterSend: true } })
    const count = script(status(502), status(503), status(503))
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect([error.status, error.attempts, error.repeatedAfterSend]).toEqual([503, 3, true])
    // The last answer asked for a repeat, the first may have been processed: the call may have been.
    expect(error.mayHaveBeenProcessed).toBe(true)
    expect(count()).toBe(3)
  })

  it('leaves repeatedAfterSend out when every repeated attempt was one Authlete did not process', async () => {
    await using c = client({ retry: { backoffMs: 1, afterSend: true } })
    script(status(503), status(429), status(500))
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect([error.status, error.attempts]).toEqual([500, 3])
    expect('repeatedAfterSend' in error).toBe(false)
    expect(error.mayHaveBeenProcessed).toBe(true)
  })

  it('retry: false makes a single attempt', async () => {
    await using c = client({ retry: false })
    const count = script(status(503))
    await expect(c.backchannelIssue('t')).rejects.toBeInstanceOf(AuthleteApiError)
    expect(count()).toBe(1)
  })

  it('waits as long as Retry-After says, in seconds', async () => {
    await using c = client()
    const count = script(status(429, { 'retry-after': '1' }))
    const started = performance.now()
    expect((await c.backchannelIssue('t')).action).toBe('OK')
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(count()).toBe(2)
  })

  it('honours Retry-After as an HTTP date: waits until that date', async () => {
    await using c = client()
    const date = new Date(Date.now() + 2000).toUTCString()
    const count = script(status(503, { 'retry-after': date }))
    const started = performance.now()
    expect((await c.backchannelIssue('t')).action).toBe('OK')
    // HTTP dates have whole seconds: the date is 1 to 2 s ahead of the answer.
    expect(performance.now() - started).toBeGreaterThanOrEqual(900)
    expect(count()).toBe(2)
  })

  it('an HTTP date in the past means no wait: the retry goes out at once', async () => {
    await using c = client({ retry: { backoffMs: 5000, maxBackoffMs: 5000 } })
    const count = script(status(503, { 'retry-after': new Date(Date.now() - 5000).toUTCString() }))
    const started = performance.now()
    expect((await c.backchannelIssue('t')).action).toBe('OK')
    // Without the header, the backoff of 2.5 to 5 s would apply.
    expect(performance.now() - started).toBeLessThan(2000)
    expect(count()).toBe(2)
  })

  it('fails at once with the 429 when Retry-After asks for more than the deadline leaves', async () => {
    await using c = client({ timeoutMs: 5000 })
    const count = script(status(429, { 'retry-after': '60' }))
    const started = performance.now()
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(60_000)
    expect(performance.now() - started).toBeLessThan(4000)
    expect(count()).toBe(1)
  })

  it('gives the last answer at once when the backoff would end past the deadline', async () => {
    await using c = client({ retry: { backoffMs: 10_000, maxBackoffMs: 10_000 } })
    const count = script(status(503))
    const started = performance.now()
    const error = (await c
      .backchannelIssue('t', { timeoutMs: 3000 })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.status).toBe(503)
    expect(performance.now() - started).toBeLessThan(2500)
    expect(count()).toBe(1)
  })

  it('an abort during the backoff ends the wait with AuthleteAbortError', async () => {
    await using c = client({ retry: { backoffMs: 5000, maxBackoffMs: 5000 } })
    const controller = new AbortController()
    const count = script((res) => {
      status(503)(res)
      res.on('finish', () => setTimeout(() => controller.abort('bye'), 20))
    })
    const started = performance.now()
    const error = (await c
      .backchannelIssue('t', { signal: controller.signal })
      .catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(AuthleteAbortError)
    expect(error.cause).toBe('bye')
    expect(performance.now() - started).toBeLessThan(2000)
    expect(count()).toBe(1)
  })

  it('retries a refused connection (nothing was sent) and reports the network error at the end', async () => {
    const port = await closedPort()
    await using c = client({ baseUrl: `http://127.0.0.1:${port}` })
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.attempts).toBe(3)
  })

  it('does not retry a reset after the request was written', async () => {
    await using c = client()
    const start = server.requests.length
    server.handle((r) => r.socket.resetAndDestroy())
    await expect(c.backchannelIssue('t')).rejects.toBeInstanceOf(AuthleteNetworkError)
    expect(server.requests.length - start).toBe(1)
  })
})

describe('retry arithmetic', () => {
  it('parses Retry-After seconds and dates, then RateLimit-Reset', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('3', undefined, now)).toBe(3000)
    expect(retryAfterMs(' 0 ', undefined, now)).toBe(0)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', undefined, now)).toBe(5000)
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', undefined, now)).toBe(0)
    expect(retryAfterMs(undefined, '7', now)).toBe(7000)
    expect(retryAfterMs('soon', '2', now)).toBe(2000)
    expect(retryAfterMs(['4', '9'], undefined, now)).toBe(4000)
    expect(retryAfterMs('-1', undefined, now)).toBeUndefined()
    expect(retryAfterMs(undefined, undefined, now)).toBeUndefined()
  })

  it('doubles the backoff per retry up to the cap, with half of it jittered', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, 0)).toBe(100)
    expect(backoffDelay(DEFAULT_RETRY, 1, 1)).toBe(200)
    expect(backoffDelay(DEFAULT_RETRY, 2, 0.5)).toBe(300)
    expect(backoffDelay(DEFAULT_RETRY, 10, 1)).toBe(2000)
  })
})

describe('halts that race the retry loop', () => {
  it('an abort between a retryable answer and the wait ends the call without another attempt', async () => {
    const controller = new AbortController()
    let dispatched = 0
    // Answers 503 synchronously and aborts in a microtask queued before the client reads the answer:
    // the abort lands after the attempt settled and before the retry wait begins.
    const dispatcher = {
      dispatch(_options: unknown, handler: import('undici').Dispatcher.DispatchHandler) {
        dispatched++
        const ctl = { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} }
        handler.onRequestStart?.(ctl, {})
        handler.onRequestSent?.()
        handler.onResponseStart?.(ctl, 503, {}, 'Service Unavailable')
        handler.onResponseEnd?.(ctl, {})
        queueMicrotask(() => controller.abort('late'))
        return true
      },
      async close() {},
    } as unknown as import('undici').Dispatcher
    await using c = new AuthleteClient({
      serviceId: '1',
      accessToken: 't',
      dispatcher,
      retry: { backoffMs: 1 },
    })
    const error = (await c
      .backchannelIssue('t', { signal: controller.signal })
      .catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(AuthleteAbortError)
    expect(error.cause).toBe('late')
    expect(dispatched).toBe(1)
  })
})

describe('mayHaveBeenProcessed: the one answer to "did it leave?"', () => {
  it.each([
    [200, undefined, true, true],
    [500, undefined, true, true],
    [502, undefined, true, true],
    [429, undefined, true, false],
    [503, undefined, true, false],
    [0, 'ECONNREFUSED', false, false],
    [0, 'ENOTFOUND', false, false],
    [0, 'EAI_AGAIN', false, false],
    [0, 'UND_ERR_CONNECT_TIMEOUT', false, false],
    [0, 'ECONNRESET', false, false],
    [0, 'ECONNRESET', true, true],
    [0, 'UND_ERR_SOCKET', true, true],
    [0, undefined, true, true],
    [0, undefined, false, false],
  ])('status %i, code %s, written %s: %s', (status, code, written, expected) => {
    expect(mayHaveBeenProcessed(status, code, written)).toBe(expected)
  })
})
