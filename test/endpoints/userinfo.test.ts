// handleUserInfoRequest against a loopback stand-in Authlete that records every call: where the
// token is read from, each answer of /auth/userinfo and /auth/userinfo/issue mapped as Authlete's
// Java UserInfoRequestHandler maps it, the claims hook (only the names Authlete allows, never sub),
// errors with their stage, the deadline, and the Fetch API variant.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AuthleteAbortError,
  type AuthleteClient,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  handleUserInfoRequest,
  handleUserInfoWebRequest,
  type UserInfoRequestHooks,
  type UserInfoRequestStage,
} from '../../src/index.js'
import {
  type EndpointStandIn,
  startEndpointStandIn,
  unreachableAuthlete,
} from '../helpers/endpoint-stand-in.js'

const USERINFO = '/auth/userinfo'
const ISSUE = '/auth/userinfo/issue'
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const OK = {
  action: 'OK',
  subject: 'john',
  scopes: ['openid', 'email'],
  claims: ['email', 'email_verified', 'name#ja'],
  clientId: 1001,
}

let env: EndpointStandIn
let authlete: AuthleteClient
beforeAll(async () => {
  env = await startEndpointStandIn()
  authlete = env.authlete
})
afterAll(async () => {
  await env.close()
})
beforeEach(() => {
  env.reset()
})

const fieldsOf = (path: string) => env.calls.find((call) => call.path === path)?.fields

function recorded(claims: UserInfoRequestHooks['claims'] = () => ({ email: 'john@example.com' })) {
  const errors: Array<[unknown, UserInfoRequestStage]> = []
  const claimsHook = vi.fn(claims)
  const hooks: UserInfoRequestHooks = {
    claims: claimsHook,
    onError: (error, stage) => {
      errors.push([error, stage])
    },
  }
  return { hooks, errors, claimsHook }
}

const get = (authorization: string | undefined, dpop?: string) => ({
  method: 'GET',
  authorization,
  dpop,
})

describe('the access token, as the request carries it', () => {
  it('Bearer: /auth/userinfo with the token only, no proof, htm or htu', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded()
    const answer = await handleUserInfoRequest(authlete, get('Bearer at-1', 'a-proof'), hooks, {
      htu: 'https://as.example.com/userinfo',
    })
    expect(answer.status).toBe(200)
    // A proof sent with the Bearer scheme is not passed on (RFC 9449 §7.2).
    expect(fieldsOf(USERINFO)).toEqual({ token: 'at-1' })
  })

  it('DPoP: the proof, the method as htm and the htu given', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded()
    await handleUserInfoRequest(
      authlete,
      { method: 'post', authorization: 'dpop at-2', dpop: 'p.r.oof' },
      hooks,
      {
        htu: 'https://as.example.com/userinfo',
      },
    )
    expect(fieldsOf(USERINFO)).toEqual({
      token: 'at-2',
      dpop: 'p.r.oof',
      htm: 'POST',
      htu: 'https://as.example.com/userinfo',
    })
  })

  it('a form POST’s access_token when there is no Authorization header; never on a GET', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded()
    const body = { access_token: 'at-3' }
    expect(
      (
        await handleUserInfoRequest(
          authlete,
          { method: 'POST', authorization: undefined, dpop: undefined, body },
          hooks,
        )
      ).status,
    ).toBe(200)
    expect(fieldsOf(USERINFO)).toEqual({ token: 'at-3' })
    env.reset()
    const onGet = await handleUserInfoRequest(
      authlete,
      { method: 'GET', authorization: undefined, dpop: undefined, body },
      hooks,
    )
    expect(onGet).toEqual({ status: 401, headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' }, body: '' })
    expect(env.paths()).toEqual([])
  })

  it('no token: 401 with a bare Bearer challenge (RFC 6750 §3.1), Authlete not called', async () => {
    const { hooks, errors } = recorded()
    expect(await handleUserInfoRequest(authlete, get(undefined), hooks)).toEqual({
      status: 401,
      headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
      body: '',
    })
    expect(env.paths()).toEqual([])
    expect(errors).toEqual([])
  })

  it.each([
    ['two ways at once', 'Bearer at', { access_token: 'at' }, 'The access token must be sent one way only.'],
    [
      'another scheme',
      'Basic YTpi',
      undefined,
      'The Authorization header must use the Bearer or DPoP scheme.',
    ],
    ['a token that is no b64token', 'Bearer a b', undefined, 'The access token is malformed.'],
    ['a scheme with no token', 'Bearer', undefined, 'The access token is malformed.'],
  ])('%s: 400 invalid_request, Authlete not called', async (_what, authorization, body, description) => {
    const { hooks } = recorded()
    const answer = await handleUserInfoRequest(
      authlete,
      { method: 'POST', authorization, dpop: undefined, body },
      hooks,
    )
    expect(answer).toEqual({
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
    const { hooks } = recorded()
    const answer = await handleUserInfoRequest(
      authlete,
      { method: 'GET', authorization: 'DPoP a b', dpop: 'a-proof', body: undefined },
      hooks,
    )
    expect(answer).toEqual({
      status: 400,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate': 'DPoP error="invalid_request",error_description="The access token is malformed."',
      },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })
})

describe('the answers of /auth/userinfo, mapped', () => {
  it.each([
    ['BAD_REQUEST', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['INTERNAL_SERVER_ERROR', 500],
  ])(
    '%s: %i with WWW-Authenticate from responseContent, no body, no-store, DPoP-Nonce; no hook, no issue',
    async (action, status) => {
      const challenge = 'DPoP error="invalid_token",error_description="expired",algs="ES256"'
      env.answers[USERINFO] = { action, responseContent: challenge, dpopNonce: 'n-1' }
      const { hooks, claimsHook } = recorded()
      expect(await handleUserInfoRequest(authlete, get('DPoP at', 'proof'), hooks)).toEqual({
        status,
        headers: { ...NO_STORE, 'WWW-Authenticate': challenge, 'DPoP-Nonce': 'n-1' },
        body: '',
      })
      expect(claimsHook).not.toHaveBeenCalled()
      expect(env.paths()).toEqual([USERINFO])
    },
  )

  it('an action this version does not know: 500 with no detail; onError told at the call that gave it', async () => {
    env.answers[USERINFO] = { action: 'FUTURE', responseContent: 'Bearer error="x"' }
    const { hooks, errors } = recorded()
    expect(await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).toEqual({
      status: 500,
      headers: NO_STORE,
      body: '',
    })
    expect(errors).toEqual([[expect.any(AuthleteResponseError), 'userinfo']])
    const [error] = errors[0] as [AuthleteResponseError, UserInfoRequestStage]
    expect(error.code).toBe('AUTHLETE_RESPONSE_INVALID')
    expect(error.message).toBe(
      'Unusable answer from Authlete (userinfo): an action this version does not know, FUTURE',
    )
    expect(error.issues).toEqual([
      { path: ['action'], message: 'an action this version does not know: FUTURE' },
    ])

    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'FUTURE_ISSUE', responseContent: '{"sub":"john"}' }
    const issued = recorded()
    expect((await handleUserInfoRequest(authlete, get('Bearer at'), issued.hooks)).status).toBe(500)
    expect(issued.errors).toEqual([[expect.any(AuthleteResponseError), 'userinfoIssue']])
  })
})

describe('OK: the claims hook, then /auth/userinfo/issue', () => {
  it('the hook gets the subject, the names Authlete allows, the scopes, the client and the locales the names carry', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john","email":"john@example.com"}' }
    const { hooks, claimsHook } = recorded()
    await handleUserInfoRequest(authlete, get('Bearer at'), hooks)
    expect(claimsHook).toHaveBeenCalledWith({
      subject: 'john',
      claimNames: ['email', 'email_verified', 'name#ja'],
      scopes: ['openid', 'email'],
      clientId: 1001,
      claimsLocales: ['ja'],
      answer: expect.objectContaining({ action: 'OK', subject: 'john' }),
    })
  })

  it('only the allowed names with a value go to /issue: not sub, not an extra claim, not undefined or null', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john","email":"john@example.com"}' }
    const { hooks } = recorded(() => ({
      sub: 'mallory',
      email: 'john@example.com',
      email_verified: null,
      'name#ja': undefined,
      phone_number: '+1 555',
    }))
    const answer = await handleUserInfoRequest(authlete, get('Bearer at'), hooks)
    expect(answer).toEqual({
      status: 200,
      headers: { 'Content-Type': 'application/json;charset=UTF-8', ...NO_STORE },
      body: '{"sub":"john","email":"john@example.com"}',
    })
    expect(fieldsOf(ISSUE)).toEqual({ token: 'at', claims: '{"email":"john@example.com"}' })
  })

  it('no claims at all (undefined, or none allowed): /issue without claims', async () => {
    env.answers[USERINFO] = { ...OK, claims: undefined }
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded(() => ({ email: 'john@example.com' }))
    await handleUserInfoRequest(authlete, get('Bearer at'), hooks)
    expect(fieldsOf(ISSUE)).toEqual({ token: 'at' })
    env.reset()
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    await handleUserInfoRequest(authlete, get('Bearer at'), recorded(() => undefined).hooks)
    expect(fieldsOf(ISSUE)).toEqual({ token: 'at' })
  })

  it('JWT: 200 application/jwt (a signed response); the DPoP-Nonce of /auth/userinfo', async () => {
    env.answers[USERINFO] = { ...OK, dpopNonce: 'n-2' }
    env.answers[ISSUE] = { action: 'JWT', responseContent: 'h.p.s' }
    const { hooks } = recorded()
    expect(await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).toEqual({
      status: 200,
      headers: { 'Content-Type': 'application/jwt', ...NO_STORE, 'DPoP-Nonce': 'n-2' },
      body: 'h.p.s',
    })
  })

  it.each([
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['BAD_REQUEST', 400],
    ['INTERNAL_SERVER_ERROR', 500],
  ])('/issue answering %s: %i with its challenge', async (action, status) => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action, responseContent: 'Bearer error="invalid_token"' }
    const { hooks } = recorded()
    expect(await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).toEqual({
      status,
      headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      body: '',
    })
  })

  it('a hook that throws, or returns something other than an object: 500, onError at claims, no /issue', async () => {
    for (const claims of [
      () => {
        throw new Error('db down')
      },
      () => 'john@example.com' as never,
      () => [['email', 'x']] as never,
    ]) {
      env.reset()
      env.answers[USERINFO] = OK
      const { hooks, errors } = recorded(claims)
      expect(await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).toEqual({
        status: 500,
        headers: NO_STORE,
        body: '',
      })
      expect(errors).toEqual([[expect.any(Error), 'claims']])
      expect(env.paths()).toEqual([USERINFO])
    }
  })

  it('a hook that outlives flowTimeoutMs: 500 at the deadline, AuthleteAbortError at claims', async () => {
    env.answers[USERINFO] = OK
    const { hooks, errors } = recorded(() => new Promise(() => {}))
    const started = performance.now()
    const answer = await handleUserInfoRequest(authlete, get('Bearer at'), hooks, { flowTimeoutMs: 50 })
    expect(answer.status).toBe(500)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(errors).toEqual([[expect.any(AuthleteAbortError), 'claims']])
    // The deadline ended it, not the caller: the message says which.
    expect((errors[0] as [AuthleteAbortError, unknown])[0].message).toBe(
      "The call was ended by a deadline: The flow's flowTimeoutMs of 50 ms passed",
    )
  })
})

describe('Authlete failing, and arguments that are not what they should be', () => {
  it('Authlete unreachable: 500 with no detail, onError(AuthleteNetworkError, userinfo)', async () => {
    await using down = await unreachableAuthlete()
    const { hooks, errors } = recorded()
    expect(await handleUserInfoRequest(down, get('Bearer at'), hooks)).toEqual({
      status: 500,
      headers: NO_STORE,
      body: '',
    })
    expect(errors).toEqual([[expect.any(AuthleteNetworkError), 'userinfo']])
  })

  it('the framework’s whole request object: 500, onError(AuthleteInputError, request), Authlete not called', async () => {
    const { hooks, errors } = recorded()
    const req = { method: 'GET', authorization: 'Bearer at', dpop: undefined, headers: {} }
    expect((await handleUserInfoRequest(authlete, req as never, hooks)).status).toBe(500)
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
    expect(errors[0]?.[0]).toMatchObject({ field: 'headers' })
    expect(env.paths()).toEqual([])
  })

  it('no input at all: 500, reported at request, never a rejection', async () => {
    const { hooks, errors } = recorded()
    expect((await handleUserInfoRequest(authlete, null as never, hooks)).status).toBe(500)
    expect(errors.map(([, stage]) => stage)).toEqual(['request'])
  })
})

describe('handleUserInfoWebRequest: the Fetch API variant', () => {
  it('GET with a Bearer header: the same answer as a Response', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded()
    const response = await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo', { headers: { authorization: 'Bearer at-w' } }),
      hooks,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(await response.text()).toBe('{"sub":"john"}')
    expect(fieldsOf(USERINFO)).toEqual({ token: 'at-w' })
  })

  it('no token: 401 with a bare challenge and no body, so no Content-Type', async () => {
    const { hooks } = recorded()
    const response = await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo'),
      hooks,
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(response.headers.get('content-type')).toBeNull()
    expect(await response.text()).toBe('')
  })

  it('a form POST: the body’s access_token; DPoP with its header', async () => {
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    const { hooks } = recorded()
    await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'access_token=at-f',
      }),
      hooks,
    )
    expect(fieldsOf(USERINFO)).toEqual({ token: 'at-f' })
    env.reset()
    env.answers[USERINFO] = OK
    env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
    await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo', { headers: { authorization: 'DPoP at-d', dpop: 'pr' } }),
      hooks,
      { htu: 'https://as.example.com/userinfo' },
    )
    expect(fieldsOf(USERINFO)).toEqual({
      token: 'at-d',
      dpop: 'pr',
      htm: 'GET',
      htu: 'https://as.example.com/userinfo',
    })
  })

  it('a body over 1 MiB: 400 invalid_request, reported at request', async () => {
    const { hooks, errors } = recorded()
    const response = await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(2 ** 21) },
        body: 'access_token=x',
      }),
      hooks,
    )
    expect(response.status).toBe(400)
    expect(errors.map(([, stage]) => stage)).toEqual(['request'])
    expect(env.paths()).toEqual([])
  })
})

describe('requests a careful endpoint refuses, and claims as a server may hold them (a review’s findings)', () => {
  it('the DPoP scheme without a proof: 401 with a DPoP challenge, Authlete not asked', async () => {
    const { hooks } = recorded()
    expect(await handleUserInfoRequest(authlete, get('DPoP at'), hooks)).toEqual({
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

  it.each([
    ['access_token twice', 'access_token=a&access_token=b', 'The access token must be sent one way only.'],
    ['as a list', { access_token: ['a', 'b'] }, 'The access token must be sent one way only.'],
    ['a nested value', { access_token: { a: 'b' } }, 'The request body is not a form.'],
  ])('a form body with %s: 400 invalid_request, Authlete not asked', async (_what, body, description) => {
    const { hooks } = recorded()
    const answer = await handleUserInfoRequest(
      authlete,
      { method: 'POST', authorization: undefined, dpop: undefined, body: body as never },
      hooks,
    )
    expect(answer).toEqual({
      status: 400,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate': `Bearer error="invalid_request",error_description="${description}"`,
      },
      body: '',
    })
    expect(env.paths()).toEqual([])
  })

  it.each(['PUT', 'DELETE', undefined])('method %s: 405 with Allow: GET, POST', async (method) => {
    const { hooks } = recorded()
    const answer = await handleUserInfoRequest(
      authlete,
      { method: method as never, authorization: 'Bearer at', dpop: undefined },
      hooks,
    )
    expect(answer).toEqual({ status: 405, headers: { ...NO_STORE, Allow: 'GET, POST' }, body: '' })
    expect(env.paths()).toEqual([])
  })

  it('claims held in a Map or behind a class’s getters are read; functions and Object.prototype names are not', async () => {
    class Profile {
      get email() {
        return 'john@example.com'
      }
      email_verified() {
        return true
      }
    }
    for (const claims of [new Map<string, unknown>([['email', 'john@example.com']]), new Profile()]) {
      env.reset()
      env.answers[USERINFO] = { ...OK, claims: ['email', 'email_verified', 'constructor', 'toString'] }
      env.answers[ISSUE] = { action: 'JSON', responseContent: '{"sub":"john"}' }
      await handleUserInfoRequest(authlete, get('Bearer at'), recorded(() => claims as never).hooks)
      expect(fieldsOf(ISSUE)).toEqual({ token: 'at', claims: '{"email":"john@example.com"}' })
    }
  })

  it('a claim getter that throws is the hook’s error: 500, reported at claims, no /issue', async () => {
    env.answers[USERINFO] = OK
    const { hooks, errors } = recorded(() => ({
      get email(): string {
        throw new Error('db down')
      },
    }))
    expect((await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).status).toBe(500)
    expect(errors).toEqual([[expect.any(Error), 'claims']])
    expect(env.paths()).toEqual([USERINFO])
  })

  it.each(['toString', '__proto__'])(
    'an action named %s: 500, never a function as status',
    async (action) => {
      env.answers[USERINFO] = { action }
      const { hooks } = recorded()
      expect(await handleUserInfoRequest(authlete, get('Bearer at'), hooks)).toEqual({
        status: 500,
        headers: NO_STORE,
        body: '',
      })
    },
  )

  it('a hook that ends the caller’s signal itself and never settles: 500 at once, not a hang', async () => {
    env.answers[USERINFO] = OK
    const stop = new AbortController()
    const { hooks, errors } = recorded(() => {
      stop.abort(new Error('shutting down'))
      return new Promise(() => {})
    })
    const answer = await handleUserInfoRequest(authlete, get('Bearer at'), hooks, {
      signal: stop.signal,
      flowTimeoutMs: 60_000,
    })
    expect(answer.status).toBe(500)
    expect(errors).toEqual([[expect.any(AuthleteAbortError), 'claims']])
    // The caller's signal ended it, not a deadline: the message says which.
    expect((errors[0] as [AuthleteAbortError, unknown])[0].message).toBe('The call was aborted by the caller')
  })

  it('the Fetch variant with options that cannot be read: a 500, never a rejection', async () => {
    const { hooks, errors } = recorded()
    const options = {
      get signal(): never {
        throw new Error('getter')
      },
    }
    const response = await handleUserInfoWebRequest(
      authlete,
      new Request('https://as.example.com/userinfo', { headers: { authorization: 'Bearer at' } }),
      hooks,
      options as never,
    )
    expect(response.status).toBe(500)
    expect(errors.map(([, stage]) => stage)).toEqual(['request'])
  })
})
