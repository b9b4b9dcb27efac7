// The simulated /auth/token for the refresh token grant (RFC 6749 §6): new tokens for the client's
// own, live refresh token, which is spent; never a wider scope.
import { generateKeyPairSync } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { createTokenEndpoint, jwkThumbprint } from '../../../mocks/token/index.js'
import { dpopProof, proofKey } from '../../helpers/dpop-proof.js'
import { basicFields, cibaParameters, FakeTokenState, PING, POLL, T0 } from '../../helpers/token-state.js'

const SIGNING_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey

let state: FakeTokenState
let endpoint: ReturnType<typeof createTokenEndpoint>
let refreshToken: string
beforeEach(() => {
  state = new FakeTokenState()
  endpoint = createTokenEndpoint(state, { idTokenSigningAlg: 'ES256', signingKey: SIGNING_KEY })
  state.issue('r1')
  state.complete('r1', 'AUTHORIZED')
  refreshToken = endpoint.token(basicFields(POLL, cibaParameters('r1'))).body.refreshToken as string
})

const refresh = (token: string, extra = '', client = POLL, fields: Record<string, unknown> = {}) =>
  endpoint.token(basicFields(client, `grant_type=refresh_token&refresh_token=${token}${extra}`, fields)).body

const badRequest = (error: string, description: string) => ({
  resultCode: 'A300301',
  resultMessage: `[A300301] ${description}`,
  action: 'BAD_REQUEST',
  responseContent: JSON.stringify({ error, error_description: description }),
})
const INVALID = badRequest('invalid_grant', 'The refresh token is invalid or has expired.')

describe('/auth/token, the refresh token grant', () => {
  it('answers OK with new tokens and no ID token, for the same user and scopes', () => {
    state.clock = T0 + 60_000
    const body = refresh(refreshToken)
    const content = JSON.parse(body.responseContent as string)
    expect(content).toEqual({
      access_token: body.accessToken,
      refresh_token: body.refreshToken,
      scope: 'openid email',
      token_type: 'Bearer',
      expires_in: 3600,
    })
    expect(body).toMatchObject({
      resultMessage: '[A300001] The token request (grant_type=refresh_token) was processed successfully.',
      action: 'OK',
      grantType: 'REFRESH_TOKEN',
      subject: 'john',
      scopes: ['openid', 'email'],
      accessTokenExpiresAt: T0 + 60_000 + 3_600_000,
    })
    expect(body).not.toHaveProperty('idToken')
    expect(body.refreshToken).not.toBe(refreshToken)
  })

  it('spends the refresh token: a second use is invalid_grant, the new one works', () => {
    const next = refresh(refreshToken).refreshToken as string
    expect(refresh(refreshToken)).toEqual(INVALID)
    expect(refresh(next)).toMatchObject({ action: 'OK' })
  })

  it("invalid_grant for an unknown, expired or another client's refresh token", () => {
    expect(refresh('unknown')).toEqual(INVALID)
    expect(refresh(refreshToken, '', PING)).toEqual(INVALID)
    state.clock = T0 + 86_400_000
    expect(refresh(refreshToken)).toEqual(INVALID)
  })

  it('invalid_request without a refresh_token', () => {
    expect(endpoint.token(basicFields(POLL, 'grant_type=refresh_token')).body).toEqual(
      badRequest('invalid_request', 'The refresh_token parameter is missing.'),
    )
  })

  it('narrows the scope on request; invalid_scope beyond the original', () => {
    expect(refresh(refreshToken, '&scope=openid')).toMatchObject({ action: 'OK', scopes: ['openid'] })
    state.issue('r2')
    state.complete('r2', 'AUTHORIZED')
    const other = endpoint.token(basicFields(POLL, cibaParameters('r2'))).body.refreshToken as string
    expect(refresh(other, '&scope=openid%20phone')).toEqual(
      badRequest('invalid_scope', 'The scope exceeds the scope of the refresh token.'),
    )
  })

  it('binds the new access token to a DPoP proof key', () => {
    const key = proofKey('ES256')
    const dpop = dpopProof(key, 'https://as.example.com/token', T0 / 1000)
    const body = refresh(refreshToken, '', POLL, { dpop })
    expect(JSON.parse(body.responseContent as string).token_type).toBe('DPoP')
    expect(endpoint.ledger.accessTokens.get(body.accessToken as string)?.jkt).toBe(jwkThumbprint(key.jwk))
  })

  it('reset() forgets the refresh tokens, polls and redemptions', () => {
    endpoint.reset()
    expect(refresh(refreshToken)).toEqual(INVALID)
    expect(endpoint.token(basicFields(POLL, cibaParameters('r1'))).body).toMatchObject({ action: 'OK' })
  })
})
