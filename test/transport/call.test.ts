// One call: its deadline is the only clock, close() waits for it (its Retry-After included), and
// what cannot be read is refused before any I/O.
import type { Dispatcher } from 'undici'
import { Agent } from 'undici'
import { describe, expect, it } from 'vitest'
import { AuthleteApiError, AuthleteInputError } from '../../src/index.js'
import type { Operation } from '../../src/transport/operation.js'
import { Transport } from '../../src/transport/transport.js'
import { useLeakCheck } from '../helpers/leak-check.js'
import { json } from '../helpers/loopback.js'
import { echo, failure, loopback, V3 } from '../helpers/transport.js'
import { useLoopback } from '../helpers/use-loopback.js'

useLeakCheck()

describe("5. the call's deadline is the only clock: undici's own timeouts never fire first", () => {
  const server = useLoopback()

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
