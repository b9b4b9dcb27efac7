// The simulator's /auth/token for the CIBA grant, as Authlete answers it: the checks in their order
// (client authentication, then the auth_req_id), each error's exact answer, and the tokens: an ID
// token signed with the simulator's key, verified here with node:crypto against its JWK Set.
import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey, verify } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { createTokenEndpoint, decodeJws, jwkThumbprint } from '../../../mocks/token/index.js'
import { dpopProof, proofKey } from '../../helpers/dpop-proof.js'
import {
  basicFields,
  cibaParameters,
  DECISION,
  FakeTokenState,
  PING,
  POLL,
  PUSH,
  T0,
} from '../../helpers/token-state.js'

const ISSUER = 'https://as.example.com'
const TOKEN_ENDPOINT = 'https://as.example.com/token'
const SIGNING_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

let state: FakeTokenState
let endpoint: ReturnType<typeof createTokenEndpoint>
beforeEach(() => {
  state = new FakeTokenState()
  endpoint = createTokenEndpoint(state, { issuer: ISSUER, signingKey: SIGNING_KEY })
})

/** `/auth/token`'s answer body for `fields`. */
function token(fields: Record<string, unknown>) {
  const { status, body } = endpoint.token(fields)
  expect(status).toBe(200)
  return body
}

const badRequest = (error: string, description: string) => ({
  resultCode: 'A300301',
  resultMessage: `[A300301] ${description}`,
  action: 'BAD_REQUEST',
  responseContent: JSON.stringify({ error, error_description: description }),
})
const invalidClient = (description: string) => ({
  resultCode: 'A300302',
  resultMessage: `[A300302] ${description}`,
  action: 'INVALID_CLIENT',
  responseContent: JSON.stringify({ error: 'invalid_client', error_description: description }),
})

const PENDING = badRequest('authorization_pending', 'The end-user has not been authenticated yet.')
const SLOW_DOWN = badRequest('slow_down', 'The client polls too often: it must slow down.')
const INVALID_AUTH_REQ_ID = badRequest('invalid_grant', 'The auth_req_id is invalid.')

describe('/auth/token reads the call first', () => {
  it("answers 400 with Authlete's result body when the call has no parameters", () => {
    expect(endpoint.token({ clientId: POLL.clientId })).toEqual({
      status: 400,
      body: {
        resultCode: 'A300201',
        resultMessage: "[A300201] The request does not contain a 'parameters' parameter.",
      },
    })
    expect(endpoint.token({ parameters: '' }).status).toBe(400)
  })

  it('refuses a parameter given twice, and a missing grant_type, with invalid_request', () => {
    state.issue('r1')
    expect(token(basicFields(POLL, `${cibaParameters('r1')}&auth_req_id=r2`))).toEqual(
      badRequest('invalid_request', "The 'auth_req_id' parameter is included more than once."),
    )
    expect(token(basicFields(POLL, 'auth_req_id=r1'))).toEqual(
      badRequest('invalid_request', 'The grant_type parameter is missing.'),
    )
  })
})

describe('/auth/token authenticates the client before anything else', () => {
  beforeEach(() => state.issue('r1'))

  it('INVALID_CLIENT without credentials, with a wrong secret, or for an unknown client', () => {
    expect(token({ parameters: cibaParameters('r1') })).toEqual(
      invalidClient('The request does not identify the client.'),
    )
    const failed = invalidClient('Client authentication failed.')
    expect(token({ ...basicFields(POLL, cibaParameters('r1')), clientSecret: 'wrong' })).toEqual(failed)
    expect(token({ parameters: cibaParameters('r1'), clientId: 'nobody', clientSecret: 's' })).toEqual(failed)
    expect(token({ parameters: `${cibaParameters('r1')}&client_id=${POLL.clientId}` })).toEqual(failed)
  })

  it('INVALID_CLIENT when Basic and client_id name different clients', () => {
    expect(token(basicFields(POLL, `${cibaParameters('r1')}&client_id=${PING.clientId}`))).toEqual(
      invalidClient('The client IDs of the Authorization header and of client_id differ.'),
    )
  })

  it('invalid_request when the secret comes both in Basic and in the body', () => {
    expect(token(basicFields(POLL, `${cibaParameters('r1')}&client_secret=${POLL.clientSecret}`))).toEqual(
      badRequest('invalid_request', 'More than one client authentication method is used.'),
    )
  })

  it('before the grant: a failed authentication hides whether the auth_req_id or grant type is known', () => {
    const failed = invalidClient('Client authentication failed.')
    expect(token({ ...basicFields(POLL, cibaParameters('unknown')), clientSecret: 'wrong' })).toEqual(failed)
    expect(token({ ...basicFields(POLL, 'grant_type=password'), clientSecret: 'wrong' })).toEqual(failed)
  })

  it('takes client_secret_post, and a client by its numeric ID as well as its alias', () => {
    state.complete('r1', 'AUTHORIZED')
    const post = `${cibaParameters('r1')}&client_id=${POLL.numericId}&client_secret=${POLL.clientSecret}`
    expect(token({ parameters: post })).toMatchObject({
      action: 'OK',
      clientAuthMethod: 'CLIENT_SECRET_POST',
      clientId: POLL.numericId,
      clientIdAlias: POLL.clientId,
      clientIdAliasUsed: false,
    })
  })
})

describe('/auth/token, the CIBA grant: the auth_req_id, checked in order', () => {
  it('invalid_request without an auth_req_id', () => {
    expect(token(basicFields(POLL, 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba'))).toEqual(
      badRequest('invalid_request', 'The auth_req_id parameter is missing.'),
    )
  })

  it("invalid_grant for an unknown auth_req_id, or another client's (before its delivery mode)", () => {
    state.issue('ping-request', PING)
    state.issue('push-request', PUSH)
    expect(token(basicFields(POLL, cibaParameters('unknown')))).toEqual(INVALID_AUTH_REQ_ID)
    expect(token(basicFields(POLL, cibaParameters('ping-request')))).toEqual(INVALID_AUTH_REQ_ID)
    expect(token(basicFields(POLL, cibaParameters('push-request')))).toEqual(INVALID_AUTH_REQ_ID)
  })

  it('unauthorized_client for a push-mode client, whatever the state of its request', () => {
    state.issue('push-request', PUSH)
    const refused = badRequest('unauthorized_client', 'A client in push mode must not use the CIBA grant.')
    expect(token(basicFields(PUSH, cibaParameters('push-request')))).toEqual(refused)
    state.complete('push-request', 'AUTHORIZED')
    expect(token(basicFields(PUSH, cibaParameters('push-request')))).toEqual(refused)
  })

  it('authorization_pending while /complete has not reported, in poll and ping modes', () => {
    state.issue('r1')
    state.issue('ping-request', PING)
    expect(token(basicFields(POLL, cibaParameters('r1')))).toEqual(PENDING)
    expect(token(basicFields(PING, cibaParameters('ping-request')))).toEqual(PENDING)
  })

  it('slow_down for a poll sooner than interval after the previous one, which counts from then', () => {
    endpoint = createTokenEndpoint(state, { issuer: ISSUER, signingKey: SIGNING_KEY, interval: 5 })
    state.issue('r1')
    const poll = (at: number) => {
      state.clock = T0 + at
      return token(basicFields(POLL, cibaParameters('r1')))
    }
    expect(poll(0)).toEqual(PENDING)
    expect(poll(4_999)).toEqual(SLOW_DOWN)
    expect(poll(9_998)).toEqual(SLOW_DOWN) // 4.999 s after the refused poll
    expect(poll(14_998)).toEqual(PENDING)
    expect(poll(19_998)).toEqual(PENDING)
  })

  it('access_denied when the user refused', () => {
    state.issue('r1')
    state.complete('r1', 'ACCESS_DENIED')
    expect(token(basicFields(POLL, cibaParameters('r1')))).toEqual(
      badRequest('access_denied', 'The end-user denied the authorization request.'),
    )
  })

  it('expired_token for TRANSACTION_FAILED, and for an auth_req_id whose lifetime ran out', () => {
    state.issue('failed')
    state.complete('failed', 'TRANSACTION_FAILED')
    expect(token(basicFields(POLL, cibaParameters('failed')))).toEqual(
      badRequest('expired_token', 'The authorization request could not be completed.'),
    )
    const expired = badRequest('expired_token', 'The auth_req_id has expired.')
    state.issue('late', POLL, { expiresAt: T0 + 1_000 })
    state.issue('authorized-late', POLL, { expiresAt: T0 + 1_000 })
    state.complete('authorized-late', 'AUTHORIZED')
    state.clock = T0 + 1_000
    expect(token(basicFields(POLL, cibaParameters('late')))).toEqual(expired)
    expect(token(basicFields(POLL, cibaParameters('authorized-late')))).toEqual(expired)
  })

  it('the tokens once, then invalid_grant on the second try', () => {
    state.issue('r1')
    state.complete('r1', 'AUTHORIZED')
    expect(token(basicFields(POLL, cibaParameters('r1')))).toMatchObject({ action: 'OK' })
    state.clock += 10_000
    expect(token(basicFields(POLL, cibaParameters('r1')))).toEqual(
      badRequest('invalid_grant', 'The auth_req_id has already been used.'),
    )
  })
})

describe('/auth/token, the CIBA grant: the tokens', () => {
  beforeEach(() => {
    state.issue('r1')
    state.complete('r1', 'AUTHORIZED')
  })

  it("answers OK with the client's token response and Authlete's fields", () => {
    const body = token(basicFields(POLL, cibaParameters('r1')))
    const content = JSON.parse(body.responseContent as string)
    expect(Object.keys(content)).toEqual([
      'access_token',
      'refresh_token',
      'scope',
      'id_token',
      'token_type',
      'expires_in',
    ])
    expect(content).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid email' })
    expect(body).toEqual({
      resultCode: 'A300001',
      resultMessage:
        '[A300001] The token request (grant_type=urn:openid:params:grant-type:ciba) was processed successfully.',
      action: 'OK',
      responseContent: body.responseContent,
      accessToken: content.access_token,
      accessTokenExpiresAt: T0 + 3_600_000,
      accessTokenDuration: 3600,
      refreshToken: content.refresh_token,
      refreshTokenExpiresAt: T0 + 86_400_000,
      refreshTokenDuration: 86400,
      idToken: content.id_token,
      grantType: 'CIBA',
      clientId: POLL.numericId,
      clientIdAlias: POLL.clientId,
      clientIdAliasUsed: true,
      subject: 'john',
      scopes: ['openid', 'email'],
      clientAuthMethod: 'CLIENT_SECRET_BASIC',
    })
    expect(content.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(content.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(endpoint.ledger.accessTokens.get(content.access_token)).toEqual({
      client: expect.objectContaining({ numericId: POLL.numericId }),
      subject: 'john',
      sub: undefined,
      scopes: ['openid', 'email'],
      issuedAt: T0,
      expiresAt: T0 + 3_600_000,
      jkt: undefined,
      grantId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      grantType: 'CIBA',
      authTime: 1795910390,
      acr: 'urn:example:acr:mfa',
    })
  })

  it('signs the ID token (RS256) with a key of its JWK Set, with the registered claims winning', () => {
    const body = token(basicFields(POLL, cibaParameters('r1')))
    const idToken = body.idToken as string
    const jws = decodeJws(idToken)
    if (jws === undefined) throw new Error('unreadable ID token')
    const [jwk] = endpoint.jwks().keys as [JsonWebKey]
    expect(jws.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwk.kid })
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' })
    expect(verify('sha256', Buffer.from(jws.signingInput), publicKey, jws.signature)).toBe(true)
    const atHash = createHash('sha256')
      .update(body.accessToken as string)
      .digest()
      .subarray(0, 16)
      .toString('base64url')
    expect(jws.payload).toEqual({
      email: 'john@example.com',
      iss: ISSUER,
      sub: 'john',
      aud: POLL.clientId,
      iat: T0 / 1000,
      exp: T0 / 1000 + 3600,
      auth_time: DECISION.authTime,
      acr: 'urn:example:acr:mfa',
      at_hash: atHash,
    })
  })

  it("takes the decision's sub for the ID token and its scopes for the tokens; no acr when none was decided", () => {
    state.issue('r2')
    state.complete('r2', 'AUTHORIZED', { subject: 'john', sub: 'pairwise-123', scopes: ['openid'] })
    const body = token(basicFields(POLL, cibaParameters('r2')))
    expect(body).toMatchObject({ subject: 'john', scopes: ['openid'] })
    expect(JSON.parse(body.responseContent as string).scope).toBe('openid')
    const claims = decodeJws(body.idToken as string)?.payload
    expect(claims?.sub).toBe('pairwise-123')
    expect(Object.keys(claims ?? {})).toEqual(['iss', 'sub', 'aud', 'iat', 'exp', 'at_hash'])
  })
})

describe('/auth/token, the CIBA grant with DPoP', () => {
  const key = proofKey('ES256')
  beforeEach(() => {
    state.issue('r1')
    state.complete('r1', 'AUTHORIZED')
  })

  it('binds the tokens to the proof key: token_type DPoP, the thumbprint recorded as cnf.jkt', () => {
    const dpop = dpopProof(key, TOKEN_ENDPOINT, T0 / 1000)
    const body = token(basicFields(POLL, cibaParameters('r1'), { dpop, htm: 'POST' }))
    expect(JSON.parse(body.responseContent as string).token_type).toBe('DPoP')
    expect(endpoint.ledger.accessTokens.get(body.accessToken as string)?.jkt).toBe(jwkThumbprint(key.jwk))
  })

  it("checks htu against the call's htu, else the token endpoint it was given", () => {
    endpoint = createTokenEndpoint(state, {
      issuer: ISSUER,
      signingKey: SIGNING_KEY,
      tokenEndpoint: 'https://as.example.com/oauth/token',
    })
    const refused = badRequest('invalid_dpop_proof', "The DPoP proof's htu does not match the request's URL.")
    expect(
      token(basicFields(POLL, cibaParameters('r1'), { dpop: dpopProof(key, TOKEN_ENDPOINT, T0 / 1000) })),
    ).toEqual(refused)
    const proxied = 'https://internal.example:8443/token'
    expect(
      token(
        basicFields(POLL, cibaParameters('r1'), {
          dpop: dpopProof(key, 'https://as.example.com/oauth/token', T0 / 1000),
          htu: proxied,
        }),
      ),
    ).toEqual(refused)
    expect(
      token(
        basicFields(POLL, cibaParameters('r1'), { dpop: dpopProof(key, proxied, T0 / 1000), htu: proxied }),
      ),
    ).toMatchObject({ action: 'OK' })
  })

  it('refuses a bad proof with invalid_dpop_proof before the grant is spent, and a replayed jti', () => {
    const wrongMethod = dpopProof(key, TOKEN_ENDPOINT, T0 / 1000, { claims: { htm: 'GET' } })
    expect(token(basicFields(POLL, cibaParameters('r1'), { dpop: wrongMethod }))).toEqual(
      badRequest('invalid_dpop_proof', "The DPoP proof's htm does not match the request's method."),
    )
    const stale = dpopProof(key, TOKEN_ENDPOINT, T0 / 1000 - 301)
    expect(token(basicFields(POLL, cibaParameters('r1'), { dpop: stale }))).toEqual(
      badRequest('invalid_dpop_proof', "The DPoP proof's iat is too far from the current time."),
    )
    const proof = dpopProof(key, TOKEN_ENDPOINT, T0 / 1000)
    expect(token(basicFields(POLL, cibaParameters('r1'), { dpop: proof }))).toMatchObject({ action: 'OK' })
    state.issue('r2')
    state.complete('r2', 'AUTHORIZED')
    expect(token(basicFields(POLL, cibaParameters('r2'), { dpop: proof }))).toEqual(
      badRequest('invalid_dpop_proof', "The DPoP proof's jti has been used before."),
    )
  })

  it('checks a proof on a pending poll too', () => {
    state.issue('pending')
    expect(token(basicFields(POLL, cibaParameters('pending'), { dpop: 'x.y.z' }))).toEqual(
      badRequest('invalid_dpop_proof', 'The DPoP proof is not a JWS in compact serialisation.'),
    )
  })
})

describe('/auth/token, other grants', () => {
  it('unsupported_grant_type for any grant but CIBA and refresh_token', () => {
    for (const grantType of ['authorization_code', 'password', 'client_credentials', 'urn:x']) {
      expect(token(basicFields(POLL, `grant_type=${encodeURIComponent(grantType)}`))).toEqual(
        badRequest('unsupported_grant_type', `The grant type '${grantType}' is not supported.`),
      )
    }
  })
})

describe('mint, for a push-mode /complete', () => {
  it('signs the same way, with the push claims of CIBA Core §10.3.1', () => {
    const tokens = endpoint.mint({
      client: PUSH,
      decision: DECISION,
      scopes: ['openid'],
      authReqId: 'r9',
      push: true,
    })
    expect(tokens).toMatchObject({
      accessTokenDuration: 3600,
      refreshTokenDuration: 86400,
      idTokenDuration: 3600,
      tokenType: 'Bearer',
      scopes: ['openid'],
    })
    const claims = decodeJws(tokens.idToken as string)?.payload
    const half = (value: string) =>
      createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url')
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: PUSH.clientId,
      at_hash: half(tokens.accessToken),
      'urn:openid:params:jwt:claim:rt_hash': half(tokens.refreshToken),
      'urn:openid:params:jwt:claim:auth_req_id': 'r9',
    })
  })

  it("takes /complete's durations", () => {
    const tokens = endpoint.mint({
      client: PUSH,
      decision: DECISION,
      scopes: ['openid'],
      accessTokenDuration: 60,
      refreshTokenDuration: 120,
    })
    expect(tokens).toMatchObject({
      accessTokenDuration: 60,
      accessTokenExpiresAt: T0 + 60_000,
      refreshTokenDuration: 120,
      refreshTokenExpiresAt: T0 + 120_000,
      idTokenDuration: 60,
    })
    expect(decodeJws(tokens.idToken as string)?.payload.exp).toBe(T0 / 1000 + 60)
  })
})
