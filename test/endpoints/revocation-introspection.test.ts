// handleRevocationRequest and handleIntrospectionRequest against a loopback stand-in Authlete that
// records every call: each answer mapped as Authlete's Java RevocationRequestHandler and
// IntrospectionRequestHandler map it, the client's or caller's authentication before any call,
// errors with their stage, and the Fetch API variants.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type AuthleteClient,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  handleIntrospectionRequest,
  handleIntrospectionWebRequest,
  handleRevocationRequest,
  handleRevocationWebRequest,
  type IntrospectionRequestHooks,
  type IntrospectionRequestStage,
  type RevocationRequestStage,
} from '../../src/index.js'
import { basic } from '../helpers/basic.js'
import {
  type EndpointStandIn,
  startEndpointStandIn,
  unreachableAuthlete,
} from '../helpers/endpoint-stand-in.js'

const REVOCATION = '/auth/revocation'
const STANDARD = '/auth/introspection/standard'
const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const SERVER_ERROR = '{"error":"server_error"}'

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

async function down() {
  return unreachableAuthlete()
}

describe('handleRevocationRequest', () => {
  function recorded() {
    const errors: Array<[unknown, RevocationRequestStage]> = []
    return {
      hooks: { onError: (error: unknown, stage: RevocationRequestStage) => errors.push([error, stage]) },
      errors,
    }
  }

  it('OK: 200 with an empty body (RFC 7009 §2.2); the body as parameters and the Basic credentials passed on', async () => {
    env.answers[REVOCATION] = { action: 'OK', resultCode: 'A113001' }
    const answer = await handleRevocationRequest(authlete, {
      body: { token: 'rt-1', token_type_hint: 'refresh_token' },
      authorization: basic('rp', 's+1'),
    })
    expect(answer).toEqual({
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: '',
    })
    expect(fieldsOf(REVOCATION)).toEqual({
      parameters: 'token=rt-1&token_type_hint=refresh_token',
      clientId: 'rp',
      clientSecret: 's+1',
    })
  })

  it('OK with a JSONP callback’s script: 200 application/javascript with it', async () => {
    env.answers[REVOCATION] = { action: 'OK', responseContent: 'cb();' }
    expect(
      await handleRevocationRequest(authlete, { body: 'token=a&callback=cb', authorization: undefined }),
    ).toEqual({
      status: 200,
      headers: {
        'Content-Type': 'application/javascript;charset=UTF-8',
        'Cache-Control': 'no-store',
        Pragma: 'no-cache',
      },
      body: 'cb();',
    })
  })

  it.each([
    ['BAD_REQUEST', 400, {}],
    ['INVALID_CLIENT', 401, { 'WWW-Authenticate': 'Basic realm="revocation"' }],
    ['INTERNAL_SERVER_ERROR', 500, {}],
  ])('%s: %i with Authlete’s JSON', async (action, status, extra) => {
    const content = '{"error":"x","error_description":"y"}'
    env.answers[REVOCATION] = { action, responseContent: content }
    expect(await handleRevocationRequest(authlete, { body: 'token=a', authorization: undefined })).toEqual({
      status,
      headers: { ...JSON_HEADERS, ...extra },
      body: content,
    })
  })

  it('a malformed Basic header: 401 invalid_client with the Basic challenge, Authlete not called', async () => {
    const { hooks, errors } = recorded()
    expect(
      await handleRevocationRequest(authlete, { body: 'token=a', authorization: 'Basic !!!' }, hooks),
    ).toEqual({
      status: 401,
      headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Basic realm="revocation"' },
      body: '{"error":"invalid_client"}',
    })
    expect(env.paths()).toEqual([])
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'clientAuthentication']])
  })

  it('an empty body: 400 invalid_request before any call; an unknown action: 500 server_error', async () => {
    const { hooks, errors } = recorded()
    expect(
      (await handleRevocationRequest(authlete, { body: '', authorization: undefined }, hooks)).status,
    ).toBe(400)
    expect(env.paths()).toEqual([])
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'revocation']])
    env.answers[REVOCATION] = { action: 'FUTURE' }
    const unknown = recorded()
    expect(
      await handleRevocationRequest(authlete, { body: 'token=a', authorization: undefined }, unknown.hooks),
    ).toEqual({
      status: 500,
      headers: JSON_HEADERS,
      body: SERVER_ERROR,
    })
    expect(unknown.errors).toEqual([[expect.any(AuthleteResponseError), 'revocation']])
    expect((unknown.errors[0] as [AuthleteResponseError, unknown])[0].message).toBe(
      'Unusable answer from Authlete (revocation): an action this version does not know, FUTURE',
    )
  })

  it('Authlete unreachable: 500 server_error, onError(AuthleteNetworkError, revocation)', async () => {
    await using client = await down()
    const { hooks, errors } = recorded()
    expect(
      (await handleRevocationRequest(client, { body: 'token=a', authorization: undefined }, hooks)).status,
    ).toBe(500)
    expect(errors).toEqual([[expect.any(AuthleteNetworkError), 'revocation']])
  })

  it('the framework’s whole request object: 500, reported at request, Authlete not called', async () => {
    const { hooks, errors } = recorded()
    const req = { body: 'token=a', authorization: undefined, headers: {} }
    expect((await handleRevocationRequest(authlete, req as never, hooks)).status).toBe(500)
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
    expect(env.paths()).toEqual([])
  })

  it('the Fetch variants with options that cannot be read: a 500, never a rejection', async () => {
    const options = {
      get signal(): never {
        throw new Error('getter')
      },
    }
    const request = () =>
      new Request('https://as.example.com/x', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=a',
      })
    expect((await handleRevocationWebRequest(authlete, request(), {}, options as never)).status).toBe(500)
    const introspected = await handleIntrospectionWebRequest(
      authlete,
      request(),
      { authenticateCaller: () => true },
      options as never,
    )
    expect(introspected.status).toBe(500)
    expect(env.paths()).toEqual([])
  })

  it('handleRevocationWebRequest: the body and the Authorization header of the Request', async () => {
    env.answers[REVOCATION] = { action: 'OK' }
    const response = await handleRevocationWebRequest(
      authlete,
      new Request('https://as.example.com/revoke', {
        method: 'POST',
        headers: { authorization: basic('rp', 'pw'), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=at-9',
      }),
    )
    expect(response.status).toBe(200)
    // An empty body has no type: a Response made from '' would say text/plain.
    expect(response.headers.get('content-type')).toBeNull()
    expect(await response.text()).toBe('')
    expect(fieldsOf(REVOCATION)).toEqual({ parameters: 'token=at-9', clientId: 'rp', clientSecret: 'pw' })
  })
})

describe('handleIntrospectionRequest', () => {
  function recorded(authenticateCaller: IntrospectionRequestHooks['authenticateCaller'] = () => true) {
    const errors: Array<[unknown, IntrospectionRequestStage]> = []
    const hook = vi.fn(authenticateCaller)
    const hooks: IntrospectionRequestHooks = {
      authenticateCaller: hook,
      onError: (error, stage) => {
        errors.push([error, stage])
      },
    }
    return { hooks, errors, hook }
  }

  it('the caller first; then OK: 200 application/json with the RFC 7662 answer; the body, rsUri and Accept passed on', async () => {
    env.answers[STANDARD] = { action: 'OK', responseContent: '{"active":true,"sub":"john"}' }
    const { hooks, hook } = recorded(() => ({ rsUri: 'https://api.example.com' }))
    const answer = await handleIntrospectionRequest(
      authlete,
      { body: { token: 'at-1' }, authorization: basic('rs', 'rs-secret'), accept: 'application/json' },
      hooks,
    )
    expect(answer).toEqual({ status: 200, headers: JSON_HEADERS, body: '{"active":true,"sub":"john"}' })
    expect(hook).toHaveBeenCalledWith({ authorization: basic('rs', 'rs-secret'), parameters: 'token=at-1' })
    expect(fieldsOf(STANDARD)).toEqual({
      parameters: 'token=at-1',
      rsUri: 'https://api.example.com',
      httpAcceptHeader: 'application/json',
    })
  })

  it('JWT: 200 application/token-introspection+jwt (RFC 9701)', async () => {
    env.answers[STANDARD] = { action: 'JWT', responseContent: 'h.p.s' }
    const { hooks } = recorded()
    expect(
      await handleIntrospectionRequest(
        authlete,
        { body: 'token=a', authorization: undefined, accept: 'application/token-introspection+jwt' },
        hooks,
      ),
    ).toEqual({
      status: 200,
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/token-introspection+jwt' },
      body: 'h.p.s',
    })
  })

  it('a caller the hook refuses: 401 invalid_client, Authlete never called', async () => {
    const { hooks, errors } = recorded(async () => false)
    expect(
      await handleIntrospectionRequest(authlete, { body: 'token=a', authorization: undefined }, hooks),
    ).toEqual({
      status: 401,
      headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Basic realm="introspection"' },
      body: '{"error":"invalid_client"}',
    })
    expect(env.paths()).toEqual([])
    expect(errors).toEqual([])
  })

  it('a hook that throws or answers nonsense: 500, onError at authenticateCaller, Authlete not called', async () => {
    for (const authenticateCaller of [
      () => {
        throw new Error('db down')
      },
      () => 'yes' as never,
    ]) {
      const { hooks, errors } = recorded(authenticateCaller)
      expect(
        (await handleIntrospectionRequest(authlete, { body: 'token=a', authorization: undefined }, hooks))
          .status,
      ).toBe(500)
      expect(errors).toEqual([[expect.any(Error), 'authenticateCaller']])
    }
    expect(env.paths()).toEqual([])
  })

  it.each([
    ['an array', []],
    ['an error', new Error('denied')],
    ['{ allowed: false }', { allowed: false }],
    ['{ rsUri, ok: false }', { rsUri: 'https://rs.example', ok: false }],
    ['{ rsUri: 42 }', { rsUri: 42 }],
  ])('a hook answering %s fails closed: 500, Authlete not called', async (_what, verdict) => {
    const { hooks, errors } = recorded(() => verdict as never)
    expect(
      (await handleIntrospectionRequest(authlete, { body: 'token=a', authorization: undefined }, hooks))
        .status,
    ).toBe(500)
    expect(errors).toEqual([[expect.any(TypeError), 'authenticateCaller']])
    expect(env.paths()).toEqual([])
  })

  it.each([
    ['BAD_REQUEST', 400],
    ['INTERNAL_SERVER_ERROR', 500],
  ])('%s: %i with Authlete’s JSON', async (action, status) => {
    env.answers[STANDARD] = { action, responseContent: '{"error":"invalid_request"}' }
    const { hooks } = recorded()
    expect(
      await handleIntrospectionRequest(authlete, { body: 'token=a', authorization: undefined }, hooks),
    ).toEqual({
      status,
      headers: JSON_HEADERS,
      body: '{"error":"invalid_request"}',
    })
  })

  it('an empty body: 400 invalid_request after the caller is known, Authlete not called; onError at introspectionStandard', async () => {
    const { hooks, errors, hook } = recorded()
    expect(
      await handleIntrospectionRequest(
        authlete,
        { body: '', authorization: basic('rs', 'rs-secret') },
        hooks,
      ),
    ).toEqual({ status: 400, headers: JSON_HEADERS, body: '{"error":"invalid_request"}' })
    expect(hook).toHaveBeenCalledTimes(1)
    expect(env.paths()).toEqual([])
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'introspectionStandard']])
  })

  it('an action this version does not know: 500 server_error, onError at introspectionStandard', async () => {
    env.answers[STANDARD] = { action: 'FUTURE', responseContent: '{"active":true}' }
    const { hooks, errors } = recorded()
    expect(
      await handleIntrospectionRequest(authlete, { body: 'token=a', authorization: undefined }, hooks),
    ).toEqual({ status: 500, headers: JSON_HEADERS, body: SERVER_ERROR })
    expect(errors).toEqual([[expect.any(AuthleteResponseError), 'introspectionStandard']])
    expect((errors[0] as [AuthleteResponseError, unknown])[0].message).toBe(
      'Unusable answer from Authlete (introspectionStandard): an action this version does not know, FUTURE',
    )
  })

  it('Authlete unreachable: 500 server_error, onError(AuthleteNetworkError, introspectionStandard)', async () => {
    await using client = await down()
    const { hooks, errors } = recorded()
    expect(
      await handleIntrospectionRequest(client, { body: 'token=a', authorization: undefined }, hooks),
    ).toEqual({
      status: 500,
      headers: JSON_HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(AuthleteNetworkError), 'introspectionStandard']])
  })

  it('handleIntrospectionWebRequest: the body, the Authorization and Accept headers of the Request', async () => {
    env.answers[STANDARD] = { action: 'OK', responseContent: '{"active":false}' }
    const { hooks, hook } = recorded()
    const response = await handleIntrospectionWebRequest(
      authlete,
      new Request('https://as.example.com/introspect', {
        method: 'POST',
        headers: {
          authorization: basic('rs', 'x'),
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'token=zzz',
      }),
      hooks,
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ active: false })
    expect(hook).toHaveBeenCalledWith({ authorization: basic('rs', 'x'), parameters: 'token=zzz' })
    expect(fieldsOf(STANDARD)).toEqual({ parameters: 'token=zzz', httpAcceptHeader: 'application/json' })
  })
})
