/**
 * Every call of the SDK against Authlete's OpenAPI documents (excerpts in test/fixtures/openapi/),
 * v3 and v2, served by Prism: the CIBA document for the four CIBA calls, the token document for the
 * token calls and the service's two reads, the resource document for the five calls of the tokens at
 * work (userinfo, userinfoIssue, introspection, introspectionStandard, revocation). Every call of the
 * table of calls is in the document CALL_DOCUMENTS names, on its method and path.
 *
 * First it proves the Prism contract harness (test/helpers/prism.ts) with raw undici requests, no SDK
 * code: Prism serving the CIBA excerpts accepts requests that agree with the document and rejects,
 * naming the violation, those that break it; and the response check flags an answer that breaks the
 * document. Then the SDK's own requests: one that broke the document would come back as 400/401 (an
 * AuthleteApiError), a wrong path or method as 404/405; the document's example answers parse as the
 * models. And what handleTokenRequest answers from each token example fits RFC 6749's shape. Where a
 * document slips (an example that breaks its own schema, a v2 type that Authlete's own libraries do
 * not send), a test says so and shows it, and the SDK's request leaves out what v2 lacks.
 */
import { Agent, fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthleteApiError, AuthleteClient, handleTokenRequest, TOKEN_FAIL_REASONS } from '../../src/index.js'
import { AUTHLETE_CALLS, type AuthleteCallName } from '../../src/operations/table.js'
import { json, type Loopback, startLoopback } from '../helpers/loopback.js'
import {
  ACCESS_TOKEN,
  authorization,
  CALL_DOCUMENTS,
  callPath,
  checkCallResponse,
  checkResponse,
  type Document,
  documentOperations,
  OPERATIONS,
  type Operation,
  operationPath,
  type PrismServer,
  SERVICE_ID,
  type Spec,
  startPrism,
  type Violation,
  violations,
} from '../helpers/prism.js'
import { acceptedBy, prismClient } from '../helpers/prism-sdk.js'

const FORM = 'application/x-www-form-urlencoded'
const JSON_TYPE = 'application/json'

const dispatcher = new Agent({ keepAliveTimeout: 1_000 })
/** The Prism mocks, by document (CIBA, token, resource) and API version. */
const prism: Record<Document, Partial<Record<Spec, PrismServer>>> = { ciba: {}, token: {}, resource: {} }
let proxy: PrismServer
let upstream: Loopback

beforeAll(async () => {
  upstream = await startLoopback()
  // One Prism per document and version (and one proxy), started side by side: each takes about 2 s.
  ;[
    prism.ciba.v3,
    prism.ciba.v2,
    proxy,
    prism.token.v3,
    prism.token.v2,
    prism.resource.v3,
    prism.resource.v2,
  ] = await Promise.all([
    startPrism('v3'),
    startPrism('v2'),
    startPrism('v3', { upstream: upstream.url }),
    startPrism('v3', { document: 'token' }),
    startPrism('v2', { document: 'token' }),
    startPrism('v3', { document: 'resource' }),
    startPrism('v2', { document: 'resource' }),
  ])
}, 90_000)

afterAll(async () => {
  await Promise.all([
    prism.ciba.v3?.close(),
    prism.ciba.v2?.close(),
    proxy?.close(),
    prism.token.v3?.close(),
    prism.token.v2?.close(),
    prism.resource.v3?.close(),
    prism.resource.v2?.close(),
  ])
  await upstream?.close()
  await dispatcher.close()
})

function server(spec: Spec, document: Document = 'ciba'): PrismServer {
  const s = prism[document][spec]
  if (s === undefined) throw new Error(`Prism ${spec} (${document}) did not start`)
  return s
}

interface Sent {
  status: number
  headers: Headers
  text: string
  violations: Violation[]
}

async function post(
  base: PrismServer,
  operation: Operation,
  body: string,
  contentType: string,
  auth: string | null = authorization(base.spec),
): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': contentType, accept: JSON_TYPE }
  if (auth !== null) headers.authorization = auth
  const res = await fetch(`${base.url}${operationPath(base.spec, operation)}`, {
    method: 'POST',
    headers,
    body,
    dispatcher,
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers as unknown as Headers, text, violations: violations(res) }
}

const form = (fields: Record<string, string> | [string, string][]) => new URLSearchParams(fields).toString()

/** What a valid request of each operation looks like (forms where the schema allows, JSON for /complete). */
function validRequest(operation: Operation): { body: string; contentType: string } {
  switch (operation) {
    case 'authentication':
      return {
        contentType: FORM,
        body: form({
          parameters: form({ login_hint: 'john', scope: 'openid', binding_message: 'a b&c=d' }),
          clientId: '26862190133482',
          clientSecret: 'client-secret',
        }),
      }
    case 'issue':
      return { contentType: FORM, body: form({ ticket: 'ticket-1' }) }
    case 'fail':
      return { contentType: FORM, body: form({ ticket: 'ticket-1', reason: 'UNKNOWN_USER_ID' }) }
    case 'complete':
      return {
        contentType: JSON_TYPE,
        body: JSON.stringify({
          ticket: 'ticket-1',
          result: 'AUTHORIZED',
          subject: 'john',
          properties: [{ key: 'k', value: 'v', hidden: true }],
          scopes: ['openid'],
        }),
      }
  }
}

/** The one violation Prism reported, for an exact match on where it is and what it says. */
function only(sent: Sent): Violation {
  expect(sent.violations, sent.text).toHaveLength(1)
  return sent.violations[0] as Violation
}

describe.each(['v3', 'v2'] as const)('Prism mock serving the %s document', (spec) => {
  it.each(OPERATIONS)(
    'accepts a valid %s request (2xx) and answers with a body that fits the document',
    async (op) => {
      const { body, contentType } = validRequest(op)
      const sent = await post(server(spec), op, body, contentType)
      expect(sent.violations).toEqual([])
      expect(sent.status).toBe(200)
      // Prism answers with the document's own 200 example; the response check agrees it fits the schema.
      expect(await checkResponse(spec, operationPath(spec, op), 200, sent.text)).toEqual([])
    },
  )

  it('rejects /issue without a ticket: 400, the violation names `ticket`', async () => {
    const sent = await post(server(spec), 'issue', form({ tikcet: 'ticket-1' }), FORM)
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({
      location: ['request', 'body'],
      code: 'required',
      message: "Request body must have required property 'ticket'",
    })
    // The body is the document's own 400 example, not the violation; it fits the document.
    expect(await checkResponse(spec, operationPath(spec, 'issue'), 400, sent.text)).toEqual([])
  })

  it('rejects /fail with a reason outside the enum: 400, the violation names `reason`', async () => {
    const sent = await post(server(spec), 'fail', form({ ticket: 't', reason: 'NO_SUCH_REASON' }), FORM)
    expect(sent.status).toBe(400)
    const violation = only(sent)
    expect(violation).toMatchObject({ location: ['request', 'body', 'reason'], code: 'enum' })
    expect(violation.message).toMatch(
      /^Request body property reason must be equal to one of the allowed values: /,
    )
    expect(violation.message).toContain('UNKNOWN_USER_ID')
  })

  it('rejects /fail without a reason: 400, the violation names `reason`', async () => {
    const sent = await post(server(spec), 'fail', form({ ticket: 't' }), FORM)
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({ message: "Request body must have required property 'reason'" })
  })

  it('rejects /complete with a value of the wrong type: 400, the violation names the field', async () => {
    const body = JSON.stringify({ ticket: 't', result: 'AUTHORIZED', subject: 's', authTime: 'yesterday' })
    const sent = await post(server(spec), 'complete', body, JSON_TYPE)
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({
      location: ['request', 'body', 'authTime'],
      code: 'type',
      message: 'Request body property authTime must be integer',
    })
  })

  it('rejects /complete with a property whose `hidden` is not a boolean: 400, names properties/0/hidden', async () => {
    const body = JSON.stringify({
      ticket: 't',
      result: 'AUTHORIZED',
      subject: 's',
      properties: [{ key: 'k', value: 'v', hidden: 'yes' }],
    })
    const sent = await post(server(spec), 'complete', body, JSON_TYPE)
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({
      location: ['request', 'body', 'properties', '0', 'hidden'],
      message: 'Request body property properties.0.hidden must be boolean',
    })
  })

  it('rejects /authentication without `parameters`: 400, the violation names `parameters`', async () => {
    const sent = await post(server(spec), 'authentication', form({ clientId: '1' }), FORM)
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({ message: "Request body must have required property 'parameters'" })
  })

  it('rejects a body in a media type the document does not list: 400 (the document has no 415), code 415', async () => {
    const sent = await post(server(spec), 'issue', 'ticket=t', 'text/plain')
    expect(sent.status).toBe(400)
    expect(only(sent)).toMatchObject({
      code: 415,
      message: 'Supported content types: application/json,application/x-www-form-urlencoded',
    })
  })

  it('rejects a malformed JSON body: 400', async () => {
    const sent = await post(server(spec), 'complete', '{"ticket":', JSON_TYPE)
    expect(sent.status).toBe(400)
    expect(JSON.parse(sent.text)).toEqual({ error: { code: 'invalid_json', message: 'Invalid JSON' } })
  })
})

describe('the v3 and v2 documents differ where the SDK must too', () => {
  it('v3 `clientCertificatePath` is an array of strings: a JSON array passes, a string is rejected', async () => {
    const ok = await post(
      server('v3'),
      'authentication',
      JSON.stringify({ parameters: 'login_hint=john', clientCertificatePath: ['a', 'b'] }),
      JSON_TYPE,
    )
    expect(ok.status).toBe(200)
    const bad = await post(
      server('v3'),
      'authentication',
      JSON.stringify({ parameters: 'login_hint=john', clientCertificatePath: 'a' }),
      JSON_TYPE,
    )
    expect(bad.status).toBe(400)
    expect(only(bad)).toMatchObject({
      location: ['request', 'body', 'clientCertificatePath'],
      message: 'Request body property clientCertificatePath must be array',
    })
  })

  it('v2 `clientCertificatePath` is a string: a string passes (also as a form), an array is rejected', async () => {
    const ok = await post(
      server('v2'),
      'authentication',
      form({ parameters: 'login_hint=john', clientCertificatePath: 'a' }),
      FORM,
    )
    expect(ok.status).toBe(200)
    const bad = await post(
      server('v2'),
      'authentication',
      JSON.stringify({ parameters: 'login_hint=john', clientCertificatePath: ['a', 'b'] }),
      JSON_TYPE,
    )
    expect(bad.status).toBe(400)
    expect(only(bad)).toMatchObject({ message: 'Request body property clientCertificatePath must be string' })
  })

  it.each([
    ['repeated keys', [['clientCertificatePath', 'a'] as const, ['clientCertificatePath', 'b'] as const]],
    ['one key', [['clientCertificatePath', 'a'] as const]],
    ['a comma-separated value', [['clientCertificatePath', 'a,b'] as const]],
  ])(
    'Prism cannot take v3 `clientCertificatePath` from a form (%s): 400 "must be array"',
    async (_, pairs) => {
      const body = form([
        ['parameters', 'login_hint=john'],
        ...pairs.map(([k, v]): [string, string] => [k, v]),
      ])
      const sent = await post(server('v3'), 'authentication', body, FORM)
      expect(sent.status).toBe(400)
      expect(only(sent)).toMatchObject({
        message: 'Request body property clientCertificatePath must be array',
      })
    },
  )

  it('for a repeated key of a string property, Prism keeps the last value and does not complain', async () => {
    const body = form([
      ['parameters', 'login_hint=john'],
      ['clientId', '1'],
      ['clientId', '2'],
    ])
    expect((await post(server('v3'), 'authentication', body, FORM)).status).toBe(200)
  })
})

describe('credentials', () => {
  it('v2 requires HTTP Basic: none, or a Bearer token, gets 401 "Invalid security scheme used"', async () => {
    const { body } = validRequest('issue')
    for (const auth of [null, 'Bearer token']) {
      const sent = await post(server('v2'), 'issue', body, FORM, auth)
      expect(sent.status).toBe(401)
      expect(only(sent)).toMatchObject({
        location: ['request'],
        code: 401,
        message: 'Invalid security scheme used',
      })
    }
  })

  it('v2: Prism wants the Basic token to decode to exactly one ":" (a secret with ":" is rejected)', async () => {
    const { body } = validRequest('issue')
    const auth = `Basic ${Buffer.from('key:sec:ret').toString('base64')}`
    expect((await post(server('v2'), 'issue', body, FORM, auth)).status).toBe(401)
  })

  it('v3: the excerpt declares the bearer scheme but requires no security, so Prism accepts no header', async () => {
    const { body } = validRequest('issue')
    const sent = await post(server('v3'), 'issue', body, FORM, null)
    expect(sent.status).toBe(200)
    expect(sent.violations).toEqual([])
  })
})

describe('Prism proxy (v3) validates what the upstream answers', () => {
  const issueBody = {
    resultCode: 'A183001',
    resultMessage: '[A183001] An auth_req_id was issued successfully.',
    action: 'OK',
    authReqId: 'auth-req-id',
    expiresIn: 3600,
    interval: 5,
    responseContent: '{"auth_req_id":"auth-req-id","interval":5,"expires_in":3600}',
  }

  it('forwards a valid request and passes an answer that fits the document through', async () => {
    upstream.handle((_r, res) => json(res, 200, issueBody))
    const before = upstream.requests.length
    const sent = await post(proxy, 'issue', form({ ticket: 'ticket-1' }), FORM)
    expect(sent.status).toBe(200)
    expect(sent.violations).toEqual([])
    expect(JSON.parse(sent.text)).toEqual(issueBody)
    expect(upstream.requests.slice(before).map((r) => [r.url, r.body])).toEqual([
      [operationPath('v3', 'issue'), 'ticket=ticket-1'],
    ])
  })

  it('turns an answer that breaks the document into a 500 naming each violation', async () => {
    upstream.handle((_r, res) => json(res, 200, { ...issueBody, action: 'NOPE', expiresIn: '3600' }))
    const sent = await post(proxy, 'issue', form({ ticket: 'ticket-1' }), FORM)
    expect(sent.status).toBe(500)
    expect(sent.headers.get('content-type')).toBe('application/problem+json')
    const problem = JSON.parse(sent.text) as { type: string; validation: Violation[] }
    expect(problem.type).toBe('https://stoplight.io/prism/errors#VIOLATIONS')
    expect(problem.validation.map((v) => [v.location.join('.'), v.code])).toEqual([
      ['response.body.action', 'enum'],
      ['response.body.expiresIn', 'type'],
    ])
    expect(sent.violations).toEqual(problem.validation)
  })

  it('does not forward a request that breaks the document: 422, the body names the violation', async () => {
    const before = upstream.requests.length
    const sent = await post(proxy, 'fail', form({ ticket: 't', reason: 'NO_SUCH_REASON' }), FORM)
    expect(sent.status).toBe(422)
    const problem = JSON.parse(sent.text) as { type: string; validation: Violation[] }
    expect(problem.type).toBe('https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY')
    expect(problem.validation).toMatchObject([{ location: ['body', 'reason'], code: 'enum' }])
    expect(upstream.requests.length).toBe(before)
  })

  it('refuses an upstream that is not on loopback', async () => {
    await expect(startPrism('v3', { upstream: 'https://us.authlete.com' })).rejects.toThrow(/loopback/)
  })
})

describe('checkResponse (Prism proxy mode validator, in-process)', () => {
  it.each(['v3', 'v2'] as const)(
    '%s: names each field of an /issue answer that breaks the schema',
    async (spec) => {
      const found = await checkResponse(spec, operationPath(spec, 'issue'), 200, {
        resultCode: 'A183001',
        action: 'ISSUED',
        expiresIn: '3600',
      })
      expect(found.map((v) => [v.location.join('.'), v.code, v.severity])).toEqual([
        ['response.body.action', 'enum', 'Error'],
        ['response.body.expiresIn', 'type', 'Error'],
      ])
    },
  )

  it('takes the document path template as well as a request path, and a JSON string body', async () => {
    const body = JSON.stringify({ resultCode: 'A', resultMessage: 'm', action: 'OK' })
    expect(await checkResponse('v3', '/api/{serviceId}/backchannel/authentication/issue', 200, body)).toEqual(
      [],
    )
    expect(await checkResponse('v2', '/api/backchannel/authentication/issue?x=1', 200, body)).toEqual([])
  })

  it('checks error answers against the document too (400 is the `result` schema)', async () => {
    const path = operationPath('v3', 'complete')
    expect(await checkResponse('v3', path, 400, { resultCode: 'A001201', resultMessage: 'm' })).toEqual([])
    expect(await checkResponse('v3', path, 400, { resultCode: 1 })).toMatchObject([
      { location: ['response', 'body', 'resultCode'], code: 'type' },
    ])
  })

  it('flags a status the document does not define (an error for 2xx) and a non-JSON media type', async () => {
    const path = operationPath('v2', 'fail')
    expect(await checkResponse('v2', path, 201, {})).toMatchObject([{ severity: 'Error' }])
    expect(await checkResponse('v2', path, 200, 'ok', { 'content-type': 'text/plain' })).toEqual([
      {
        location: ['response'],
        severity: 'Error',
        message:
          'The received media type "text/plain" does not match the one specified in the current response: application/json',
      },
      {
        location: ['response', 'body'],
        severity: 'Error',
        code: 'type',
        message: 'Response body must be object',
      },
    ])
  })

  it('throws for a path that is not in the document', async () => {
    await expect(checkResponse('v2', operationPath('v3', 'issue'), 200, {})).rejects.toThrow(/no POST/)
  })
})

// The CIBA document: the SDK's own requests, for each CIBA call and both API versions, through
// Prism: a request that broke the document would come back as 400/401 (an AuthleteApiError), a
// wrong path as 404.
describe.each(['v3', 'v2'] as const)('the SDK against Prism serving the %s document', (spec) => {
  let client: AuthleteClient
  beforeAll(() => {
    client = prismClient(spec, server(spec).url)
  })
  afterAll(() => client.close())
  const accepted = acceptedBy(() => server(spec))

  it('backchannelAuthentication, form-encoded: accepted, and the example answer parses as USER_IDENTIFICATION', async () => {
    const res = await accepted(
      client.backchannelAuthentication({
        parameters: new URLSearchParams({ scope: 'openid', login_hint: 'john', binding_message: 'W4SCT' }),
        clientId: '26862190133482',
        clientSecret: 'client-secret',
        clientCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      }),
    )
    expect(res.action).toBe('USER_IDENTIFICATION')
    if (res.action === 'USER_IDENTIFICATION') expect(typeof res.ticket).toBe('string')
  })

  it('backchannelIssue, form-encoded: accepted, the example answer parses as OK', async () => {
    const res = await accepted(client.backchannelIssue('NFIHGx_btVrWmtAD093D-87JxvT4DAtuijEkLVHbS4Q'))
    expect(res.action).toBe('OK')
  })

  it.each(['UNKNOWN_USER_ID', 'ACCESS_DENIED', 'SERVER_ERROR'] as const)(
    'backchannelFail with reason %s and the optional fields, form-encoded: accepted',
    async (reason) => {
      const res = await accepted(
        client.backchannelFail({
          ticket: 't',
          reason,
          errorDescription: 'no such user',
          errorUri: 'https://as.example/e',
        }),
      )
      expect(['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR']).toContain(res.action)
    },
  )

  it('backchannelComplete with every field it can send, as JSON: accepted', async () => {
    const res = await accepted(
      client.backchannelComplete({
        ticket: 't',
        result: 'AUTHORIZED',
        subject: 'john',
        sub: 'pairwise-john',
        authTime: 1_700_000_000,
        acr: 'urn:mace:incommon:iap:silver',
        claims: { name: 'John Smith', email: 'john@example.com' },
        properties: [
          { key: 'k', value: 'v', hidden: true },
          { key: 'k2', value: 'v2' },
        ],
        scopes: ['openid', 'email'],
        idtHeaderParams: '{"kid":"1"}',
        consentedClaims: ['name', 'email'],
        jwtAtClaims: { role: 'user' },
        accessToken: 'at',
        ...(spec === 'v3'
          ? { accessTokenDuration: 3600, refreshTokenDuration: 86_400, idTokenAudType: 'array' }
          : {}),
      }),
    )
    expect(['NOTIFICATION', 'NO_ACTION', 'SERVER_ERROR']).toContain(res.action)
  })

  it('backchannelComplete with ACCESS_DENIED and an error description: accepted', async () => {
    const res = await accepted(
      client.backchannelComplete({
        ticket: 't',
        result: 'ACCESS_DENIED',
        subject: 'john',
        errorDescription: 'denied',
      }),
    )
    expect(typeof res.action).toBe('string')
  })
})

describe('the SDK against Prism: the certificate chain', () => {
  it('v3: backchannelAuthentication with clientCertificatePath goes as JSON with an array, which the document takes', async () => {
    await using client = new AuthleteClient({
      serviceId: SERVICE_ID,
      accessToken: ACCESS_TOKEN,
      baseUrl: server('v3').url,
      retry: false,
    })
    const res = await client.backchannelAuthentication({
      parameters: 'scope=openid&login_hint=john',
      clientCertificate: 'leaf-pem',
      clientCertificatePath: ['intermediate-pem', 'root-pem'],
    })
    expect(res.action).toBe('USER_IDENTIFICATION')
  })
})

// The token document: the token calls and the service's two reads, and what handleTokenRequest
// answers from its examples.
const prefix = (spec: Spec) => (spec === 'v3' ? `/api/${SERVICE_ID}` : '/api')
const CIBA = 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=r-1'

describe.each(['v3', 'v2'] as const)('the SDK against Prism serving the %s token document', (spec) => {
  let client: AuthleteClient
  beforeAll(() => {
    client = prismClient(spec, server(spec, 'token').url)
  })
  afterAll(() => client.close())
  const accepted = acceptedBy(() => server(spec, 'token'))

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
    const answer = await handleTokenRequest(client, { body: CIBA, authorization: undefined, dpop: undefined })
    expect(answer.status).toBe(200)
    expect(answer.headers['Cache-Control']).toBe('no-store')
    expect(answer.body).toContain('access_token')
  })

  it('Prism refuses what the document forbids: /auth/token/fail with a reason outside the enum, /auth/token without parameters', async () => {
    const post = (path: string, body: string) =>
      fetch(`${server(spec, 'token').url}${prefix(spec)}${path}`, {
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

// The table of calls against the documents: each call is in the excerpt CALL_DOCUMENTS names, on
// the table's method and path, v3 and v2; a call added to the table without its document fails here.
describe.each(['v3', 'v2'] as const)('every call of the table of calls, in its %s document', (spec) => {
  it.each(AUTHLETE_CALLS.map((row) => [row.name, row] as const))(
    '%s: the method and path of the table',
    async (name, { method }) => {
      const operations = await documentOperations(spec, CALL_DOCUMENTS[name])
      expect(operations.map((op) => `${op.method} ${op.path}`)).toContain(
        `${method.toLowerCase()} ${callPath(spec, name)}`,
      )
    },
  )
})

// The resource document: the five calls of the tokens at work.

/** The request path of the call `name` in `spec`, the service ID filled in. */
const requestPath = (spec: Spec, name: AuthleteCallName) =>
  callPath(spec, name).replace('{serviceId}', SERVICE_ID)

/** A raw request to the resource Prism of `spec`, with the credentials its document asks for. */
async function postResource(
  spec: Spec,
  name: AuthleteCallName,
  body: string,
  contentType: string,
  auth: string | null = authorization(spec),
): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': contentType, accept: JSON_TYPE }
  if (auth !== null) headers.authorization = auth
  const res = await fetch(`${server(spec, 'resource').url}${requestPath(spec, name)}`, {
    method: 'POST',
    headers,
    body,
    dispatcher,
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers as unknown as Headers, text, violations: violations(res) }
}

const TOKEN = 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI'
const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ.c2ln'
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'

describe.each(['v3', 'v2'] as const)('the SDK against Prism serving the %s resource document', (spec) => {
  let client: AuthleteClient
  beforeAll(() => {
    client = prismClient(spec, server(spec, 'resource').url)
  })
  afterAll(() => client.close())
  const accepted = acceptedBy(() => server(spec, 'resource'))

  /**
   * The document's 200 example for /auth/userinfo has `"clientId": "15518267821"`, a string, where its
   * own schema says integer; Prism (`--errors`) checks the answer it would give and turns it into a
   * 500 naming that violation alone. It checks the request first (a request that breaks the document
   * gets 400, the violation named), so a 500 that names only the example's clientId means that Prism
   * accepted the request.
   */
  async function acceptedUserinfo(call: Promise<unknown>) {
    const error = await call.then(
      (value) => ({ resolved: value }),
      (e: unknown) => e,
    )
    expect(error, server(spec, 'resource').logs().slice(-2000)).toBeInstanceOf(AuthleteApiError)
    const { status, bodyExcerpt } = error as AuthleteApiError
    expect(status).toBe(500)
    const problem = JSON.parse(bodyExcerpt ?? '') as { validation: Violation[] }
    expect(problem.validation.map((v) => [v.location.join('.'), v.code])).toEqual([
      ['response.body.clientId', 'type'],
    ])
  }

  it("userinfo, form-encoded, with a DPoP proof and a certificate: accepted (Prism then refuses its own example's string clientId)", async () => {
    await acceptedUserinfo(
      client.userinfo({
        token: TOKEN,
        clientCertificate: PEM,
        dpop: PROOF,
        htm: 'GET',
        htu: 'https://as.example/userinfo',
      }),
    )
  })

  it('userinfo as JSON with headers (and, v3 only, the fields v2 lacks): accepted', async () => {
    await acceptedUserinfo(
      client.userinfo({
        token: TOKEN,
        headers: [{ key: 'Signature-Input', value: 'sig=("@method")' }],
        // v2's document has no targetUri, dpopNonceRequired, requestBodyContained: sent to v3 only.
        ...(spec === 'v3'
          ? { targetUri: 'https://as.example/userinfo', dpopNonceRequired: true, requestBodyContained: false }
          : {}),
      }),
    )
  })

  it('userinfoIssue, form-encoded, the claims as JSON text: accepted, the example parses as JSON', async () => {
    const res = await accepted(
      client.userinfoIssue({
        token: TOKEN,
        claims: { name: 'John Smith', email: 'john@example.com' },
        sub: 'pairwise-john',
        claimsForTx: { birthdate: '1970-01-01' },
        requestSignature: 'sig=:abc:',
      }),
    )
    if (res.action !== 'JSON') throw new Error(`expected JSON, got ${res.action}`)
    // The example's responseContent is `\"`-escaped text, not the JSON a real answer carries (a slip
    // of the document): a string all the same, which is all the model requires.
    expect(res.responseContent.startsWith('{\\"exp\\":')).toBe(true)
    expect(() => JSON.parse(res.responseContent)).toThrow(SyntaxError)
  })

  it('userinfoIssue as JSON with headers (and, v3 only, verifiedClaimsForTx): accepted', async () => {
    const res = await accepted(
      client.userinfoIssue({
        token: TOKEN,
        claims: '{"name":"John"}',
        headers: [{ key: 'Accept', value: 'application/json' }],
        ...(spec === 'v3' ? { verifiedClaimsForTx: ['{"verification":{}}'] } : {}),
      }),
    )
    expect(res.action).toBe('JSON')
  })

  it('introspection, form-encoded, with a subject and a DPoP proof: accepted, the example parses as OK', async () => {
    const res = await accepted(
      client.introspection({
        token: TOKEN,
        subject: 'john',
        clientCertificate: PEM,
        dpop: PROOF,
        htm: 'GET',
        htu: 'https://api.example/history',
      }),
    )
    if (res.action !== 'OK') throw new Error(`expected OK, got ${res.action}`)
    expect(res).toMatchObject({
      subject: 'john',
      clientId: 26_478_243_745_571,
      expiresAt: 1_640_416_873_000,
      usable: true,
      sufficient: true,
      scopes: ['history.read', 'timeline.read'],
    })
  })

  it('introspection as JSON with the lists, maxAge and headers (and, v3 only, the fields v2 lacks): accepted', async () => {
    const res = await accepted(
      client.introspection({
        token: TOKEN,
        scopes: ['history.read', 'timeline.read'],
        resources: ['https://api.example'],
        acrValues: ['urn:example:mfa'],
        maxAge: 3600,
        requiredComponents: ['@method', '@target-uri'],
        headers: [{ key: 'Signature', value: 'sig=:x:' }],
        ...(spec === 'v3'
          ? { targetUri: 'https://api.example/history', dpopNonceRequired: true, requestBodyContained: true }
          : {}),
      }),
    )
    expect(res.action).toBe('OK')
  })

  it('introspectionStandard, form-encoded (v3: with the fields v2 lacks): accepted, the example parses as OK', async () => {
    const res = await accepted(
      client.introspectionStandard({
        parameters: new URLSearchParams({ token: TOKEN, token_type_hint: 'access_token' }),
        // v2's document has parameters and withHiddenProperties only.
        ...(spec === 'v3'
          ? {
              rsUri: 'https://rs.example',
              httpAcceptHeader: 'application/token-introspection+jwt',
              introspectionSignAlg: 'ES256',
              introspectionEncryptionAlg: 'RSA-OAEP-256',
              introspectionEncryptionEnc: 'A256GCM',
              sharedKeyForSign: 'k',
              sharedKeyForEncryption: 'e',
              publicKeyForEncryption: '{"kty":"RSA"}',
            }
          : {}),
      }),
    )
    if (res.action !== 'OK') throw new Error(`expected OK, got ${res.action}`)
    // `\"`-escaped text again (the same slip as userinfoIssue's example).
    expect(res.responseContent).toContain('\\"active\\":true')
  })

  it('revocation, form-encoded, with the Basic credentials and a certificate: accepted, the example parses as OK', async () => {
    const res = await accepted(
      client.revocation({
        parameters: new URLSearchParams({ token: TOKEN, token_type_hint: 'refresh_token' }),
        clientId: '26478243745571',
        clientSecret: 'client-secret',
        clientCertificate: PEM,
        // Not in v2's document.
        ...(spec === 'v3'
          ? { oauthClientAttestation: 'att.jwt.sig', oauthClientAttestationPop: 'pop.jwt.sig' }
          : {}),
      }),
    )
    expect(res).toEqual({
      resultCode: 'A113001',
      resultMessage: '[A113001] The token has been revoked successfully.',
      action: 'OK',
    })
  })

  // v2's document types withHiddenProperties and clientCertificatePath as strings: below.
  if (spec === 'v3') {
    it('v3: introspectionStandard with withHiddenProperties, as JSON with a boolean: accepted', async () => {
      const res = await accepted(
        client.introspectionStandard({ parameters: `token=${TOKEN}`, withHiddenProperties: true }),
      )
      expect(res.action).toBe('OK')
    })

    it('v3: revocation with a certificate chain goes as JSON with an array, which the document takes', async () => {
      const res = await accepted(
        client.revocation({
          parameters: `token=${TOKEN}`,
          clientCertificate: PEM,
          clientCertificatePath: [PEM],
        }),
      )
      expect(res.action).toBe('OK')
    })
  }

  it("the answers the endpoints act on fit the document (Prism's validator, in-process), and a broken one does not", async () => {
    const answers: Array<[AuthleteCallName, Record<string, unknown>]> = [
      [
        'userinfo',
        { action: 'OK', subject: 'john', clientId: 15_518_267_821, claims: ['name'], scopes: ['openid'] },
      ],
      ['userinfo', { action: 'UNAUTHORIZED', responseContent: 'DPoP error="invalid_token"' }],
      ['userinfoIssue', { action: 'JWT', responseContent: 'a.b.c' }],
      [
        'introspection',
        { action: 'FORBIDDEN', responseContent: 'Bearer error="insufficient_scope"', sufficient: false },
      ],
      ['introspectionStandard', { action: 'BAD_REQUEST', responseContent: '{"error":"invalid_request"}' }],
      ['revocation', { action: 'INVALID_CLIENT', responseContent: '{"error":"invalid_client"}' }],
    ]
    for (const [name, body] of answers) expect(await checkCallResponse(spec, name, 200, body)).toEqual([])
    expect(
      (await checkCallResponse(spec, 'introspection', 200, { action: 'OK', expiresAt: '1640416873000' })).map(
        (v) => [v.location.join('.'), v.code],
      ),
    ).toEqual([['response.body.expiresAt', 'type']])
  })
})

describe("the resource documents: what Prism refuses, and the documents' own slips", () => {
  it.each(['v3', 'v2'] as const)(
    '%s: /auth/userinfo without a token: 400, the violation names token',
    async (spec) => {
      const sent = await postResource(spec, 'userinfo', form({ dpop: PROOF }), FORM)
      expect(sent.status).toBe(400)
      expect(only(sent)).toMatchObject({ message: "Request body must have required property 'token'" })
    },
  )

  it.each(['v3', 'v2'] as const)(
    '%s: /auth/introspection with scopes as one string: 400 "must be array" (the SDK sends lists as JSON)',
    async (spec) => {
      const sent = await postResource(
        spec,
        'introspection',
        JSON.stringify({ token: TOKEN, scopes: 'a b' }),
        JSON_TYPE,
      )
      expect(sent.status).toBe(400)
      expect(only(sent)).toMatchObject({
        location: ['request', 'body', 'scopes'],
        message: 'Request body property scopes must be array',
      })
    },
  )

  it.each(['v3', 'v2'] as const)(
    "%s: the 200 example of /auth/userinfo breaks the document's own schema (its clientId is a string): Prism answers 500 for a valid request",
    async (spec) => {
      const sent = await postResource(spec, 'userinfo', form({ token: TOKEN }), FORM)
      expect(sent.status).toBe(500)
      expect(sent.violations.map((v) => [v.location.join('.'), v.code, v.message])).toEqual([
        ['response.body.clientId', 'type', 'Response body property clientId must be integer'],
      ])
      // The validator the simulator's answers go through says the same of the example itself.
      const example = { action: 'OK', clientId: '15518267821', subject: 'john', scopes: ['openid'] }
      expect(
        (await checkCallResponse(spec, 'userinfo', 200, example)).map((v) => [v.location.join('.'), v.code]),
      ).toEqual([['response.body.clientId', 'type']])
      expect(
        await checkCallResponse(spec, 'userinfo', 200, { ...example, clientId: 15_518_267_821 }),
      ).toEqual([])
    },
  )

  it('v3 requires the bearer (unlike the CIBA excerpt): no Authorization is 401', async () => {
    const sent = await postResource('v3', 'revocation', form({ parameters: `token=${TOKEN}` }), FORM, null)
    expect(sent.status).toBe(401)
    expect(only(sent)).toMatchObject({ message: 'Invalid security scheme used' })
  })

  it("v2 types withHiddenProperties as a string, which Authlete's own libraries send as a boolean: v2 refuses true, v3 takes it", async () => {
    const body = JSON.stringify({ parameters: `token=${TOKEN}`, withHiddenProperties: true })
    const v2 = await postResource('v2', 'introspectionStandard', body, JSON_TYPE)
    expect(v2.status).toBe(400)
    expect(only(v2)).toMatchObject({ message: 'Request body property withHiddenProperties must be string' })
    expect((await postResource('v3', 'introspectionStandard', body, JSON_TYPE)).status).toBe(200)
  })

  it("v2 types revocation's clientCertificatePath as a string: an array is refused (the SDK sends one: a chain is for v3)", async () => {
    const body = JSON.stringify({ parameters: `token=${TOKEN}`, clientCertificatePath: [PEM] })
    const v2 = await postResource('v2', 'revocation', body, JSON_TYPE)
    expect(v2.status).toBe(400)
    expect(only(v2)).toMatchObject({ message: 'Request body property clientCertificatePath must be string' })
    expect((await postResource('v3', 'revocation', body, JSON_TYPE)).status).toBe(200)
  })

  it('v2 has no JWT action for /auth/introspection/standard (nor httpAcceptHeader to ask for one); v3 has', async () => {
    const jwt = { action: 'JWT', responseContent: 'a.b.c' }
    expect(await checkCallResponse('v3', 'introspectionStandard', 200, jwt)).toEqual([])
    expect(
      (await checkCallResponse('v2', 'introspectionStandard', 200, jwt)).map((v) => [
        v.location.join('.'),
        v.code,
      ]),
    ).toEqual([['response.body.action', 'enum']])
  })

  it('Prism does not refuse a field a document lacks (no additionalProperties: false): why the v2 requests leave them out', async () => {
    const body = JSON.stringify({
      token: TOKEN,
      targetUri: 'https://api.example/history',
      dpopNonceRequired: true,
      requestBodyContained: true,
    })
    const sent = await postResource('v2', 'introspection', body, JSON_TYPE)
    expect([sent.status, sent.violations]).toEqual([200, []])
  })
})
