import { describe, expect, it } from 'vitest'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClient,
  AuthleteClientClosedError,
  type AuthleteClientOptions,
  AuthleteError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
  isAuthleteError,
  MAX_TICKET_LENGTH,
} from '../../src/index.js'
import { closedPort, failingDnsAgent, json, OK_BODY } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const server = useLoopback()

function client(options: Partial<AuthleteClientOptions> = {}) {
  return new AuthleteClient({
    serviceId: '1',
    accessToken: 't',
    baseUrl: server.url,
    retry: false,
    ...options,
  })
}

async function failure<T extends AuthleteError>(
  type: new (...args: never[]) => T,
  options: Partial<AuthleteClientOptions> = {},
  call: (c: AuthleteClient) => Promise<unknown> = (c) => c.backchannelIssue('ticket'),
): Promise<T> {
  await using c = client(options)
  const error = await call(c).then(
    (value) => {
      throw new Error(`expected ${type.name}, got ${JSON.stringify(value)}`)
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(type)
  expect(error).toBeInstanceOf(AuthleteError)
  return error as T
}

describe('AuthleteInputError: bad tickets are rejected before any I/O', () => {
  it.each([
    ['', 'must not be empty'],
    [42, 'must be a string'],
    [undefined, 'must be a string'],
    ['x'.repeat(MAX_TICKET_LENGTH + 1), `at most ${MAX_TICKET_LENGTH} characters`],
    ['\ud800', 'well-formed Unicode'],
  ])('ticket %j: %s', async (ticket, words) => {
    const before = server.requests.length
    const error = await failure(AuthleteInputError, {}, (c) => c.backchannelIssue(ticket as string))
    expect(error.code).toBe('AUTHLETE_INVALID_INPUT')
    expect(error.field).toBe('ticket')
    expect(error.message).toMatch(/^ticket: must /)
    expect(error.message).toContain(words)
    expect(server.requests.length).toBe(before)
  })

  it('accepts a ticket of exactly the maximum length', async () => {
    await using c = client()
    expect((await c.backchannelIssue('x'.repeat(MAX_TICKET_LENGTH))).action).toBe('OK')
  })

  it('rejects bad per-call options', async () => {
    const timeout = await failure(AuthleteInputError, {}, (c) => c.backchannelIssue('t', { timeoutMs: -5 }))
    expect(timeout.field).toBe('timeoutMs')
    const signal = await failure(AuthleteInputError, {}, (c) =>
      c.backchannelIssue('t', { signal: {} as AbortSignal }),
    )
    expect(signal.field).toBe('signal')
    const unknown = await failure(AuthleteInputError, {}, (c) =>
      c.backchannelIssue('t', { timeout: 5 } as never),
    )
    expect(unknown.message).toBe('timeout: is not a per-call option (did you mean "timeoutMs"?)')
  })
})

describe('AuthleteApiError: a non-2xx status', () => {
  it.each([
    [400, 'A001201', 'TLS must be used.'],
    [401, 'A001202', 'Authorization header is missing.'],
    [403, 'A001215', 'The service is locked.'],
    [500, 'A001101', 'Authlete Server error.'],
  ])('%i carries resultCode %s and resultMessage', async (status, resultCode, resultMessage) => {
    server.handle((_r, res) => json(res, status, { resultCode, resultMessage }))
    const error = await failure(AuthleteApiError)
    expect(error.code).toBe('AUTHLETE_API_ERROR')
    expect(error.status).toBe(status)
    expect(error.resultCode).toBe(resultCode)
    expect(error.resultMessage).toBe(resultMessage)
    expect(error.bodyExcerpt).toBeUndefined()
    expect(error.method).toBe('POST')
    expect(error.url).toBe(`${server.url}/api/1/backchannel/authentication/issue`)
    expect(error.attempts).toBe(1)
    expect(error.message).toBe(
      `Authlete answered HTTP ${status}: ${resultMessage} (POST ${server.url}/api/1/backchannel/authentication/issue)`,
    )
  })

  it('502 with an HTML page keeps a bounded excerpt of it', async () => {
    const page = `<html><body>Bad gateway${'.'.repeat(2000)}</body></html>`
    server.handle((_r, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(page)
    })
    const error = await failure(AuthleteApiError)
    expect(error.status).toBe(502)
    expect(error.resultCode).toBeUndefined()
    expect(error.bodyExcerpt).toBe(page.slice(0, AuthleteApiError.EXCERPT_LENGTH))
  })

  it('an empty 503 has no excerpt', async () => {
    server.handle((_r, res) => {
      res.writeHead(503)
      res.end()
    })
    const error = await failure(AuthleteApiError)
    expect(error.status).toBe(503)
    expect(error.bodyExcerpt).toBeUndefined()
    expect(error.message).toMatch(/^Authlete answered HTTP 503 \(POST /)
  })

  it('a 3xx is reported, not followed', async () => {
    server.handle((_r, res) => {
      res.writeHead(307, { location: 'https://elsewhere.example/steal' })
      res.end()
    })
    const before = server.requests.length
    const error = await failure(AuthleteApiError)
    expect(error.status).toBe(307)
    expect(server.requests.length).toBe(before + 1)
  })

  it('an error body larger than maxResponseBytes yields the error with the start of the body', async () => {
    server.handle((_r, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end('E'.repeat(5000))
    })
    const error = await failure(AuthleteApiError, { maxResponseBytes: 100 })
    expect(error.status).toBe(500)
    expect(error.bodyExcerpt).toBe('E'.repeat(100))
  })
})

describe('AuthleteResponseError: a 2xx that cannot be used', () => {
  function respond(headers: Record<string, string | number>, body: string | Buffer, status = 200) {
    server.handle((_r, res) => {
      res.writeHead(status, headers)
      res.end(body)
    })
  }

  it('a body that is not JSON keeps the parse error as cause', async () => {
    respond({ 'content-type': 'application/json' }, '{"action":"OK",')
    const error = await failure(AuthleteResponseError)
    expect(error.code).toBe('AUTHLETE_RESPONSE_INVALID')
    expect(error.status).toBe(200)
    expect(error.message).toContain('the body is not valid JSON')
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it('an empty body', async () => {
    respond({ 'content-type': 'application/json' }, '')
    expect((await failure(AuthleteResponseError)).message).toContain('the body is empty')
  })

  it('a text/html body', async () => {
    respond({ 'content-type': 'text/html;charset=UTF-8' }, '<html></html>')
    expect((await failure(AuthleteResponseError)).message).toContain(
      'the content type is text/html;charset=UTF-8',
    )
  })

  it('a compressed body it never asked for', async () => {
    respond({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.from([0x1f, 0x8b]))
    expect((await failure(AuthleteResponseError)).message).toContain('encoded (gzip)')
  })

  it('a body cut off before its Content-Length', async () => {
    server.handle((_r, res) => {
      const text = JSON.stringify(OK_BODY)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length })
      res.write(text.slice(0, 40))
      setImmediate(() => res.socket?.end())
    })
    const error = await failure(AuthleteResponseError)
    expect(error.message).toContain('the body was cut off')
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('a Content-Length above maxResponseBytes is refused before reading', async () => {
    respond({ 'content-type': 'application/json', 'content-length': 5000 }, 'x'.repeat(5000))
    const error = await failure(AuthleteResponseError, { maxResponseBytes: 1000 })
    expect(error.message).toContain('larger than maxResponseBytes (1000)')
  })

  it('a chunked body that grows past maxResponseBytes', async () => {
    server.handle((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      for (let i = 0; i < 20; i++) res.write('x'.repeat(100))
      res.end()
    })
    const error = await failure(AuthleteResponseError, { maxResponseBytes: 1000 })
    expect(error.message).toContain('larger than maxResponseBytes (1000)')
  })
})

describe('AuthleteTimeoutError: the deadline passed', () => {
  it('while waiting for headers', async () => {
    server.handle(() => {})
    const error = await failure(AuthleteTimeoutError, { timeoutMs: 100 })
    expect(error.code).toBe('AUTHLETE_TIMEOUT')
    expect(error.timeoutMs).toBe(100)
    expect(error.phase).toBe('headers')
  })

  it('while the body trickles in', async () => {
    server.handle((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{')
      const timer = setInterval(() => res.write(' '), 10)
      res.on('close', () => clearInterval(timer))
    })
    // A deadline long enough that the headers (sent at once, over loopback) are in before it on a
    // busy machine too: 150 ms was sometimes met still waiting for them.
    const error = await failure(AuthleteTimeoutError, {}, (c) =>
      c.backchannelIssue('t', { timeoutMs: 1_000 }),
    )
    expect(error.timeoutMs).toBe(1_000)
    expect(error.phase).toBe('body')
  })
})

describe('AuthleteAbortError: the caller aborted', () => {
  it('before the call: no request is sent and cause is the reason', async () => {
    const reason = new Error('user left')
    const before = server.requests.length
    const error = await failure(AuthleteAbortError, {}, (c) =>
      c.backchannelIssue('t', { signal: AbortSignal.abort(reason) }),
    )
    expect(error.code).toBe('AUTHLETE_ABORTED')
    expect(error.cause).toBe(reason)
    expect(server.requests.length).toBe(before)
  })

  it('while waiting for headers', async () => {
    const controller = new AbortController()
    server.handle(() => controller.abort('stop'))
    const error = await failure(AuthleteAbortError, {}, (c) =>
      c.backchannelIssue('t', { signal: controller.signal }),
    )
    expect(error.cause).toBe('stop')
  })
})

describe('AuthleteNetworkError: Authlete cannot be reached', () => {
  it('connection refused', async () => {
    const port = await closedPort()
    const error = await failure(AuthleteNetworkError, { baseUrl: `http://127.0.0.1:${port}` })
    expect(error.code).toBe('AUTHLETE_NETWORK')
    expect(error.causeCode).toBe('ECONNREFUSED')
    expect(error.cause).toBeInstanceOf(Error)
    expect(error.url).toBe(`http://127.0.0.1:${port}/api/1/backchannel/authentication/issue`)
  })

  it('a DNS name that cannot resolve (a lookup that answers ENOTFOUND, no resolver asked)', async () => {
    const dispatcher = failingDnsAgent()
    const error = await failure(AuthleteNetworkError, { baseUrl: 'https://authlete.invalid', dispatcher })
    expect(error.causeCode).toBe('ENOTFOUND')
    await dispatcher.close()
  })

  it('reset before the status line', async () => {
    server.handle((r) => r.socket.resetAndDestroy())
    const error = await failure(AuthleteNetworkError)
    expect(error.causeCode).toBe('ECONNRESET')
  })
})

describe('JSON.stringify of an error', () => {
  it('carries name, message, code and the other own properties, not the cause', async () => {
    server.handle((_r, res) => json(res, 401, { resultCode: 'A001202', resultMessage: 'Missing.' }))
    const error = await failure(AuthleteApiError)
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'AuthleteApiError',
      message: `Authlete answered HTTP 401: Missing. (POST ${server.url}/api/1/backchannel/authentication/issue)`,
      code: 'AUTHLETE_API_ERROR',
      method: 'POST',
      url: `${server.url}/api/1/backchannel/authentication/issue`,
      attempts: 1,
      mayHaveBeenProcessed: true,
      status: 401,
      resultCode: 'A001202',
      resultMessage: 'Missing.',
    })
  })
})

describe('AuthleteClientClosedError', () => {
  it('rejects calls after close()', async () => {
    const c = client()
    await c.close()
    await c.close()
    const error = await c.backchannelIssue('t').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteClientClosedError)
    expect((error as AuthleteError).code).toBe('AUTHLETE_CLIENT_CLOSED')
  })
})

describe('AuthleteError across copies of the package', () => {
  it('instanceof holds for an error made by another copy (same Symbol.for brand, same code)', () => {
    // What a second copy's error looks like to this copy: another class, the same registry symbol.
    class OtherCopyError extends Error {
      readonly code = 'AUTHLETE_API_ERROR'
      readonly status = 503
    }
    Object.defineProperty(OtherCopyError.prototype, Symbol.for('authlete-ciba.error'), { value: true })
    const foreign = new OtherCopyError('from the CJS build')
    expect(foreign).toBeInstanceOf(AuthleteError)
    expect(foreign).toBeInstanceOf(AuthleteApiError)
    expect(foreign).not.toBeInstanceOf(AuthleteNetworkError)
    expect(isAuthleteError(foreign, 'AUTHLETE_API_ERROR')).toBe(true)
    expect(isAuthleteError(foreign, 'AUTHLETE_TIMEOUT')).toBe(false)
  })

  it('instanceof is false for plain errors and look-alikes without the brand', () => {
    const lookAlike = Object.assign(new Error('x'), { code: 'AUTHLETE_API_ERROR' })
    expect(lookAlike).not.toBeInstanceOf(AuthleteError)
    expect(isAuthleteError(lookAlike)).toBe(false)
    expect(isAuthleteError(null)).toBe(false)
    expect(new AuthleteInputError('f', 'bad')).toBeInstanceOf(AuthleteError)
    expect(new AuthleteInputError('f', 'bad')).not.toBeInstanceOf(AuthleteApiError)
  })
})
