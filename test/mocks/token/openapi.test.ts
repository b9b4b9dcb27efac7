// Every answer of the simulated token endpoint agrees with Authlete's OpenAPI documents (v3 and v2),
// through Prism's response validator: each /auth/token action and its 400, /service/configuration
// (the discovery document itself) and /service/jwks/get (the JWK Set).
import { describe, expect, it } from 'vitest'
import { createTokenEndpoint } from '../../../mocks/token/index.js'
import { dpopProof, proofKey } from '../../helpers/dpop-proof.js'
import { checkTokenResponse, type Spec } from '../../helpers/prism.js'
import { ADDRESS_CLAIMS, EMAIL_CLAIMS, PHONE_CLAIMS, PROFILE_CLAIMS } from '../../helpers/scope-claims.js'
import {
  basicFields,
  cibaParameters,
  FakeTokenState,
  PING,
  POLL,
  PUSH,
  T0,
} from '../../helpers/token-state.js'

const ISSUER = 'https://as.example.com'

/** Every answer the endpoint gives, with its status. */
function everyAnswer() {
  const state = new FakeTokenState()
  const endpoint = createTokenEndpoint(state, {
    issuer: ISSUER,
    tokenEndpoint: `${ISSUER}/token`,
    backchannelAuthenticationEndpoint: `${ISSUER}/bc-authorize`,
    jwksUri: `${ISSUER}/jwks.json`,
    userinfoEndpoint: `${ISSUER}/me`,
  })
  state.issue('pending')
  state.issue('denied')
  state.complete('denied', 'ACCESS_DENIED')
  state.issue('failed')
  state.complete('failed', 'TRANSACTION_FAILED')
  state.issue('authorized')
  state.complete('authorized', 'AUTHORIZED')
  state.issue('ping', PING)
  state.complete('ping', 'AUTHORIZED')
  state.issue('push', PUSH)
  const calls: Record<string, unknown>[] = [
    { clientId: 'x' },
    basicFields(POLL, 'grant_type=password&grant_type=password'),
    basicFields(POLL, 'auth_req_id=x'),
    { parameters: cibaParameters('pending') },
    basicFields(POLL, `${cibaParameters('pending')}&client_secret=s`),
    basicFields(POLL, 'grant_type=authorization_code&code=c'),
    basicFields(POLL, cibaParameters('unknown')),
    basicFields(PUSH, cibaParameters('push')),
    basicFields(POLL, cibaParameters('pending')),
    basicFields(POLL, cibaParameters('pending')),
    basicFields(POLL, cibaParameters('denied')),
    basicFields(POLL, cibaParameters('failed')),
    basicFields(POLL, cibaParameters('pending'), { dpop: 'x' }),
    basicFields(POLL, cibaParameters('authorized')),
    basicFields(POLL, cibaParameters('authorized')),
    basicFields(PING, cibaParameters('ping'), { dpop: dpopProof(proofKey(), `${ISSUER}/token`, T0 / 1000) }),
  ]
  const answers = calls.map((fields) => endpoint.token(fields))
  const refreshToken = answers.at(-3)?.body.refreshToken as string
  answers.push(endpoint.token(basicFields(POLL, `grant_type=refresh_token&refresh_token=${refreshToken}`)))
  return { answers, configuration: endpoint.configuration(), jwks: endpoint.jwks() }
}

const { answers, configuration, jwks } = everyAnswer()

describe.each<Spec>(['v3', 'v2'])("the token endpoint's answers against Authlete's %s document", (spec) => {
  it('/auth/token: OK, BAD_REQUEST, INVALID_CLIENT and the 400 result body', async () => {
    const actions = new Set(answers.map(({ body }) => body.action))
    expect([...actions].sort()).toEqual(['BAD_REQUEST', 'INVALID_CLIENT', 'OK', undefined].sort())
    for (const { status, body } of answers) {
      expect(
        await checkTokenResponse(spec, 'post', '/auth/token', status, body),
        JSON.stringify(body),
      ).toEqual([])
    }
  })

  it('/service/configuration: the discovery document', async () => {
    expect(await checkTokenResponse(spec, 'get', '/service/configuration', 200, configuration)).toEqual([])
  })

  it('/service/jwks/get: the JWK Set', async () => {
    expect(await checkTokenResponse(spec, 'get', '/service/jwks/get', 200, jwks)).toEqual([])
  })

  it('the validator does refuse an answer that breaks the document', async () => {
    const broken = { ...answers.at(-1)?.body, clientId: 'not a number', action: 'NOPE' }
    expect(await checkTokenResponse(spec, 'post', '/auth/token', 200, broken)).not.toEqual([])
    expect(await checkTokenResponse(spec, 'get', '/service/jwks/get', 200, { keys: 'none' })).not.toEqual([])
  })
})

describe('/service/configuration', () => {
  it('is the document itself: the endpoints given, the CIBA metadata, how ID tokens are signed', () => {
    expect(configuration).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks.json`,
      userinfo_endpoint: `${ISSUER}/me`,
      revocation_endpoint: `${ISSUER}/revoke`,
      introspection_endpoint: `${ISSUER}/introspect`,
      scopes_supported: ['openid', 'email', 'offline_access'],
      grant_types_supported: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['sub', ...PROFILE_CLAIMS, ...EMAIL_CLAIMS, ...ADDRESS_CLAIMS, ...PHONE_CLAIMS],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      backchannel_authentication_endpoint: `${ISSUER}/bc-authorize`,
      backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
      backchannel_user_code_parameter_supported: true,
      dpop_signing_alg_values_supported: [
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ],
    })
  })

  it('defaults the endpoints below the issuer', () => {
    const document = createTokenEndpoint(new FakeTokenState(), {
      issuer: 'https://op.example/',
    }).configuration()
    expect(document).toMatchObject({
      issuer: 'https://op.example/',
      token_endpoint: 'https://op.example/token',
      backchannel_authentication_endpoint: 'https://op.example/backchannel/authentication',
      jwks_uri: 'https://op.example/jwks',
      userinfo_endpoint: 'https://op.example/userinfo',
      revocation_endpoint: 'https://op.example/revoke',
      introspection_endpoint: 'https://op.example/introspect',
    })
  })
})
