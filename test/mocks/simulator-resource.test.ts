// The simulator's play of the five calls of the tokens at work (userinfo, userinfoIssue,
// introspection, introspectionStandard, revocation), on tokens of real CIBA logins through it: the
// client's request to a test AS (handleBackchannelAuthentication), the user's approval on the
// simulated device (the AS calls /complete), then /auth/token, with a DPoP proof for a bound token.
// Over msw; the clock is the test's, so expiry is a step of it, never a wait.
import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import {
  requestAuthentication,
  startTestAuthorizationServer,
  type TestAuthorizationServer,
} from '../helpers/ciba-as.js'
import { dpopProof, type ProofKey, proofKey } from '../helpers/dpop-proof.js'
import { ADDRESS_CLAIMS, EMAIL_CLAIMS, PHONE_CLAIMS, PROFILE_CLAIMS } from '../helpers/scope-claims.js'

let clock = Date.parse('2026-11-29T00:00:00Z')
const seconds = () => Math.floor(clock / 1000)
const ISSUER = 'https://as.example.com'
const TOKEN_ENDPOINT = `${ISSUER}/token`
/** The simulator's default userinfoEndpoint: the `htu` of a proof at /auth/userinfo given none. */
const USERINFO = `${ISSUER}/userinfo`
const API = 'https://api.example.com/me'
const ALGS = 'algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"'
const POLL = { clientId: 'poll-client', clientSecret: 'poll-secret' }
const OTHER = { clientId: 'other-client', clientSecret: 'other-secret' }

const simulator = createCibaSimulator({
  users: [
    { subject: 'john', loginHints: ['john@example.com'] },
    { subject: 'jane', loginHints: ['jane@example.com'] },
  ],
  now: () => clock,
  issuer: ISSUER,
  // Shorter than the access tokens' hour: a grant can be seen no longer refreshable.
  refreshTokenDuration: 1800,
})
const server = setupAuthleteServer(...simulator.handlers)
const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false })
let as: TestAuthorizationServer

beforeAll(async () => {
  server.listen()
  // Registered first: numeric client IDs 1000001 and 1000002.
  simulator.addClient({ ...POLL, deliveryMode: 'POLL' })
  simulator.addClient({ ...OTHER, deliveryMode: 'POLL' })
  as = await startTestAuthorizationServer(authlete, simulator)
})
afterEach(() => {
  simulator.reset()
  server.resetHandlers()
})
afterAll(async () => {
  await as.close()
  await authlete.close()
  server.close()
})

const ciba = (authReqId: string) =>
  `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${authReqId}`

interface Login {
  accessToken: string
  refreshToken: string
  /** The token response the client got. */
  content: Record<string, unknown>
  /** When the access token was issued, on the simulator's clock. */
  issuedAt: number
}

/**
 * A whole CIBA login in poll mode: the client's request to the AS, the user's approval, the token
 * request (with a DPoP proof of `key`, binding the tokens to it). The tokens the client gets.
 */
async function login(
  scope = 'openid email',
  {
    client = POLL,
    hint = 'john@example.com',
    key,
  }: { client?: typeof POLL; hint?: string; key?: ProofKey } = {},
): Promise<Login> {
  const started = await requestAuthentication(as, client, { scope, login_hint: hint })
  if (started.status !== 200) throw new Error(`backchannel authentication: ${JSON.stringify(started)}`)
  const authReqId = started.body.auth_req_id as string
  await simulator.approve(authReqId)
  const answer = await authlete.token({
    parameters: ciba(authReqId),
    ...client,
    ...(key === undefined ? {} : { dpop: dpopProof(key, TOKEN_ENDPOINT, seconds()), htm: 'POST' }),
  })
  if (answer.action !== 'OK') throw new Error(`token: ${JSON.stringify(answer)}`)
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken as string,
    content: JSON.parse(answer.responseContent) as Record<string, unknown>,
    issuedAt: clock,
  }
}

/** A refresh of `refreshToken` by `client`: the token endpoint's answer. */
async function refresh(
  refreshToken: string,
  { client = POLL, scope }: { client?: typeof POLL; scope?: string } = {},
) {
  const parameters = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
  if (scope !== undefined) parameters.set('scope', scope)
  const answer = await authlete.token({ parameters, ...client })
  const content = JSON.parse(answer.responseContent ?? '{}') as Record<string, unknown>
  return { action: answer.action, content, accessToken: content.access_token as string }
}

/** `ath`: the base64url SHA-256 of the access token (RFC 9449 §4.2). */
const ath = (token: string) => createHash('sha256').update(token).digest('base64url')

/** A proof of `key` for `htm htu` that comes with `token` (its `ath`); `claims` override. */
function resourceProof(
  key: ProofKey,
  token: string,
  {
    htm = 'GET',
    htu = USERINFO,
    claims = {},
  }: { htm?: string; htu?: string; claims?: Record<string, unknown> } = {},
): string {
  return dpopProof(key, htu, seconds(), { claims: { htm, ath: ath(token), ...claims } })
}

/** A raw call to the simulator's path for `path` (v3), with a form body: what the SDK would refuse to send. */
async function raw(path: string, fields: Record<string, string>) {
  const response = await fetch(`https://us.authlete.com/api/715948317${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const bearer = (error: string, description: string, extra = '') =>
  `Bearer error="${error}",error_description="${description}"${extra}`
const dpop = (error: string, description: string) =>
  `DPoP error="${error}",error_description="${description}",${ALGS}`
const UNKNOWN = 'The access token does not exist or has expired.'

describe('userinfo: a token the simulator issued, its claims from its scopes (OpenID Connect Core §5.4)', () => {
  it('OK for a live Bearer token: its subject, scopes and client, the claim names of profile, email, address and phone', async () => {
    const { accessToken } = await login('openid profile email address phone offline_access')
    const res = await authlete.userinfo({ token: accessToken })
    expect(res).toEqual({
      resultCode: 'A091001',
      resultMessage: '[A091001] The access token presented at the userinfo endpoint is valid.',
      action: 'OK',
      clientId: 1_000_001,
      clientIdAlias: 'poll-client',
      clientIdAliasUsed: false,
      subject: 'john',
      scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
      claims: [...PROFILE_CLAIMS, ...EMAIL_CLAIMS, ...ADDRESS_CLAIMS, ...PHONE_CLAIMS],
      token: accessToken,
    })
  })

  it.each([
    ['openid', []],
    ['openid email', ['email', 'email_verified']],
    ['openid phone address', ['address', 'phone_number', 'phone_number_verified']],
  ])('scope %s allows the claims %j', async (scope, claims) => {
    const { accessToken } = await login(scope)
    expect(await authlete.userinfo({ token: accessToken })).toMatchObject({ action: 'OK', claims })
  })

  it('FORBIDDEN for a token without openid (a refresh that narrowed it to email): insufficient_scope', async () => {
    const { refreshToken } = await login('openid email')
    const narrowed = await refresh(refreshToken, { scope: 'email' })
    expect([narrowed.action, narrowed.content.scope]).toEqual(['OK', 'email'])
    expect(await authlete.userinfo({ token: narrowed.accessToken })).toEqual({
      resultCode: 'A091302',
      resultMessage: '[A091302] The access token does not have the openid scope.',
      action: 'FORBIDDEN',
      responseContent: bearer('insufficient_scope', 'The access token does not have the openid scope.'),
    })
  })

  it('UNAUTHORIZED for a token it never issued: a Bearer invalid_token challenge', async () => {
    await login()
    expect(await authlete.userinfo({ token: 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI' })).toEqual({
      resultCode: 'A091301',
      resultMessage: `[A091301] ${UNKNOWN}`,
      action: 'UNAUTHORIZED',
      responseContent: bearer('invalid_token', UNKNOWN),
    })
  })

  it("UNAUTHORIZED once the token expires on the simulator's clock: OK a millisecond before, not at its expiry", async () => {
    const { accessToken, issuedAt } = await login()
    clock = issuedAt + 3_600_000 - 1
    expect((await authlete.userinfo({ token: accessToken })).action).toBe('OK')
    clock = issuedAt + 3_600_000
    expect(await authlete.userinfo({ token: accessToken })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: bearer('invalid_token', UNKNOWN),
    })
  })

  it('BAD_REQUEST for a call without a token (a raw call: the SDK refuses to send one)', async () => {
    expect(await raw('/auth/userinfo', { htm: 'GET' })).toEqual({
      status: 200,
      body: {
        resultCode: 'A091201',
        resultMessage: '[A091201] An access token must be sent as a Bearer token.',
        action: 'BAD_REQUEST',
        responseContent: bearer('invalid_request', 'An access token must be sent as a Bearer token.'),
      },
    })
  })

  it('a Bearer token presented with a DPoP proof: UNAUTHORIZED, it is bound to no key', async () => {
    const { accessToken } = await login()
    const res = await authlete.userinfo({
      token: accessToken,
      dpop: resourceProof(proofKey(), accessToken),
      htm: 'GET',
    })
    expect(res).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop('invalid_token', 'The access token is not bound to a DPoP key.'),
    })
  })
})

describe('userinfo and a DPoP-bound token (RFC 9449 §7)', () => {
  let key: ProofKey
  let token: string
  beforeAll(() => {
    key = proofKey()
  })
  const bound = async () => {
    const { accessToken, content } = await login('openid email', { key })
    expect(content.token_type).toBe('DPoP')
    token = accessToken
    return accessToken
  }

  it("OK with a proof of its key for GET on the userinfoEndpoint (the call's htu left out), ath its hash", async () => {
    await bound()
    const res = await authlete.userinfo({ token, dpop: resourceProof(key, token), htm: 'GET' })
    expect(res).toMatchObject({ action: 'OK', subject: 'john', claims: ['email', 'email_verified'] })
  })

  it("OK with a proof for the call's own htu (a POST to the URL the client used)", async () => {
    await bound()
    const htu = 'https://login.example.com/me'
    const res = await authlete.userinfo({
      token,
      dpop: resourceProof(key, token, { htm: 'POST', htu }),
      htm: 'POST',
      htu,
    })
    expect(res.action).toBe('OK')
  })

  it('presented without a proof (as a Bearer token): UNAUTHORIZED, with a DPoP challenge (RFC 9449 §7.2)', async () => {
    await bound()
    expect(await authlete.userinfo({ token })).toEqual({
      resultCode: 'A091301',
      resultMessage: '[A091301] The access token is bound to a DPoP key: a DPoP proof is required.',
      action: 'UNAUTHORIZED',
      responseContent: dpop(
        'invalid_token',
        'The access token is bound to a DPoP key: a DPoP proof is required.',
      ),
    })
  })

  it.each([
    [
      'another key',
      () => resourceProof(proofKey(), token),
      "The DPoP proof's key is not the one the access token is bound to.",
    ],
    [
      'another method',
      () => resourceProof(key, token, { htm: 'POST' }),
      "The DPoP proof's htm does not match the request's method.",
    ],
    [
      'another URL',
      () => resourceProof(key, token, { htu: 'https://as.example.com/other' }),
      "The DPoP proof's htu does not match the request's URL.",
    ],
    [
      'the hash of another token',
      () => resourceProof(key, token, { claims: { ath: ath('another-token') } }),
      "The DPoP proof's ath does not match the access token.",
    ],
    [
      'no ath (a proof for the token endpoint)',
      () => resourceProof(key, token, { claims: { ath: undefined } }),
      "The DPoP proof's ath does not match the access token.",
    ],
    [
      'an iat of ten minutes ago',
      () => resourceProof(key, token, { claims: { iat: seconds() - 600 } }),
      "The DPoP proof's iat is too far from the current time.",
    ],
  ])('a proof with %s: UNAUTHORIZED, invalid_dpop_proof', async (_, proof, reason) => {
    await bound()
    expect(await authlete.userinfo({ token, dpop: proof(), htm: 'GET' })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop('invalid_dpop_proof', reason),
    })
  })

  it('a proof used once is refused the second time (its jti), at the userinfo endpoint as at the token endpoint', async () => {
    await bound()
    const proof = resourceProof(key, token)
    expect((await authlete.userinfo({ token, dpop: proof, htm: 'GET' })).action).toBe('OK')
    expect(await authlete.userinfo({ token, dpop: proof, htm: 'GET' })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop('invalid_dpop_proof', "The DPoP proof's jti has been used before."),
    })
    // A new proof (a new jti) of the same key is good.
    expect((await authlete.userinfo({ token, dpop: resourceProof(key, token), htm: 'GET' })).action).toBe(
      'OK',
    )
  })

  it('a proof without htm: UNAUTHORIZED, the request it must match is not known', async () => {
    await bound()
    expect(await authlete.userinfo({ token, dpop: resourceProof(key, token) })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop(
        'invalid_dpop_proof',
        'The htm and htu of the request are needed to check the DPoP proof.',
      ),
    })
  })
})

describe("userinfoIssue: the UserInfo response, with the token's sub", () => {
  it('JSON: the claims the AS passes, sub the subject of the token, first', async () => {
    const { accessToken } = await login()
    const res = await authlete.userinfoIssue({
      token: accessToken,
      claims: { email: 'john@example.com', email_verified: true },
    })
    expect(res).toEqual({
      resultCode: 'A096001',
      resultMessage: '[A096001] An ID token was generated successfully.',
      action: 'JSON',
      responseContent: '{"sub":"john","email":"john@example.com","email_verified":true}',
    })
  })

  it("a sub among the claims the AS passes is not the response's: the token's is (OpenID Connect Core §5.3.2)", async () => {
    const { accessToken } = await login()
    const res = await authlete.userinfoIssue({
      token: accessToken,
      claims: '{"sub":"mallory","name":"John"}',
    })
    if (res.action !== 'JSON') throw new Error(`expected JSON, got ${res.action}`)
    expect(JSON.parse(res.responseContent)).toEqual({ sub: 'john', name: 'John' })
  })

  it('the sub parameter (a pairwise identifier) is the sub of the response', async () => {
    const { accessToken } = await login()
    const res = await authlete.userinfoIssue({
      token: accessToken,
      sub: 'pairwise-7f3a',
      claims: { sub: 'x' },
    })
    if (res.action !== 'JSON') throw new Error(`expected JSON, got ${res.action}`)
    expect(JSON.parse(res.responseContent)).toEqual({ sub: 'pairwise-7f3a' })
  })

  it('no claims: sub alone', async () => {
    const { accessToken } = await login('openid')
    expect(await authlete.userinfoIssue({ token: accessToken })).toMatchObject({
      action: 'JSON',
      responseContent: '{"sub":"john"}',
    })
  })

  it('UNAUTHORIZED for a token it never issued, or one that expired between the two calls', async () => {
    const { accessToken, issuedAt } = await login()
    const unauthorized = {
      resultCode: 'A096301',
      resultMessage: `[A096301] ${UNKNOWN}`,
      action: 'UNAUTHORIZED',
      responseContent: bearer('invalid_token', UNKNOWN),
    }
    expect(await authlete.userinfoIssue({ token: 'unknown-token' })).toEqual(unauthorized)
    clock = issuedAt + 3_600_000
    expect(await authlete.userinfoIssue({ token: accessToken })).toEqual(unauthorized)
  })

  it('BAD_REQUEST for claims that are not a JSON object (a raw call); 400 without a token', async () => {
    const { accessToken } = await login()
    expect(
      (await raw('/auth/userinfo/issue', { token: accessToken, claims: '["name"]' })).body,
    ).toMatchObject({
      action: 'BAD_REQUEST',
      resultCode: 'A096202',
      responseContent: bearer('invalid_request', 'The claims parameter is not a JSON object.'),
    })
    expect(await raw('/auth/userinfo/issue', { claims: '{}' })).toEqual({
      status: 400,
      body: {
        resultCode: 'A096201',
        resultMessage: "[A096201] The request does not contain a 'token' parameter.",
      },
    })
  })
})

describe("introspection: a resource server's check of a token the simulator issued", () => {
  it('OK: usable and sufficient for the scopes asked, with its subject, scopes, client, expiry (ms), grant type and auth time', async () => {
    const { accessToken, issuedAt } = await login('openid email')
    const res = await authlete.introspection({ token: accessToken, scopes: ['email'], subject: 'john' })
    expect(res).toEqual({
      resultCode: 'A056001',
      resultMessage: '[A056001] The access token is valid.',
      action: 'OK',
      responseContent: 'Bearer error="invalid_request"',
      clientId: 1_000_001,
      clientIdAlias: 'poll-client',
      clientIdAliasUsed: false,
      subject: 'john',
      scopes: ['openid', 'email'],
      existent: true,
      usable: true,
      sufficient: true,
      refreshable: true,
      expiresAt: issuedAt + 3_600_000,
      grantType: 'CIBA',
      authTime: Math.floor(issuedAt / 1000),
    })
  })

  it('OK without scopes or subject asked: any live token of its is sufficient', async () => {
    const { accessToken } = await login('openid')
    expect(await authlete.introspection({ token: accessToken })).toMatchObject({
      action: 'OK',
      sufficient: true,
    })
  })

  it('FORBIDDEN for scopes the token lacks: insufficient_scope, with the scope the resource needs', async () => {
    const { accessToken } = await login('openid email')
    const res = await authlete.introspection({ token: accessToken, scopes: ['email', 'payments'] })
    expect(res).toEqual({
      resultCode: 'A056302',
      resultMessage: '[A056302] The access token does not cover the scopes required.',
      action: 'FORBIDDEN',
      responseContent: bearer(
        'insufficient_scope',
        'The access token does not cover the scopes required.',
        ',scope="email payments"',
      ),
      existent: true,
      usable: true,
      sufficient: false,
    })
  })

  it('FORBIDDEN for a token of another subject than the one the resource requires', async () => {
    const { accessToken } = await login('openid', { hint: 'jane@example.com' })
    expect(await authlete.introspection({ token: accessToken, subject: 'john' })).toMatchObject({
      action: 'FORBIDDEN',
      responseContent: bearer('invalid_request', 'The access token was not issued to the subject required.'),
      usable: true,
      sufficient: false,
    })
    expect(await authlete.introspection({ token: accessToken, subject: 'jane' })).toMatchObject({
      action: 'OK',
      subject: 'jane',
    })
  })

  it('UNAUTHORIZED for an unknown token (existent false) and an expired one (existent true); usable false both', async () => {
    const { accessToken, issuedAt } = await login()
    expect(await authlete.introspection({ token: 'unknown-token' })).toEqual({
      resultCode: 'A056301',
      resultMessage: `[A056301] ${UNKNOWN}`,
      action: 'UNAUTHORIZED',
      responseContent: bearer('invalid_token', UNKNOWN),
      existent: false,
      usable: false,
      sufficient: false,
    })
    clock = issuedAt + 3_600_000
    expect(await authlete.introspection({ token: accessToken, scopes: ['openid'] })).toMatchObject({
      action: 'UNAUTHORIZED',
      existent: true,
      usable: false,
    })
  })

  it("refreshable: true while the grant's refresh token lives, false once it expired (the access token still usable)", async () => {
    const { accessToken, issuedAt } = await login()
    clock = issuedAt + 1_800_000 - 1
    expect(await authlete.introspection({ token: accessToken })).toMatchObject({
      usable: true,
      refreshable: true,
    })
    clock = issuedAt + 1_800_000
    expect(await authlete.introspection({ token: accessToken })).toMatchObject({
      usable: true,
      refreshable: false,
    })
  })

  it("a refreshed token: grantType REFRESH_TOKEN, the refresh's scopes", async () => {
    const { refreshToken } = await login('openid email')
    const refreshed = await refresh(refreshToken, { scope: 'email' })
    expect(await authlete.introspection({ token: refreshed.accessToken })).toMatchObject({
      action: 'OK',
      grantType: 'REFRESH_TOKEN',
      scopes: ['email'],
      refreshable: true,
    })
  })

  it("a DPoP-bound token: OK with a proof of its key for the resource's method and URL; UNAUTHORIZED without, or without the URL", async () => {
    const key = proofKey()
    const { accessToken } = await login('openid', { key })
    const proof = resourceProof(key, accessToken, { htm: 'GET', htu: API })
    expect(
      await authlete.introspection({ token: accessToken, dpop: proof, htm: 'GET', htu: `${API}?page=2` }),
    ).toMatchObject({ action: 'OK', subject: 'john' })
    expect(await authlete.introspection({ token: accessToken })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop(
        'invalid_token',
        'The access token is bound to a DPoP key: a DPoP proof is required.',
      ),
      existent: true,
      usable: false,
    })
    // No default htu at a resource: the userinfo endpoint's is not the API's.
    const again = resourceProof(key, accessToken, { htu: USERINFO })
    expect(await authlete.introspection({ token: accessToken, dpop: again, htm: 'GET' })).toMatchObject({
      action: 'UNAUTHORIZED',
      responseContent: dpop(
        'invalid_dpop_proof',
        'The htm and htu of the request are needed to check the DPoP proof.',
      ),
    })
  })

  it('BAD_REQUEST for a call without a token (a raw call)', async () => {
    expect((await raw('/auth/introspection', { scopes: 'openid' })).body).toMatchObject({
      action: 'BAD_REQUEST',
      resultCode: 'A056201',
    })
  })

  it('scopes sent as a form (one space-separated value, as the document allows) are read as the list', async () => {
    const { accessToken } = await login('openid email')
    const ok = await raw('/auth/introspection', { token: accessToken, scopes: 'openid email' })
    expect(ok.body).toMatchObject({ action: 'OK', sufficient: true })
    const lacking = await raw('/auth/introspection', { token: accessToken, scopes: 'email payments' })
    expect(lacking.body).toMatchObject({ action: 'FORBIDDEN', sufficient: false })
  })
})

/** The RFC 7662 response of an answer of introspectionStandard. */
async function introspect(token: string, extra: Record<string, string> = {}) {
  const res = await authlete.introspectionStandard({ parameters: new URLSearchParams({ token, ...extra }) })
  if (res.action !== 'OK') throw new Error(`expected OK, got ${JSON.stringify(res)}`)
  return JSON.parse(res.responseContent) as Record<string, unknown>
}

describe('introspectionStandard: RFC 7662 for the tokens the simulator issued', () => {
  it('an access token: active, its scope, client_id, sub, token_type, exp, iat, iss', async () => {
    const { accessToken } = await login('openid email')
    expect(await introspect(accessToken, { token_type_hint: 'access_token' })).toEqual({
      active: true,
      scope: 'openid email',
      client_id: 'poll-client',
      sub: 'john',
      token_type: 'Bearer',
      exp: seconds() + 3600,
      iat: seconds(),
      iss: ISSUER,
    })
  })

  it('a DPoP-bound access token: token_type DPoP, cnf.jkt its key', async () => {
    const key = proofKey()
    const { accessToken } = await login('openid', { key })
    const content = await introspect(accessToken)
    expect(content).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: expect.any(String) } })
    // The proof of that key verifies against the same binding at a resource.
    const proof = resourceProof(key, accessToken, { htu: API })
    expect(
      (await authlete.introspection({ token: accessToken, dpop: proof, htm: 'GET', htu: API })).action,
    ).toBe('OK')
  })

  it('a refresh token: active, token_type refresh_token, its own expiry', async () => {
    const { refreshToken } = await login('openid email')
    expect(await introspect(refreshToken, { token_type_hint: 'refresh_token' })).toEqual({
      active: true,
      scope: 'openid email',
      client_id: 'poll-client',
      sub: 'john',
      token_type: 'refresh_token',
      exp: seconds() + 1800,
      iat: seconds(),
      iss: ISSUER,
    })
  })

  it('{"active":false} for an unknown token, an expired one and a revoked one, and nothing else', async () => {
    const { accessToken, refreshToken, issuedAt } = await login()
    const other = await login()
    expect(await introspect('unknown-token')).toEqual({ active: false })
    await authlete.revocation({ parameters: `token=${accessToken}`, ...POLL })
    expect(await introspect(accessToken)).toEqual({ active: false })
    clock = issuedAt + 1_800_000
    expect(await introspect(refreshToken)).toEqual({ active: false })
    expect(await introspect(other.accessToken)).toMatchObject({ active: true })
    clock = issuedAt + 3_600_000
    expect(await introspect(other.accessToken)).toEqual({ active: false })
  })

  it('a signed answer (RFC 9701) when the caller accepts application/token-introspection+jwt: typ, iss, aud the rsUri, verified with simulator.jwks', async () => {
    const { accessToken } = await login('openid email')
    const res = await authlete.introspectionStandard({
      parameters: `token=${accessToken}`,
      rsUri: 'https://rs.example.com',
      httpAcceptHeader: 'application/json;q=0.5, application/token-introspection+jwt',
    })
    if (res.action !== 'JWT') throw new Error(`expected JWT, got ${res.action}`)
    const [header = '', payload = '', signature = ''] = res.responseContent.split('.')
    const decoded = (part: string) =>
      JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>
    const { kid, ...rest } = decoded(header)
    expect(rest).toEqual({ alg: 'RS256', typ: 'token-introspection+jwt' })
    const jwk = simulator.jwks.keys.find((key) => (key as { kid?: string }).kid === kid)
    expect(jwk).toBeDefined()
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    )
    expect(signed).toBe(true)
    expect(decoded(payload)).toEqual({
      iss: ISSUER,
      aud: 'https://rs.example.com',
      iat: seconds(),
      token_introspection: await introspect(accessToken),
    })
  })

  it('a media type is matched whatever its case (RFC 9110 §8.3.1): a signed answer for an upper-case Accept', async () => {
    const { accessToken } = await login()
    const res = await authlete.introspectionStandard({
      parameters: `token=${accessToken}`,
      httpAcceptHeader: 'Application/Token-Introspection+JWT',
    })
    expect(res.action).toBe('JWT')
  })

  it('JSON when the caller accepts JSON only, says nothing, or refuses the signed type (q=0, RFC 9110 §12.4.2)', async () => {
    const { accessToken } = await login()
    for (const httpAcceptHeader of [
      'application/json',
      undefined,
      'application/token-introspection+jwt;q=0, application/json',
      'application/token-introspection+jwt; q=0.000',
    ]) {
      const res = await authlete.introspectionStandard({
        parameters: `token=${accessToken}`,
        ...(httpAcceptHeader === undefined ? {} : { httpAcceptHeader }),
      })
      expect(res.action).toBe('OK')
    }
  })

  it('BAD_REQUEST for a request without a token, or with a parameter twice; 400 without parameters', async () => {
    const { accessToken } = await login()
    expect(await authlete.introspectionStandard({ parameters: 'token_type_hint=access_token' })).toEqual({
      resultCode: 'A145202',
      resultMessage: '[A145202] The token parameter is missing.',
      action: 'BAD_REQUEST',
      responseContent: '{"error":"invalid_request","error_description":"The token parameter is missing."}',
    })
    expect(
      await authlete.introspectionStandard({ parameters: `token=${accessToken}&token=${accessToken}` }),
    ).toMatchObject({
      action: 'BAD_REQUEST',
      resultMessage: "[A145202] The 'token' parameter is included more than once.",
    })
    expect((await raw('/auth/introspection/standard', { rsUri: 'x' })).status).toBe(400)
  })
})

describe('revocation: a token of the caller, revoked (RFC 7009)', () => {
  it("its own access token: revoked (userinfo UNAUTHORIZED, introspection usable false); the grant's refresh token lives on", async () => {
    const { accessToken, refreshToken } = await login()
    const res = await authlete.revocation({
      parameters: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
      ...POLL,
    })
    expect(res).toEqual({
      resultCode: 'A113001',
      resultMessage: '[A113001] The token has been revoked successfully.',
      action: 'OK',
    })
    expect((await authlete.userinfo({ token: accessToken })).action).toBe('UNAUTHORIZED')
    expect(await authlete.introspection({ token: accessToken })).toMatchObject({
      action: 'UNAUTHORIZED',
      usable: false,
    })
    expect((await refresh(refreshToken)).action).toBe('OK')
  })

  it("its own refresh token: revoked with the grant's access tokens; a refresh then gets invalid_grant", async () => {
    const { accessToken, refreshToken } = await login()
    const res = await authlete.revocation({
      parameters: `token=${refreshToken}&token_type_hint=refresh_token`,
      ...POLL,
    })
    expect(res.action).toBe('OK')
    const refused = await refresh(refreshToken)
    expect([refused.action, refused.content.error]).toEqual(['BAD_REQUEST', 'invalid_grant'])
    expect((await authlete.userinfo({ token: accessToken })).action).toBe('UNAUTHORIZED')
    expect(await introspect(refreshToken)).toEqual({ active: false })
  })

  it('tokens minted by a refresh belong to the same grant: revoking the new refresh token revokes every access token of it', async () => {
    const first = await login()
    const refreshed = await refresh(first.refreshToken)
    const newRefreshToken = refreshed.content.refresh_token as string
    // Rotation: the old refresh token is spent, the new one works.
    expect(await introspect(first.refreshToken)).toEqual({ active: false })
    await authlete.revocation({ parameters: `token=${newRefreshToken}`, ...POLL })
    expect((await authlete.userinfo({ token: first.accessToken })).action).toBe('UNAUTHORIZED')
    expect((await authlete.userinfo({ token: refreshed.accessToken })).action).toBe('UNAUTHORIZED')
    expect((await refresh(newRefreshToken)).content.error).toBe('invalid_grant')
  })

  it('revoking one grant leaves another grant of the same client and user alone', async () => {
    const one = await login()
    const two = await login()
    await authlete.revocation({ parameters: `token=${one.refreshToken}`, ...POLL })
    expect((await authlete.userinfo({ token: two.accessToken })).action).toBe('OK')
    expect((await refresh(two.refreshToken)).action).toBe('OK')
  })

  it("another client's token: OK, and nothing is revoked (the caller learns nothing of tokens not its own)", async () => {
    const theirs = await login('openid', { client: OTHER })
    for (const token of [theirs.accessToken, theirs.refreshToken]) {
      expect(await authlete.revocation({ parameters: `token=${token}`, ...POLL })).toMatchObject({
        action: 'OK',
      })
    }
    expect((await authlete.userinfo({ token: theirs.accessToken })).action).toBe('OK')
    expect((await refresh(theirs.refreshToken, { client: OTHER })).action).toBe('OK')
  })

  it('an unknown token: OK (RFC 7009 §2.2)', async () => {
    expect((await authlete.revocation({ parameters: 'token=never-issued', ...POLL })).action).toBe('OK')
  })

  it('client_secret_post: the credentials in the body authenticate the client too', async () => {
    const { accessToken } = await login()
    const parameters = new URLSearchParams({
      token: accessToken,
      ...{ client_id: POLL.clientId, client_secret: POLL.clientSecret },
    })
    expect((await authlete.revocation({ parameters })).action).toBe('OK')
    expect((await authlete.userinfo({ token: accessToken })).action).toBe('UNAUTHORIZED')
  })

  it('a client that fails authentication: INVALID_CLIENT, and nothing is revoked', async () => {
    const { accessToken } = await login()
    for (const credentials of [
      { clientId: POLL.clientId, clientSecret: 'wrong' },
      { clientId: 'nobody', clientSecret: 'x' },
      {},
    ]) {
      expect(await authlete.revocation({ parameters: `token=${accessToken}`, ...credentials })).toMatchObject(
        {
          resultCode: 'A113301',
          action: 'INVALID_CLIENT',
          responseContent: expect.stringMatching(/^\{"error":"invalid_client","error_description":"/),
        },
      )
    }
    expect((await authlete.userinfo({ token: accessToken })).action).toBe('OK')
  })

  it('BAD_REQUEST for a request without a token, with a parameter twice, or with two client authentications', async () => {
    expect(await authlete.revocation({ parameters: 'token_type_hint=access_token', ...POLL })).toEqual({
      resultCode: 'A113202',
      resultMessage: '[A113202] The token parameter is missing.',
      action: 'BAD_REQUEST',
      responseContent: '{"error":"invalid_request","error_description":"The token parameter is missing."}',
    })
    expect((await authlete.revocation({ parameters: 'token=a&token=b', ...POLL })).resultMessage).toBe(
      "[A113202] The 'token' parameter is included more than once.",
    )
    const twice = await authlete.revocation({
      parameters: `token=a&client_secret=${POLL.clientSecret}`,
      ...POLL,
    })
    expect(twice).toMatchObject({
      action: 'BAD_REQUEST',
      resultMessage: '[A113202] More than one client authentication method is used.',
    })
  })
})

describe('the discovery document and the request log', () => {
  it('/service/configuration lists the userinfo, revocation and introspection endpoints, below the issuer by default', async () => {
    expect(await authlete.serviceConfiguration()).toMatchObject({
      userinfo_endpoint: `${ISSUER}/userinfo`,
      revocation_endpoint: `${ISSUER}/revoke`,
      introspection_endpoint: `${ISSUER}/introspect`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    })
  })

  it('the options name them; userinfoEndpoint is also the htu a proof at /auth/userinfo must name by default', async () => {
    const other = createCibaSimulator({
      issuer: 'https://op.example',
      userinfoEndpoint: 'https://op.example/oidc/me',
      revocationEndpoint: 'https://op.example/oauth/revoke',
      introspectionEndpoint: 'https://op.example/oauth/introspect',
      clients: [{ ...POLL }],
      users: [{ subject: 'john' }],
      now: () => clock,
    })
    const base = 'https://other.authlete.example'
    server.use(...other.handlersFor(base))
    await using client = new AuthleteClient({ serviceId: '1', accessToken: 't', baseUrl: base, retry: false })
    expect(await client.serviceConfiguration()).toMatchObject({
      userinfo_endpoint: 'https://op.example/oidc/me',
      revocation_endpoint: 'https://op.example/oauth/revoke',
      introspection_endpoint: 'https://op.example/oauth/introspect',
    })
    // A DPoP-bound token of that simulator, at its /auth/userinfo with no htu: the option is the URL.
    const key = proofKey()
    const ba = await client.backchannelAuthentication({ parameters: 'scope=openid&login_hint=john', ...POLL })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(ba.action)
    const issued = await client.backchannelIssue(ba.ticket)
    if (issued.action !== 'OK') throw new Error(issued.action)
    await client.backchannelComplete({ ticket: ba.ticket, result: 'AUTHORIZED', subject: 'john' })
    const tokens = await client.token({
      parameters: ciba(issued.authReqId),
      ...POLL,
      dpop: dpopProof(key, 'https://op.example/token', seconds()),
      htm: 'POST',
    })
    if (tokens.action !== 'OK') throw new Error(tokens.action)
    const token = tokens.accessToken
    const at = (htu: string) =>
      client.userinfo({ token, dpop: resourceProof(key, token, { htu }), htm: 'GET' })
    expect((await at('https://op.example/oidc/me')).action).toBe('OK')
    expect((await at('https://op.example/userinfo')).action).toBe('UNAUTHORIZED')
  })

  it('logs each call under its name, with what it was sent and answered', async () => {
    const { accessToken, refreshToken } = await login()
    await authlete.userinfo({ token: accessToken })
    await authlete.userinfoIssue({ token: accessToken, claims: { email: 'john@example.com' } })
    await authlete.introspection({ token: accessToken, scopes: ['openid'] })
    await authlete.introspectionStandard({ parameters: `token=${refreshToken}` })
    await authlete.revocation({ parameters: `token=${refreshToken}`, ...POLL })
    const log = (
      name: 'userinfo' | 'userinfoIssue' | 'introspection' | 'introspectionStandard' | 'revocation',
    ) => simulator.requests[name].map(({ apiVersion, status, answer }) => [apiVersion, status, answer.action])
    expect(log('userinfo')).toEqual([['v3', 200, 'OK']])
    expect(log('userinfoIssue')).toEqual([['v3', 200, 'JSON']])
    expect(log('introspection')).toEqual([['v3', 200, 'OK']])
    expect(log('introspectionStandard')).toEqual([['v3', 200, 'OK']])
    expect(log('revocation')).toEqual([['v3', 200, 'OK']])
    expect(simulator.requests.introspection[0]?.fields).toEqual({ token: accessToken, scopes: ['openid'] })
    expect(simulator.requests.revocation[0]?.fields).toEqual({
      parameters: `token=${refreshToken}`,
      clientId: POLL.clientId,
      clientSecret: POLL.clientSecret,
    })
  })
})
