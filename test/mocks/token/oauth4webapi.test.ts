// The simulator's discovery document and tokens pass the checks of oauth4webapi (the engine of
// openid-client v6): the metadata for the issuer, the CIBA grant's ID token claims, and its
// signature against the JWK Set at jwks_uri. Every request stays in the process (customFetch).
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { verifyDpopProof } from '../../../mocks/token/dpop.js'
import { createTokenEndpoint, type JwsAlgorithm } from '../../../mocks/token/index.js'
import { basicFields, cibaParameters, FakeTokenState, POLL } from '../../helpers/token-state.js'

const ISSUER = 'https://as.example.com'

async function login(alg: JwsAlgorithm) {
  const state = new FakeTokenState()
  state.clock = Date.now() // oauth4webapi checks iat and exp against the real clock
  const endpoint = createTokenEndpoint(state, { issuer: ISSUER, idTokenSigningAlg: alg })
  const as = await oauth.processDiscoveryResponse(new URL(ISSUER), Response.json(endpoint.configuration()))
  state.issue('r1')
  state.complete('r1', 'AUTHORIZED', { subject: 'john', authTime: Math.floor(state.clock / 1000) })
  const { body } = endpoint.token(basicFields(POLL, cibaParameters('r1')))
  const response = new Response(body.responseContent as string, {
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
  const client = { client_id: POLL.clientId, id_token_signed_response_alg: alg }
  const result = await oauth.processBackchannelAuthenticationGrantResponse(as, client, response)
  const fetched: string[] = []
  await oauth.validateApplicationLevelSignature(as, response, {
    [oauth.customFetch]: async (url: string) => {
      fetched.push(url)
      return Response.json(endpoint.jwks())
    },
  })
  return { as, result, fetched }
}

describe('oauth4webapi accepts', () => {
  it('the discovery document for the issuer, with the CIBA endpoint and grant', async () => {
    const { as } = await login('RS256')
    expect(as).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      backchannel_authentication_endpoint: `${ISSUER}/backchannel/authentication`,
    })
  })

  for (const alg of ['RS256', 'PS256', 'ES256'] as const) {
    it(`the CIBA grant's ID token (${alg}): its claims, and its signature by a key of jwks_uri`, async () => {
      const { result, fetched } = await login(alg)
      expect(result.token_type).toBe('bearer')
      expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({
        iss: ISSUER,
        aud: POLL.clientId,
        sub: 'john',
      })
      expect(fetched).toEqual([`${ISSUER}/jwks`])
    })
  }
})

describe("oauth4webapi's DPoP proofs", () => {
  // oauth4webapi 3 names an Ed25519 key's algorithm Ed25519 (RFC 9864), where Authlete's documents
  // say EdDSA: the simulator takes both, and every other key type oauth4webapi makes.
  it.each([
    ['Ed25519', { name: 'Ed25519' }],
    ['ES256', { name: 'ECDSA', namedCurve: 'P-256' }],
    [
      'PS256',
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    ],
  ] as const)('a proof from a %s key is accepted at the token endpoint', async (_alg, algorithm) => {
    const keyPair = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as Parameters<
      typeof oauth.DPoP
    >[1]
    const as = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` }
    const client: oauth.Client = { client_id: POLL.clientId }
    const DPoP = oauth.DPoP(client, keyPair)
    let proof: string | null = null
    await oauth.backchannelAuthenticationGrantRequest(as, client, oauth.None(), 'r1', {
      DPoP,
      [oauth.customFetch]: async (_url: string, init: RequestInit) => {
        proof = new Headers(init.headers).get('dpop')
        return Response.json({ error: 'authorization_pending' }, { status: 400 })
      },
    })
    expect(proof).toEqual(expect.any(String))
    const verified = verifyDpopProof(proof as unknown as string, {
      htm: 'POST',
      htu: `${ISSUER}/token`,
      now: Date.now(),
    })
    expect(verified).toMatchObject({ ok: true })
  })
})
