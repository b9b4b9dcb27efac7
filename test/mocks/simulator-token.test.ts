// The simulator's token calls: whole CIBA logins that end with the tokens (poll, ping, push), over msw
// and over a loopback stand-in, the client being startCibaClientStandIn and the AS's token endpoint a
// hand-made one on raw fetch; the ID token verified with node:crypto against simulator.jwks; then
// /auth/token's checks in their order, through raw requests to Authlete's path. Nothing waits on a
// timer: the simulator's clock is the test's.
import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  type CibaClientStandIn,
  createCibaSimulator,
  setupAuthleteServer,
  startAuthleteStandIn,
  startCibaClientStandIn,
} from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import {
  requestAuthentication,
  startTestAuthorizationServer,
  type TestAuthorizationServer,
} from '../helpers/ciba-as.js'
import { dpopProof, proofKey } from '../helpers/dpop-proof.js'
import { addDeliveryClients, PING, POLL, PUSH } from '../helpers/simulator-clients.js'
import { startTestTokenEndpoint, type TestTokenEndpoint } from '../helpers/token-as.js'

let clock = Date.parse('2026-11-29T00:00:00Z')
const seconds = () => Math.floor(clock / 1000)
const ISSUER = 'https://as.example.com'
/** The AS's public token endpoint: the `htu` of DPoP proofs. */
const TOKEN_ENDPOINT = `${ISSUER}/token`
const simulator = createCibaSimulator({
  users: [{ subject: 'john', loginHints: ['john@example.com'] }],
  now: () => clock,
  issuer: ISSUER,
  tokenEndpoint: TOKEN_ENDPOINT,
  backchannelAuthenticationEndpoint: `${ISSUER}/bc-authorize`,
  jwksUri: `${ISSUER}/jwks.json`,
})
const server = setupAuthleteServer(...simulator.handlers)
let rp: CibaClientStandIn

const john = { scope: 'openid email', login_hint: 'john@example.com' }

beforeAll(async () => {
  server.listen()
  rp = await startCibaClientStandIn()
  addDeliveryClients(simulator, rp.url)
})
afterEach(() => {
  simulator.reset()
  rp.reset()
})
afterAll(async () => {
  await rp.close()
  server.close()
})

/** The claims of `jwt`, once its RS256 signature is verified with the key of simulator.jwks it names. */
function verifiedClaims(jwt: string): Record<string, unknown> {
  const [header = '', payload = '', signature = ''] = jwt.split('.')
  const { alg, kid, typ } = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, string>
  expect({ alg, typ }).toEqual({ alg: 'RS256', typ: 'JWT' })
  const jwk = simulator.jwks.keys.find((key) => (key as { kid?: string }).kid === kid)
  expect(jwk).toBeDefined()
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  )
  expect(signed).toBe(true)
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
}

/** OpenID Connect Core §3.1.3.6: the left half of the SHA-256 digest, base64url. */
const atHash = (token: unknown) =>
  createHash('sha256').update(String(token)).digest().subarray(0, 16).toString('base64url')

describe.each(['msw', 'a loopback stand-in'])(
  'a whole CIBA login that ends with the tokens, over %s',
  (over) => {
    let standIn: AuthleteStandIn | undefined
    let authlete: AuthleteClient
    let as: TestAuthorizationServer
    let tokenAs: TestTokenEndpoint

    beforeAll(async () => {
      standIn = over === 'msw' ? undefined : await startAuthleteStandIn({ simulator })
      const baseUrl = standIn?.url ?? 'https://us.authlete.com'
      authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false, baseUrl })
      as = await startTestAuthorizationServer(authlete, simulator)
      tokenAs = await startTestTokenEndpoint({ authleteBaseUrl: baseUrl })
    })
    afterAll(async () => {
      await tokenAs.close()
      await as.close()
      await authlete.close()
      await standIn?.close()
    })

    it('poll: authorization_pending, then, the user having approved, the tokens; the ID token verifies against simulator.jwks', async () => {
      const started = await requestAuthentication(as, POLL, john)
      const authReqId = started.body.auth_req_id as string
      let approved = false
      const answer = await rp.pollTokens({
        tokenEndpoint: tokenAs.url,
        authReqId,
        ...POLL,
        interval: started.body.interval as number,
        // The client waits its interval on the simulator's clock; the user approves meanwhile.
        async sleep(ms) {
          clock += ms
          if (approved) return
          approved = true
          await simulator.approve(authReqId, { acr: 'urn:example:mfa' })
        },
      })
      expect(rp.tokenResponses.map(({ status, body }) => [status, body?.error])).toEqual([
        [400, 'authorization_pending'],
        [200, undefined],
      ])
      expect(answer.headers.get('cache-control')).toBe('no-store')
      expect(answer.body).toEqual({
        access_token: expect.stringMatching(/^[\w-]{43}$/),
        refresh_token: expect.stringMatching(/^[\w-]{43}$/),
        scope: 'openid email',
        id_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
      })
      expect(verifiedClaims(answer.body?.id_token as string)).toEqual({
        iss: ISSUER,
        sub: 'john',
        aud: POLL.clientId,
        iat: seconds(),
        exp: seconds() + 3600,
        auth_time: seconds(),
        acr: 'urn:example:mfa',
        at_hash: atHash(answer.body?.access_token),
      })
      expect(simulator.requests.token.map((call) => call.answer.action)).toEqual(['BAD_REQUEST', 'OK'])
      if (standIn !== undefined) expect(standIn.requestCount).toBe(5)
    })

    it('ping: the notification, then one token request (client_secret_post) gets the tokens', async () => {
      const started = await requestAuthentication(as, PING, { ...john, client_notification_token: rp.token })
      const authReqId = started.body.auth_req_id as string
      await simulator.approve(authReqId)
      expect((await rp.nextNotification({ authReqId })).body).toEqual({ auth_req_id: authReqId })
      const answer = await rp.fetchTokens({
        tokenEndpoint: tokenAs.url,
        authReqId,
        ...PING,
        authMethod: 'client_secret_post',
      })
      expect(answer.status).toBe(200)
      expect(verifiedClaims(answer.body?.id_token as string)).toMatchObject({
        iss: ISSUER,
        sub: 'john',
        aud: PING.clientId,
      })
      expect(simulator.requests.token.at(-1)?.answer).toMatchObject({
        action: 'OK',
        grantType: 'CIBA',
        clientAuthMethod: 'CLIENT_SECRET_POST',
        clientIdAlias: PING.clientId,
        subject: 'john',
      })
    })

    it('push: the tokens come in the notification, signed the same way; the token endpoint refuses a push client', async () => {
      const started = await requestAuthentication(as, PUSH, { ...john, client_notification_token: rp.token })
      const authReqId = started.body.auth_req_id as string
      await simulator.approve(authReqId, { acr: 'urn:example:mfa' })
      const { body } = (await rp.nextNotification({ authReqId })) as { body: Record<string, unknown> }
      expect(verifiedClaims(body.id_token as string)).toEqual({
        iss: ISSUER,
        sub: 'john',
        aud: PUSH.clientId,
        iat: seconds(),
        exp: seconds() + 3600,
        auth_time: seconds(),
        acr: 'urn:example:mfa',
        at_hash: atHash(body.access_token),
        'urn:openid:params:jwt:claim:rt_hash': atHash(body.refresh_token),
        'urn:openid:params:jwt:claim:auth_req_id': authReqId,
      })
      const answer = await rp.fetchTokens({ tokenEndpoint: tokenAs.url, authReqId, ...PUSH })
      expect(answer).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } })
    })

    it('the AS serves the discovery document and the JWK Set from /service/configuration and /service/jwks/get', async () => {
      const metadata = (await (await fetch(tokenAs.configurationUrl)).json()) as Record<string, unknown>
      expect(metadata).toMatchObject({
        issuer: ISSUER,
        token_endpoint: TOKEN_ENDPOINT,
        backchannel_authentication_endpoint: `${ISSUER}/bc-authorize`,
        jwks_uri: `${ISSUER}/jwks.json`,
        grant_types_supported: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
        backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
        id_token_signing_alg_values_supported: ['RS256'],
      })
      expect(await (await fetch(tokenAs.jwksUrl)).json()).toEqual(simulator.jwks)
      expect(simulator.jwks.keys).toEqual([
        expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
      ])
      expect(simulator.jwks.keys[0]).not.toHaveProperty('d')
    })
  },
)

describe("/auth/token: the simulator's checks in their order (raw requests to Authlete's path)", () => {
  const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false })
  afterAll(() => authlete.close())

  /** `/auth/token` with the client's form body and, unless `null`, Basic credentials as the AS passes them. */
  async function authToken(
    parameters: string,
    credentials: { clientId: string; clientSecret: string } | null,
    extra: Record<string, string> = {},
  ) {
    const response = await fetch('https://us.authlete.com/api/715948317/auth/token', {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ parameters, ...credentials, ...extra }),
    })
    const body = (await response.json()) as Record<string, unknown>
    const content = typeof body.responseContent === 'string' ? JSON.parse(body.responseContent) : undefined
    return { status: response.status, action: body.action, content, body }
  }
  const ciba = (authReqId: string) =>
    `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${authReqId}`
  const error = async (...args: Parameters<typeof authToken>) => (await authToken(...args)).content?.error

  /** A backchannel authentication request of `client`, issued: its ticket and auth_req_id. */
  async function issued(client: typeof POLL, parameters: Record<string, string> = john) {
    const ba = await authlete.backchannelAuthentication({
      parameters: new URLSearchParams(parameters),
      ...client,
    })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    const issue = await authlete.backchannelIssue(ba.ticket)
    if (issue.action !== 'OK') throw new Error(`expected OK, got ${issue.action}`)
    return { ticket: ba.ticket, authReqId: issue.authReqId }
  }
  const complete = (ticket: string, result: 'AUTHORIZED' | 'ACCESS_DENIED' | 'TRANSACTION_FAILED') =>
    authlete.backchannelComplete({ ticket, result, subject: 'john' })

  it("first the client's authentication: INVALID_CLIENT, whether or not the auth_req_id exists", async () => {
    const { authReqId } = await issued(POLL)
    const wrong = { ...POLL, clientSecret: 'wrong' }
    for (const id of [authReqId, 'unknown']) {
      expect(await authToken(ciba(id), wrong)).toMatchObject({
        status: 200,
        action: 'INVALID_CLIENT',
        content: { error: 'invalid_client', error_description: 'Client authentication failed.' },
      })
    }
    expect((await authToken(ciba(authReqId), null)).action).toBe('INVALID_CLIENT')
  })

  it("then the auth_req_id: invalid_grant for an unknown one and for another client's, even asked by a push client", async () => {
    const { authReqId } = await issued(POLL)
    expect(await error(ciba('unknown'), POLL)).toBe('invalid_grant')
    expect(await error(ciba(authReqId), PING)).toBe('invalid_grant')
    expect(await error(ciba(authReqId), PUSH)).toBe('invalid_grant')
  })

  it('then the delivery mode: unauthorized_client for a push client, pending or completed', async () => {
    const push = await issued(PUSH, { ...john, client_notification_token: 'cnt' })
    expect(await error(ciba(push.authReqId), PUSH)).toBe('unauthorized_client')
    await complete(push.ticket, 'AUTHORIZED')
    expect(await error(ciba(push.authReqId), PUSH)).toBe('unauthorized_client')
  })

  it('pending: authorization_pending; polled sooner than the interval: slow_down; after it: authorization_pending', async () => {
    const { ticket, authReqId } = await issued(POLL)
    expect(await error(ciba(authReqId), POLL)).toBe('authorization_pending')
    clock += 4_999
    expect(await error(ciba(authReqId), POLL)).toBe('slow_down')
    clock += 5_000
    expect(await error(ciba(authReqId), POLL)).toBe('authorization_pending')
    // The user approved on the device, but the AS has not reported it: Authlete cannot know yet.
    await simulator.approve(authReqId)
    clock += 5_000
    expect(await error(ciba(authReqId), POLL)).toBe('authorization_pending')
    await complete(ticket, 'AUTHORIZED')
    expect((await authToken(ciba(authReqId), POLL)).action).toBe('OK')
  })

  it('denied: access_denied; TRANSACTION_FAILED: expired_token; run out: expired_token', async () => {
    const denied = await issued(POLL)
    await complete(denied.ticket, 'ACCESS_DENIED')
    expect(await authToken(ciba(denied.authReqId), POLL)).toMatchObject({
      action: 'BAD_REQUEST',
      content: { error: 'access_denied' },
    })
    const failed = await issued(POLL)
    await complete(failed.ticket, 'TRANSACTION_FAILED')
    expect(await error(ciba(failed.authReqId), POLL)).toBe('expired_token')
    const expired = await issued(POLL)
    simulator.expire(expired.authReqId)
    expect(await error(ciba(expired.authReqId), POLL)).toBe('expired_token')
    const late = await issued(POLL, { ...john, requested_expiry: '30' })
    await complete(late.ticket, 'AUTHORIZED')
    clock += 30_000
    expect(await error(ciba(late.authReqId), POLL)).toBe('expired_token')
  })

  it('redeemed: the tokens once, then invalid_grant', async () => {
    const { ticket, authReqId } = await issued(POLL)
    await complete(ticket, 'AUTHORIZED')
    expect((await authToken(ciba(authReqId), POLL)).action).toBe('OK')
    expect(await authToken(ciba(authReqId), POLL)).toMatchObject({
      action: 'BAD_REQUEST',
      content: { error: 'invalid_grant', error_description: 'The auth_req_id has already been used.' },
    })
  })

  it('the refresh token grant: new tokens, no ID token; any other grant: unsupported_grant_type', async () => {
    const { ticket, authReqId } = await issued(POLL)
    await complete(ticket, 'AUTHORIZED')
    const first = await authToken(ciba(authReqId), POLL)
    const refreshed = await authToken(
      `grant_type=refresh_token&refresh_token=${first.content.refresh_token}`,
      POLL,
    )
    expect(refreshed).toMatchObject({ action: 'OK', body: { grantType: 'REFRESH_TOKEN', subject: 'john' } })
    expect(refreshed.content).not.toHaveProperty('id_token')
    expect(await error('grant_type=password&username=john&password=p', POLL)).toBe('unsupported_grant_type')
  })

  it("DPoP: a valid proof binds the tokens; its htu is checked against the call's htu, else the tokenEndpoint option", async () => {
    const key = proofKey()
    const bound = await issued(POLL)
    await complete(bound.ticket, 'AUTHORIZED')
    const proof = (htu: string) => dpopProof(key, htu, seconds())
    const elsewhere = await authToken(ciba(bound.authReqId), POLL, {
      dpop: proof(TOKEN_ENDPOINT),
      htm: 'POST',
      htu: 'https://proxy.example/token',
    })
    expect(elsewhere.content?.error).toBe('invalid_dpop_proof')
    const answer = await authToken(ciba(bound.authReqId), POLL, { dpop: proof(TOKEN_ENDPOINT), htm: 'POST' })
    expect(answer.content).toMatchObject({ token_type: 'DPoP' })
  })

  it("reset() forgets the token endpoint's memory: a refresh token issued before is invalid_grant", async () => {
    const { ticket, authReqId } = await issued(POLL)
    await complete(ticket, 'AUTHORIZED')
    const { content } = await authToken(ciba(authReqId), POLL)
    simulator.reset()
    expect(await error(`grant_type=refresh_token&refresh_token=${content.refresh_token}`, POLL)).toBe(
      'invalid_grant',
    )
  })

  it('a call without parameters: 400 with the result body; without Authorization: 401; each recorded', async () => {
    const missing = await fetch('https://us.authlete.com/api/715948317/auth/token', {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'clientId=x',
    })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({
      resultCode: 'A300201',
      resultMessage: "[A300201] The request does not contain a 'parameters' parameter.",
    })
    const bare = await fetch('https://api.authlete.com/api/auth/token', {
      method: 'POST',
      body: 'parameters=x',
    })
    expect(bare.status).toBe(401)
    expect(simulator.requests.token.map(({ apiVersion, status }) => [apiVersion, status])).toEqual([
      ['v3', 400],
      ['v2', 401],
    ])
  })
})

describe('/auth/token/issue and /auth/token/fail: the simulator never answers PASSWORD, so holds no ticket for them', () => {
  const call = async (path: string, body: Record<string, string>) => {
    const response = await fetch(`https://us.authlete.com/api/715948317${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('answers each as Authlete answers a ticket it does not hold: INTERNAL_SERVER_ERROR, server_error', async () => {
    const issue = await call('/auth/token/issue', { ticket: 't', subject: 'john' })
    expect(issue).toEqual({
      status: 200,
      body: {
        resultCode: 'A054301',
        resultMessage: '[A054301] The ticket is invalid or has expired.',
        action: 'INTERNAL_SERVER_ERROR',
        responseContent: JSON.stringify({
          error: 'server_error',
          error_description: '[A054301] The ticket is invalid or has expired.',
          error_uri: 'https://docs.authlete.com/#A054301',
        }),
      },
    })
    const fail = await call('/auth/token/fail', { ticket: 't', reason: 'INVALID_RESOURCE_OWNER_CREDENTIALS' })
    expect(fail.body).toMatchObject({ action: 'INTERNAL_SERVER_ERROR', resultCode: 'A067303' })
  })

  it("makes the call's own checks first: a missing field, a reason Authlete does not know", async () => {
    expect(await call('/auth/token/issue', { ticket: 't' })).toEqual({
      status: 400,
      body: {
        resultCode: 'A054201',
        resultMessage: "[A054201] The request does not contain a 'subject' parameter.",
      },
    })
    expect(await call('/auth/token/fail', { ticket: 't', reason: 'NOPE' })).toEqual({
      status: 400,
      body: { resultCode: 'A067202', resultMessage: "[A067202] The 'reason' parameter is invalid." },
    })
    expect(simulator.requests.tokenIssue.map((request) => request.status)).toEqual([400])
    expect(simulator.requests.tokenFail.map((request) => request.status)).toEqual([400])
  })
})
