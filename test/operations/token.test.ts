// token (/auth/token): the request on the wire (v3 and v2 paths, method, content type, the body as a
// real server decodes it, and what switches it to JSON), the model (every documented action,
// unknown actions and fields, null as absent, required fields per action), and request objects
// refused before any I/O.
import { describe, expect, expectTypeOf, it } from 'vitest'
import { TOKEN_ACTIONS, type TokenRequest } from '../../src/index.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

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
