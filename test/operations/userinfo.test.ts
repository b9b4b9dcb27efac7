// userinfo (/auth/userinfo): the request on the wire (v3 and v2 paths, a form, JSON as soon as it
// carries headers or a flag), the model (OK and the subject it requires, the other actions and an
// unknown one as they came, a field of the wrong type), the request objects refused before any
// I/O, the token and its proof kept out of errors, and no repeat once the request may have reached
// Authlete (a DPoP proof is good once).
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  AuthleteApiError,
  MAX_TOKEN_LENGTH,
  USERINFO_ACTIONS,
  type UserinfoRequest,
} from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const TOKEN = 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI'
const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ.c2ln'
const OK = {
  resultCode: 'A091001',
  resultMessage: '[A091001] The access token presented at the userinfo endpoint is valid.',
  action: 'OK',
  clientId: 15_518_267_821,
  clientIdAliasUsed: false,
  scopes: ['openid', 'email'],
  subject: 'john',
  claims: ['email', 'email_verified', 'name#ja'],
  token: TOKEN,
  dpopNonce: 'n-1',
}

describe('userinfo', () => {
  it('v3: POST /api/{serviceId}/auth/userinfo, form-encoded, the fields in their declared order', async () => {
    answer = OK
    await using client = v3()
    await client.userinfo({
      targetUri: 'https://as.example/userinfo?x=1',
      htu: 'https://as.example/userinfo',
      htm: 'GET',
      dpop: PROOF,
      clientCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      token: TOKEN,
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/userinfo')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.headers.authorization).toBe('Bearer tok')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', TOKEN],
      ['clientCertificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
      ['dpop', PROOF],
      ['htm', 'GET'],
      ['htu', 'https://as.example/userinfo'],
      ['targetUri', 'https://as.example/userinfo?x=1'],
    ])
  })

  it('v2: POST /api/auth/userinfo with Basic; the token alone is the whole body', async () => {
    answer = OK
    await using client = v2()
    await client.userinfo({ token: 'a+b/c=' })
    const request = lastRequest()
    expect(request.url).toBe('/api/auth/userinfo')
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('5593494639:sec').toString('base64')}`)
    expect(request.body).toBe('token=a%2Bb%2Fc%3D')
  })

  it('headers or a flag: JSON, every field as given', async () => {
    answer = OK
    await using client = v3()
    const request: UserinfoRequest = {
      token: TOKEN,
      dpop: PROOF,
      htm: 'POST',
      headers: [
        { key: 'Signature-Input', value: 'sig=("@method");created=1' },
        { key: 'Signature', value: '' },
      ],
      dpopNonceRequired: true,
      requestBodyContained: false,
    }
    await client.userinfo(request)
    const sent = lastRequest()
    expect(sent.headers['content-type']).toBe('application/json')
    expect(sent.body).toBe(
      `{"token":"${TOKEN}","dpop":"${PROOF}","htm":"POST","headers":[{"key":"Signature-Input","value":"sig=(\\"@method\\");created=1"},{"key":"Signature","value":""}],"dpopNonceRequired":true,"requestBodyContained":false}`,
    )
  })

  it.each([
    ['headers', { headers: [] }],
    ['dpopNonceRequired', { dpopNonceRequired: false }],
    ['requestBodyContained', { requestBodyContained: true }],
  ])('%s alone switches to JSON', async (_, more) => {
    answer = OK
    await using client = v3()
    await client.userinfo({ token: TOKEN, ...more })
    expect(lastRequest().headers['content-type']).toBe('application/json')
    expect(JSON.parse(lastRequest().body)).toEqual({ token: TOKEN, ...more })
  })

  it('OK returns every field as it came, unknown fields kept, null as absent; it narrows to subject: string', async () => {
    answer = { ...OK, userInfoClaims: null, transformedClaims: null, later: { a: 1 } }
    await using client = v3()
    const res = await client.userinfo({ token: TOKEN })
    expect(res).toEqual({ ...OK, later: { a: 1 } })
    if (res.action !== 'OK') throw new Error('expected OK')
    expectTypeOf(res.subject).toEqualTypeOf<string>()
    expectTypeOf(res.claims).toEqualTypeOf<string[] | undefined>()
    expect([res.subject, res.claims]).toEqual(['john', ['email', 'email_verified', 'name#ja']])
  })

  it.each([
    [{ action: 'OK', claims: ['name'] }, 'no subject'],
    [{ action: 'OK', subject: '' }, 'an empty subject'],
  ])('OK with %j (%s) is an AuthleteResponseError naming subject', async (body, _what) => {
    answer = body
    await using client = v3()
    const error = await responseError(client.userinfo({ token: TOKEN }))
    expect(error.issues).toEqual([{ path: ['subject'], message: 'required when action is OK' }])
  })

  it("the documented example's clientId, a string, is an AuthleteResponseError naming clientId (the schema says integer)", async () => {
    answer = { ...OK, clientId: '15518267821' }
    await using client = v3()
    const error = await responseError(client.userinfo({ token: TOKEN }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['clientId']])
  })

  it.each([...USERINFO_ACTIONS.filter((action) => action !== 'OK'), 'SOMETHING_NEW'])(
    '%s is returned as it came, without a subject',
    async (action) => {
      answer = {
        resultCode: 'A091301',
        action,
        responseContent: 'Bearer error="invalid_token",error_description="expired"',
      }
      await using client = v3()
      const res = await client.userinfo({ token: TOKEN })
      expect(res).toEqual(answer)
      if (res.action === 'UNAUTHORIZED') expectTypeOf(res.subject).toEqualTypeOf<string | undefined>()
    },
  )

  it(`takes a token of MAX_TOKEN_LENGTH (${MAX_TOKEN_LENGTH}) characters, and refuses one more before any I/O`, async () => {
    answer = OK
    await using client = v3()
    await client.userinfo({ token: 'x'.repeat(MAX_TOKEN_LENGTH) })
    expect(new URLSearchParams(lastRequest().body).get('token')).toHaveLength(65_536)
    const error = await inputError(client.userinfo({ token: 'x'.repeat(65_537) }))
    expect([error.field, error.message]).toEqual(['token', 'token: must be at most 65536 characters'])
  })

  it.each([
    [{}, 'token', 'token: must be a string'],
    [{ token: '' }, 'token', 'token: must not be empty'],
    [{ token: 7 }, 'token', 'token: must be a string'],
    [{ token: 't', dpop: 1 }, 'dpop', 'dpop: must be a string'],
    [{ token: 't', htm: null }, 'htm', 'htm: must be a string'],
    [{ token: 't', headers: 'Signature: x' }, 'headers', 'headers: must be an array of { key, value }'],
    [{ token: 't', headers: [{ key: 'k' }] }, 'headers[0].value', 'headers[0].value: must be a string'],
    [
      { token: 't', headers: [{ key: '', value: 'v' }] },
      'headers[0].key',
      'headers[0].key: must not be empty',
    ],
    [{ token: 't', headers: [['k', 'v']] }, 'headers[0]', 'headers[0]: must be an object'],
    [
      { token: 't', headers: [{ key: 'k', value: 'v', name: 'n' }] },
      'name',
      'name: is not a field of headers[0]',
    ],
    [{ token: 't', dpopNonceRequired: 'true' }, 'dpopNonceRequired', 'dpopNonceRequired: must be a boolean'],
    [{ token: 't', accessToken: 'at' }, 'accessToken', 'accessToken: is not a field of the userinfo request'],
    [
      { token: 't', dpopp: 'p' },
      'dpopp',
      'dpopp: is not a field of the userinfo request (did you mean "dpop"?)',
    ],
    [{ tokn: 't' }, 'tokn', 'tokn: is not a field of the userinfo request (did you mean "token"?)'],
    [null, 'the userinfo request', 'the userinfo request: must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, message) => {
    await using client = v3()
    const error = await inputError(client.userinfo(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
  })
})

describe('userinfo: secrets and retries', () => {
  const authlete = useFaultyAuthlete()
  const SECRET_TOKEN = 'at_TOKEN_Kq2+/x9Zr7vW4mT8yL1nB6cD3fG5hJ0'
  const SECRET_PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiIxIn0.PROOF_sig+/Wq3'
  const forbidden = [...leakForms([SECRET_TOKEN, SECRET_PROOF]), 'TOKEN_Kq2', 'PROOF_sig']

  it.each([
    ['a form', {}],
    ['JSON', { headers: [{ key: 'DPoP', value: 'elsewhere' }] }],
  ])('a proxy page echoing the request (%s): the token and the DPoP proof are redacted', async (_, more) => {
    authlete.echo()
    await using client = authlete.once()
    const error = (await cleanError(
      client.userinfo({ token: SECRET_TOKEN, dpop: SECRET_PROOF, htm: 'GET', ...more }),
      forbidden,
    )) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.status).toBe(502)
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    // What is not secret stays readable.
    expect(error.bodyExcerpt).toContain('GET')
  })

  it('not repeated after a 500: the request reached Authlete, and a proof is good once', async () => {
    authlete.fail()
    await using client = authlete.retrying()
    const before = authlete.server.requests.length
    const error = (await client
      .userinfo({ token: TOKEN, dpop: PROOF, htm: 'GET' })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect([error.status, error.attempts, error.mayHaveBeenProcessed]).toEqual([500, 1, true])
    expect(authlete.since(before)).toBe(1)
  })
})
