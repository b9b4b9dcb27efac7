// The default handlers of the token calls (/auth/token, /auth/token/issue, /auth/token/fail,
// /service/configuration, /service/jwks/get) and their answer factories: Authlete's checks first,
// then an answer that agrees with the vendor's token documents (v3 and v2), through Prism's validator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  authleteHandlers,
  serviceConfigurationApiError,
  serviceConfigurationUnknownAction,
  serviceJwksAsAuthlete,
  setupAuthleteServer,
  tokenApiError,
  tokenBadRequest,
  tokenFailInvalidTicket,
  tokenInternalServerError,
  tokenInvalidClient,
  tokenIssueInvalidTicket,
  tokenOk,
  tokenPassword,
  tokenUnknownAction,
} from '../../mocks/index.js'
import { checkTokenResponse, type Spec } from '../helpers/prism.js'

const server = setupAuthleteServer(...authleteHandlers())
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const BASE: Record<Spec, string> = {
  v3: 'https://us.authlete.com/api/715948317',
  v2: 'https://api.authlete.com/api',
}
const AUTHORIZATION: Record<Spec, string> = { v3: 'Bearer t', v2: `Basic ${btoa('k:s')}` }

async function call(spec: Spec, method: 'GET' | 'POST', path: string, fields?: Record<string, string>) {
  const response = await fetch(`${BASE[spec]}${path}`, {
    method,
    headers: { authorization: AUTHORIZATION[spec], 'content-type': 'application/x-www-form-urlencoded' },
    ...(fields === undefined ? {} : { body: new URLSearchParams(fields) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** The answer, once Prism found no violation of `spec`'s token document in it. */
async function checked(spec: Spec, method: 'GET' | 'POST', path: string, fields?: Record<string, string>) {
  const answer = await call(spec, method, path, fields)
  const operation = method === 'GET' ? 'get' : 'post'
  expect(await checkTokenResponse(spec, operation, path, answer.status, answer.body)).toEqual([])
  return answer
}

describe.each<Spec>(['v3', 'v2'])('the default token handlers, %s', (spec) => {
  it('/auth/token: OK with fresh tokens and no ID token; 400 without parameters; 401 without Authorization', async () => {
    const { body } = await checked(spec, 'POST', '/auth/token', { parameters: 'grant_type=x' })
    expect(body).toMatchObject({ action: 'OK', grantType: 'CIBA', subject: 'john' })
    expect(JSON.parse(body.responseContent as string)).toEqual({
      access_token: body.accessToken,
      refresh_token: body.refreshToken,
      scope: 'openid',
      token_type: 'Bearer',
      expires_in: 3600,
    })
    expect((await call(spec, 'POST', '/auth/token', { parameters: 'x' })).body.accessToken).not.toBe(
      body.accessToken,
    )
    expect(await checked(spec, 'POST', '/auth/token', { clientId: 'c' })).toEqual({
      status: 400,
      body: {
        resultCode: 'A300201',
        resultMessage: "[A300201] The request does not contain a 'parameters' parameter.",
      },
    })
    const bare = await fetch(`${BASE[spec]}/auth/token`, { method: 'POST', body: 'parameters=x' })
    expect(bare.status).toBe(401)
  })

  it('/auth/token/issue: OK for the subject; 400 without a subject', async () => {
    const { body } = await checked(spec, 'POST', '/auth/token/issue', { ticket: 't', subject: 'jane' })
    expect(body).toMatchObject({ resultCode: 'A054001', action: 'OK', subject: 'jane' })
    expect(JSON.parse(body.responseContent as string)).toMatchObject({ access_token: body.accessToken })
    expect((await checked(spec, 'POST', '/auth/token/issue', { ticket: 't' })).status).toBe(400)
  })

  it('/auth/token/fail: the answer for each reason Authlete documents; 400 for another', async () => {
    const fail = async (reason: string) =>
      (await checked(spec, 'POST', '/auth/token/fail', { ticket: 't', reason })).body
    expect(await fail('INVALID_RESOURCE_OWNER_CREDENTIALS')).toMatchObject({
      resultCode: 'A067301',
      action: 'BAD_REQUEST',
    })
    expect(JSON.parse((await fail('INVALID_RESOURCE_OWNER_CREDENTIALS')).responseContent as string)).toEqual({
      error: 'invalid_request',
      error_description:
        '[A067301] The credentials (username & password) passed to the token endpoint are invalid.',
    })
    expect(await fail('INVALID_TARGET')).toMatchObject({ action: 'BAD_REQUEST' })
    expect(await fail('UNKNOWN')).toMatchObject({ action: 'INTERNAL_SERVER_ERROR' })
    expect(await call(spec, 'POST', '/auth/token/fail', { ticket: 't', reason: 'NOPE' })).toMatchObject({
      status: 400,
      body: { resultCode: 'A067202' },
    })
  })

  it('/service/configuration and /service/jwks/get: the document, a JWK Set of public keys', async () => {
    const { body } = await checked(spec, 'GET', '/service/configuration')
    expect(body).toMatchObject({
      issuer: 'https://as.example.com',
      token_endpoint: 'https://as.example.com/token',
      backchannel_authentication_endpoint: 'https://as.example.com/backchannel/authentication',
    })
    const jwks = (await checked(spec, 'GET', '/service/jwks/get')).body as { keys: Record<string, unknown>[] }
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })])
    expect(jwks.keys[0]).not.toHaveProperty('d')
    expect((await call(spec, 'GET', '/service/jwks/get')).body).toEqual(jwks)
  })

  it('the answer factories: each documented action of /auth/token', async () => {
    const actionOf = async (handler: Parameters<typeof server.use>[0]) => {
      server.use(handler)
      return (await checked(spec, 'POST', '/auth/token', { parameters: 'x' })).body
    }
    expect(await actionOf(tokenOk({ idToken: 'a.b.c', dpopNonce: 'n' }))).toMatchObject({
      action: 'OK',
      idToken: 'a.b.c',
      dpopNonce: 'n',
    })
    expect(await actionOf(tokenBadRequest('slow_down', 'Slow down.'))).toMatchObject({
      action: 'BAD_REQUEST',
      responseContent: '{"error":"slow_down","error_description":"Slow down."}',
    })
    expect(await actionOf(tokenInvalidClient())).toMatchObject({ action: 'INVALID_CLIENT' })
    expect(await actionOf(tokenPassword({ ticket: 't1', username: 'u', password: 'p' }))).toMatchObject({
      action: 'PASSWORD',
      ticket: 't1',
      username: 'u',
      password: 'p',
    })
    expect(await actionOf(tokenInternalServerError())).toMatchObject({ action: 'INTERNAL_SERVER_ERROR' })
    server.use(tokenIssueInvalidTicket(), tokenFailInvalidTicket())
    expect(
      (await checked(spec, 'POST', '/auth/token/issue', { ticket: 't', subject: 's' })).body,
    ).toMatchObject({ action: 'INTERNAL_SERVER_ERROR', resultCode: 'A054301' })
    expect(
      (await checked(spec, 'POST', '/auth/token/fail', { ticket: 't', reason: 'UNKNOWN' })).body,
    ).toMatchObject({ action: 'INTERNAL_SERVER_ERROR', resultCode: 'A067303' })
  })
})

describe('the token handlers for error paths', () => {
  it('an unknown action and Authlete errors, on each call', async () => {
    server.use(
      tokenUnknownAction('FUTURE'),
      tokenApiError(503, 'A001501', 'Down.'),
      serviceConfigurationUnknownAction(),
      serviceConfigurationApiError(401, 'A001202', 'No.'),
    )
    // The first matching handler answers: the unknown action on /auth/token and /service/configuration.
    expect((await call('v3', 'POST', '/auth/token', { parameters: 'x' })).body).toEqual({
      resultCode: 'A999999',
      action: 'FUTURE',
    })
    server.resetHandlers(
      tokenApiError(503, 'A001501', 'Down.'),
      serviceConfigurationApiError(401, 'A001202', 'No.'),
    )
    expect(await call('v3', 'POST', '/auth/token', { parameters: 'x' })).toEqual({
      status: 503,
      body: { resultCode: 'A001501', resultMessage: '[A001501] Down.' },
    })
    expect((await call('v2', 'GET', '/service/configuration')).status).toBe(401)
  })

  it('serviceJwksAsAuthlete answers the keys it is given', async () => {
    const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }
    server.use(serviceJwksAsAuthlete({ keys: [key] }))
    expect((await call('v3', 'GET', '/service/jwks/get')).body).toEqual({ keys: [key] })
  })
})
