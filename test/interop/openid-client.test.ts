// openid-client (v6), unmodified, as the client application of the example authorization server
// (examples/authorization-server, in a child process), whose Authlete is the CIBA simulator in this
// process: discovery from the AS's metadata, the backchannel request, the token request in poll
// and ping modes with openid-client's own ID token validation (signature included, against the
// AS's JWKS), denial, expiry, DPoP, a refresh. Then the tokens at work: userinfo, the AS's own API,
// revocation and introspection, Bearer and DPoP. Then raw requests for what openid-client never
// sends wrong: a reused auth_req_id, another client's, polling too fast, a push-mode client, no
// token, a token in the query string, a scope the token lacks, an unknown introspection caller.
//
// The simulator announces interval 1 (the least whole second: Authlete's interval is an integer,
// and openid-client refuses 0), so each openid-client poll waits 1 s; those tests run concurrently.
import { randomBytes } from 'node:crypto'
import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  type CibaClientStandIn,
  type CibaSimulator,
  createCibaSimulator,
  startAuthleteStandIn,
  startCibaClientStandIn,
} from '../../mocks/index.js'
import { basic } from '../helpers/basic.js'
import {
  type ExampleAuthorizationServer,
  exampleInstalled,
  freePort,
  startExampleAuthorizationServer,
} from '../helpers/example-as.js'

const secret = () => randomBytes(24).toString('base64url')
const CLIENTS = {
  poll: { clientId: 'poll-client', clientSecret: secret(), deliveryMode: 'POLL' },
  ping: { clientId: 'ping-client', clientSecret: secret(), deliveryMode: 'PING' },
  push: { clientId: 'push-client', clientSecret: secret(), deliveryMode: 'PUSH' },
} as const
type ClientName = keyof typeof CLIENTS
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba'

// CI installs the example (.ci/run) and fails rather than skip; elsewhere the file says what is missing.
const skip = !exampleInstalled && process.env.CI !== 'true'
if (skip) {
  console.warn('openid-client interop skipped: run `npm install` in examples/authorization-server first.')
}

let issuer: string
let simulator: CibaSimulator
let standIn: AuthleteStandIn
let rp: CibaClientStandIn
let as: ExampleAuthorizationServer
/** The simulator's clock: the real one, unless a test holds it still. */
let heldAt: number | undefined

beforeAll(async () => {
  if (skip) return
  if (!exampleInstalled)
    throw new Error('CI: examples/authorization-server is not installed (npm install there)')
  rp = await startCibaClientStandIn()
  // The issuer is the AS's own URL: openid-client checks the metadata's issuer against it.
  issuer = `http://127.0.0.1:${await freePort()}`
  simulator = createCibaSimulator({
    issuer,
    tokenEndpoint: `${issuer}/token`,
    backchannelAuthenticationEndpoint: `${issuer}/backchannel/authentication`,
    jwksUri: `${issuer}/jwks`,
    interval: 1,
    now: () => heldAt ?? Date.now(),
    users: [{ subject: 'john' }, { subject: 'jane' }],
    clients: [
      CLIENTS.poll,
      { ...CLIENTS.ping, clientNotificationEndpoint: rp.url },
      { ...CLIENTS.push, clientNotificationEndpoint: rp.url },
    ],
  })
  standIn = await startAuthleteStandIn({ simulator })
  as = await startExampleAuthorizationServer({
    authleteUrl: standIn.url,
    port: Number(new URL(issuer).port),
    // The client stand-in listens on plain http on loopback.
    env: { NOTIFY_LOCAL_CLIENTS: '1' },
  })
}, 40_000)

afterAll(async () => {
  await as?.close()
  await standIn?.close()
  await rp?.close()
})

/** openid-client's configuration of a client, discovered from the AS. */
async function discover(name: ClientName): Promise<client.Configuration> {
  const { clientId, clientSecret } = CLIENTS[name]
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    undefined,
    client.ClientSecretBasic(clientSecret),
    { execute: [client.allowInsecureRequests] },
  )
  // The ID token's signature too, against the keys at the AS's jwks_uri.
  client.enableNonRepudiationChecks(config)
  return config
}

/**
 * The user answers on the device: the example's device route (signed in with the demo's cookie, from
 * the page's origin), which calls /complete.
 */
async function decide(authReqId: string, approved: boolean, user = 'john'): Promise<unknown> {
  const res = await fetch(`${as.url}/device/requests/${authReqId}`, {
    method: 'POST',
    headers: { cookie: `demo-user=${user}`, origin: as.url, 'content-type': 'application/json' },
    body: JSON.stringify({ decision: approved ? 'approve' : 'deny' }),
  })
  expect(res.status).toBe(200)
  return res.json()
}

/** The error openid-client rejects with for an OAuth error answer. */
async function oauthError(promise: Promise<unknown>): Promise<{ error: string; status: number }> {
  const error = await promise.then(
    () => expect.fail('resolved'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(client.ResponseBodyError)
  const { error: code, status } = error as client.ResponseBodyError
  return { error: code, status }
}

describe.skipIf(skip)('openid-client against the example authorization server', () => {
  it('discovers the AS: its issuer, endpoints, CIBA metadata and signing algorithm', async () => {
    const metadata = (await discover('poll')).serverMetadata()
    expect(metadata).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/token`,
      backchannel_authentication_endpoint: `${issuer}/backchannel/authentication`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      grant_types_supported: expect.arrayContaining([CIBA_GRANT, 'refresh_token']),
      backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
      id_token_signing_alg_values_supported: ['RS256'],
    })
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] }
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })])
    expect(jwks.keys[0]).not.toHaveProperty('d')
  })

  describe.concurrent('logins', () => {
    it('poll mode: authorization_pending, then the tokens, the ID token validated by openid-client', async () => {
      const config = await discover('poll')
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'john',
        binding_message: 'W4SCT',
      })
      expect(started).toMatchObject({ auth_req_id: expect.any(String), expires_in: 600, interval: 1 })
      // Watches the token requests through openid-client's own fetch hook: the first is told
      // authorization_pending, the user approves then, and the next waits for that decision.
      const answers: string[] = []
      let decided: Promise<unknown> | undefined
      config[client.customFetch] = async (url, options) => {
        if (url !== `${issuer}/token`) return fetch(url, options as RequestInit)
        if (decided !== undefined) await decided
        const res = await fetch(url, options as RequestInit)
        const body = (await res.clone().json()) as { error?: string }
        answers.push(body.error ?? `${res.status}`)
        if (body.error === 'authorization_pending') decided ??= decide(started.auth_req_id, true)
        return res
      }
      const tokens = await client.pollBackchannelAuthenticationGrant(config, started)

      expect(answers).toEqual(['authorization_pending', '200'])
      expect(tokens).toMatchObject({
        token_type: 'bearer',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        expires_in: 3600,
        scope: 'openid',
      })
      const claims = tokens.claims()
      expect(claims).toMatchObject({ iss: issuer, sub: 'john', aud: 'poll-client' })
      expect(claims?.auth_time).toEqual(expect.any(Number))
      expect(claims?.exp).toBe((claims?.iat ?? 0) + 3600)
    })

    it('ping mode: the client is notified, then fetches the tokens', async () => {
      const config = await discover('ping')
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'jane',
        client_notification_token: rp.token,
      })
      const notified = rp.nextNotification({ authReqId: started.auth_req_id })
      await decide(started.auth_req_id, true, 'jane')
      const ping = await notified
      expect(ping).toMatchObject({ authorized: true, body: { auth_req_id: started.auth_req_id } })

      const tokens = await client.pollBackchannelAuthenticationGrant(config, started)
      expect(tokens.claims()).toMatchObject({ iss: issuer, sub: 'jane', aud: 'ping-client' })
    })

    it('the user refuses: access_denied', async () => {
      const config = await discover('poll')
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'john',
      })
      await decide(started.auth_req_id, false)
      expect(await oauthError(client.pollBackchannelAuthenticationGrant(config, started))).toEqual({
        error: 'access_denied',
        status: 400,
      })
    })

    it('the request expires before the user answers: expired_token', async () => {
      const config = await discover('poll')
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'john',
      })
      simulator.expire(started.auth_req_id)
      expect(await oauthError(client.pollBackchannelAuthenticationGrant(config, started))).toEqual({
        error: 'expired_token',
        status: 400,
      })
    })

    it('DPoP through openid-client: DPoP-bound tokens, and a refresh bound to the same key', async () => {
      const config = await discover('poll')
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'john',
      })
      await decide(started.auth_req_id, true)
      const tokens = await client.pollBackchannelAuthenticationGrant(config, started, undefined, {
        DPoP: dpop,
      })
      expect(tokens.token_type).toBe('dpop')
      expect(tokens.claims()).toMatchObject({ sub: 'john', aud: 'poll-client' })

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, {
        DPoP: dpop,
      })
      expect(refreshed).toMatchObject({ token_type: 'dpop', expires_in: 3600, scope: 'openid' })
      expect(refreshed.access_token).not.toBe(tokens.access_token)
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
      // The spent refresh token is refused.
      expect(
        await oauthError(
          client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP: dpop }),
        ),
      ).toEqual({ error: 'invalid_grant', status: 400 })
    })

    it('a refresh with Bearer tokens', async () => {
      const config = await discover('poll')
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: 'openid',
        login_hint: 'jane',
      })
      await decide(started.auth_req_id, true, 'jane')
      const tokens = await client.pollBackchannelAuthenticationGrant(config, started)
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '')
      expect(refreshed).toMatchObject({ token_type: 'bearer', scope: 'openid' })
      expect(refreshed.access_token).not.toBe(tokens.access_token)
    })
  })
})

// What openid-client never sends: raw requests to the same AS.
describe.skipIf(skip)('the token endpoint to requests openid-client never sends', () => {
  const credentials = (name: ClientName) => basic(CLIENTS[name].clientId, CLIENTS[name].clientSecret)

  async function post(path: string, name: ClientName, form: Record<string, string>) {
    const res = await fetch(`${as.url}${path}`, {
      method: 'POST',
      headers: { authorization: credentials(name), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers }
  }

  async function start(name: ClientName): Promise<string> {
    const form: Record<string, string> = { scope: 'openid', login_hint: 'john' }
    if (name !== 'poll') form.client_notification_token = rp.token
    const { status, body } = await post('/backchannel/authentication', name, form)
    expect(status).toBe(200)
    return body.auth_req_id as string
  }

  const token = (name: ClientName, authReqId: string) =>
    post('/token', name, { grant_type: CIBA_GRANT, auth_req_id: authReqId })

  it('an auth_req_id used a second time: invalid_grant', async () => {
    const authReqId = await start('poll')
    await decide(authReqId, true)
    const first = await token('poll', authReqId)
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    expect(await token('poll', authReqId)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
  })

  it("another client's auth_req_id: invalid_grant, and the login stays its owner's", async () => {
    const authReqId = await start('poll')
    await decide(authReqId, true)
    expect(await token('ping', authReqId)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(await token('poll', authReqId)).toMatchObject({ status: 200, body: { token_type: 'Bearer' } })
  })

  it('a poll sooner than the interval after the last: slow_down', async () => {
    const authReqId = await start('poll')
    // The simulator's clock held still: the second poll comes 0 ms after the first, however slow
    // this machine is.
    heldAt = Date.now()
    try {
      expect(await token('poll', authReqId)).toMatchObject({
        status: 400,
        body: { error: 'authorization_pending' },
      })
      expect(await token('poll', authReqId)).toMatchObject({ status: 400, body: { error: 'slow_down' } })
      heldAt += 1000
      expect(await token('poll', authReqId)).toMatchObject({
        status: 400,
        body: { error: 'authorization_pending' },
      })
    } finally {
      heldAt = undefined
    }
  })

  it('a push-mode client at the token endpoint: unauthorized_client', async () => {
    const authReqId = await start('push')
    expect(await token('push', authReqId)).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client' },
    })
  })

  it('a wrong client secret: 401 invalid_client with a Basic challenge', async () => {
    const res = await fetch(`${as.url}/token`, {
      method: 'POST',
      headers: {
        authorization: basic('poll-client', 'wrong'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: CIBA_GRANT, auth_req_id: 'x' }),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="token"')
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })
})

// After the login: the tokens at work, through openid-client's own calls.
describe.skipIf(skip)('openid-client with the tokens: userinfo, an API, revocation, introspection', () => {
  /** A poll-mode login of `subject` with `scope`, approved: openid-client's tokens. */
  async function login(scope: string, subject = 'john', options?: client.DPoPOptions) {
    const config = await discover('poll')
    const started = await client.initiateBackchannelAuthentication(config, { scope, login_hint: subject })
    await decide(started.auth_req_id, true, subject)
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started, undefined, options)
    return { config, tokens }
  }

  /** openid-client's configuration of a resource server of the AS, for introspection. */
  async function resourceServer(): Promise<client.Configuration> {
    const metadata = (await discover('poll')).serverMetadata()
    const config = new client.Configuration(
      metadata,
      'resource-server',
      undefined,
      client.ClientSecretBasic('resource-server-secret'),
    )
    client.allowInsecureRequests(config)
    return config
  }

  /** What an openid-client call that met a WWW-Authenticate challenge rejects with. */
  async function challengeOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => expect.fail('resolved'),
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError)
    const { status, cause } = error as client.WWWAuthenticateChallengeError
    return {
      status,
      challenges: cause.map(({ scheme, parameters }) => ({ scheme, error: parameters.error })),
    }
  }

  describe.concurrent('through openid-client', () => {
    it('fetchUserInfo with Bearer tokens: the claims the scopes allow, sub checked by openid-client', async () => {
      const { config, tokens } = await login('openid profile email')
      const sub = tokens.claims()?.sub ?? ''
      expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toEqual({
        sub: 'john',
        name: 'John Smith',
        email: 'john@example.com',
        email_verified: true,
      })
      // openid only: sub and nothing more.
      const bare = await login('openid', 'jane')
      expect(await client.fetchUserInfo(bare.config, bare.tokens.access_token, 'jane')).toEqual({
        sub: 'jane',
      })
    })

    it('fetchUserInfo with DPoP-bound tokens', async () => {
      const config = await discover('poll')
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
      const { tokens } = await login('openid email', 'john', { DPoP: dpop })
      expect(tokens.token_type).toBe('dpop')
      expect(await client.fetchUserInfo(config, tokens.access_token, 'john', { DPoP: dpop })).toEqual({
        sub: 'john',
        email: 'john@example.com',
        email_verified: true,
      })
    })

    it('fetchProtectedResource on /api/me: Bearer, DPoP, and a proof from another key refused', async () => {
      const bearer = await login('openid profile')
      const res = await client.fetchProtectedResource(
        bearer.config,
        bearer.tokens.access_token,
        new URL(`${issuer}/api/me`),
        'GET',
      )
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        subject: 'john',
        name: 'John Smith',
        scopes: ['openid', 'profile'],
      })

      const config = await discover('poll')
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
      const bound = await login('openid profile', 'jane', { DPoP: dpop })
      const ok = await client.fetchProtectedResource(
        config,
        bound.tokens.access_token,
        new URL(`${issuer}/api/me?view=full`),
        'GET',
        undefined,
        undefined,
        { DPoP: dpop },
      )
      expect(await ok.json()).toMatchObject({ subject: 'jane' })

      const stranger = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
      expect(
        await challengeOf(
          client.fetchProtectedResource(
            config,
            bound.tokens.access_token,
            new URL(`${issuer}/api/me`),
            'GET',
            undefined,
            undefined,
            { DPoP: stranger },
          ),
        ),
      ).toEqual({ status: 401, challenges: [{ scheme: 'dpop', error: 'invalid_dpop_proof' }] })
    })

    it('tokenRevocation of the refresh token: the refresh then refused, the grant’s access token too', async () => {
      const { config, tokens } = await login('openid profile')
      await client.tokenRevocation(config, tokens.refresh_token ?? '')
      expect(await oauthError(client.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toEqual({
        error: 'invalid_grant',
        status: 400,
      })
      expect(
        await challengeOf(
          client.fetchProtectedResource(config, tokens.access_token, new URL(`${issuer}/api/me`), 'GET'),
        ),
      ).toEqual({ status: 401, challenges: [{ scheme: 'bearer', error: 'invalid_token' }] })
    })

    it('tokenIntrospection from a resource server: active, then inactive once revoked', async () => {
      const { config, tokens } = await login('openid email')
      const rs = await resourceServer()
      expect(await client.tokenIntrospection(rs, tokens.access_token)).toMatchObject({
        active: true,
        sub: 'john',
        client_id: 'poll-client',
        scope: 'openid email',
        token_type: 'Bearer',
      })
      await client.tokenRevocation(config, tokens.access_token)
      expect(await client.tokenIntrospection(rs, tokens.access_token)).toEqual({ active: false })
    })
  })
})

// What openid-client never sends wrong: raw requests to the AS's resource endpoints.
describe.skipIf(skip)('the resource endpoints to requests openid-client never sends', () => {
  async function tokensFor(scope: string): Promise<string> {
    const config = await discover('poll')
    const started = await client.initiateBackchannelAuthentication(config, { scope, login_hint: 'john' })
    await decide(started.auth_req_id, true)
    return (await client.pollBackchannelAuthenticationGrant(config, started)).access_token
  }

  it('/api/me without a token: 401 with a bare Bearer challenge, an empty body of no type', async () => {
    const res = await fetch(`${as.url}/api/me`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-type')).toBeNull()
    expect(await res.text()).toBe('')
  })

  it('/api/me with the token in the query string: 400 invalid_request, not accepted', async () => {
    const accessToken = await tokensFor('openid profile')
    const res = await fetch(`${as.url}/api/me?access_token=${accessToken}`)
    expect(res.status).toBe(400)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/)
  })

  it('/api/me with a token that lacks the profile scope: 403 insufficient_scope naming it', async () => {
    const accessToken = await tokensFor('openid')
    const res = await fetch(`${as.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_scope",.*scope="profile"/,
    )
  })

  it('/userinfo with a DPoP-bound token presented as a bearer token: 401 with a DPoP challenge', async () => {
    const config = await discover('poll')
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: 'john',
    })
    await decide(started.auth_req_id, true)
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started, undefined, { DPoP: dpop })
    const res = await fetch(`${as.url}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/)
    expect(res.headers.get('content-type')).toBeNull()
  })

  it('/introspect from an unknown caller: 401, and Authlete is not asked', async () => {
    const before = simulator.requests.introspectionStandard.length
    const res = await fetch(`${as.url}/introspect`, {
      method: 'POST',
      headers: {
        authorization: basic('resource-server', 'wrong'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'token=anything',
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'invalid_client' })
    expect(simulator.requests.introspectionStandard.length).toBe(before)
  })
})
