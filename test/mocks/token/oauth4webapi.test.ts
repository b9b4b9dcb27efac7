// The simulator's discovery document and tokens pass the checks of oauth4webapi (the engine of
// openid-client v6): the metadata for the issuer, the CIBA grant's ID token claims, and its
// signature against the JWK Set at jwks_uri. Every request stays in the process (customFetch).
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
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
