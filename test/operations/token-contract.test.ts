// The SDK's token calls and the service's two reads against Prism serving the vendor's token
// excerpts, v3 and v2: a request that broke the document would come back as 400/401 (an
// AuthleteApiError), a wrong path or method as 404/405; the document's example answers parse as
// the models. And what handleTokenRequest answers from each example fits RFC 6749's shape.
import { Agent, fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthleteClient, handleTokenRequest, TOKEN_FAIL_REASONS } from '../../src/index.js'
import {
  authorization,
  checkResponse,
  type PrismServer,
  SERVICE_ID,
  type Spec,
  startPrism,
  violations,
} from '../helpers/prism.js'
import { acceptedBy, prismClient } from '../helpers/prism-sdk.js'

const prism: Partial<Record<Spec, PrismServer>> = {}
const dispatcher = new Agent({ keepAliveTimeout: 1_000 })

beforeAll(async () => {
  ;[prism.v3, prism.v2] = await Promise.all([
    startPrism('v3', { document: 'token' }),
    startPrism('v2', { document: 'token' }),
  ])
}, 60_000)

afterAll(async () => {
  await Promise.all([prism.v3?.close(), prism.v2?.close()])
  await dispatcher.close()
})

function server(spec: Spec): PrismServer {
  const s = prism[spec]
  if (s === undefined) throw new Error(`Prism ${spec} did not start`)
  return s
}

const prefix = (spec: Spec) => (spec === 'v3' ? `/api/${SERVICE_ID}` : '/api')
const CIBA = 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=r-1'

describe.each(['v3', 'v2'] as const)('the SDK against Prism serving the %s token document', (spec) => {
  let client: AuthleteClient
  beforeAll(() => {
    client = prismClient(spec, server(spec).url)
  })
  afterAll(() => client.close())
  const accepted = acceptedBy(() => server(spec))

  it('token, form-encoded, with the Basic credentials and a DPoP proof: accepted, the example parses as OK', async () => {
    const res = await accepted(
      client.token({
        parameters: CIBA,
        clientId: '26478243745571',
        clientSecret: 'client-secret',
        clientCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
        dpop: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.sig',
        htm: 'POST',
        htu: 'https://as.example/token',
        accessToken: 'my-at',
        jwtAtClaims: { role: 'user' },
      }),
    )
    expect(res.action).toBe('OK')
    if (res.action === 'OK') expect(typeof res.responseContent).toBe('string')
  })

  // v2's document has none of these fields: the test exists for v3 only, rather than skipped under v2.
  if (spec === 'v3') {
    it('token as JSON with the v3 fields (a certificate chain, durations, the nonce flag, attestation): accepted', async () => {
      const res = await accepted(
        client.token({
          parameters: CIBA,
          clientCertificatePath: ['-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----'],
          accessTokenDuration: 600,
          refreshTokenDuration: 86_400,
          dpopNonceRequired: true,
          oauthClientAttestation: 'att.jwt.sig',
          oauthClientAttestationPop: 'pop.jwt.sig',
        }),
      )
      expect(res.action).toBe('OK')
    })
  }

  it('tokenIssue, form-encoded: accepted, the example parses', async () => {
    const res = await accepted(
      client.tokenIssue({ ticket: 'FFgB9gwb_WXh6g1u-UQ8ZI-d_k4B-o-cm7RkVzI8Vnc', subject: 'john' }),
    )
    expect(['OK', 'INTERNAL_SERVER_ERROR']).toContain(res.action)
  })

  it('tokenIssue with properties, as JSON: accepted', async () => {
    const res = await accepted(
      client.tokenIssue({
        ticket: 't',
        subject: 'john',
        properties: [{ key: 'k', value: 'v', hidden: true }],
        jwtAtClaims: '{"role":"user"}',
        accessToken: 'my-at',
        ...(spec === 'v3' ? { accessTokenDuration: 600, refreshTokenDuration: 0 } : {}),
      }),
    )
    expect(['OK', 'INTERNAL_SERVER_ERROR']).toContain(res.action)
  })

  it.each(TOKEN_FAIL_REASONS)('tokenFail with reason %s, form-encoded: accepted', async (reason) => {
    const res = await accepted(client.tokenFail({ ticket: 't', reason }))
    expect(['BAD_REQUEST', 'INTERNAL_SERVER_ERROR']).toContain(res.action)
  })

  it('serviceConfiguration: a GET with no body accepted, the example document parses', async () => {
    const metadata = await accepted(client.serviceConfiguration())
    expect(metadata.issuer).toBe('https://my-service.example.com')
    expect(metadata.token_endpoint).toBe('https://my-service.example.com/token')
  })

  it('serviceJwks: a GET with no body accepted, the example set parses', async () => {
    const jwks = await accepted(client.serviceJwks())
    expect(jwks.keys.map((key) => key.kid)).toEqual([
      'rsa-sig-001',
      'rsa-enc-001',
      'ec256-sig-001',
      'ec256-enc-001',
    ])
  })

  it('handleTokenRequest on the example answer: 200 with its responseContent, no-store', async () => {
    const answer = await handleTokenRequest(client, { body: CIBA })
    expect(answer.status).toBe(200)
    expect(answer.headers['Cache-Control']).toBe('no-store')
    expect(answer.body).toContain('access_token')
  })

  it('Prism refuses what the document forbids: /auth/token/fail with a reason outside the enum, /auth/token without parameters', async () => {
    const post = (path: string, body: string) =>
      fetch(`${server(spec).url}${prefix(spec)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: authorization(spec) },
        body,
        dispatcher,
      })
    const fail = await post('/auth/token/fail', 'ticket=t&reason=INVALID_SCOPE')
    expect(fail.status).toBe(400)
    expect(violations(fail)).toMatchObject([{ location: ['request', 'body', 'reason'], code: 'enum' }])
    await fail.text()
    const token = await post('/auth/token', 'clientId=1')
    expect(token.status).toBe(400)
    expect(violations(token)).toMatchObject([
      { message: "Request body must have required property 'parameters'" },
    ])
    await token.text()
  })

  it("the answers the flow relies on fit the document (Prism's own validator, in-process)", async () => {
    const token = {
      action: 'OK',
      responseContent: '{}',
      accessToken: 'at',
      grantType: 'CIBA',
      dpopNonce: 'n',
    }
    const path = `${prefix(spec)}/auth/token`
    expect(await checkResponse(spec, path, 200, token, undefined, { document: 'token' })).toEqual([])
    const jwks = { keys: [{ kty: 'RSA', e: 'AQAB', n: 'x', kid: 'k' }] }
    const jwksPath = `${prefix(spec)}/service/jwks/get`
    expect(
      await checkResponse(spec, jwksPath, 200, jwks, undefined, { document: 'token', method: 'get' }),
    ).toEqual([])
  }, 60_000)
})
