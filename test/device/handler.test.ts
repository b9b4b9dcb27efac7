// createDeviceHandler as a Fetch API handler: each route's answers, the decision exactly once through
// the pending store with its statuses (200, 409, 404, 503, 401, 403), what the JSON shows of a
// request, and the options it refuses. The event stream and the page have their own files.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDeviceHandler, type DeviceHandlerOptions } from '../../device/index.js'
import {
  AuthleteAbortError,
  AuthleteInputError,
  AuthleteNetworkError,
  type BackchannelCompleteAnswer,
  createPendingAuthentications,
  inProcessPendingStore,
  type PendingStore,
} from '../../src/index.js'
import { completingAuthlete, fromPage, ORIGIN, saveRequest } from '../helpers/device-fixtures.js'

/** A session of the test's: the subject in the `x-user` header. */
const authenticate = (request: Request) => request.headers.get('x-user') ?? undefined
const asJohn = { 'x-user': 'john' }

const handlers: Array<{ close(): void }> = []
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close()
})

function setUp(options: Partial<DeviceHandlerOptions> = {}, pending = createPendingAuthentications()) {
  const authlete = completingAuthlete()
  const device = createDeviceHandler(authlete.client, pending, { authenticate, origin: ORIGIN, ...options })
  handlers.push(device)
  return { device, pending, authlete }
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of the device's own shape
const read = (answer: Response): Promise<any> => answer.json()

const decide = (authReqId: string, decision: string, headers: Record<string, string> = asJohn) =>
  fromPage(`/device/requests/${encodeURIComponent(authReqId)}`, { body: { decision }, headers })

describe('GET {basePath}/requests and /requests/{authReqId}', () => {
  it('lists the signed-in user’s pending requests, oldest first, and nobody else’s', async () => {
    let clock = 1_767_225_600_000
    const pending = createPendingAuthentications({ now: () => clock })
    const { device } = setUp({}, pending)
    const second = await saveRequest(pending, { createdAt: clock - 1000, clientName: 'Second' })
    const first = await saveRequest(pending, { createdAt: clock - 2000, clientName: 'First' })
    await saveRequest(pending, { subject: 'jane', clientName: 'Jane’s' })
    clock += 30_000
    const answer = await device(fromPage('/device/requests', { headers: asJohn }))
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(answer.headers.get('cache-control')).toBe('no-store')
    const list = await read(answer)
    expect(list.map((r: { authReqId: string }) => r.authReqId)).toEqual([first.authReqId, second.authReqId])
    expect(list[0]).toEqual({
      authReqId: first.authReqId,
      clientName: 'First',
      bindingMessage: 'W4SCT',
      scopes: [{ name: 'openid' }],
      claimNames: [],
      acrs: [],
      authorizationDetails: [],
      authorizationDetailLines: [],
      requestContextLines: [],
      expiresAt: first.expiresAt,
      expiresIn: 570,
      state: 'pending',
    })
    expect(
      await read(await device(fromPage('/device/requests', { headers: { 'x-user': 'nobody' } }))),
    ).toEqual([])
  })

  it('shows one request in full: scopes with descriptions, claims, each authorization_details entry as readable lines', async () => {
    const { device, pending } = setUp({ scopeDescriptions: { openid: 'Sign you in', profile: 'Your name' } })
    const saved = await saveRequest(pending, {
      scopes: ['openid', 'email', 'profile'],
      scopeDescriptions: { email: 'Your email address', profile: 'Authlete’s words win' },
      claimNames: ['email', 'email_verified'],
      requestContext: '{"location":"Tokyo","deviceName":"Kiosk 3"}',
      authorizationDetails: [
        {
          type: 'payment_initiation',
          actions: ['initiate', 'status', 'cancel'],
          locations: ['https://example.com/payments'],
          instructedAmount: { currency: 'EUR', amount: '123.50' },
          creditorName: 'Merchant A',
          creditorAccount: { iban: 'DE02100100109307118603' },
          remittance_information: ['Ref', 42, true],
        },
        { type: 'account_information', datatypes: ['balances'], identifier: 'acc-1', privileges: ['read'] },
      ],
    })
    const answer = await device(fromPage(`/device/requests/${saved.authReqId}`, { headers: asJohn }))
    expect(answer.status).toBe(200)
    const shown = await read(answer)
    expect(shown.scopes).toEqual([
      { name: 'openid', description: 'Sign you in' },
      { name: 'email', description: 'Your email address' },
      { name: 'profile', description: 'Authlete’s words win' },
    ])
    expect(shown.claimNames).toEqual(['email', 'email_verified'])
    expect(shown.authorizationDetails).toEqual(saved.authorizationDetails)
    expect(shown.authorizationDetailLines).toEqual([
      [
        'Type: payment_initiation',
        'Actions: initiate, status, cancel',
        'Locations: https://example.com/payments',
        'Instructed amount: 123.50 EUR',
        'Creditor name: Merchant A',
        'Creditor account: iban: DE02100100109307118603',
        'Remittance information: Ref, 42, true',
      ],
      ['Type: account_information', 'Data types: balances', 'Identifier: acc-1', 'Privileges: read'],
    ])
    expect(shown.requestContextLines).toEqual(['Location: Tokyo', 'Device name: Kiosk 3'])
  })

  it('another user’s, an unknown and an expired request are one and the same 404', async () => {
    let clock = Date.now()
    const pending = createPendingAuthentications({ now: () => clock })
    const { device } = setUp({}, pending)
    const janes = await saveRequest(pending, { subject: 'jane' })
    const expiring = await saveRequest(pending, { expiresAt: clock + 1000 })
    clock += 1000
    const bodies = []
    for (const id of [janes.authReqId, 'unknown', expiring.authReqId]) {
      const answer = await device(fromPage(`/device/requests/${id}`, { headers: asJohn }))
      expect(answer.status).toBe(404)
      bodies.push(await read(answer))
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
    expect(bodies[0]).toEqual({
      error: 'not_found',
      message: 'No such request is waiting (unknown or expired)',
    })
  })

  it('401 without a session; 503 when the store is down, reported to onError', async () => {
    const broken: PendingStore = {
      ...inProcessPendingStore(),
      listBySubject: async () => Promise.reject(new Error('down')),
    }
    const onError = vi.fn()
    const { device } = setUp({ onError }, createPendingAuthentications({ store: broken }))
    const signedOut = await device(fromPage('/device/requests'))
    expect(signedOut.status).toBe(401)
    expect(await read(signedOut)).toEqual({ error: 'unauthenticated', message: 'Sign in first' })
    const down = await device(fromPage('/device/requests', { headers: asJohn }))
    expect(down.status).toBe(503)
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'AUTHLETE_STORE' }), 'requests')
  })

  it('an onError that rejects changes no answer and is no unhandled rejection', async () => {
    const broken: PendingStore = {
      ...inProcessPendingStore(),
      listBySubject: async () => Promise.reject(new Error('down')),
    }
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      // Not a vi.fn: a spy awaits what it returns, which would handle the rejection itself.
      const stages: string[] = []
      const onError = async (_error: unknown, stage: string) => {
        stages.push(stage)
        throw new Error('log shipper down')
      }
      const { device } = setUp({ onError }, createPendingAuthentications({ store: broken }))
      const down = await device(fromPage('/device/requests', { headers: asJohn }))
      expect(down.status).toBe(503)
      expect(stages).toEqual(['requests'])
      // Rejections left unhandled are reported once the microtasks of this turn have run.
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('POST {basePath}/requests/{authReqId}', () => {
  it('approve: 200 {"result":"AUTHORIZED"}; /complete gets the saved ticket, the subject and now as authTime; the list no longer has it', async () => {
    const clock = 1_767_225_600_000
    const pending = createPendingAuthentications({ now: () => clock })
    const onDecision = vi.fn()
    const { device, authlete } = setUp({ onDecision }, pending)
    const saved = await saveRequest(pending)
    const answer = await device(decide(saved.authReqId, 'approve'))
    expect(answer.status).toBe(200)
    expect(await read(answer)).toEqual({ result: 'AUTHORIZED' })
    expect(authlete.completed).toEqual([
      { ticket: saved.ticket, subject: 'john', result: 'AUTHORIZED', authTime: 1_767_225_600 },
    ])
    expect(onDecision).toHaveBeenCalledWith({
      request: expect.objectContaining({ authReqId: saved.authReqId, state: 'pending' }),
      subject: 'john',
      result: 'AUTHORIZED',
      outcome: expect.objectContaining({ action: 'NO_ACTION' }),
    })
    expect(await read(await device(fromPage('/device/requests', { headers: asJohn })))).toEqual([])
  })

  it('deny: 200 {"result":"ACCESS_DENIED"}', async () => {
    const { device, pending, authlete } = setUp()
    const saved = await saveRequest(pending)
    const answer = await device(decide(saved.authReqId, 'deny'))
    expect(await read(answer)).toEqual({ result: 'ACCESS_DENIED' })
    expect(authlete.completed.map((r) => r.result)).toEqual(['ACCESS_DENIED'])
  })

  it('completeWith gives /complete its fields (claims for the ID token); one that throws is a 500 and nothing is sent', async () => {
    const completeWith = vi.fn(({ subject, result }) =>
      result === 'AUTHORIZED' ? { claims: { name: `${subject} Smith` }, acr: 'urn:acr:pwd' } : undefined,
    )
    const { device, pending, authlete } = setUp({ completeWith })
    const saved = await saveRequest(pending)
    await device(decide(saved.authReqId, 'approve'))
    expect(authlete.completed[0]).toMatchObject({ claims: { name: 'john Smith' }, acr: 'urn:acr:pwd' })
    expect(completeWith).toHaveBeenCalledWith({
      request: expect.objectContaining({ authReqId: saved.authReqId }),
      subject: 'john',
      result: 'AUTHORIZED',
    })
    const onError = vi.fn()
    const failing = setUp({ onError, completeWith: () => Promise.reject(new Error('user store down')) })
    const other = await saveRequest(failing.pending)
    const answer = await failing.device(decide(other.authReqId, 'approve'))
    expect(answer.status).toBe(500)
    expect(failing.authlete.completed).toEqual([])
    expect(onError).toHaveBeenCalledWith(new Error('user store down'), 'decision')
    expect((await failing.pending.get(other.authReqId))?.state).toBe('pending')
  })

  it('a second decision is 409; another user’s and an unknown request are 404, and nothing reaches Authlete', async () => {
    const { device, pending, authlete } = setUp()
    const saved = await saveRequest(pending)
    const janes = await saveRequest(pending, { subject: 'jane' })
    expect((await device(decide(saved.authReqId, 'approve'))).status).toBe(200)
    const again = await device(decide(saved.authReqId, 'deny'))
    expect(again.status).toBe(409)
    expect(await read(again)).toEqual({
      error: 'already_decided',
      message: 'This request is already decided',
    })
    expect((await device(decide(janes.authReqId, 'approve'))).status).toBe(404)
    expect((await device(decide('unknown', 'approve'))).status).toBe(404)
    expect(authlete.completed).toHaveLength(1)
    expect((await pending.get(janes.authReqId))?.state).toBe('pending')
  })

  it('of 50 decisions at once (approve and deny mixed), one is 200 and 49 are 409: one /complete', async () => {
    const { device, pending, authlete } = setUp()
    const saved = await saveRequest(pending)
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => device(decide(saved.authReqId, i % 2 ? 'approve' : 'deny'))),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(49)
    expect(authlete.completed).toHaveLength(1)
  })

  it('Authlete unreachable: 503, and the same decision succeeds once it is back (nothing was sent)', async () => {
    let down = true
    const onError = vi.fn()
    const pending = createPendingAuthentications()
    const { client, completed } = completingAuthlete(() => {
      if (down)
        throw new AuthleteNetworkError(new Error('connect ECONNREFUSED'), { mayHaveBeenProcessed: false })
      return { action: 'NO_ACTION' } as BackchannelCompleteAnswer
    })
    const device = createDeviceHandler(client, pending, { authenticate, origin: ORIGIN, onError })
    handlers.push(device)
    const saved = await saveRequest(pending)
    const failed = await device(decide(saved.authReqId, 'approve'))
    expect(failed.status).toBe(503)
    expect(await read(failed)).toEqual({
      error: 'unavailable',
      message: 'The decision could not be recorded now; try again',
    })
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'AUTHLETE_NETWORK' }), 'decision')
    down = false
    expect((await device(decide(saved.authReqId, 'approve'))).status).toBe(200)
    expect(completed).toHaveLength(2)
  })

  it('the store down: 503 and nothing reaches Authlete', async () => {
    const broken: PendingStore = {
      ...inProcessPendingStore(),
      get: async () => Promise.reject(new Error('down')),
    }
    const { device, authlete } = setUp({}, createPendingAuthentications({ store: broken }))
    expect((await device(decide('ar-1', 'approve'))).status).toBe(503)
    expect(authlete.completed).toEqual([])
  })

  it('Authlete cannot complete it (SERVER_ERROR): 503, reported', async () => {
    const onError = vi.fn()
    const pending = createPendingAuthentications()
    const { client } = completingAuthlete(
      () => ({ action: 'SERVER_ERROR', resultMessage: '[A244301] expired' }) as BackchannelCompleteAnswer,
    )
    const device = createDeviceHandler(client, pending, { authenticate, origin: ORIGIN, onError })
    handlers.push(device)
    const saved = await saveRequest(pending)
    expect((await device(decide(saved.authReqId, 'approve'))).status).toBe(503)
    expect(onError.mock.calls[0]?.[0].message).toBe(
      'Authlete answered /complete with SERVER_ERROR: [A244301] expired',
    )
  })

  it('not signed in: 401, nothing decided', async () => {
    const { device, pending, authlete } = setUp()
    const saved = await saveRequest(pending)
    expect((await device(decide(saved.authReqId, 'approve', {}))).status).toBe(401)
    expect(authlete.completed).toEqual([])
  })

  it.each([
    ['no Origin', { origin: '' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['another port of the same host (same site, another origin)', { origin: 'https://as.example.com:8443' }],
    ['a form’s content type', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/plain (CORS-safelisted)', { 'content-type': 'text/plain' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ])('403 for %s, before anyone is authenticated', async (_, headers) => {
    const authenticateSpy = vi.fn(authenticate)
    const { device, pending, authlete } = setUp({ authenticate: authenticateSpy })
    const saved = await saveRequest(pending)
    const request = decide(saved.authReqId, 'approve', { ...asJohn, ...headers })
    if ((headers as Record<string, string>).origin === '') request.headers.delete('origin')
    const answer = await device(request)
    expect(answer.status).toBe(403)
    expect((await read(answer)).error).toBe('forbidden')
    expect(authenticateSpy).not.toHaveBeenCalled()
    expect(authlete.completed).toEqual([])
  })

  it('a refusal for the Origin is told to onError at forbidden, naming the origin expected', async () => {
    const onError = vi.fn()
    const { device, pending } = setUp({ onError })
    const saved = await saveRequest(pending)
    const answer = await device(
      decide(saved.authReqId, 'approve', { ...asJohn, origin: 'http://localhost:3000' }),
    )
    expect(answer.status).toBe(403)
    expect(onError).toHaveBeenCalledWith(expect.any(AuthleteInputError), 'forbidden')
    expect(onError.mock.calls[0]?.[0].message).toContain(`application/json from ${ORIGIN} only`)
  })

  it('accepts application/json with a charset', async () => {
    const { device, pending } = setUp()
    const saved = await saveRequest(pending)
    const request = decide(saved.authReqId, 'approve', {
      ...asJohn,
      'content-type': 'application/json; charset=utf-8',
    })
    expect((await device(request)).status).toBe(200)
  })

  it.each([
    ['another decision', { decision: 'maybe' }, 400],
    ['more than the decision', { decision: 'approve', subject: 'jane' }, 400],
    ['not JSON', 'decision=approve', 400],
    ['a JSON array', '["approve"]', 400],
    ['a body over 16 KB', { decision: 'approve', pad: 'x'.repeat(20_000) }, 413],
  ])('%s: refused, nothing decided', async (_, body, status) => {
    const { device, pending, authlete } = setUp()
    const saved = await saveRequest(pending)
    const answer = await device(fromPage(`/device/requests/${saved.authReqId}`, { body, headers: asJohn }))
    expect(answer.status).toBe(status)
    expect(authlete.completed).toEqual([])
    expect((await pending.get(saved.authReqId))?.state).toBe('pending')
  })
})

it("a body that never ends: 408 once the decision's timeoutMs passes, nothing decided", async () => {
  const { device, pending, authlete } = setUp({ timeoutMs: 50 })
  const saved = await saveRequest(pending)
  const trickle = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"decision":'))
    },
  })
  const request = new Request(`${ORIGIN}/device/requests/${saved.authReqId}`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', ...asJohn },
    body: trickle,
    duplex: 'half',
  } as RequestInit)
  const answer = await device(request)
  expect(answer.status).toBe(408)
  expect(await read(answer)).toEqual({ error: 'invalid_request', message: 'The body came too slowly' })
  expect(authlete.completed).toEqual([])
  expect((await pending.get(saved.authReqId))?.state).toBe('pending')
})

describe('routes', () => {
  it('answers only below basePath; matches() says which paths are its own', async () => {
    const { device } = setUp({ basePath: '/ciba/device/' })
    expect(device.basePath).toBe('/ciba/device')
    expect(device.matches(new URL(`${ORIGIN}/ciba/device`))).toBe(true)
    expect(device.matches(new URL(`${ORIGIN}/ciba/device/requests`))).toBe(true)
    expect(device.matches(new URL(`${ORIGIN}/ciba/devices`))).toBe(false)
    expect(device.matches(new URL(`${ORIGIN}/token`))).toBe(false)
    expect((await device(fromPage('/ciba/device/requests', { headers: asJohn }))).status).toBe(200)
    expect((await device(fromPage('/ciba/device/nothing', { headers: asJohn }))).status).toBe(404)
  })

  it('405 with Allow for a method a route does not take', async () => {
    const { device } = setUp()
    const answer = await device(
      fromPage('/device/requests', { method: 'DELETE', headers: asJohn, body: '{}' }),
    )
    expect(answer.status).toBe(405)
    expect(answer.headers.get('allow')).toBe('GET')
  })

  it('serves its service worker as JavaScript, to anyone', async () => {
    const { device } = setUp()
    const answer = await device(fromPage('/device/sw.js'))
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const source = await answer.text()
    expect(source).toContain("self.addEventListener('push'")
    expect(source).toContain('const PAGE = "/device"')
  })

  it.each([
    [{ authenticate: undefined }, 'authenticate: must be a function'],
    [{ origin: 'as.example.com' }, "origin: must be the page's origin"],
    [{ origin: 'https://as.example.com/device' }, "origin: must be the page's origin alone"],
    [{ basePath: 'device' }, "basePath: must be a path that starts with '/'"],
    [{ vapidPublicKey: 'BKey' }, 'subscriptions: is needed with vapidPublicKey'],
    [{ pollIntervalMs: 0 }, 'pollIntervalMs: must be a whole number of milliseconds'],
    [{ onDecision: 'log' }, 'onDecision: must be a function'],
    [{ authentication: authenticate }, 'authentication'],
  ])('refuses %j when made', (options, message) => {
    expect(() =>
      createDeviceHandler(completingAuthlete().client, createPendingAuthentications(), {
        authenticate,
        origin: ORIGIN,
        ...options,
      } as never),
    ).toThrow(message)
  })

  it('an authenticate hook that throws is a 500, reported; one that answers a non-string too', async () => {
    const onError = vi.fn()
    const { device } = setUp({ onError, authenticate: () => Promise.reject(new Error('session store down')) })
    expect((await device(fromPage('/device/requests'))).status).toBe(500)
    expect(onError).toHaveBeenCalledWith(new Error('session store down'), 'authenticate')
    const odd = setUp({ onError, authenticate: () => 42 as never })
    expect((await odd.device(fromPage('/device/requests'))).status).toBe(500)
  })
})

describe('a review’s findings, each held to', () => {
  it.each(['toString', 'constructor', '__proto__'])(
    'a decision named %s: 400, no hook, nothing decided',
    async (decision) => {
      const completeWith = vi.fn()
      const { device, pending, authlete } = setUp({ completeWith })
      const saved = await saveRequest(pending)
      const answer = await device(decide(saved.authReqId, decision))
      expect(answer.status).toBe(400)
      expect(completeWith).not.toHaveBeenCalled()
      expect(authlete.completed).toEqual([])
    },
  )

  it('a completeWith that never settles: the decision ends at its timeoutMs with a 5xx, nothing sent', async () => {
    const onError = vi.fn()
    const { device, pending, authlete } = setUp({
      completeWith: () => new Promise(() => {}),
      timeoutMs: 50,
      onError,
    })
    const saved = await saveRequest(pending)
    const answer = await device(decide(saved.authReqId, 'approve'))
    expect(answer.status).toBe(500)
    expect(onError).toHaveBeenCalledWith(expect.any(AuthleteAbortError), 'decision')
    expect(authlete.completed).toEqual([])
  })

  it('an onDecision that never settles: the user is answered at the deadline, the decision stands', async () => {
    const onError = vi.fn()
    const { device, pending, authlete } = setUp({
      onDecision: () => new Promise(() => {}),
      timeoutMs: 50,
      onError,
    })
    const saved = await saveRequest(pending)
    expect((await device(decide(saved.authReqId, 'approve'))).status).toBe(200)
    expect(authlete.completed).toHaveLength(1)
    expect(onError).toHaveBeenCalledWith(expect.any(AuthleteAbortError), 'onDecision')
  })

  it('a client stand-in that ignores timeoutMs is given the decision’s signal', async () => {
    const seen: Array<AbortSignal | undefined> = []
    const pending = createPendingAuthentications()
    const device = createDeviceHandler(
      {
        backchannelComplete: (_request, options) => {
          seen.push(options?.signal)
          return new Promise((_resolve, reject) =>
            options?.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
          )
        },
      },
      pending,
      { authenticate, origin: ORIGIN, timeoutMs: 50 },
    )
    handlers.push(device)
    const saved = await saveRequest(pending)
    // The stand-in rejects with the signal's reason, no AuthleteError: a failure of the AS's own code.
    expect((await device(decide(saved.authReqId, 'approve'))).status).toBe(500)
    expect(seen[0]).toBeInstanceOf(AbortSignal)
  })

  it("basePath '/' is refused: every path of the server would be the device's", () => {
    expect(() => setUp({ basePath: '/' })).toThrow(
      new AuthleteInputError('basePath', "must be a path below the root (e.g. '/device')"),
    )
  })

  it('after close(), the event stream answers 503, so that a page stops reconnecting', async () => {
    const { device } = setUp()
    device.close()
    const answer = await device(fromPage('/device/events', { headers: asJohn }))
    expect(answer.status).toBe(503)
  })

  it('bidirectional controls in what the client wrote are shown as U+FFFD, not obeyed', async () => {
    const { device, pending } = setUp()
    await saveRequest(pending, {
      clientName: 'Acme\u202Eni-ngis',
      bindingMessage: 'W4\u2066SCT',
      authorizationDetails: [
        { type: 'payment', instructedAmount: { amount: '\u202E00.01', currency: 'EUR' } },
      ],
    })
    const [request] = await read(await device(fromPage('/device/requests', { headers: asJohn })))
    expect(request.clientName).toBe('Acme\uFFFDni-ngis')
    expect(request.bindingMessage).toBe('W4\uFFFDSCT')
    expect(request.authorizationDetailLines[0]).toContain('Instructed amount: \uFFFD00.01 EUR')
  })
})
