import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  authleteHandlers,
  issueApiError,
  issueDelayed,
  issueHandler,
  issueInternalServerError,
  issueInvalidTicket,
  issueNetworkError,
  issueOk,
  issueRateLimited,
  issueUnknownAction,
  setupAuthleteServer,
  startAuthleteStandIn,
} from '../../mocks/index.js'
import {
  AuthleteApiError,
  AuthleteClient,
  AuthleteNetworkError,
  AuthleteTimeoutError,
  type BackchannelIssueResponse,
} from '../../src/index.js'

const server = setupAuthleteServer(...authleteHandlers())
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const v3 = () => new AuthleteClient({ serviceId: '715948317', accessToken: 'token', retry: { backoffMs: 1 } })
const v2 = () => new AuthleteClient({ apiKey: '5593494639', apiSecret: 'secret', retry: { backoffMs: 1 } })

function expectOk(result: BackchannelIssueResponse, expiresIn = 600, interval = 5) {
  if (result.action !== 'OK') throw new Error(`expected OK, got ${result.action}`)
  expect(result.authReqId).toMatch(/^[\w-]{43}$/)
  expect(result.expiresIn).toBe(expiresIn)
  expect(result.interval).toBe(interval)
  expect(JSON.parse(result.responseContent ?? '')).toEqual({
    auth_req_id: result.authReqId,
    interval,
    expires_in: expiresIn,
  })
}

describe('setupAuthleteServer with authleteHandlers', () => {
  it('answers a default v3 client with a realistic OK and a fresh authReqId per call', async () => {
    await using client = v3()
    const first = await client.backchannelIssue('ticket')
    const second = await client.backchannelIssue('ticket')
    expectOk(first)
    expectOk(second)
    expect(first.authReqId).not.toBe(second.authReqId)
  })

  it('answers a default v2 client on api.authlete.com', async () => {
    await using client = v2()
    expectOk(await client.backchannelIssue('ticket'))
  })

  it('answers on every Authlete region', async () => {
    for (const region of ['us', 'jp', 'eu', 'br'] as const) {
      await using client = new AuthleteClient({ serviceId: '1', accessToken: 'x', region })
      expectOk(await client.backchannelIssue('ticket'))
    }
  })

  it('lets a test assert on what was sent through life-cycle events', async () => {
    const seen: Array<{ method: string; url: string; body: string; auth: string | null }> = []
    const listener = async ({ request }: { request: Request }) => {
      seen.push({
        method: request.method,
        url: request.url,
        body: await request.clone().text(),
        auth: request.headers.get('authorization'),
      })
    }
    server.events.on('request:start', listener)
    await using client = v3()
    await client.backchannelIssue('tkt-1')
    server.events.removeListener('request:start', listener)
    expect(seen).toEqual([
      {
        method: 'POST',
        url: 'https://us.authlete.com/api/715948317/backchannel/authentication/issue',
        body: 'ticket=tkt-1',
        auth: 'Bearer token',
      },
    ])
  })

  it('configures expiresIn, interval and authReqId', async () => {
    server.use(issueOk({ expiresIn: 120, interval: 2, authReqId: 'fixed' }))
    await using client = v3()
    expect(await client.backchannelIssue('t')).toMatchObject({
      action: 'OK',
      authReqId: 'fixed',
      expiresIn: 120,
      interval: 2,
    })
  })

  it('a ticket registry makes unknown tickets INVALID_TICKET', async () => {
    const tickets = new Set(['known'])
    server.use(...authleteHandlers({ tickets }))
    await using client = v3()
    expect((await client.backchannelIssue('known')).action).toBe('OK')
    const unknown = await client.backchannelIssue('unknown')
    expect(unknown).toMatchObject({ action: 'INVALID_TICKET', resultCode: 'A184301' })
    expect(JSON.parse(unknown.responseContent ?? '')).toMatchObject({ error: 'server_error' })
  })
})

describe('the default handler checks the request as Authlete does', () => {
  it('401 A001202 without an Authorization header', async () => {
    const response = await fetch('https://us.authlete.com/api/1/backchannel/authentication/issue', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ticket=t',
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      resultCode: 'A001202',
      resultMessage: '[A001202] Authorization header is missing.',
    })
  })

  it('401 A001203 with the wrong scheme for the path', async () => {
    const response = await fetch('https://api.authlete.com/api/backchannel/authentication/issue', {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ticket=t',
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { resultCode: string }).resultCode).toBe('A001203')
  })

  it.each([
    ['text/plain', 'ticket=t', 400, 'A001204'],
    ['application/x-www-form-urlencoded', 'other=1', 400, 'A183201'],
    ['application/json', '{}', 400, 'A183201'],
    ['application/json', '{', 400, 'A001204'],
    ['application/json', '{"ticket":"t"}', 200, 'A183001'],
  ])('content type %s, body %s: %i %s', async (type, body, status, resultCode) => {
    const response = await fetch('https://us.authlete.com/api/1/backchannel/authentication/issue', {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': type },
      body,
    })
    expect(response.status).toBe(status)
    expect(((await response.json()) as { resultCode: string }).resultCode).toBe(resultCode)
  })
})

describe('scenario helpers', () => {
  it('issueInvalidTicket, issueInternalServerError, issueUnknownAction', async () => {
    await using client = v3()
    server.use(issueInvalidTicket())
    expect((await client.backchannelIssue('t')).action).toBe('INVALID_TICKET')
    server.resetHandlers()
    server.use(issueInternalServerError())
    expect((await client.backchannelIssue('t')).action).toBe('INTERNAL_SERVER_ERROR')
    server.resetHandlers()
    server.use(issueUnknownAction('NEW_THING'))
    expect((await client.backchannelIssue('t')).action).toBe('NEW_THING')
  })

  it('issueApiError carries status and resultCode', async () => {
    server.use(issueApiError(403, 'A001215', 'The service is locked.'))
    await using client = v3()
    const error = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.status).toBe(403)
    expect(error.resultCode).toBe('A001215')
    expect(error.resultMessage).toBe('[A001215] The service is locked.')
  })

  it('issueRateLimited once, then the default OK: the client retries', async () => {
    server.use(issueRateLimited({ retryAfter: 0, once: true }))
    await using client = v3()
    expectOk(await client.backchannelIssue('t'))
  })

  it('issueRateLimited always: the client gives up with the 429 and its Retry-After', async () => {
    server.use(issueRateLimited({ retryAfter: 30 }))
    await using client = v3()
    const error = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(30_000)
  })

  it('issueNetworkError makes the call fail with AuthleteNetworkError', async () => {
    server.use(issueNetworkError())
    await using client = new AuthleteClient({ serviceId: '1', accessToken: 'x', retry: false })
    await expect(client.backchannelIssue('t')).rejects.toBeInstanceOf(AuthleteNetworkError)
  })

  it('issueDelayed past the deadline makes the call time out', async () => {
    server.use(issueDelayed('infinite'))
    await using client = v3()
    await expect(client.backchannelIssue('t', { timeoutMs: 50 })).rejects.toBeInstanceOf(AuthleteTimeoutError)
  })

  it('a custom baseUrl with a path prefix', async () => {
    server.use(issueOk({ baseUrl: 'https://authlete.internal.example/gw', authReqId: 'custom' }))
    await using client = new AuthleteClient({
      serviceId: '9',
      accessToken: 'x',
      baseUrl: 'https://authlete.internal.example/gw',
    })
    expect((await client.backchannelIssue('t')).authReqId).toBe('custom')
  })

  it('a plain msw http.post override works too', async () => {
    server.use(
      http.post('https://us.authlete.com/api/:serviceId/backchannel/authentication/issue', ({ params }) =>
        HttpResponse.json({ action: 'OK', authReqId: `for-${params.serviceId}`, expiresIn: 1, interval: 1 }),
      ),
    )
    await using client = v3()
    expect((await client.backchannelIssue('t')).authReqId).toBe('for-715948317')
  })

  it('issueHandler passes the v3 serviceId to a custom resolver', async () => {
    server.use(
      issueHandler(({ params }) => HttpResponse.json({ action: 'X', sid: params.serviceId ?? null })),
    )
    await using client = v3()
    expect(await client.backchannelIssue('t')).toEqual({ action: 'X', sid: '715948317' })
  })
})

describe('boundary', () => {
  it("scopes server.use to the boundary: concurrent callers do not see each other's overrides", async () => {
    await using client = v3()
    const inside = server.boundary(async () => {
      server.use(issueInvalidTicket())
      return (await client.backchannelIssue('t')).action
    })
    const [scoped, outside] = await Promise.all([
      inside(),
      client.backchannelIssue('t').then((r) => r.action),
    ])
    expect(scoped).toBe('INVALID_TICKET')
    expect(outside).toBe('OK')
    expect((await client.backchannelIssue('t')).action).toBe('OK')
  })
})

describe('unhandled requests', () => {
  it("to Authlete's traffic fail with a network error and are recorded, without credentials", async () => {
    // The base is guarded because a handler was made for it; other hosts would go to the network.
    server.use(issueOk({ baseUrl: 'https://authlete.internal.example' }))
    await using client = new AuthleteClient({
      serviceId: '1',
      accessToken: 'secret-token-value',
      baseUrl: 'https://authlete.internal.example',
      retry: false,
    })
    const error = await client
      .backchannelFail({ ticket: 't', reason: 'SERVER_ERROR' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(server.unhandledRequests.at(-1)).toBe(
      'POST https://authlete.internal.example/api/1/backchannel/authentication/fail',
    )
  })
})

describe('startAuthleteStandIn: the handlers on a real loopback server', () => {
  it('answers a client over a real connection, with the checks of the default handler', async () => {
    server.close()
    const standIn = await startAuthleteStandIn()
    try {
      await using client = new AuthleteClient({ serviceId: '1', accessToken: 'x', baseUrl: standIn.url })
      expectOk(await client.backchannelIssue('t'))
      const missingAuth = await fetch(`${standIn.url}/api/1/backchannel/authentication/issue`, {
        method: 'POST',
        body: 'ticket=t',
      })
      expect(missingAuth.status).toBe(401)
      expect(standIn.requestCount).toBe(2)
    } finally {
      await standIn.close()
      server.listen()
    }
  })
})
