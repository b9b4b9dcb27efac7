// The transport runs any operation: a throwaway one, declared here in a few lines, gets the same
// deadline, retry policy and errors as the package's own calls, against a real loopback server.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  AuthleteApiError,
  AuthleteInputError,
  AuthleteResponseError,
  AuthleteTimeoutError,
} from '../../src/index.js'
import { modelParser } from '../../src/operations/model.js'
import type { Operation } from '../../src/transport/operation.js'
import { Transport } from '../../src/transport/transport.js'
import { json } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const echo: Operation<{ word: string }, { action: string; echoed: string }> = {
  name: 'echo',
  method: 'POST',
  path: '/test/echo',
  repeatableAfterSend: false,
  encode: (input) => {
    if (typeof input?.word !== 'string') throw new AuthleteInputError('word', 'must be a string')
    return { json: JSON.stringify({ word: input.word }) }
  },
  parse: modelParser(z.looseObject({ action: z.string(), echoed: z.string() })),
}

const server = useLoopback((request, res) =>
  json(res, 200, { action: 'OK', echoed: JSON.parse(request.body).word }),
)

function transport(timeoutMs = 2000) {
  return new Transport({
    serviceId: '42',
    accessToken: 'test-token',
    baseUrl: `${server.url}/prefix`,
    timeoutMs,
    retry: { backoffMs: 1, maxBackoffMs: 2 },
  })
}

describe('a throwaway operation on the real transport', () => {
  it('posts its encoded body to {prefix}/api/{serviceId}{path} and returns its parsed model', async () => {
    const t = transport()
    const before = server.requests.length
    expect(await t.call(echo, { word: 'hi' }, undefined)).toEqual({ action: 'OK', echoed: 'hi' })
    const request = server.requests[before]
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/prefix/api/42/test/echo')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.authorization).toBe('Bearer test-token')
    expect(request?.body).toBe('{"word":"hi"}')
    await t.close()
  })

  it("rejects a bad input before any I/O, with the operation's own AuthleteInputError", async () => {
    const t = transport()
    const before = server.requests.length
    await expect(t.call(echo, {} as { word: string }, undefined)).rejects.toThrow(AuthleteInputError)
    expect(server.requests.length).toBe(before)
    await t.close()
  })

  it('retries a 503 as for every call, then returns the answer', async () => {
    const t = transport()
    let first = true
    const before = server.requests.length
    server.handle((request, res) => {
      if (first) {
        first = false
        json(res, 503, { resultCode: 'A1', resultMessage: 'busy' })
      } else json(res, 200, { action: 'OK', echoed: JSON.parse(request.body).word })
    })
    expect(await t.call(echo, { word: 'again' }, undefined)).toEqual({ action: 'OK', echoed: 'again' })
    expect(server.requests.length - before).toBe(2)
    await t.close()
  })

  it('a 500 is an AuthleteApiError with the URL of the operation, not retried', async () => {
    const t = transport()
    server.handle((_r, res) => json(res, 500, { resultCode: 'A001101', resultMessage: 'down' }))
    const error = (await t.call(echo, { word: 'x' }, undefined).catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.url).toBe(`${server.url}/prefix/api/42/test/echo`)
    expect(error.attempts).toBe(1)
    await t.close()
  })

  it('an answer that does not fit its model is an AuthleteResponseError naming the field', async () => {
    const t = transport()
    server.handle((_r, res) => json(res, 200, { action: 'OK', echoed: 7 }))
    const error = (await t
      .call(echo, { word: 'x' }, undefined)
      .catch((e: unknown) => e)) as AuthleteResponseError
    expect(error).toBeInstanceOf(AuthleteResponseError)
    expect(error.issues).toEqual([
      { path: ['echoed'], message: 'Invalid input: expected string, received number' },
    ])
    await t.close()
  })

  it('the same deadline: a silent server ends the call at timeoutMs', async () => {
    const t = transport(150)
    server.handle(() => {})
    const started = performance.now()
    const error = await t.call(echo, { word: 'x' }, undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteTimeoutError)
    expect((error as AuthleteTimeoutError).phase).toBe('headers')
    expect(performance.now() - started).toBeLessThan(1500)
    await t.close()
  })

  it('a dispatcher whose abort throws still ends the call at the deadline, and close() returns', async () => {
    let aborts = 0
    // Starts every request and never answers; its controller's abort throws (a buggy interceptor).
    const dispatcher = {
      dispatch(_options: unknown, handler: { onRequestStart(controller: unknown, context: unknown): void }) {
        handler.onRequestStart(
          {
            abort() {
              aborts++
              throw new Error('abort boom')
            },
            pause() {},
            resume() {},
            aborted: false,
            paused: false,
          },
          {},
        )
        return true
      },
      close: async () => {},
      destroy: async () => {},
    }
    const t = new Transport({
      serviceId: '1',
      accessToken: 'tok',
      baseUrl: server.url,
      timeoutMs: 50,
      retry: false,
      dispatcher: dispatcher as never,
    })
    const error = await t.call(echo, { word: 'x' }, undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteTimeoutError)
    expect(aborts).toBe(1)
    await expect(t.close()).resolves.toBeUndefined()
  })
})

describe('a call with a reading (callEncoded): the promise resolves with the reading of the outcome', () => {
  const echoing = (request: { body: string }, res: Parameters<typeof json>[0]) =>
    json(res, 200, { action: 'OK', echoed: JSON.parse(request.body).word })
  const reading = {
    answered: (answer: { echoed: string }) => `answered ${answer.echoed}`,
    failed: (error: unknown) => `failed ${(error as { code?: string }).code}`,
  }

  it('the answer read as the call ends; the body sent as it was given', async () => {
    server.handle(echoing)
    const t = transport()
    const before = server.requests.length
    await expect(t.callEncoded(echo, { json: '{"word":"hi"}' }, undefined, reading)).resolves.toBe(
      'answered hi',
    )
    expect(server.requests[before]?.body).toBe('{"word":"hi"}')
    await t.close()
  })

  it('an error read, not rejected: an API error, a deadline, an option refused before any I/O, a closed client', async () => {
    const t = transport(150)
    server.handle((_request, res) => json(res, 500, { resultCode: 'A001', resultMessage: 'down' }))
    await expect(t.callEncoded(echo, { json: '{}' }, undefined, reading)).resolves.toBe(
      'failed AUTHLETE_API_ERROR',
    )
    server.handle(() => {})
    await expect(t.callEncoded(echo, { json: '{}' }, undefined, reading)).resolves.toBe(
      'failed AUTHLETE_TIMEOUT',
    )
    await expect(t.callEncoded(echo, { json: '{}' }, { timeoutMs: -1 }, reading)).resolves.toBe(
      'failed AUTHLETE_INVALID_INPUT',
    )
    await t.close()
    await expect(t.callEncoded(echo, { json: '{}' }, undefined, reading)).resolves.toBe(
      'failed AUTHLETE_CLIENT_CLOSED',
    )
  })

  it('a reading that throws still settles the call: rejected with what it threw, the client left idle', async () => {
    server.handle(echoing)
    const t = transport()
    const boom = new Error('reading boom')
    const throwing = {
      answered: () => {
        throw boom
      },
      failed: () => 'failed',
    }
    await expect(t.callEncoded(echo, { json: '{"word":"x"}' }, undefined, throwing)).rejects.toBe(boom)
    await expect(t.close()).resolves.toBeUndefined()
  })
})

describe('an operation that reads: GET, no body, an answer without action', () => {
  const configuration: Operation<void, { issuer: string }> = {
    name: 'serviceConfiguration',
    path: '/service/configuration',
    method: 'GET',
    repeatableAfterSend: true,
    encode: () => null,
    parse: modelParser(z.looseObject({ issuer: z.string() })),
  }

  it('sends a GET with no body and no content type, and returns the parsed answer', async () => {
    server.handle((_r, res) => json(res, 200, { issuer: 'https://as.example' }))
    const t = transport()
    const before = server.requests.length
    expect(await t.call(configuration, undefined, undefined)).toEqual({ issuer: 'https://as.example' })
    const request = server.requests[before]
    expect(request?.method).toBe('GET')
    expect(request?.url).toBe('/prefix/api/42/service/configuration')
    expect(request?.headers['content-type']).toBeUndefined()
    expect(request?.headers['content-length']).toBeUndefined()
    expect(request?.headers.authorization).toBe('Bearer test-token')
    expect(request?.headers.accept).toBe('application/json')
    expect(request?.body).toBe('')
    await t.close()
  })

  it('an error names the GET; a 500 is repeated, since a read is idempotent', async () => {
    let calls = 0
    server.handle((_r, res) => {
      calls++
      json(res, 500, { resultCode: 'A001101', resultMessage: 'down' })
    })
    const t = transport()
    const error = (await t
      .call(configuration, undefined, undefined)
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.method).toBe('GET')
    expect(error.message).toContain('(GET http://127.0.0.1:')
    expect(error.attempts).toBe(3)
    expect(calls).toBe(3)
    await t.close()
  })
})
