// validateAccessToken against a loopback stand-in Authlete that records every call: where the token
// is read from, each /auth/introspection verdict mapped as Authlete's Java AccessTokenValidator maps
// it, DPoP passed on only with the DPoP scheme, a resource that fails closed, concurrent checks
// sharing one call, and cacheMs (never for a bound token, never past expiry, dropped on revocation).
import diagnosticsChannel from 'node:diagnostics_channel'
import { HttpResponse } from 'msw'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { introspectionHandler } from '../../mocks/index.js'
import {
  AuthleteAbortError,
  AuthleteClient,
  AuthleteClientClosedError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
  handleRevocationRequest,
  validateAccessToken,
} from '../../src/index.js'
import {
  type EndpointStandIn,
  startEndpointStandIn,
  unreachableAuthlete,
} from '../helpers/endpoint-stand-in.js'
import { unhandledRejectionsDuring } from '../helpers/leak-check.js'

const INTROSPECTION = '/auth/introspection'
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const URL_ME = 'https://api.example.com/api/me'
const OK = {
  action: 'OK',
  subject: 'john',
  scopes: ['openid', 'payments'],
  clientId: 1001,
  clientIdAlias: 'rp',
  usable: true,
  sufficient: true,
  expiresAt: Date.now() + 3_600_000,
}

let env: EndpointStandIn
let authlete: AuthleteClient
beforeAll(async () => {
  env = await startEndpointStandIn()
})
afterAll(async () => {
  await env.close()
})
beforeEach(() => {
  env.reset()
  // A client of its own per test: what validateAccessToken keeps is per client.
  authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 't', baseUrl: env.url, retry: false })
})

const bearer = (token = 'at-1') => ({
  authorization: `Bearer ${token}`,
  dpop: undefined,
  method: 'GET',
  url: URL_ME,
})
const introspections = () => env.paths().filter((path) => path === INTROSPECTION).length

describe('a valid token', () => {
  it('what to act on: subject, scopes, client, expiry, the whole answer; the scopes and subject asked passed on', async () => {
    env.answers[INTROSPECTION] = OK
    const result = await validateAccessToken(env.authlete, bearer(), {
      scopes: ['payments'],
      subject: 'john',
    })
    expect(result).toEqual({
      valid: true,
      subject: 'john',
      scopes: ['openid', 'payments'],
      clientId: 1001,
      clientIdAlias: 'rp',
      expiresAt: OK.expiresAt,
      headers: {},
      answer: expect.objectContaining({ action: 'OK', usable: true, sufficient: true }),
    })
    expect(env.calls[0]?.fields).toEqual({ token: 'at-1', scopes: ['payments'], subject: 'john' })
  })

  it('a DPoP-Nonce that is not RFC 9449 nonce characters (a quote, a backslash, a space) is not sent', async () => {
    for (const dpopNonce of ['n"1', 'n\\1', 'n 1']) {
      env.answers[INTROSPECTION] = { ...OK, dpopNonce }
      const result = await validateAccessToken(authlete, {
        authorization: 'DPoP at-2',
        dpop: 'p.r.oof',
        method: 'GET',
        url: URL_ME,
      })
      expect(result).toMatchObject({ valid: true, headers: {} })
      if (!result.valid) throw new Error('expected a valid token')
      expect(result.headers).not.toHaveProperty('DPoP-Nonce')
    }
    env.answers[INTROSPECTION] = {
      action: 'UNAUTHORIZED',
      responseContent: 'DPoP error="use_dpop_nonce"',
      dpopNonce: 'n"1',
    }
    const refused = await validateAccessToken(authlete, {
      authorization: 'DPoP at-2',
      dpop: 'p.r.oof',
      method: 'GET',
      url: URL_ME,
    })
    if (refused.valid) throw new Error('expected a refusal')
    expect(refused.status).toBe(401)
    expect(refused.headers).not.toHaveProperty('DPoP-Nonce')
  })

  it('DPoP: the proof, the method and the URL without its query as htu; DPoP-Nonce for the answer', async () => {
    env.answers[INTROSPECTION] = { ...OK, dpopNonce: 'n-1' }
    const result = await validateAccessToken(authlete, {
      authorization: 'DPoP at-2',
      dpop: 'p.r.oof',
      method: 'POST',
      url: 'https://api.example.com/api/pay?amount=1#x',
    })
    expect(result).toMatchObject({ valid: true, headers: { 'DPoP-Nonce': 'n-1' } })
    expect(env.calls[0]?.fields).toEqual({
      token: 'at-2',
      dpop: 'p.r.oof',
      htm: 'POST',
      htu: 'https://api.example.com/api/pay',
    })
  })

  it('a proof sent with the Bearer scheme is not passed on: Authlete refuses a DPoP-bound token so (RFC 9449 §7.2)', async () => {
    env.answers[INTROSPECTION] = OK
    await validateAccessToken(authlete, { ...bearer(), dpop: 'p.r.oof' })
    expect(env.calls[0]?.fields).toEqual({ token: 'at-1' })
  })
})

describe("the client's own call, with the body written by the check", () => {
  it.each([
    ['no scopes (a form, as the encoder sends text only)', undefined],
    ['no scope at all', []],
    ['one scope', ['openid']],
    ['several', ['openid', 'payments', 'urn:example:read']],
    ['a scope JSON escapes: a quote', ['a"b']],
    ['a scope JSON escapes: a backslash', ['a\\b']],
    ['a scope outside ASCII', ['café', 'openid']],
    ['a scope with a space', ['has space']],
  ])('%s: the same request, byte for byte, as authlete.introspection sends', async (_, scopes) => {
    env.answers[INTROSPECTION] = OK
    const token = 'C4SrUTijIj2IxqE1xBASr3dxQWgso3BpY49g8Cy+/A-._~=='
    await validateAccessToken(env.authlete, bearer(token), { scopes })
    await env.authlete.introspection(scopes === undefined ? { token } : { token, scopes })
    const [checked, called] = env.calls
    expect(checked?.body).toBe(called?.body)
    expect(checked?.contentType).toBe(called?.contentType)
    expect(checked?.fields).toEqual(scopes === undefined ? { token } : { token, scopes })
  })

  it("an empty scope goes through the call's own checks: 500 with its AuthleteInputError, Authlete not called", async () => {
    const result = await validateAccessToken(env.authlete, bearer(), { scopes: [''] })
    expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteInputError) })
    expect(introspections()).toBe(0)
  })

  it('traced (a subscriber on authlete-ciba:introspection): the subscriber sees the call end with its answer or error; each caller, a joined one too, its verdict', async () => {
    env.answers[INTROSPECTION] = OK
    const seen: string[] = []
    const channel = diagnosticsChannel.tracingChannel('authlete-ciba:introspection')
    const subscriber = {
      start: () => {},
      end: () => {},
      asyncStart: () => {},
      asyncEnd: (context: unknown) => seen.push(`asyncEnd ${(context as { action: string }).action}`),
      error: (context: unknown) => seen.push(`error ${(context as { code: string }).code}`),
    }
    channel.subscribe(subscriber as never)
    try {
      const both = await Promise.all([
        validateAccessToken(authlete, bearer(), { scopes: ['openid'] }),
        validateAccessToken(authlete, bearer(), { scopes: ['openid'] }),
      ])
      expect(both.map((result) => [result.valid, (result as { subject?: string }).subject])).toEqual([
        [true, 'john'],
        [true, 'john'],
      ])
      expect(introspections()).toBe(1)
      await using down = await unreachableAuthlete()
      expect(await validateAccessToken(down, bearer())).toMatchObject({
        valid: false,
        status: 500,
        error: expect.any(AuthleteNetworkError),
      })
      expect(seen).toEqual(['asyncEnd OK', 'error AUTHLETE_NETWORK', 'asyncEnd undefined'])
    } finally {
      channel.unsubscribe(subscriber as never)
    }
  })

  it('a closed client: 500 with its AuthleteClientClosedError, every caller, none rejects; Authlete not called', async () => {
    await authlete.close()
    const both = await Promise.all([
      validateAccessToken(authlete, bearer(), { scopes: ['openid'] }),
      validateAccessToken(authlete, bearer(), { scopes: ['openid'] }),
    ])
    for (const result of both) {
      expect(result).toMatchObject({
        valid: false,
        status: 500,
        error: expect.any(AuthleteClientClosedError),
      })
    }
    expect(introspections()).toBe(0)
  })

  it('a client whose introspection a test replaced (a spy) is called through it, once per check', async () => {
    env.answers[INTROSPECTION] = OK
    const spy = vi.spyOn(env.authlete, 'introspection')
    try {
      await validateAccessToken(env.authlete, bearer(), { scopes: ['openid'] })
      await validateAccessToken(env.authlete, bearer('at-2'))
      expect(spy.mock.calls.map(([request]) => request)).toEqual([
        { token: 'at-1', scopes: ['openid'] },
        { token: 'at-2' },
      ])
      expect(introspections()).toBe(2)
    } finally {
      spy.mockRestore()
    }
  })

  it('a URL checked before, then one with a token in its query, then none: each refused as if first', async () => {
    env.answers[INTROSPECTION] = OK
    expect(await validateAccessToken(authlete, bearer())).toMatchObject({ valid: true })
    const inQuery = await validateAccessToken(authlete, { ...bearer(), url: `${URL_ME}?access_token=at` })
    expect(inQuery).toMatchObject({ valid: false, status: 400 })
    for (const url of [undefined, '', 'not a url', `${URL_ME} x`]) {
      const result = await validateAccessToken(authlete, { ...bearer(), url } as never)
      expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteInputError) })
    }
    // The same URL again, as another string: still accepted.
    const again = await validateAccessToken(authlete, {
      ...bearer(),
      url: `https://api.example.com${'/api/me'}`,
    })
    expect(again).toMatchObject({ valid: true })
  })

  it.each(['get', 'PATCH', 'M-SEARCH'])(
    'a method other than GET and POST (%s) is read as a token too',
    async (method) => {
      env.answers[INTROSPECTION] = OK
      expect(await validateAccessToken(authlete, { ...bearer(), method })).toMatchObject({ valid: true })
    },
  )

  it.each(['', 'G ET', 'GET\n', 42])(
    'a method that is none (%j): 500, Authlete not called',
    async (method) => {
      const result = await validateAccessToken(authlete, { ...bearer(), method } as never)
      expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteInputError) })
      expect(introspections()).toBe(0)
    },
  )
})

describe('a token that will not do: the answer to send', () => {
  it('no token: 401 with a bare Bearer challenge, no error code (RFC 6750 §3.1); Authlete not called', async () => {
    expect(await validateAccessToken(authlete, { ...bearer(), authorization: undefined })).toEqual({
      valid: false,
      status: 401,
      headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })

  it.each([
    [
      'a token in the query string',
      { authorization: undefined, url: `${URL_ME}?access_token=at` },
      'An access token in the query string is not accepted.',
    ],
    [
      'a token in the query string beside the header',
      { url: new URL(`${URL_ME}?access_token=at`) },
      'An access token in the query string is not accepted.',
    ],
    [
      'another scheme',
      { authorization: 'Basic YTpi' },
      'The Authorization header must use the Bearer or DPoP scheme.',
    ],
    ['a malformed token', { authorization: 'Bearer a,b' }, 'The access token is malformed.'],
  ])('%s: 400 invalid_request, Authlete not called', async (_what, change, description) => {
    expect(await validateAccessToken(authlete, { ...bearer(), ...change })).toEqual({
      valid: false,
      status: 400,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate': `Bearer error="invalid_request",error_description="${description}"`,
      },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })

  it('a malformed token with the DPoP scheme: 400 invalid_request in the DPoP scheme (RFC 9449 §7.1), Authlete not called', async () => {
    const request = { ...bearer(), authorization: 'DPoP a,b', dpop: 'a-proof' }
    expect(await validateAccessToken(authlete, request)).toEqual({
      valid: false,
      status: 400,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate': 'DPoP error="invalid_request",error_description="The access token is malformed."',
      },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })

  it.each([
    ['UNAUTHORIZED', 401, 'Bearer error="invalid_token",error_description="The access token has expired."'],
    ['UNAUTHORIZED', 401, 'DPoP error="invalid_dpop_proof",error_description="ath",algs="ES256"'],
    ['FORBIDDEN', 403, 'Bearer error="insufficient_scope",error_description="x",scope="payments"'],
    ['BAD_REQUEST', 400, 'Bearer error="invalid_request"'],
    ['INTERNAL_SERVER_ERROR', 500, 'Bearer error="server_error"'],
  ])('%s: %i with Authlete’s challenge as WWW-Authenticate, no body', async (action, status, challenge) => {
    env.answers[INTROSPECTION] = { action, responseContent: challenge, usable: false, sufficient: false }
    expect(await validateAccessToken(authlete, bearer(), { scopes: ['payments'] })).toEqual({
      valid: false,
      status,
      headers: { ...NO_STORE, 'WWW-Authenticate': challenge },
      body: '',
    })
  })

  it('an action this version does not know: 500 with no detail, the error for the logs', async () => {
    env.answers[INTROSPECTION] = { action: 'FUTURE', responseContent: 'Bearer' }
    expect(await validateAccessToken(authlete, bearer())).toEqual({
      valid: false,
      status: 500,
      headers: NO_STORE,
      body: '',
      error: expect.any(AuthleteResponseError),
    })
    const { error } = (await validateAccessToken(authlete, bearer())) as { error: AuthleteResponseError }
    expect(error.code).toBe('AUTHLETE_RESPONSE_INVALID')
    expect(error.message).toBe(
      'Unusable answer from Authlete (introspection): an action this version does not know, FUTURE',
    )
  })

  it('Authlete unreachable: 500, failing closed, the AuthleteNetworkError for the logs', async () => {
    await using down = await unreachableAuthlete()
    expect(await validateAccessToken(down, bearer())).toEqual({
      valid: false,
      status: 500,
      headers: NO_STORE,
      body: '',
      error: expect.any(AuthleteNetworkError),
    })
  })

  it.each([
    ['a request object with other fields', { ...bearer(), headers: {} }, {}, 'headers'],
    ['an unknown option', bearer(), { scope: ['x'] }, 'scope'],
    ['a bad cacheMs', bearer(), { cacheMs: -1 }, 'cacheMs'],
    ['an empty subject (which would ask nothing)', bearer(), { subject: '' }, 'subject'],
    ['a URL that is none', { ...bearer(), url: 'not a url' }, {}, 'url'],
    ['a URL of another scheme', { ...bearer(), url: 'ftp://api.example.com/x' }, {}, 'url'],
    ['no method', { ...bearer(), method: '' }, {}, 'method'],
  ])(
    '%s: 500 with the AuthleteInputError naming it, Authlete not called',
    async (_what, request, options, field) => {
      const result = await validateAccessToken(authlete, request as never, options as never)
      expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteInputError) })
      expect((result as { error: AuthleteInputError }).error.field).toBe(field)
      expect(env.paths()).toEqual([])
    },
  )

  it('a misspelt option is named as an option of validateAccessToken, with the options it takes', async () => {
    const result = await validateAccessToken(authlete, bearer(), { scope: ['payments'] } as never)
    expect((result as { error: AuthleteInputError }).error.message).toBe(
      'scope: not an option of validateAccessToken (scopes, subject, cacheMs, now, signal, timeoutMs)',
    )
  })
})

describe('concurrent checks and cacheMs', () => {
  it('concurrent checks of one Bearer token, asked the same, share one call; another question is its own', async () => {
    env.answers[INTROSPECTION] = OK
    const results = await Promise.all([
      validateAccessToken(authlete, bearer()),
      validateAccessToken(authlete, bearer()),
      validateAccessToken(authlete, bearer()),
      validateAccessToken(authlete, bearer(), { scopes: ['payments'] }),
    ])
    expect(results.map((result) => result.valid)).toEqual([true, true, true, true])
    expect(introspections()).toBe(2)
  })

  it('DPoP checks are never shared: each proof is its own request', async () => {
    env.answers[INTROSPECTION] = OK
    const dpop = { authorization: 'DPoP at', dpop: 'p', method: 'GET', url: URL_ME }
    await Promise.all([validateAccessToken(authlete, dpop), validateAccessToken(authlete, dpop)])
    expect(introspections()).toBe(2)
  })

  it('a caller’s signal ends its own wait, not the shared call: the others get the verdict', async () => {
    env.answers[INTROSPECTION] = OK
    const stop = new AbortController()
    const first = validateAccessToken(authlete, bearer())
    const second = validateAccessToken(authlete, bearer(), { signal: stop.signal })
    stop.abort(new Error('client went away'))
    expect(await second).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteAbortError) })
    expect(await first).toMatchObject({ valid: true })
    expect(introspections()).toBe(1)
  })

  it('without cacheMs, every check calls Authlete', async () => {
    env.answers[INTROSPECTION] = OK
    await validateAccessToken(authlete, bearer())
    await validateAccessToken(authlete, bearer())
    expect(introspections()).toBe(2)
  })

  it('with cacheMs, a valid Bearer result is kept: never past the token’s expiry, never a refusal', async () => {
    env.answers[INTROSPECTION] = OK
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })
    expect(await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })).toMatchObject({ valid: true })
    expect(introspections()).toBe(1)

    // A token about to expire is kept no longer than it lives.
    env.answers[INTROSPECTION] = { ...OK, expiresAt: Date.now() - 1 }
    await validateAccessToken(authlete, bearer('at-expiring'), { cacheMs: 60_000 })
    await validateAccessToken(authlete, bearer('at-expiring'), { cacheMs: 60_000 })
    expect(introspections()).toBe(3)

    // A refusal is asked again.
    env.answers[INTROSPECTION] = { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' }
    await validateAccessToken(authlete, bearer('at-unknown'), { cacheMs: 60_000 })
    await validateAccessToken(authlete, bearer('at-unknown'), { cacheMs: 60_000 })
    expect(introspections()).toBe(5)
  })

  it('with cacheMs, a DPoP- or certificate-bound token is never kept', async () => {
    env.answers[INTROSPECTION] = OK
    const dpop = { authorization: 'DPoP at', dpop: 'p', method: 'GET', url: URL_ME }
    await validateAccessToken(authlete, dpop, { cacheMs: 60_000 })
    await validateAccessToken(authlete, dpop, { cacheMs: 60_000 })
    const withCertificate = { ...bearer(), clientCertificate: '-----BEGIN CERTIFICATE-----' }
    await validateAccessToken(authlete, withCertificate, { cacheMs: 60_000 })
    await validateAccessToken(authlete, withCertificate, { cacheMs: 60_000 })
    env.answers[INTROSPECTION] = { ...OK, certificateThumbprint: 'x5t' }
    await validateAccessToken(authlete, bearer('at-mtls'), { cacheMs: 60_000 })
    await validateAccessToken(authlete, bearer('at-mtls'), { cacheMs: 60_000 })
    expect(introspections()).toBe(6)
  })

  it('a revocation through this process drops what is kept', async () => {
    env.answers[INTROSPECTION] = OK
    env.answers['/auth/revocation'] = { action: 'OK' }
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })
    await handleRevocationRequest(authlete, { body: 'token=at-1', authorization: 'Basic cnA6c2VjcmV0' })
    env.answers[INTROSPECTION] = { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' }
    expect(await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })).toMatchObject({
      valid: false,
      status: 401,
    })
    expect(introspections()).toBe(2)
  })

  it('a revocation whose outcome is unknown (the call failed, or an action this version does not know) drops them too: failing closed', async () => {
    env.answers[INTROSPECTION] = OK
    const outcomes = [
      () => Promise.reject(new Error('the answer was lost on the way back')),
      () => Promise.resolve({ action: 'FUTURE' }),
    ]
    for (const revocation of outcomes) {
      // One client object for both: what is kept is kept per client.
      const client = { introspection: authlete.introspection.bind(authlete), revocation } as never
      env.answers[INTROSPECTION] = OK
      expect((await validateAccessToken(client, bearer(), { cacheMs: 60_000 })).valid).toBe(true)
      const before = introspections()
      expect((await validateAccessToken(client, bearer(), { cacheMs: 60_000 })).valid).toBe(true)
      expect(introspections()).toBe(before) // kept
      expect(
        (await handleRevocationRequest(client, { body: 'token=at-1', authorization: undefined })).status,
      ).toBe(500)
      env.answers[INTROSPECTION] = { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' }
      expect(await validateAccessToken(client, bearer(), { cacheMs: 60_000 })).toMatchObject({
        valid: false,
        status: 401,
      })
      expect(introspections()).toBe(before + 1)
    }
  })

  it('a revocation refused before any call (an empty body) keeps them: nothing was revoked', async () => {
    env.answers[INTROSPECTION] = OK
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })
    expect((await handleRevocationRequest(authlete, { body: '', authorization: undefined })).status).toBe(400)
    expect((await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })).valid).toBe(true)
    expect(introspections()).toBe(1)
  })
})

describe('what is kept and shared stays true and each caller’s own (a review’s findings)', () => {
  /** A stand-in whose /auth/introspection answers `answer()` once `gate` opens. */
  async function gated(answer: () => Record<string, unknown>) {
    let open!: () => void
    let arrived!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const reached = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const stand = await startEndpointStandIn((baseUrl) => [
      introspectionHandler(
        async () => {
          arrived()
          await gate
          return HttpResponse.json(answer())
        },
        { baseUrl },
      ),
    ])
    return { stand, open, reached }
  }

  it('a check in flight when the token is revoked through this process is not kept after the revocation', async () => {
    const { stand, open, reached } = await gated(() => OK)
    try {
      stand.answers['/auth/revocation'] = { action: 'OK' }
      const first = validateAccessToken(stand.authlete, bearer(), { cacheMs: 60_000 })
      await reached
      await handleRevocationRequest(stand.authlete, { body: 'token=at-1', authorization: undefined })
      open()
      expect((await first).valid).toBe(true) // decided before the revocation
      stand.answers[INTROSPECTION] = {
        action: 'UNAUTHORIZED',
        responseContent: 'Bearer error="invalid_token"',
      }
      expect(await validateAccessToken(stand.authlete, bearer(), { cacheMs: 60_000 })).toMatchObject({
        valid: false,
        status: 401,
      })
    } finally {
      await stand.close()
    }
  })

  it('the first caller’s timeoutMs bounds its own wait only: a caller that joined gets the verdict', async () => {
    const { stand, open, reached } = await gated(() => OK)
    try {
      const first = validateAccessToken(stand.authlete, bearer(), { timeoutMs: 50 })
      const joined = validateAccessToken(stand.authlete, bearer())
      await reached
      expect(await first).toMatchObject({
        valid: false,
        status: 500,
        error: expect.any(AuthleteTimeoutError),
      })
      open()
      expect(await joined).toMatchObject({ valid: true, subject: 'john' })
      expect(stand.paths().filter((path) => path === INTROSPECTION)).toHaveLength(1)
    } finally {
      await stand.close()
    }
  })

  it('a kept result is answered only within the asking caller’s own cacheMs, on its clock', async () => {
    let now = 1_000_000
    const clock = () => now
    env.answers[INTROSPECTION] = { ...OK, expiresAt: now + 3_600_000 }
    await validateAccessToken(authlete, bearer(), { cacheMs: 600_000, now: clock })
    env.answers[INTROSPECTION] = { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' }
    now += 20
    expect((await validateAccessToken(authlete, bearer(), { cacheMs: 600_000, now: clock })).valid).toBe(true)
    expect((await validateAccessToken(authlete, bearer(), { cacheMs: 10, now: clock })).valid).toBe(false)
    expect(introspections()).toBe(2)
  })

  it('a kept result lapses when the token expires on the caller’s clock (one clock with the simulator)', async () => {
    let now = 1_000_000
    const clock = () => now
    env.answers[INTROSPECTION] = { ...OK, expiresAt: now + 1_000 }
    await validateAccessToken(authlete, bearer(), { cacheMs: 600_000, now: clock })
    now += 2_000
    env.answers[INTROSPECTION] = { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' }
    expect((await validateAccessToken(authlete, bearer(), { cacheMs: 600_000, now: clock })).valid).toBe(
      false,
    )
  })

  it('callers get an answer none of them can change for the others', async () => {
    env.answers[INTROSPECTION] = OK
    const [first, second] = await Promise.all([
      validateAccessToken(authlete, bearer(), { cacheMs: 60_000 }),
      validateAccessToken(authlete, bearer(), { cacheMs: 60_000 }),
    ])
    if (!first.valid || !second.valid) throw new Error('not valid')
    expect(() => (first.scopes as string[]).push('admin')).toThrow(TypeError)
    expect(() => {
      ;(first.answer as { subject?: string }).subject = 'root'
    }).toThrow(TypeError)
    const third = await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })
    expect(third).toMatchObject({ valid: true, subject: 'john', scopes: ['openid', 'payments'] })
  })

  it('callers sharing one call without cacheMs get an answer none of them can change; a lone caller gets its own', async () => {
    env.answers[INTROSPECTION] = OK
    const [first, second] = await Promise.all([
      validateAccessToken(authlete, bearer()),
      validateAccessToken(authlete, bearer()),
    ])
    if (!first.valid || !second.valid) throw new Error('not valid')
    expect(first.answer).toBe(second.answer)
    expect(() => (second.scopes as string[]).push('admin')).toThrow(TypeError)
    const alone = await validateAccessToken(authlete, bearer())
    if (!alone.valid) throw new Error('not valid')
    expect(alone.answer).not.toBe(first.answer)
    expect(alone).toMatchObject({ subject: 'john', scopes: ['openid', 'payments'] })
  })

  it('a check whose every caller stopped waiting fails unseen: no unhandled rejection, the caller answered 500', async () => {
    const unhandled = await unhandledRejectionsDuring(async () => {
      for (const options of [
        { signal: AbortSignal.abort() },
        { signal: AbortSignal.abort(), timeoutMs: 1_000 },
      ]) {
        let fail!: (error: Error) => void
        const standIn = {
          introspection: () =>
            new Promise<never>((_, reject) => {
              fail = reject
            }),
        }
        const result = await validateAccessToken(standIn as never, bearer(), options)
        expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteAbortError) })
        fail(new Error('Authlete down'))
        // Rejections left unhandled are reported once the microtasks of this turn have run.
        await new Promise((resolve) => setImmediate(resolve))
        await new Promise((resolve) => setImmediate(resolve))
      }
    })
    expect(unhandled).toEqual([])
  })

  it('an answer that cannot be frozen (a stand-in’s Buffer): every caller fails closed, none rejects, nothing unhandled', async () => {
    const unhandled = await unhandledRejectionsDuring(async () => {
      const standIn = {
        introspection: async () => ({ ...OK, properties: Buffer.from('x') }),
      }
      const unfreezable = { valid: false, status: 500, error: expect.any(TypeError) }
      // Kept (cacheMs): frozen even for a lone caller.
      expect(await validateAccessToken(standIn as never, bearer(), { cacheMs: 1_000 })).toMatchObject(
        unfreezable,
      )
      // Shared: the first caller and the one that joined it.
      expect(
        await Promise.all([
          validateAccessToken(standIn as never, bearer()),
          validateAccessToken(standIn as never, bearer()),
        ]),
      ).toMatchObject([unfreezable, unfreezable])
      // The first caller stopped waiting before the answer came.
      expect(
        await validateAccessToken(standIn as never, bearer(), {
          cacheMs: 1_000,
          signal: AbortSignal.abort(),
        }),
      ).toMatchObject({ valid: false, status: 500 })
    })
    expect(unhandled).toEqual([])
  })

  it('a stand-in whose answer settles synchronously (a thenable) leaves no check in flight behind', async () => {
    let calls = 0
    const standIn = {
      introspection: () => {
        calls++
        const answer =
          calls === 1 ? { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' } : OK
        // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
        return { then: (onAnswer: (value: unknown) => unknown) => Promise.resolve(onAnswer(answer)) }
      },
    }
    expect((await validateAccessToken(standIn as never, bearer())).valid).toBe(false)
    expect((await validateAccessToken(standIn as never, bearer())).valid).toBe(true)
    expect(calls).toBe(2)
  })

  it('no two questions share a key: a subject is not “anyone’s”, scopes ["a b"] are not ["a", "b"]; an empty subject is refused', async () => {
    env.answers[INTROSPECTION] = OK
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000 })
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000, subject: 'john' })
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000, scopes: ['a', 'b'] })
    await validateAccessToken(authlete, bearer(), { cacheMs: 60_000, scopes: ['a b'] })
    expect(introspections()).toBe(4)
    // Never answered from what "anyone's" kept: an empty subject fails closed, Authlete not asked.
    expect(await validateAccessToken(authlete, bearer(), { cacheMs: 60_000, subject: '' })).toMatchObject({
      valid: false,
      status: 500,
    })
    expect(introspections()).toBe(4)
  })

  it('no two questions in flight share a call: a subject, ["a b"] against ["a", "b"], [] against none', async () => {
    const asked: unknown[] = []
    const standIn = {
      introspection: async (request: { scopes?: unknown; subject?: unknown }) => {
        asked.push([request.scopes, request.subject])
        return { ...OK, subject: String(asked.length) }
      },
    }
    const check = (options: object) => validateAccessToken(standIn as never, bearer(), options)
    const results = await Promise.all([
      check({}),
      check({ subject: 'john' }),
      check({ scopes: ['a', 'b'] }),
      check({ scopes: ['a b'] }),
      check({ scopes: [] }),
      check({ scopes: ['a', 'b'] }),
      check({ subject: 'john' }),
      check({}),
    ])
    expect(asked).toEqual([
      [undefined, undefined],
      [undefined, 'john'],
      [['a', 'b'], undefined],
      [['a b'], undefined],
      [[], undefined],
    ])
    // Each joined the check that asked the same: its answer, not another's.
    expect(results.map((result) => (result.valid ? result.subject : result.status))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '3',
      '2',
      '1',
    ])
  })

  it('a list of scopes changed after its check went out is another question: the call sent the list as it was', async () => {
    const asked: unknown[] = []
    const pending: Array<(answer: unknown) => void> = []
    const standIn = {
      introspection: (request: { scopes?: unknown }) => {
        asked.push(JSON.stringify(request.scopes))
        return new Promise((resolve) => pending.push(resolve))
      },
    }
    const required = ['a']
    const first = validateAccessToken(standIn as never, bearer(), { scopes: required })
    required.push('b')
    const second = validateAccessToken(standIn as never, bearer(), { scopes: required })
    expect(asked).toEqual(['["a"]', '["a","b"]'])
    for (const resolve of pending) resolve(OK)
    await Promise.all([first, second])
  })

  it('a list whose iterator says otherwise than its items is compared as sent, item by item: no one joins another question', async () => {
    const asked: string[] = []
    const standIn = {
      introspection: async (request: { scopes?: readonly string[] }) => {
        asked.push(JSON.stringify(request.scopes))
        // The token has the admin scope only.
        const sufficient = request.scopes?.every((scope) => scope === 'admin') ?? true
        return sufficient ? OK : { action: 'FORBIDDEN', responseContent: 'Bearer error="insufficient_scope"' }
      },
    }
    const admin = Object.assign(['admin'], {
      *[Symbol.iterator]() {
        yield 'profile'
      },
    })
    const results = await Promise.all([
      validateAccessToken(standIn as never, bearer(), { scopes: admin }),
      validateAccessToken(standIn as never, bearer(), { scopes: ['profile'] }),
    ])
    expect(asked).toEqual(['["admin"]', '["profile"]'])
    expect(results.map((result) => result.valid)).toEqual([true, false])
  })

  it('a list that is not all text goes out alone and fails closed at once, however long it says it is', async () => {
    env.answers[INTROSPECTION] = OK
    const sparse: string[] = []
    sparse.length = 2 ** 32 - 1
    const results = await Promise.all([
      validateAccessToken(authlete, bearer(), { scopes: sparse }),
      validateAccessToken(authlete, bearer(), { scopes: sparse }),
    ])
    for (const result of results) {
      expect(result).toMatchObject({ valid: false, status: 500, error: expect.any(AuthleteInputError) })
      expect((result as { error: AuthleteInputError }).error.field).toBe('scopes[0]')
    }
    expect(introspections()).toBe(0)
  })

  it('checks of one token with other questions settle in any order; each later caller joins only its own', async () => {
    const pending: Array<(answer: unknown) => void> = []
    let calls = 0
    const standIn = {
      introspection: () => {
        calls++
        return new Promise((resolve) => pending.push(resolve))
      },
    }
    const check = (scopes: string[]) => validateAccessToken(standIn as never, bearer(), { scopes })
    const a = check(['a'])
    const b = check(['b'])
    const c = check(['c'])
    expect(calls).toBe(3)
    // The middle one settles first, then the first: what is left in flight is still found.
    pending[1]?.({ ...OK, subject: 'b' })
    await expect(b).resolves.toMatchObject({ subject: 'b' })
    pending[0]?.({ ...OK, subject: 'a' })
    await expect(a).resolves.toMatchObject({ subject: 'a' })
    const c2 = check(['c'])
    const b2 = check(['b'])
    expect(calls).toBe(4)
    pending[2]?.({ ...OK, subject: 'c' })
    pending[3]?.({ ...OK, subject: 'b again' })
    expect(await Promise.all([c, c2, b2])).toMatchObject([
      { subject: 'c' },
      { subject: 'c' },
      { subject: 'b again' },
    ])
    // Nothing left in flight: the next check calls again.
    const d = check(['c'])
    expect(calls).toBe(5)
    pending[4]?.({ ...OK, subject: 'd' })
    await expect(d).resolves.toMatchObject({ subject: 'd' })
  })

  it('tokens that share a bucket: each its own call and answer; eight share, the ninth and later go out alone', async () => {
    // The bucket is chosen by a token's length and eight characters spread over it, none the first
    // of a 17-character token: these differ only there, and all fall in one.
    const tail = 'SAME-LAST-16-CHR'
    const tokens = Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(97 + i)}${tail}`)
    const pending = new Map<string, Array<(answer: unknown) => void>>()
    let calls = 0
    const standIn = {
      introspection: ({ token }: { token: string }) => {
        calls++
        return new Promise((resolve) => {
          const list = pending.get(token) ?? []
          list.push(resolve)
          pending.set(token, list)
        })
      },
    }
    const check = (token: string) => validateAccessToken(standIn as never, bearer(token))
    const first = tokens.map(check)
    expect(calls).toBe(12)
    // A second check of the first eight joins its check; of the last four, its own call.
    const again = tokens.map(check)
    expect(calls).toBe(16)
    for (const token of tokens)
      for (const resolve of pending.get(token) ?? []) resolve({ ...OK, subject: token })
    const results = await Promise.all([...first, ...again])
    expect(results.map((result) => (result as { subject: string }).subject)).toEqual([...tokens, ...tokens])
    expect(tokens.map((token) => pending.get(token)?.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
    // All settled, the bucket is empty: a check of each calls again, and eight share again.
    pending.clear()
    const third = tokens.map(check)
    tokens.map(check)
    expect(calls).toBe(16 + 12 + 4)
    for (const token of tokens)
      for (const resolve of pending.get(token) ?? []) resolve({ ...OK, subject: token })
    await Promise.all(third)
  })

  it('a stand-in that checks the same token while its own call starts: the inner check goes out on its own, both answered', async () => {
    let calls = 0
    let inner: Promise<unknown> | undefined
    const standIn = {
      introspection: () => {
        const call = ++calls
        // Re-entered while the outer check's call is being started: that check has no answer yet.
        if (call === 1) inner = validateAccessToken(standIn as never, bearer())
        return Promise.resolve({ ...OK, subject: `call ${call}` })
      },
    }
    const outer = await validateAccessToken(standIn as never, bearer())
    expect(outer).toMatchObject({ valid: true, subject: 'call 1' })
    expect(await inner).toMatchObject({ valid: true, subject: 'call 2' })
    expect(calls).toBe(2)
  })

  it.each([
    [
      'with a fixed suffix (random, then ".prod01")',
      (i: number) => `k${String(i * 7919).padStart(6, '0')}Qz9xyz.prod01`,
    ],
    [
      'that differ in their last two characters (a counter)',
      (i: number) => `C4SrUTijIj2IxqE1xBASr3dxQWgso3BpY49g8Cy00${String(i).padStart(2, '0')}`,
    ],
  ])('tokens of one format %s: each token’s checks share one call', async (_, tokenOf) => {
    let calls = 0
    const standIn = {
      introspection: ({ token }: { token: string }) => {
        calls++
        return new Promise((resolve) => setTimeout(resolve, 5, { ...OK, subject: token }))
      },
    }
    const tokens = Array.from({ length: 12 }, (_, i) => tokenOf(i))
    const checks = [0, 1, 2].flatMap(() =>
      tokens.map((token) => validateAccessToken(standIn as never, bearer(token))),
    )
    const results = await Promise.all(checks)
    expect(calls).toBe(12)
    expect(results.map((result) => (result as { subject: string }).subject)).toEqual([
      ...tokens,
      ...tokens,
      ...tokens,
    ])
  })

  it('a client’s introspection is read once per call made: not for a check that joins one or is answered from what was kept', async () => {
    let reads = 0
    const standIn = {
      get introspection() {
        reads++
        return () => Promise.resolve({ ...OK, expiresAt: Date.now() + 60_000 })
      },
    }
    const [a, b] = [
      validateAccessToken(standIn as never, bearer()),
      validateAccessToken(standIn as never, bearer()),
    ]
    await Promise.all([a, b])
    expect(reads).toBe(1)
    await validateAccessToken(standIn as never, bearer('at-9'), { cacheMs: 60_000 })
    await validateAccessToken(standIn as never, bearer('at-9'), { cacheMs: 60_000 })
    expect(reads).toBe(2)
  })

  it('scopes whose length is not an array length (a Proxy): read as a loop reads them, none sent for a length that is no number', async () => {
    env.answers[INTROSPECTION] = OK
    const scopes = new Proxy(['read', 'write'], {
      get: (target, key, receiver) => (key === 'length' ? 'admin' : Reflect.get(target, key, receiver)),
    })
    expect(await validateAccessToken(env.authlete, bearer(), { scopes })).toMatchObject({ valid: true })
    expect(env.calls[0]?.fields).toEqual({ token: 'at-1', scopes: [] })
  })

  it('a check settling in the middle of its bucket leaves the ones above and below it found', async () => {
    const tail = 'SAME-LAST-16-CHR'
    const [a, b, c] = ['a', 'b', 'c'].map((head) => `${head}${tail}`) as [string, string, string]
    const pending = new Map<string, (answer: unknown) => void>()
    let calls = 0
    const standIn = {
      introspection: ({ token }: { token: string }) => {
        calls++
        return new Promise((resolve) => pending.set(token, resolve))
      },
    }
    const check = (token: string) => validateAccessToken(standIn as never, bearer(token))
    const first = [a, b, c].map(check)
    pending.get(b)?.({ ...OK, subject: b })
    await expect(first[1]).resolves.toMatchObject({ subject: b })
    const joined = [check(a), check(c)]
    expect(calls).toBe(3)
    pending.get(a)?.({ ...OK, subject: a })
    pending.get(c)?.({ ...OK, subject: c })
    expect(await Promise.all([first[0], first[2], ...joined])).toMatchObject([
      { subject: a },
      { subject: c },
      { subject: a },
      { subject: c },
    ])
    const later = check(b)
    expect(calls).toBe(4)
    pending.get(b)?.({ ...OK, subject: 'b again' })
    await expect(later).resolves.toMatchObject({ subject: 'b again' })
  })

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'an action named like an Object.prototype member (%s): 500 with the error, never a function as status',
    async (action) => {
      env.answers[INTROSPECTION] = { action }
      expect(await validateAccessToken(authlete, bearer())).toEqual({
        valid: false,
        status: 500,
        headers: NO_STORE,
        body: '',
        error: expect.any(AuthleteResponseError),
      })
    },
  )

  it('the DPoP scheme without a proof: 401 with a DPoP challenge (RFC 9449 §7.1), Authlete not asked', async () => {
    expect(await validateAccessToken(authlete, { ...bearer(), authorization: 'DPoP at-1' })).toEqual({
      valid: false,
      status: 401,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate':
          'DPoP error="invalid_dpop_proof",error_description="The DPoP scheme needs a DPoP proof."',
      },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })

  it('a token in the query string, percent-encoded: 400 all the same', async () => {
    const result = await validateAccessToken(authlete, { ...bearer(), url: `${URL_ME}?access%5Ftoken=at` })
    expect(result).toMatchObject({ valid: false, status: 400 })
    expect(env.paths()).toEqual([])
  })
})
