// The client's own pool and its connections: a connect that never completes ends with the call, and
// the keep-alive race (a request meeting a connection the server just closed) is repeated once,
// only when it cannot have been processed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthleteClient, AuthleteNetworkError, AuthleteTimeoutError } from '../../src/index.js'
import { Transport } from '../../src/transport/transport.js'
import { runFixture } from '../helpers/child.js'
import { type HungPort, hungPort } from '../helpers/hung-port.js'
import { useLeakCheck } from '../helpers/leak-check.js'
import { startLoopback } from '../helpers/loopback.js'
import { echo, failure, rawServer, V3 } from '../helpers/transport.js'

useLeakCheck()

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
      // undici frees the connection for the pool in a microtask queued after the answer settled the
      // call: one turn of the event loop runs it (no timed wait), and the assertion below checks it.
      await new Promise(setImmediate)
      server.handle((r) => setTimeout(() => r.socket.resetAndDestroy(), 300))
      const error = await client.backchannelIssue('second').catch((e: unknown) => e)
      // The second request went out on the first one's connection: a reused one.
      expect(server.requests[1]?.socket).toBe(server.requests[0]?.socket)
      expect(error).toBeInstanceOf(AuthleteNetworkError)
      expect(server.requests.filter((r) => r.body === 'ticket=second')).toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})
