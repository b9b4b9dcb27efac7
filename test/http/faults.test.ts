// The fault matrix: a real loopback server misbehaves on purpose. For every row: the exact error class
// and code, settled within the deadline plus a margin, and the same client works for the next call.
import type http from 'node:http'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClient,
  type AuthleteError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
} from '../../src/index.js'
import { useLeakCheck } from '../helpers/leak-check.js'
import {
  closedPort,
  failingDnsAgent,
  json,
  OK_BODY,
  type ReceivedRequest,
  startLoopback,
} from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const DEADLINE = 400
// Generous: these machines are shared. What matters is that nothing waits for undici's 300 s defaults.
const MARGIN = 1500

type Handler = (request: ReceivedRequest, res: http.ServerResponse) => unknown

// No rejection goes unhandled, and nothing of the client's is left running (checked last).
useLeakCheck()
const server = useLoopback()
let client: AuthleteClient

beforeAll(() => {
  client = new AuthleteClient({
    serviceId: '1',
    accessToken: 'fault-token',
    baseUrl: server.url,
    timeoutMs: DEADLINE,
    maxResponseBytes: 4096,
    retry: { backoffMs: 5, maxBackoffMs: 20 },
  })
})
afterAll(() => client.close())

const ok: Handler = (_r, res) => json(res, 200, OK_BODY)

/** Runs one faulty call, checks timing, then checks that the same client succeeds right after. */
async function fault<T extends AuthleteError>(
  handler: Handler,
  type: new (...args: never[]) => T,
  code: string,
  call: (c: AuthleteClient) => Promise<unknown> = (c) => c.backchannelIssue('ticket'),
): Promise<T> {
  server.handle(handler)
  const started = performance.now()
  const error = await call(client).then(
    (value) => ({ value }),
    (e: unknown) => e,
  )
  const elapsed = performance.now() - started
  expect(error).toBeInstanceOf(type)
  expect((error as AuthleteError).code).toBe(code)
  expect(elapsed).toBeLessThan(DEADLINE + MARGIN)
  server.handle(ok)
  expect((await client.backchannelIssue('next')).action).toBe('OK')
  return error as T
}

function raw(status: number, headers: Record<string, string | number>, body: string | Buffer): Handler {
  return (_r, res) => {
    res.writeHead(status, headers)
    res.end(body)
  }
}

const resultBody = (code: string) => ({ resultCode: code, resultMessage: `[${code}] message` })

describe('transport faults', () => {
  it('connection refused: AuthleteNetworkError, then the same client works once the server is up', async () => {
    const port = await closedPort()
    await using c = new AuthleteClient({
      serviceId: '1',
      accessToken: 't',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: DEADLINE,
      retry: false,
    })
    const started = performance.now()
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.causeCode).toBe('ECONNREFUSED')
    expect(error.mayHaveBeenProcessed).toBe(false)
    expect(performance.now() - started).toBeLessThan(DEADLINE + MARGIN)
    const revived = await startLoopback(ok, port)
    try {
      expect((await c.backchannelIssue('t')).action).toBe('OK')
    } finally {
      await revived.close()
    }
  })

  it('DNS failure (a lookup that answers ENOTFOUND, no resolver asked): AuthleteNetworkError', async () => {
    const dispatcher = failingDnsAgent()
    await using c = new AuthleteClient({
      serviceId: '1',
      accessToken: 't',
      baseUrl: 'https://authlete.invalid',
      timeoutMs: 5000,
      retry: false,
      dispatcher,
    })
    const error = (await c.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.causeCode).toBe('ENOTFOUND')
    expect(error.mayHaveBeenProcessed).toBe(false)
    await dispatcher.close()
  })

  it('reset before the status line: AuthleteNetworkError ECONNRESET', async () => {
    const error = await fault((r) => r.socket.resetAndDestroy(), AuthleteNetworkError, 'AUTHLETE_NETWORK')
    expect(error.causeCode).toBe('ECONNRESET')
    // The server had read the whole request: it may have acted on it.
    expect(error.mayHaveBeenProcessed).toBe(true)
  })

  it('reset in the middle of the body: AuthleteNetworkError ECONNRESET', async () => {
    const error = await fault(
      (r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400 })
        res.write('{"action":"OK","authReqId":"')
        setTimeout(() => r.socket.resetAndDestroy(), 20)
      },
      AuthleteNetworkError,
      'AUTHLETE_NETWORK',
    )
    expect(error.causeCode).toBe('ECONNRESET')
  })

  it('headers that never come: AuthleteTimeoutError (headers) at the deadline', async () => {
    const started = performance.now()
    const error = await fault(() => {}, AuthleteTimeoutError, 'AUTHLETE_TIMEOUT')
    expect(error.phase).toBe('headers')
    expect(error.mayHaveBeenProcessed).toBe(true)
    expect(error.timeoutMs).toBe(DEADLINE)
    expect(performance.now() - started).toBeGreaterThanOrEqual(DEADLINE - 5)
  })

  it('a body that trickles one byte at a time past the deadline: AuthleteTimeoutError (body)', async () => {
    const error = await fault(
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        const text = JSON.stringify(OK_BODY)
        let i = 0
        const timer = setInterval(() => {
          if (i < text.length) res.write(text[i++])
        }, 20)
        res.on('close', () => clearInterval(timer))
      },
      AuthleteTimeoutError,
      'AUTHLETE_TIMEOUT',
    )
    expect(error.phase).toBe('body')
  })
})

describe('unusable 200 answers: AuthleteResponseError', () => {
  const json200 = { 'content-type': 'application/json' }
  it.each<[string, Handler, string]>([
    ['an empty body', raw(200, json200, ''), 'the body is empty'],
    ['a body that is not JSON', raw(200, json200, 'hello'), 'not valid JSON'],
    [
      'expiresIn as a string',
      raw(200, json200, JSON.stringify({ ...OK_BODY, expiresIn: '120' })),
      'expiresIn:',
    ],
    ['action as a number', raw(200, json200, JSON.stringify({ ...OK_BODY, action: 1 })), 'action:'],
    [
      'truncated JSON with a correct Content-Length cut short',
      (_r, res) => {
        const text = JSON.stringify(OK_BODY)
        res.writeHead(200, { ...json200, 'content-length': text.length })
        res.end(text.slice(0, 60))
        res.socket?.end()
      },
      'cut off',
    ],
    [
      'a Content-Length above maxResponseBytes',
      raw(200, { ...json200, 'content-length': 5000 }, 'x'.repeat(5000)),
      'maxResponseBytes (4096)',
    ],
    [
      'a chunked body without length growing past maxResponseBytes',
      (_r, res) => {
        res.writeHead(200, json200)
        for (let i = 0; i < 10; i++) res.write(' '.repeat(1000))
        res.end('{}')
      },
      'maxResponseBytes (4096)',
    ],
    ['Content-Type text/html', raw(200, { 'content-type': 'text/html' }, '<html>ok</html>'), 'text/html'],
    [
      'a gzip body the client never asked for',
      (_r, res) => {
        res.writeHead(200, { ...json200, 'content-encoding': 'gzip' })
        res.end(zlib.gzipSync(JSON.stringify(OK_BODY)))
      },
      'encoded (gzip)',
    ],
  ])('%s', async (_name, handler, words) => {
    const before = server.requests.length
    const error = await fault(handler, AuthleteResponseError, 'AUTHLETE_RESPONSE_INVALID')
    expect(error.status).toBe(200)
    expect(error.message).toContain(words)
    // The client never asks for compression (asserted here, not inside the server's callback,
    // where a failed expect would only show up as a timeout).
    expect(server.requests[before]?.headers['accept-encoding']).toBeUndefined()
  })
})

describe('error statuses: AuthleteApiError', () => {
  it.each([
    [400, 'A001201'],
    [401, 'A001202'],
    [403, 'A001215'],
    [500, 'A001101'],
  ])('%i with an Authlete result body', async (status, code) => {
    const error = await fault(
      (_r, res) => json(res, status, resultBody(code)),
      AuthleteApiError,
      'AUTHLETE_API_ERROR',
    )
    expect(error.status).toBe(status)
    expect(error.resultCode).toBe(code)
    expect(error.resultMessage).toBe(`[${code}] message`)
    expect(error.mayHaveBeenProcessed).toBe(true)
  })

  it.each([502, 504])('%i with an HTML page (not retried by default)', async (status) => {
    const before = server.requests.length
    const error = await fault(
      raw(status, { 'content-type': 'text/html' }, '<h1>Bad Gateway</h1>'),
      AuthleteApiError,
      'AUTHLETE_API_ERROR',
    )
    expect(error.status).toBe(status)
    expect(error.bodyExcerpt).toBe('<h1>Bad Gateway</h1>')
    expect(server.requests.length - before).toBe(2) // the faulty call, then the next one
  })

  it('an empty 503, retried, then given up', async () => {
    const before = server.requests.length
    const error = await fault(raw(503, {}, ''), AuthleteApiError, 'AUTHLETE_API_ERROR')
    expect(error.status).toBe(503)
    expect(error.attempts).toBe(3)
    // A 503 asks for a repeat: no attempt was processed.
    expect(error.mayHaveBeenProcessed).toBe(false)
    expect(server.requests.length - before).toBe(4)
  })
})

describe('rate limits and Retry-After', () => {
  function limitedOnce(status: number, retryAfter: string): Handler {
    let first = true
    return (_r, res) => {
      if (first) {
        first = false
        json(res, status, resultBody('A001301'), { 'retry-after': retryAfter })
      } else json(res, 200, OK_BODY)
    }
  }

  it.each([
    [429, '0'],
    [503, '0'],
  ])('%i with Retry-After %s is retried once and succeeds', async (status, retryAfter) => {
    const before = server.requests.length
    server.handle(limitedOnce(status, retryAfter))
    expect((await client.backchannelIssue('t')).action).toBe('OK')
    expect(server.requests.length - before).toBe(2)
  })

  it.each([429, 503])(
    '%i with Retry-After as an HTTP date in the future waits until that date',
    async (status) => {
      const before = server.requests.length
      // HTTP dates have whole seconds: 2 s ahead is a wait of 1 to 2 s, inside a 3 s deadline.
      const retryAfter = new Date(Date.now() + 2000).toUTCString()
      server.handle(limitedOnce(status, retryAfter))
      const started = performance.now()
      const wait = Date.parse(retryAfter) - Date.now()
      expect((await client.backchannelIssue('t', { timeoutMs: 3000 })).action).toBe('OK')
      expect(performance.now() - started).toBeGreaterThanOrEqual(wait - 100)
      expect(server.requests.length - before).toBe(2)
    },
  )

  it.each([
    [429, '30'],
    [503, new Date(Date.now() + 60_000).toUTCString()],
  ])('%i asking for longer than the deadline (%s) fails fast', async (status, retryAfter) => {
    const error = await fault(
      (_r, res) => json(res, status, resultBody('A001301'), { 'retry-after': retryAfter }),
      AuthleteApiError,
      'AUTHLETE_API_ERROR',
    )
    expect(error.status).toBe(status)
    expect(error.attempts).toBe(1)
    expect(error.retryAfterMs).toBeGreaterThan(DEADLINE)
  })
})

describe('the caller aborts', () => {
  it('before the call', async () => {
    const before = server.requests.length
    const error = await fault(ok, AuthleteAbortError, 'AUTHLETE_ABORTED', (c) =>
      c.backchannelIssue('t', { signal: AbortSignal.abort(new Error('gone')) }),
    )
    expect(error.mayHaveBeenProcessed).toBe(false)
    expect(server.requests.length - before).toBe(1) // only the next call
  })

  it('while connecting', async () => {
    // A fresh client has no connection yet: abort before the connect completes.
    await using fresh = new AuthleteClient({ serviceId: '1', accessToken: 't', baseUrl: server.url })
    const controller = new AbortController()
    const call = fresh.backchannelIssue('t', { signal: controller.signal })
    controller.abort('now')
    const error = (await call.catch((e: unknown) => e)) as AuthleteAbortError
    expect(error).toBeInstanceOf(AuthleteAbortError)
    expect(error.cause).toBe('now')
    expect(error.mayHaveBeenProcessed).toBe(false)
    server.handle(ok)
    expect((await fresh.backchannelIssue('next')).action).toBe('OK')
  })

  it('while waiting for headers', async () => {
    const controller = new AbortController()
    const error = await fault(
      () => setTimeout(() => controller.abort('user left'), 10),
      AuthleteAbortError,
      'AUTHLETE_ABORTED',
      (c) => c.backchannelIssue('t', { signal: controller.signal }),
    )
    expect(error.cause).toBe('user left')
    expect(error.mayHaveBeenProcessed).toBe(true)
  })

  it('while reading the body', async () => {
    const controller = new AbortController()
    await fault(
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 })
        res.write('{"action":')
        setTimeout(() => controller.abort(), 10)
      },
      AuthleteAbortError,
      'AUTHLETE_ABORTED',
      (c) => c.backchannelIssue('t', { signal: controller.signal }),
    )
  })
})

describe('connection reuse under faults', () => {
  it('the server closing an idle keep-alive socket just as the next call starts is not a user-visible error', async () => {
    server.handle((r, res) => {
      json(res, 200, OK_BODY)
      // Close the connection as soon as the answer is out: the client's next call races the FIN.
      res.on('finish', () => setImmediate(() => r.socket.destroy()))
    })
    for (let i = 0; i < 100; i++) expect((await client.backchannelIssue(`t${i}`)).action).toBe('OK')
    server.handle(ok)
  })

  it('200 concurrent calls while the server resets half: all settle, with a result or a typed error, then the pool recovers', async () => {
    let n = 0
    server.handle((r, res) => {
      if (n++ % 2 === 0) r.socket.resetAndDestroy()
      else json(res, 200, OK_BODY)
    })
    await using c = new AuthleteClient({
      serviceId: '1',
      accessToken: 't',
      baseUrl: server.url,
      timeoutMs: 5000,
      retry: false,
    })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => c.backchannelIssue(`t${i}`)),
    )
    let ok = 0
    let failed = 0
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') {
        expect(outcome.value.action).toBe('OK')
        ok++
      } else {
        expect(outcome.reason).toBeInstanceOf(AuthleteNetworkError)
        failed++
      }
    }
    expect(ok + failed).toBe(200)
    expect(ok).toBeGreaterThan(0)
    expect(failed).toBeGreaterThan(0)
    server.handle((_r, res) => json(res, 200, OK_BODY))
    const after = await Promise.all(Array.from({ length: 50 }, (_, i) => c.backchannelIssue(`after${i}`)))
    expect(after.every((result) => result.action === 'OK')).toBe(true)
  })
})
