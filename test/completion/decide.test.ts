// decideBackchannelAuthentication on the in-process store (and on stores that fail, hang or answer
// nonsense), with a stand-in for Authlete's /complete that records every call.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { AuthleteClient } from '../../src/client.js'
import { decideBackchannelAuthentication } from '../../src/completion/decide.js'
import {
  AuthleteApiError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthletePendingError,
  AuthleteTimeoutError,
  isAuthleteError,
} from '../../src/errors.js'
import type { BackchannelCompleteRequest } from '../../src/operations/backchannel-complete.js'
import { inProcessPendingStore } from '../../src/pending/in-process.js'
import { createPendingAuthentications } from '../../src/pending/pending.js'
import type { PendingRecord, PendingStore } from '../../src/pending/store.js'
import { pendingRecord } from '../helpers/pending-fixtures.js'

const NO_ACTION = { action: 'NO_ACTION', resultCode: 'A244001', resultMessage: 'ok' } as const

/** A stand-in for /complete: answers NO_ACTION, or what `answer` says, and records each request. */
function authleteStandIn(answer?: (request: BackchannelCompleteRequest) => unknown) {
  const calls: BackchannelCompleteRequest[] = []
  return {
    calls,
    backchannelComplete: async (request: BackchannelCompleteRequest) => {
      calls.push(request)
      return (answer ? await answer(request) : NO_ACTION) as typeof NO_ACTION
    },
  }
}

function record(fields: Partial<PendingRecord> = {}): PendingRecord {
  return pendingRecord({ clientId: 1234, clientName: 'My App', hintType: 'LOGIN_HINT', ...fields })
}

async function saved(fields: Partial<PendingRecord> = {}, options = {}) {
  const pending = createPendingAuthentications(options)
  const r = record(fields)
  await pending.save(r)
  return { pending, r }
}

describe('decideBackchannelAuthentication', () => {
  it('sends /complete with the saved ticket and the decision, marks the request decided, and resolves to the outcome', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    const outcome = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
      authTime: 1_700_000_000,
      acr: 'urn:acr:pwd',
      claims: { name: 'John Smith' },
    })
    expect(outcome).toEqual({ action: 'NO_ACTION', answer: NO_ACTION, notification: undefined })
    // The name of before the first release, deprecated: the same answer, not enumerated.
    expect(outcome.response).toBe(outcome.answer)
    expect(authlete.calls).toEqual([
      {
        ticket: r.ticket,
        result: 'AUTHORIZED',
        subject: 'john',
        authTime: 1_700_000_000,
        acr: 'urn:acr:pwd',
        claims: { name: 'John Smith' },
      },
    ])
    expect((await pending.get(r.authReqId))?.state).toBe('decided')
  })

  it('refuses a second decision with AUTHLETE_ALREADY_DECIDED, without a second /complete', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    const late = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'ACCESS_DENIED',
      subject: 'john',
    }).catch((e) => e)
    expect(late).toBeInstanceOf(AuthletePendingError)
    expect(late.code).toBe('AUTHLETE_ALREADY_DECIDED')
    expect(authlete.calls).toHaveLength(1)
  })

  it('lets exactly one of 200 concurrent decisions (approve and deny mixed) reach /complete', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        decideBackchannelAuthentication(authlete, pending, {
          authReqId: r.authReqId,
          result: i % 2 ? 'ACCESS_DENIED' : 'AUTHORIZED',
          subject: 'john',
        }),
      ),
    )
    expect(authlete.calls).toHaveLength(1)
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1)
    const refused = results.flatMap((x) => (x.status === 'rejected' ? [x.reason.code] : []))
    expect(refused).toEqual(Array(199).fill('AUTHLETE_ALREADY_DECIDED'))
  })

  it('refuses an unknown auth_req_id with AUTHLETE_PENDING_NOT_FOUND', async () => {
    const pending = createPendingAuthentications()
    const authlete = authleteStandIn()
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: 'nope',
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_PENDING_NOT_FOUND')
    expect(authlete.calls).toEqual([])
  })

  it('refuses an expired request with AUTHLETE_PENDING_NOT_FOUND', async () => {
    let now = 1_000_000
    const pending = createPendingAuthentications({ store: inProcessPendingStore({ now: () => now }) })
    const r = record({ createdAt: now, expiresAt: now + 1000 })
    await pending.save(r)
    now += 1000
    const error = await decideBackchannelAuthentication(authleteStandIn(), pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_PENDING_NOT_FOUND')
    expect(await pending.get(r.authReqId)).toBeUndefined()
  })

  it('refuses a subject other than the saved one (AuthleteInputError subject), and the request stays pending', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'jane',
    }).catch((e) => e)
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect(error.field).toBe('subject')
    expect(authlete.calls).toEqual([])
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('refuses a subject other than the saved one the same way whatever the state: it learns nothing of the decision', async () => {
    const { pending, r } = await saved()
    let answer: (value: typeof NO_ACTION) => void = () => {}
    const authlete = authleteStandIn(() => new Promise((resolve) => (answer = resolve)))
    const stranger = { authReqId: r.authReqId, result: 'ACCESS_DENIED', subject: 'jane' } as const
    const refusal = async () => {
      const error = await decideBackchannelAuthentication(authlete, pending, stranger).catch((e) => e)
      return { type: error.constructor.name, code: error.code, field: error.field, message: error.message }
    }
    const before = await refusal()
    expect(before).toEqual({
      type: 'AuthleteInputError',
      code: 'AUTHLETE_INVALID_INPUT',
      field: 'subject',
      message: 'subject: is not the subject of this request',
    })
    const owner = decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    await until(async () => authlete.calls.length === 1)
    expect((await pending.get(r.authReqId))?.state).toBe('deciding')
    expect(await refusal()).toEqual(before)
    answer(NO_ACTION)
    await owner
    expect((await pending.get(r.authReqId))?.state).toBe('decided')
    expect(await refusal()).toEqual(before)
    expect(authlete.calls).toHaveLength(1)
  })

  it.each([
    ['a result it does not know', { result: 'MAYBE' }, 'result'],
    ['a ticket (the store has it)', { ticket: 't' }, 'ticket'],
    ['no authReqId', { authReqId: '' }, 'authReqId'],
    ['no subject', { subject: undefined }, 'subject'],
  ])('refuses %s before any I/O', async (_, change, field) => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john', ...change }
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
    const error = await decideBackchannelAuthentication(authlete, pending, decision as any).catch((e) => e)
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect(error.field).toBe(field)
    expect(authlete.calls).toEqual([])
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('releases the claim when /complete certainly did not reach Authlete (connection refused): the same decision then succeeds', async () => {
    const { pending, r } = await saved()
    let refuse = true
    const authlete = authleteStandIn(() => {
      if (refuse)
        throw new AuthleteNetworkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
      return NO_ACTION
    })
    const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
    const error = await decideBackchannelAuthentication(authlete, pending, decision).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_NETWORK')
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
    refuse = false
    await expect(decideBackchannelAuthentication(authlete, pending, decision)).resolves.toMatchObject({
      action: 'NO_ACTION',
    })
    expect(authlete.calls).toHaveLength(2)
    expect((await pending.get(r.authReqId))?.state).toBe('decided')
  })

  it('releases the claim when Authlete answered 429 (it did not process the call)', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn(() => {
      throw new AuthleteApiError({ status: 429 })
    })
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_API_ERROR')
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('keeps the claim when an earlier attempt may have reached Authlete (retry afterSend: a 502, then connection refused)', async () => {
    const { pending, r } = await saved()
    const hits: string[] = []
    const server = http.createServer((request, response) => {
      request.resume().on('end', () => {
        hits.push(request.url ?? '')
        response.writeHead(502, { 'content-type': 'text/plain', connection: 'close' })
        response.end('bad gateway')
        server.close() // every later attempt: ECONNREFUSED
      })
    })
    const port = await listening(server)
    await using authlete = new AuthleteClient({
      serviceId: '1',
      accessToken: 'an-access-token',
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { afterSend: true, backoffMs: 1 },
    })
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect([error.code, error.causeCode, error.attempts]).toEqual(['AUTHLETE_NETWORK', 'ECONNREFUSED', 3])
    expect(error.repeatedAfterSend).toBe(true)
    expect(hits).toEqual(['/api/1/backchannel/authentication/complete'])
    expect((await pending.get(r.authReqId))?.state).toBe('deciding')
    const other = authleteStandIn()
    const second = await decideBackchannelAuthentication(other, pending, {
      authReqId: r.authReqId,
      result: 'ACCESS_DENIED',
      subject: 'john',
    }).catch((e) => e)
    expect(second.code).toBe('AUTHLETE_ALREADY_DECIDED')
    expect(other.calls).toEqual([])
  })

  it('releases the claim when every attempt was refused (the default retry: three refused connections)', async () => {
    const { pending, r } = await saved()
    const closed = http.createServer()
    const port = await listening(closed)
    await new Promise((resolve) => closed.close(resolve))
    await using authlete = new AuthleteClient({
      serviceId: '1',
      accessToken: 'an-access-token',
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { backoffMs: 1 },
    })
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect([error.code, error.causeCode, error.attempts]).toEqual(['AUTHLETE_NETWORK', 'ECONNREFUSED', 3])
    expect(error.repeatedAfterSend).toBeUndefined()
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('keeps the claim when a 429 or 503 follows an attempt that may have reached Authlete', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn(() => {
      // As the transport tells it: an earlier attempt (a 502) may have reached Authlete.
      throw new AuthleteApiError(
        { status: 503 },
        { attempts: 2, repeatedAfterSend: true, mayHaveBeenProcessed: true },
      )
    })
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect(error.status).toBe(503)
    expect((await pending.get(r.authReqId))?.state).toBe('deciding')
  })

  it.each([
    // As the transport tells each: the request was written, so it may have been processed.
    [
      'a timeout waiting for the answer',
      () => new AuthleteTimeoutError(100, 'headers', { mayHaveBeenProcessed: true }),
    ],
    [
      'a connection reset',
      () =>
        new AuthleteNetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), {
          mayHaveBeenProcessed: true,
        }),
    ],
    ['a 500', () => new AuthleteApiError({ status: 500 }, { mayHaveBeenProcessed: true })],
  ])(
    'keeps the claim for the lease when the fate of /complete is unknown (%s), then allows a retry',
    async (_, fault) => {
      const { pending, r } = await saved({}, { leaseMs: 100 })
      let fail = true
      const authlete = authleteStandIn(() => {
        if (fail) throw fault()
        return NO_ACTION
      })
      // The lease covers the whole decision: its deadline, the settle's grace (no longer than the
      // deadline) and the notification's deadline: 300 ms here.
      const decision = { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' } as const
      const options = { timeoutMs: 100, notification: { timeoutMs: 100 } }
      const error = await decideBackchannelAuthentication(authlete, pending, decision, options).catch(
        (e) => e,
      )
      expect(error.code).toBe(fault().code)
      expect((await pending.get(r.authReqId))?.state).toBe('deciding')
      const soon = await decideBackchannelAuthentication(authlete, pending, decision, options).catch((e) => e)
      expect(soon.code).toBe('AUTHLETE_ALREADY_DECIDED')
      expect(authlete.calls).toHaveLength(1)
      await until(async () => (await pending.get(r.authReqId))?.state === 'pending')
      fail = false
      await expect(
        decideBackchannelAuthentication(authlete, pending, decision, options),
      ).resolves.toMatchObject({
        action: 'NO_ACTION',
      })
      expect(authlete.calls).toHaveLength(2)
    },
  )

  it('answers AUTHLETE_STORE within the deadline when the store hangs, and sends no /complete', async () => {
    const hanging: PendingStore = { ...inProcessPendingStore(), claim: () => new Promise(() => {}) }
    const pending = createPendingAuthentications({ store: hanging })
    const authlete = authleteStandIn()
    const started = performance.now()
    const error = await decideBackchannelAuthentication(
      authlete,
      pending,
      { authReqId: 'req', result: 'AUTHORIZED', subject: 'john' },
      { timeoutMs: 150 },
    ).catch((e) => e)
    expect(error).toBeInstanceOf(AuthletePendingError)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.message).toBe('The pending store did not answer within 150 ms (claim)')
    expect(performance.now() - started).toBeLessThan(1000)
    expect(authlete.calls).toEqual([])
  })

  it('gives the caller’s give-up to the store (the signal fires) and releases what the claim may have taken', async () => {
    const inner = inProcessPendingStore()
    const seen: { aborted: boolean; released: string[] } = { aborted: false, released: [] }
    let applyLate: () => Promise<unknown> = async () => {}
    const slow: PendingStore = {
      ...inner,
      claim: (id, claim, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener('abort', () => {
            seen.aborted = true
            // The store applies the claim anyway, after the caller gave up (a paused server).
            applyLate = () =>
              inner.claim(id, { ...claim, notAfter: Date.now() + 1000 }, context).then(resolve)
          })
        }),
      release: async (id, token, context) => {
        await applyLate()
        seen.released.push(token)
        return inner.release(id, token, context)
      },
    }
    const pending = createPendingAuthentications({ store: slow })
    const r = record()
    await pending.save(r)
    const error = await decideBackchannelAuthentication(
      authleteStandIn(),
      pending,
      { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' },
      { timeoutMs: 100 },
    ).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(seen.aborted).toBe(true)
    await until(async () => seen.released.length === 1)
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('answers AUTHLETE_STORE with the cause when the store fails, and sends no /complete', async () => {
    const cause = new Error('connection lost')
    const failing: PendingStore = { ...inProcessPendingStore(), claim: async () => Promise.reject(cause) }
    const authlete = authleteStandIn()
    const error = await decideBackchannelAuthentication(
      authlete,
      createPendingAuthentications({ store: failing }),
      { authReqId: 'req', result: 'AUTHORIZED', subject: 'john' },
    ).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.cause).toBe(cause)
    expect(authlete.calls).toEqual([])
  })

  it.each([
    ['an unknown status', { status: 'maybe' }],
    ['no answer at all', undefined],
    ['a record without a ticket', { status: 'claimed', record: { ...record(), ticket: undefined } }],
    ['a record of another request', { status: 'claimed', record: record({ authReqId: 'other' }) }],
  ])(
    'answers AUTHLETE_STORE when the claim answers nonsense (%s), and sends no /complete',
    async (_, answer) => {
      const broken: PendingStore = { ...inProcessPendingStore(), claim: async () => answer as never }
      const authlete = authleteStandIn()
      const error = await decideBackchannelAuthentication(
        authlete,
        createPendingAuthentications({ store: broken }),
        { authReqId: 'req', result: 'AUTHORIZED', subject: 'john' },
      ).catch((e) => e)
      expect(error.code).toBe('AUTHLETE_STORE')
      expect(error.message).toMatch(/^The pending store answered nonsense \(claim\)/)
      expect(authlete.calls).toEqual([])
    },
  )

  it('gives back a claim whose record cannot be used, so that the request stays decidable', async () => {
    const inner = inProcessPendingStore()
    const broken: PendingStore = {
      ...inner,
      claim: async (id, claim, context) => {
        const result = await inner.claim(id, claim, context)
        return result.status === 'claimed'
          ? { status: 'claimed', record: { ...result.record, ticket: '' } }
          : result
      },
    }
    const pending = createPendingAuthentications({ store: broken })
    const r = record()
    await pending.save(r)
    const error = await decideBackchannelAuthentication(authleteStandIn(), pending, {
      authReqId: r.authReqId,
      result: 'AUTHORIZED',
      subject: 'john',
    }).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    await until(async () => (await pending.get(r.authReqId))?.state === 'pending')
  })

  it('rejects with AUTHLETE_ABORTED when the caller’s signal fires, before any /complete', async () => {
    const { pending, r } = await saved()
    const authlete = authleteStandIn()
    const error = await decideBackchannelAuthentication(
      authlete,
      pending,
      { authReqId: r.authReqId, result: 'AUTHORIZED', subject: 'john' },
      { signal: AbortSignal.abort(new Error('gone')) },
    ).catch((e) => e)
    expect(isAuthleteError(error, 'AUTHLETE_ABORTED')).toBe(true)
    expect(authlete.calls).toEqual([])
    expect((await pending.get(r.authReqId))?.state).toBe('pending')
  })

  it('still resolves to the outcome when the settle fails after /complete answered', async () => {
    const failing: PendingStore = {
      ...inProcessPendingStore(),
      settle: async () => Promise.reject(new Error('down')),
    }
    const pending = createPendingAuthentications({ store: failing })
    const r = record()
    await pending.save(r)
    await expect(
      decideBackchannelAuthentication(authleteStandIn(), pending, {
        authReqId: r.authReqId,
        result: 'AUTHORIZED',
        subject: 'john',
      }),
    ).resolves.toMatchObject({ action: 'NO_ACTION' })
  })
})

describe('createPendingAuthentications', () => {
  it('hands out no ticket: get and forSubject answer the request as the device shows it', async () => {
    const { pending, r } = await saved({ requestContext: '{"a":1}' })
    const expected = {
      authReqId: r.authReqId,
      clientId: 1234,
      clientName: 'My App',
      subject: 'john',
      hintType: 'LOGIN_HINT',
      bindingMessage: 'W4SCT',
      scopes: ['openid'],
      acrs: [],
      requestContext: '{"a":1}',
      expiresAt: r.expiresAt,
      state: 'pending',
    }
    expect(await pending.get(r.authReqId)).toEqual(expected)
    expect(await pending.forSubject('john')).toEqual([expected])
    expect(JSON.stringify(await pending.forSubject('john'))).not.toContain('ticket')
  })

  it('lists a subject’s requests still pending, oldest first, not those being decided', async () => {
    const pending = createPendingAuthentications()
    const now = Date.now()
    const [a, b, c] = [
      record({ createdAt: now - 2 }),
      record({ createdAt: now - 3 }),
      record({ createdAt: now - 1 }),
    ]
    for (const x of [a, b, c, record({ subject: 'jane' })]) await pending.save(x)
    const claimed = await pending.store.claim(
      c.authReqId,
      { token: 't', subject: 'john', leaseMs: 60_000, notAfter: now + 10_000 },
      { signal: new AbortController().signal },
    )
    expect(claimed.status).toBe('claimed')
    expect((await pending.forSubject('john')).map((x) => x.authReqId)).toEqual([b.authReqId, a.authReqId])
    expect(await pending.forSubject('nobody')).toEqual([])
  })

  it('answers AUTHLETE_STORE when the in-process store is full, and evicts nothing', async () => {
    const pending = createPendingAuthentications({ store: inProcessPendingStore({ maxEntries: 2 }) })
    const [a, b] = [record(), record()]
    await pending.save(a)
    await pending.save(b)
    const error = await pending.save(record()).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.cause.message).toBe('the in-process pending store is full (maxEntries 2)')
    expect((await pending.get(a.authReqId))?.state).toBe('pending')
    expect((await pending.get(b.authReqId))?.state).toBe('pending')
  })

  it('holds 100 000 requests by default, as the README says, and refuses the next', async () => {
    const pending = createPendingAuthentications({ store: inProcessPendingStore() })
    for (let i = 0; i < 100_000; i++) await pending.save(record())
    const error = await pending.save(record()).catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.cause.message).toBe('the in-process pending store is full (maxEntries 100000)')
  })

  it('makes room in a full in-process store by sweeping the expired entries only', async () => {
    let now = 1_000_000
    const pending = createPendingAuthentications({
      store: inProcessPendingStore({ maxEntries: 2, now: () => now }),
    })
    const short = record({ createdAt: now, expiresAt: now + 1000 })
    const long = record({ createdAt: now, expiresAt: now + 600_000 })
    await pending.save(short)
    await pending.save(long)
    now += 1000
    await pending.save(record({ createdAt: now, expiresAt: now + 600_000 }))
    expect(await pending.get(short.authReqId)).toBeUndefined()
    expect((await pending.get(long.authReqId))?.state).toBe('pending')
  })

  it('answers AUTHLETE_STORE when get meets nonsense or a hanging store', async () => {
    const broken: PendingStore = {
      ...inProcessPendingStore(),
      get: async () => ({ state: 'pending' }) as never,
    }
    const error = await createPendingAuthentications({ store: broken })
      .get('x')
      .catch((e) => e)
    expect(error.code).toBe('AUTHLETE_STORE')
    const hanging: PendingStore = { ...inProcessPendingStore(), listBySubject: () => new Promise(() => {}) }
    const late = await createPendingAuthentications({ store: hanging })
      .forSubject('john', { timeoutMs: 50 })
      .catch((e) => e)
    expect(late.message).toBe('The pending store did not answer within 50 ms (listBySubject)')
  })

  it('refuses options it does not know and a store that is not one', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options
    expect(() => createPendingAuthentications({ lease: 1 } as any)).toThrow(AuthleteInputError)
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options
    expect(() => createPendingAuthentications({ store: {} as any })).toThrow(
      'store: must be a PendingStore (it has no save function)',
    )
    expect(() => createPendingAuthentications({ leaseMs: 0 })).toThrow(
      'leaseMs: must be a whole number of milliseconds from 1 to 2147483647',
    )
  })
})

/** Listens on a free loopback port and answers it. */
async function listening(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 5 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
