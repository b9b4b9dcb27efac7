// Property tests (fast-check), seeded and reproducible: FUZZ_SEED and FUZZ_RUNS override the defaults.
// A failure prints the seed and the shrunk counterexample; rerun with FUZZ_SEED=<seed> to replay it.
import fc from 'fast-check'
import type { Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthleteClient, AuthleteResponseError, MAX_TICKET_LENGTH } from '../../src/index.js'
import { json, type Loopback, OK_BODY, startLoopback } from '../helpers/loopback.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000)
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_129)
const settings = { numRuns: RUNS, seed: SEED }

/**
 * A Dispatcher that answers every request at once with `next` (status, headers, body): the client's
 * whole response path runs, without sockets, so that thousands of cases take a second.
 */
function answering() {
  const state = {
    status: 200,
    headers: { 'content-type': 'application/json' } as Record<string, string>,
    body: Buffer.alloc(0) as Buffer,
  }
  const controller = { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} }
  const dispatcher = {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      handler.onRequestStart?.(controller, {})
      handler.onRequestSent?.()
      handler.onResponseStart?.(controller, state.status, state.headers, 'OK')
      if (state.body.length > 0) handler.onResponseData?.(controller, state.body)
      handler.onResponseEnd?.(controller, {})
      return true
    },
    async close() {},
  }
  return { state, dispatcher: dispatcher as unknown as Dispatcher }
}

const fake = answering()
const client = new AuthleteClient({
  serviceId: '1',
  accessToken: 't',
  dispatcher: fake.dispatcher,
  retry: false,
})

async function outcome(body: Buffer | string, status = 200) {
  fake.state.status = status
  fake.state.body = typeof body === 'string' ? Buffer.from(body) : body
  return client.backchannelIssue('ticket').then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

const KNOWN = [
  'resultCode',
  'resultMessage',
  'action',
  'responseContent',
  'authReqId',
  'expiresIn',
  'interval',
]
const int32 = fc.integer({ min: 0, max: 2 ** 31 - 1 })
const extraFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !KNOWN.includes(key) && key !== '__proto__'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
)

/** Answers that fit the model: OK with its three required fields, or any other action. */
const validAnswer = fc.oneof(
  fc.record(
    {
      action: fc.constant('OK'),
      authReqId: fc.string({ minLength: 1, maxLength: 64 }),
      expiresIn: int32,
      interval: int32,
      resultCode: fc.string({ maxLength: 10 }),
      resultMessage: fc.string({ maxLength: 60 }),
      responseContent: fc.string({ maxLength: 80 }),
    },
    { requiredKeys: ['action', 'authReqId', 'expiresIn', 'interval'] },
  ),
  fc.record(
    {
      action: fc
        .oneof(fc.constantFrom('INVALID_TICKET', 'INTERNAL_SERVER_ERROR'), fc.string())
        .filter((a) => a !== 'OK'),
      authReqId: fc.string({ maxLength: 64 }),
      expiresIn: int32,
      interval: int32,
      resultCode: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['action'] },
  ),
)

describe(`fuzzing the response parser (${RUNS} cases each, seed ${SEED})`, () => {
  it('arbitrary JSON values: a result or AuthleteResponseError, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const result = await outcome(JSON.stringify(value) ?? 'null')
        if ('error' in result) {
          expect(result.error).toBeInstanceOf(AuthleteResponseError)
        } else {
          expect(typeof result.value.action).toBe('string')
        }
      }),
      settings,
    )
  })

  it('JSON objects shaped like the answer, with fields of any type: a result or AuthleteResponseError', async () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 1 }), int32, fc.string(), fc.constant('OK'))
    await fc.assert(
      fc.asyncProperty(
        fc.record(Object.fromEntries(KNOWN.map((key) => [key, field])), { requiredKeys: [] }),
        async (value) => {
          const result = await outcome(JSON.stringify(value))
          if ('error' in result) expect(result.error).toBeInstanceOf(AuthleteResponseError)
          else if (result.value.action === 'OK') expect(typeof result.value.authReqId).toBe('string')
        },
      ),
      settings,
    )
  })

  it('arbitrary byte strings: a result or AuthleteResponseError, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const result = await outcome(Buffer.from(bytes))
        if ('error' in result) expect(result.error).toBeInstanceOf(AuthleteResponseError)
        else expect(typeof result.value.action).toBe('string')
      }),
      settings,
    )
  })

  it('a valid answer always parses to the same values, unknown fields included', async () => {
    await fc.assert(
      fc.asyncProperty(validAnswer, extraFields, async (answer, extra) => {
        const text = JSON.stringify({ ...extra, ...answer })
        const result = await outcome(text)
        // The values the JSON text carries (-0 travels as 0, so compare with the text's own parse).
        expect(result).toEqual({ value: JSON.parse(text) })
      }),
      settings,
    )
  })
})

describe(`fuzzing the form encoding over a real server (${RUNS} cases, seed ${SEED})`, () => {
  let server: Loopback
  let real: AuthleteClient
  let received = ''
  beforeAll(async () => {
    server = await startLoopback((request, res) => {
      received = new URLSearchParams(request.body).get('ticket') ?? '\u0000missing'
      json(res, 200, OK_BODY)
    })
    real = new AuthleteClient({ serviceId: '1', accessToken: 't', baseUrl: server.url })
  })
  afterAll(async () => {
    await real.close()
    await server.close()
  })

  it('any Unicode ticket within the limit reaches the server byte-exact after decoding', async () => {
    const ticket = fc
      .oneof(
        { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: MAX_TICKET_LENGTH }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }) },
      )
      .filter((t) => t.length <= MAX_TICKET_LENGTH)
    await fc.assert(
      fc.asyncProperty(ticket, async (t) => {
        await real.backchannelIssue(t)
        expect(Buffer.from(received, 'utf8').equals(Buffer.from(t, 'utf8'))).toBe(true)
      }),
      settings,
    )
  }, 120_000)
})
