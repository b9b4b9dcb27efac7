// The token calls and the service's two reads: the request on the wire (v3 and v2 paths, method,
// content type, the body as a real server decodes it), the model (every documented action, unknown
// actions and fields, null as absent, required fields per action), and request objects refused
// before any I/O.
import { describe, expect, expectTypeOf, it } from 'vitest'
import { AuthleteApiError, TOKEN_ACTIONS, type TokenRequest } from '../../src/index.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
let status = 200
const { server, v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(
  () => answer,
  () => status,
)

const CIBA = 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=r-1'
const TOKENS = '{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"x.y.z"}'

describe('token', () => {
  it('v3: POST /api/{serviceId}/auth/token, form-encoded, parameters as received, DPoP fields', async () => {
    answer = { action: 'OK', responseContent: TOKENS, accessToken: 'at' }
    await using client = v3()
    await client.token({
      parameters: CIBA,
      clientId: 'c1',
      clientSecret: 's e+c&r=t',
      dpop: 'ey.proof.sig',
      htm: 'POST',
      htu: 'https://as.example/token',
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/token')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.headers.authorization).toBe('Bearer tok')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['parameters', CIBA],
      ['clientId', 'c1'],
      ['clientSecret', 's e+c&r=t'],
      ['dpop', 'ey.proof.sig'],
      ['htm', 'POST'],
      ['htu', 'https://as.example/token'],
    ])
  })

  it('v2: POST /api/auth/token with Basic; URLSearchParams parameters are sent as their text', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: '{"error":"authorization_pending"}' }
    await using client = v2()
    await client.token({
      parameters: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'a b' }),
    })
    const request = lastRequest()
    expect(request.url).toBe('/api/auth/token')
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('5593494639:sec').toString('base64')}`)
    expect(new URLSearchParams(request.body).get('parameters')).toBe(
      'grant_type=refresh_token&refresh_token=a+b',
    )
  })

  it('a list, a number or a flag: JSON, with every field as given', async () => {
    answer = { action: 'OK', responseContent: TOKENS, accessToken: 'at' }
    await using client = v3()
    const request: TokenRequest = {
      parameters: CIBA,
      clientCertificate: 'leaf',
      clientCertificatePath: ['intermediate', 'root'],
      properties: [{ key: 'k', value: 'v', hidden: true }],
      accessToken: 'my-at',
      jwtAtClaims: { role: 'user' },
      accessTokenDuration: 600,
      refreshTokenDuration: 0,
      dpopNonceRequired: true,
      oauthClientAttestation: 'att',
      oauthClientAttestationPop: 'pop',
    }
    await client.token(request)
    const sent = lastRequest()
    expect(sent.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent.body)).toEqual({ ...request, jwtAtClaims: '{"role":"user"}' })
  })

  it.each([
    ['clientCertificatePath', { clientCertificatePath: ['a'] }],
    ['properties', { properties: [] }],
    ['accessTokenDuration', { accessTokenDuration: 1 }],
    ['dpopNonceRequired', { dpopNonceRequired: false }],
  ])('%s alone switches to JSON', async (_, more) => {
    answer = { action: 'BAD_REQUEST' }
    await using client = v3()
    await client.token({ parameters: CIBA, ...more })
    expect(lastRequest().headers['content-type']).toBe('application/json')
  })

  it('OK returns every field as it came, unknown fields kept, null as absent', async () => {
    answer = {
      resultCode: 'A050001',
      resultMessage:
        '[A050001] The token request (grant_type=urn:openid:params:grant-type:ciba) was processed successfully.',
      action: 'OK',
      responseContent: TOKENS,
      accessToken: 'at',
      accessTokenExpiresAt: 1_640_252_942_736,
      accessTokenDuration: 3600,
      refreshToken: 'rt',
      idToken: 'x.y.z',
      grantType: 'CIBA',
      clientId: 26_478_243_745_571,
      subject: 'john',
      scopes: ['openid'],
      properties: [{ key: 'k', value: 'v', hidden: false }],
      dpopNonce: 'n-1',
      subjectTokenInfo: null,
      newField: [1],
    }
    await using client = v3()
    const res = await client.token({ parameters: CIBA })
    const { subjectTokenInfo: _, ...expected } = answer as Record<string, unknown>
    expect(res).toEqual(expected)
    if (res.action !== 'OK') throw new Error('expected OK')
    expect(res.accessToken).toBe('at')
  })

  it('the answer narrows on action: OK has its tokens, PASSWORD its ticket, as strings', async () => {
    answer = { action: 'OK', responseContent: TOKENS, accessToken: 'at' }
    await using client = v3()
    const res = await client.token({ parameters: CIBA })
    if (res.action === 'OK') expectTypeOf(res.responseContent).toEqualTypeOf<string>()
    if (res.action === 'PASSWORD') expectTypeOf(res.ticket).toEqualTypeOf<string>()
    if (res.action === 'BAD_REQUEST') expectTypeOf(res.responseContent).toEqualTypeOf<string | undefined>()
    expect(res.action).toBe('OK')
  })

  it('PASSWORD carries the ticket and the credentials', async () => {
    answer = { action: 'PASSWORD', ticket: 'pt', username: 'john', password: 'p@ss', clientId: 5 }
    await using client = v3()
    const res = await client.token({ parameters: 'grant_type=password&username=john&password=p%40ss' })
    if (res.action !== 'PASSWORD') throw new Error('expected PASSWORD')
    expect([res.ticket, res.username, res.password]).toEqual(['pt', 'john', 'p@ss'])
  })

  it.each([
    ...TOKEN_ACTIONS.filter((a) => !['OK', 'PASSWORD', 'ID_TOKEN_REISSUABLE'].includes(a)),
    'SOMETHING_NEW',
  ])('%s is returned as it came', async (action) => {
    answer = { action, responseContent: '{"error":"invalid_grant"}' }
    await using client = v3()
    expect(await client.token({ parameters: CIBA })).toEqual(answer)
  })

  it.each([
    [{ action: 'OK', responseContent: TOKENS }, ['accessToken'], 'OK'],
    [{ action: 'OK', accessToken: 'at' }, ['responseContent'], 'OK'],
    [{ action: 'PASSWORD', username: 'john' }, ['ticket'], 'PASSWORD'],
    [{ action: 'ID_TOKEN_REISSUABLE', responseContent: '' }, ['responseContent'], 'ID_TOKEN_REISSUABLE'],
  ])(
    '%j lacks what its action requires: an AuthleteResponseError naming %j',
    async (body, fields, action) => {
      answer = body
      await using client = v3()
      const error = await responseError(client.token({ parameters: CIBA }))
      expect(error.issues).toEqual(
        fields.map((f) => ({ path: [f], message: `required when action is ${action}` })),
      )
    },
  )

  it('a documented field of the wrong type is an AuthleteResponseError naming it', async () => {
    answer = { action: 'BAD_REQUEST', dpopNonce: 7, subjectTokenInfo: { clientId: 'x' } }
    await using client = v3()
    const error = await responseError(client.token({ parameters: CIBA }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([
      ['subjectTokenInfo', 'clientId'],
      ['dpopNonce'],
    ])
  })

  it.each([
    [{}, 'parameters', 'parameters: is required'],
    [{ parameters: '' }, 'parameters', 'must not be empty'],
    [{ parameters: 'a=b', dpop: 1 }, 'dpop', 'must be a string'],
    [
      { parameters: 'a=b', clientCertificatePath: 'pem' },
      'clientCertificatePath',
      'must be an array of strings',
    ],
    [{ parameters: 'a=b', accessTokenDuration: -1 }, 'accessTokenDuration', 'whole number of seconds'],
    [{ parameters: 'a=b', dpopNonceRequired: 'yes' }, 'dpopNonceRequired', 'must be a boolean'],
    [{ parameters: 'a=b', jwtAtClaims: '[1]' }, 'jwtAtClaims', 'JSON object'],
    [{ parameters: 'a=b', properties: [{ key: 'k' }] }, 'properties[0].value', 'must be a string'],
    [{ parameters: 'a=b', htuu: 'x' }, 'htuu', 'did you mean "htu"?'],
    [null, 'the token request', 'must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.token(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('tokenIssue', () => {
  it('v3: POST /api/{serviceId}/auth/token/issue, form-encoded ticket, subject and access token', async () => {
    answer = { action: 'OK', responseContent: TOKENS, accessToken: 'at', subject: 'john' }
    await using client = v3()
    expect(await client.tokenIssue({ ticket: 't/1', subject: 'john', accessToken: 'mine' })).toEqual(answer)
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/auth/token/issue')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.body).toBe('ticket=t%2F1&subject=john&accessToken=mine')
  })

  it('v2: POST /api/auth/token/issue; properties and durations as JSON', async () => {
    answer = { action: 'INTERNAL_SERVER_ERROR', responseContent: '{"error":"server_error"}' }
    await using client = v2()
    await client.tokenIssue({
      ticket: 't',
      subject: 's',
      properties: [{ key: 'k', value: 'v' }],
      accessTokenDuration: 60,
    })
    const request = lastRequest()
    expect(request.url).toBe('/api/auth/token/issue')
    expect(request.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request.body)).toEqual({
      ticket: 't',
      subject: 's',
      properties: [{ key: 'k', value: 'v' }],
      accessTokenDuration: 60,
    })
  })

  it.each(['INTERNAL_SERVER_ERROR', 'NEW_ONE'])('%s is returned as it came', async (action) => {
    answer = { action }
    await using client = v3()
    expect(await client.tokenIssue({ ticket: 't', subject: 's' })).toEqual(answer)
  })

  it('OK without the tokens is an AuthleteResponseError', async () => {
    answer = { action: 'OK' }
    await using client = v3()
    const error = await responseError(client.tokenIssue({ ticket: 't', subject: 's' }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['responseContent'], ['accessToken']])
  })

  it.each([
    [{ subject: 's' }, 'ticket', 'must be a string'],
    [{ ticket: 't' }, 'subject', 'must be a string'],
    [{ ticket: 't', subject: '' }, 'subject', 'must not be empty'],
    [{ ticket: 'x'.repeat(1025), subject: 's' }, 'ticket', 'at most 1024'],
    [{ ticket: 't', subject: 's', refreshTokenDuration: 1.5 }, 'refreshTokenDuration', 'whole number'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.tokenIssue(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('tokenFail', () => {
  it('v3: POST /api/{serviceId}/auth/token/fail, form-encoded ticket and reason', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: '{"error":"invalid_grant"}' }
    await using client = v3()
    expect(await client.tokenFail({ ticket: 't', reason: 'INVALID_RESOURCE_OWNER_CREDENTIALS' })).toEqual(
      answer,
    )
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/auth/token/fail')
    expect(request.body).toBe('ticket=t&reason=INVALID_RESOURCE_OWNER_CREDENTIALS')
  })

  it('v2: POST /api/auth/token/fail; a future reason is sent as given, a future action returned', async () => {
    answer = { action: 'NEW_ONE' }
    await using client = v2()
    expect(await client.tokenFail({ ticket: 't', reason: 'INVALID_SCOPE' })).toEqual(answer)
    expect(lastRequest().url).toBe('/api/auth/token/fail')
    expect(lastRequest().body).toBe('ticket=t&reason=INVALID_SCOPE')
  })

  it.each([
    [{ ticket: 't', reason: 'invalid' }, 'reason', 'upper-case reason'],
    [{ ticket: 't' }, 'reason', 'must be a string'],
    [{ reason: 'UNKNOWN' }, 'ticket', 'must be a string'],
    [{ ticket: 't', reason: 'UNKNOWN', errorDescription: 'x' }, 'errorDescription', 'not a field'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.tokenFail(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('serviceConfiguration', () => {
  const metadata = {
    issuer: 'https://as.example',
    token_endpoint: 'https://as.example/token',
    jwks_uri: 'https://as.example/jwks',
    backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    backchannel_user_code_parameter_supported: false,
    grant_types_supported: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
    some_future_metadata: { a: 1 },
  }

  it('v3: GET /api/{serviceId}/service/configuration, no body, no content type; the document as it came', async () => {
    answer = metadata
    await using client = v3()
    expect(await client.serviceConfiguration()).toEqual(metadata)
    const request = lastRequest()
    expect(request.method).toBe('GET')
    expect(request.url).toBe('/api/715948317/service/configuration')
    expect(request.headers['content-type']).toBeUndefined()
    expect(request.headers['content-length']).toBeUndefined()
    expect(request.headers.authorization).toBe('Bearer tok')
    expect(request.headers.accept).toBe('application/json')
    expect(request.body).toBe('')
  })

  it('v2: GET /api/service/configuration with Basic', async () => {
    answer = metadata
    await using client = v2()
    await client.serviceConfiguration()
    expect(lastRequest().url).toBe('/api/service/configuration')
    expect(lastRequest().headers.authorization).toMatch(/^Basic /)
  })

  it('a document that is no object, or whose issuer is no string, is an AuthleteResponseError', async () => {
    await using client = v3()
    answer = ['no']
    await responseError(client.serviceConfiguration())
    answer = { issuer: 1 }
    const error = await responseError(client.serviceConfiguration())
    expect(error.issues?.map((issue) => issue.path)).toEqual([['issuer']])
  })

  it('an error status is an AuthleteApiError that says GET', async () => {
    answer = { resultCode: 'A001202', resultMessage: 'Authorization header is missing.' }
    status = 401
    try {
      await using client = v3()
      const error = (await client.serviceConfiguration().catch((e: unknown) => e)) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      expect(error.status).toBe(401)
      expect(error.method).toBe('GET')
      expect(error.message).toContain(`(GET ${server.url}/api/715948317/service/configuration)`)
    } finally {
      status = 200
    }
  })
})

describe('serviceJwks', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', use: 'sig', alg: 'ES256' }] }

  it('v3: GET /api/{serviceId}/service/jwks/get, never asking for the private keys; the set as it came', async () => {
    answer = jwks
    await using client = v3()
    expect(await client.serviceJwks()).toEqual(jwks)
    const request = lastRequest()
    expect(request.method).toBe('GET')
    expect(request.url).toBe('/api/715948317/service/jwks/get')
    expect(request.body).toBe('')
  })

  it('v2: GET /api/service/jwks/get', async () => {
    answer = jwks
    await using client = v2()
    await client.serviceJwks()
    expect(lastRequest().url).toBe('/api/service/jwks/get')
  })

  it('204 (the service has no JWK Set): an empty set, a fresh one each time', async () => {
    status = 204
    try {
      await using client = v3()
      const first = await client.serviceJwks()
      expect(first).toEqual({ keys: [] })
      first.keys.push({ kty: 'RSA' })
      expect(await client.serviceJwks()).toEqual({ keys: [] })
    } finally {
      status = 200
    }
  })

  it('204 to a call that documents none is still an unusable (empty) answer', async () => {
    status = 204
    try {
      await using client = v3()
      const error = await responseError(client.serviceConfiguration())
      expect(error.message).toContain('the body is empty')
    } finally {
      status = 200
    }
  })

  it('a set without keys, or a key without kty, is an AuthleteResponseError naming it', async () => {
    await using client = v3()
    answer = {}
    expect((await responseError(client.serviceJwks())).issues?.map((i) => i.path)).toEqual([['keys']])
    answer = { keys: [{ kid: 'k' }] }
    expect((await responseError(client.serviceJwks())).issues?.map((i) => i.path)).toEqual([
      ['keys', 0, 'kty'],
    ])
  })
})
