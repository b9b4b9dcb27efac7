// The simulator's answers agree with Authlete's OpenAPI documents (v3 and v2): every action it can
// produce, for each of the four CIBA calls, the five token calls (/auth/token, /auth/token/issue,
// /auth/token/fail, /service/configuration, /service/jwks/get) and the five resource calls
// (/auth/userinfo, /auth/userinfo/issue, /auth/introspection, /auth/introspection/standard,
// /auth/revocation), and its error statuses, through Prism's response validator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import { dpopProof, type ProofKey, proofKey } from '../helpers/dpop-proof.js'
import {
  checkCallResponse,
  checkResponse,
  checkTokenResponse,
  OPERATIONS,
  type Operation,
  operationPath,
  type Spec,
} from '../helpers/prism.js'

let clock = Date.parse('2026-11-29T00:00:00Z')
const ENDPOINT = 'https://rp.example/ciba/notification'
const simulator = createCibaSimulator({
  clients: [
    { clientId: 'poll', clientSecret: 's' },
    { clientId: '1234567', clientSecret: 's', deliveryMode: 'PING', clientNotificationEndpoint: ENDPOINT },
    { clientId: 'push', clientSecret: 's', deliveryMode: 'PUSH', clientNotificationEndpoint: ENDPOINT },
    { clientId: 'code', clientSecret: 's', userCodeRequired: true },
  ],
  now: () => clock,
})
const server = setupAuthleteServer(...simulator.handlers)
const DETAILS = [
  {
    type: 'payment_initiation',
    actions: ['initiate'],
    datatypes: ['payment'],
    identifier: 'p-1',
    privileges: ['write'],
    locations: ['https://example.com/payments'],
    instructedAmount: { currency: 'EUR', amount: '123.50' },
  },
]
const v3 = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false })
const v2 = new AuthleteClient({ apiKey: 'k', apiSecret: 's', retry: false })

const KIND: Record<Operation, keyof typeof simulator.requests> = {
  authentication: 'authentication',
  issue: 'issue',
  fail: 'fail',
  complete: 'complete',
}

/** Every action the simulator produces, for each call, with each delivery mode's variants. */
async function everyAnswer(client: AuthleteClient) {
  const credentials = (clientId: string) => ({ clientId, clientSecret: 's' })
  const identified = async (clientId: string, extra = '') => {
    const parameters = `scope=openid%20email&login_hint=john&binding_message=M&client_notification_token=cnt&acr_values=a${extra}`
    const ba = await client.backchannelAuthentication({ parameters, ...credentials(clientId) })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    return ba.ticket
  }
  const issued = async (clientId: string, extra = '') => {
    const ticket = await identified(clientId, extra)
    await client.backchannelIssue(ticket)
    return ticket
  }
  const complete = (ticket: string, result: 'AUTHORIZED' | 'ACCESS_DENIED' | 'TRANSACTION_FAILED') =>
    client.backchannelComplete({ ticket, result, subject: 'john', errorDescription: 'd', authTime: 1 })

  await client.backchannelAuthentication({ parameters: 'scope=email&login_hint=j', ...credentials('poll') })
  await client.backchannelAuthentication({ parameters: 'scope=openid&login_hint=j', ...credentials('code') })
  await client.backchannelAuthentication({ parameters: 'scope=openid&login_hint=j', clientId: 'x' })
  await identified('1234567', '&user_code=1&requested_expiry=60')
  // RFC 9396 authorization details, passed through wrapped as Authlete wraps them; a malformed one.
  await identified('poll', `&authorization_details=${encodeURIComponent(JSON.stringify(DETAILS))}`)
  await client.backchannelAuthentication({
    parameters: 'scope=openid&login_hint=j&authorization_details=%7B%7D',
    ...credentials('poll'),
  })
  await client.backchannelIssue('unknown')
  for (const reason of ['UNKNOWN_USER_ID', 'ACCESS_DENIED', 'SERVER_ERROR'] as const) {
    await client.backchannelFail({
      ticket: await identified('poll'),
      reason,
      errorDescription: 'd',
      errorUri: 'u',
    })
  }
  await complete('unknown', 'AUTHORIZED')
  const polled = await issued('poll')
  await complete(polled, 'AUTHORIZED')
  await complete(polled, 'AUTHORIZED')
  // A used ticket: /fail after /complete.
  await client.backchannelFail({ ticket: polled, reason: 'ACCESS_DENIED' })
  const pinged = await issued('1234567')
  await complete(pinged, 'ACCESS_DENIED')
  await complete(pinged, 'AUTHORIZED')
  await complete(await issued('push'), 'AUTHORIZED')
  await complete(await issued('push'), 'ACCESS_DENIED')
  await complete(await issued('push'), 'TRANSACTION_FAILED')
  const late = await issued('push', '&requested_expiry=1')
  clock += 1_000
  await complete(late, 'AUTHORIZED')
  // Authlete's own refusals: no Authorization, a missing field.
  await fetch(`https://us.authlete.com${operationPath('v3', 'issue')}`, { method: 'POST', body: 'ticket=t' })
  await fetch(`https://us.authlete.com${operationPath('v3', 'complete')}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: '{"ticket":"t"}',
  })
}

beforeAll(() => server.listen())
afterAll(async () => {
  server.close()
  await v3.close()
  await v2.close()
})

describe.each([
  ['v3', v3],
  ['v2', v2],
] as const)('%s', (spec: Spec, client) => {
  beforeAll(async () => {
    simulator.reset()
    await everyAnswer(client)
  })

  it('produces every documented action of each call', () => {
    const actions = (kind: keyof typeof simulator.requests) =>
      new Set(simulator.requests[kind].map((call) => call.answer.action).filter(Boolean))
    expect(actions('authentication')).toEqual(new Set(['USER_IDENTIFICATION', 'BAD_REQUEST', 'UNAUTHORIZED']))
    expect(actions('issue')).toEqual(new Set(['OK', 'INVALID_TICKET']))
    expect(actions('fail')).toEqual(new Set(['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR']))
    expect(actions('complete')).toEqual(new Set(['NOTIFICATION', 'NO_ACTION', 'SERVER_ERROR']))
  })

  it('the check has teeth: a string clientId or an unknown action is a violation', async () => {
    const [identified] = simulator.requests.authentication.filter(
      (call) => call.apiVersion === spec && call.answer.action === 'USER_IDENTIFICATION',
    )
    const path = operationPath(spec, 'authentication')
    const broken = { ...identified?.answer, clientId: 'alias', action: 'IDENTIFY' }
    expect((await checkResponse(spec, path, 200, broken)).length).toBeGreaterThanOrEqual(2)
  })

  it.each(OPERATIONS)('every answer of /%s agrees with the document', async (operation) => {
    const calls = simulator.requests[KIND[operation]].filter((call) => call.apiVersion === spec)
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      const found = await checkResponse(spec, operationPath(spec, operation), call.status, call.answer)
      expect({ answer: call.answer, violations: found }).toEqual({ answer: call.answer, violations: [] })
    }
  })
})

/** The token calls, by their key in the request log: the method and path in the token documents. */
const TOKEN_CALLS = {
  token: ['post', '/auth/token'],
  tokenIssue: ['post', '/auth/token/issue'],
  tokenFail: ['post', '/auth/token/fail'],
  serviceConfiguration: ['get', '/service/configuration'],
  serviceJwks: ['get', '/service/jwks/get'],
} as const

/** Every answer of the token calls, through raw requests on `spec`'s paths. */
async function everyTokenAnswer(spec: Spec, client: AuthleteClient) {
  const base = spec === 'v3' ? 'https://us.authlete.com/api/715948317' : 'https://api.authlete.com/api'
  const authorization = spec === 'v3' ? 'Bearer t' : `Basic ${Buffer.from('k:s').toString('base64')}`
  const call = (method: 'GET' | 'POST', path: string, fields?: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      ...(fields === undefined ? {} : { body: new URLSearchParams(fields) }),
    })
  const ciba = (authReqId: string) =>
    `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${authReqId}`
  const token = async (parameters: string, clientId = 'poll') =>
    (await call('POST', '/auth/token', { parameters, clientId, clientSecret: 's' })).json() as Promise<
      Record<string, unknown>
    >
  const issued = async (clientId: string) => {
    const parameters = 'scope=openid&login_hint=john&client_notification_token=cnt'
    const ba = await client.backchannelAuthentication({ parameters, clientId, clientSecret: 's' })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    const issue = await client.backchannelIssue(ba.ticket)
    if (issue.action !== 'OK') throw new Error(`expected OK, got ${issue.action}`)
    return { ticket: ba.ticket, authReqId: issue.authReqId }
  }

  const pending = await issued('poll')
  await token(ciba(pending.authReqId))
  await token(ciba(pending.authReqId))
  await token(ciba('unknown'))
  await token(ciba((await issued('push')).authReqId), 'push')
  await token('grant_type=password&username=u&password=p')
  await call('POST', '/auth/token', {
    parameters: ciba(pending.authReqId),
    clientId: 'poll',
    clientSecret: 'x',
  })
  await call('POST', '/auth/token', { clientId: 'poll' })
  await fetch(`${base}/auth/token`, { method: 'POST', body: 'parameters=x' })
  const authorized = await issued('poll')
  await client.backchannelComplete({
    ticket: authorized.ticket,
    result: 'AUTHORIZED',
    subject: 'john',
    acr: 'a',
  })
  const ok = await token(ciba(authorized.authReqId))
  await token(`grant_type=refresh_token&refresh_token=${ok.refreshToken}`)
  const pinged = await issued('1234567')
  await client.backchannelComplete({ ticket: pinged.ticket, result: 'AUTHORIZED', subject: 'john' })
  await token(ciba(pinged.authReqId), '1234567')

  await call('POST', '/auth/token/issue', { ticket: 't', subject: 'john' })
  await call('POST', '/auth/token/issue', { ticket: 't' })
  await call('POST', '/auth/token/fail', { ticket: 't', reason: 'INVALID_RESOURCE_OWNER_CREDENTIALS' })
  await call('POST', '/auth/token/fail', { ticket: 't', reason: 'NOPE' })
  await call('GET', '/service/configuration')
  await call('GET', '/service/jwks/get')
}

describe.each([
  ['v3', v3],
  ['v2', v2],
] as const)('%s token calls', (spec: Spec, client) => {
  beforeAll(async () => {
    simulator.reset()
    await everyTokenAnswer(spec, client)
  })

  it('produces every action of /auth/token the simulator plays, and its 400 and 401', () => {
    const answers = simulator.requests.token
    expect(new Set(answers.map((call) => call.answer.action))).toEqual(
      new Set(['OK', 'BAD_REQUEST', 'INVALID_CLIENT', undefined]),
    )
    expect(new Set(answers.map((call) => call.status))).toEqual(new Set([200, 400, 401]))
    expect(
      answers.filter((call) => call.answer.grantType !== undefined).map((call) => call.answer.grantType),
    ).toEqual(['CIBA', 'REFRESH_TOKEN', 'CIBA'])
  })

  it.each(Object.keys(TOKEN_CALLS) as (keyof typeof TOKEN_CALLS)[])(
    'every answer of %s agrees with the token document',
    async (key) => {
      const [method, operation] = TOKEN_CALLS[key]
      const calls = simulator.requests[key]
      expect(calls.length).toBeGreaterThan(0)
      for (const call of calls) {
        expect(call.apiVersion).toBe(spec)
        const found = await checkTokenResponse(spec, method, operation, call.status, call.answer)
        expect({ answer: call.answer, violations: found }).toEqual({ answer: call.answer, violations: [] })
      }
    },
  )
})

/** The five calls of the tokens at work: every action the simulator plays, on tokens of its own logins. */
async function everyResourceAnswer(spec: Spec, client: AuthleteClient) {
  const ciba = (authReqId: string) =>
    `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${authReqId}`
  const credentials = { clientId: 'poll', clientSecret: 's' }
  const login = async (scope: string, key?: ProofKey) => {
    const ba = await client.backchannelAuthentication({
      parameters: `scope=${scope}&login_hint=john`,
      ...credentials,
    })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    const issue = await client.backchannelIssue(ba.ticket)
    if (issue.action !== 'OK') throw new Error(`expected OK, got ${issue.action}`)
    await client.backchannelComplete({ ticket: ba.ticket, result: 'AUTHORIZED', subject: 'john', acr: 'a' })
    const proof =
      key === undefined
        ? {}
        : { dpop: dpopProof(key, 'https://as.example.com/token', clock / 1000), htm: 'POST' }
    const token = await client.token({ parameters: ciba(issue.authReqId), ...credentials, ...proof })
    if (token.action !== 'OK') throw new Error(`expected OK, got ${token.action}`)
    return { accessToken: token.accessToken, refreshToken: token.refreshToken as string }
  }
  /** A raw call with what the SDK refuses to send. */
  const raw = (path: string, fields: Record<string, string>) => {
    const base = spec === 'v3' ? 'https://us.authlete.com/api/715948317' : 'https://api.authlete.com/api'
    const authorization = spec === 'v3' ? 'Bearer t' : `Basic ${Buffer.from('k:s').toString('base64')}`
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    })
  }

  const { accessToken, refreshToken } = await login('openid%20email')
  const key = proofKey()
  const bound = await login('openid', key)
  const narrowed = await client.token({
    parameters: `grant_type=refresh_token&refresh_token=${refreshToken}&scope=email`,
    ...credentials,
  })
  if (narrowed.action !== 'OK') throw new Error(`expected OK, got ${narrowed.action}`)
  const withoutOpenid = narrowed.accessToken

  await client.userinfo({ token: accessToken })
  await client.userinfo({ token: withoutOpenid })
  await client.userinfo({ token: 'unknown' })
  await client.userinfo({ token: bound.accessToken })
  await raw('/auth/userinfo', { htm: 'GET' })
  await raw('/auth/userinfo', {})

  await client.userinfoIssue({ token: accessToken, claims: { email: 'john@example.com' } })
  await client.userinfoIssue({ token: 'unknown' })
  await raw('/auth/userinfo/issue', { token: accessToken, claims: '[1]' })
  await raw('/auth/userinfo/issue', { claims: '{}' })

  await client.introspection({ token: withoutOpenid, scopes: ['email'], subject: 'john' })
  await client.introspection({ token: withoutOpenid, scopes: ['payments'] })
  await client.introspection({ token: withoutOpenid, subject: 'jane' })
  await client.introspection({ token: 'unknown' })
  await client.introspection({ token: bound.accessToken })
  await raw('/auth/introspection', { subject: 'john' })

  const introspect = (parameters: string, extra = {}) =>
    client.introspectionStandard({ parameters, ...extra })
  await introspect(`token=${withoutOpenid}`)
  await introspect(`token=${bound.accessToken}`)
  await introspect(`token=${narrowed.refreshToken}`)
  await introspect('token=unknown')
  await introspect('token_type_hint=access_token')
  // v2's document has neither httpAcceptHeader nor the JWT action: a signed answer is asked for on v3 only.
  if (spec === 'v3')
    await introspect(`token=${withoutOpenid}`, {
      httpAcceptHeader: 'application/token-introspection+jwt',
      rsUri: 'https://rs.example',
    })
  await raw('/auth/introspection/standard', { withHiddenProperties: 'true' })

  await client.revocation({ parameters: `token=${withoutOpenid}`, ...credentials })
  await client.revocation({ parameters: 'token_type_hint=refresh_token', ...credentials })
  await client.revocation({
    parameters: `token=${narrowed.refreshToken}`,
    clientId: 'poll',
    clientSecret: 'x',
  })
  await client.revocation({ parameters: `token=${narrowed.refreshToken}`, ...credentials })
  await raw('/auth/revocation', { clientId: 'poll' })
}

/** The actions (and, for Authlete's own refusals, the statuses) each resource call produces, by spec. */
const RESOURCE_ACTIONS = {
  userinfo: ['OK', 'FORBIDDEN', 'UNAUTHORIZED', 'BAD_REQUEST'],
  userinfoIssue: ['JSON', 'UNAUTHORIZED', 'BAD_REQUEST', 400],
  introspection: ['OK', 'FORBIDDEN', 'UNAUTHORIZED', 'BAD_REQUEST'],
  introspectionStandard: ['OK', 'BAD_REQUEST', 400],
  revocation: ['OK', 'BAD_REQUEST', 'INVALID_CLIENT', 400],
} as const

describe.each([
  ['v3', v3],
  ['v2', v2],
] as const)('%s resource calls', (spec: Spec, client) => {
  beforeAll(async () => {
    simulator.reset()
    await everyResourceAnswer(spec, client)
  })

  it.each(Object.keys(RESOURCE_ACTIONS) as (keyof typeof RESOURCE_ACTIONS)[])(
    '%s: every action the simulator plays (JWT on v3 only), and every answer agrees with the resource document',
    async (name) => {
      const calls = simulator.requests[name]
      const expected: readonly (string | number)[] =
        name === 'introspectionStandard' && spec === 'v3'
          ? [...RESOURCE_ACTIONS[name], 'JWT']
          : RESOURCE_ACTIONS[name]
      expect(new Set(calls.map((call) => (call.status === 200 ? call.answer.action : call.status)))).toEqual(
        new Set(expected),
      )
      for (const call of calls) {
        expect(call.apiVersion).toBe(spec)
        const found = await checkCallResponse(spec, name, call.status, call.answer)
        expect({ answer: call.answer, violations: found }).toEqual({ answer: call.answer, violations: [] })
      }
    },
  )

  it('the check has teeth: an alias for clientId or an expiresAt in text is a violation', async () => {
    const [ok] = simulator.requests.introspection.filter((call) => call.answer.action === 'OK')
    const broken = { ...ok?.answer, clientId: 'poll', expiresAt: String(ok?.answer.expiresAt) }
    expect(
      (await checkCallResponse(spec, 'introspection', 200, broken)).map((v) => v.location.join('.')),
    ).toEqual(['response.body.clientId', 'response.body.expiresAt'])
  })
})
