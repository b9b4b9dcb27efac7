// introspectionStandard (/auth/introspection/standard): the request on the wire (v3 and v2 paths; the
// caller's body as received, text or URLSearchParams, in a form; JSON with the withHiddenProperties
// flag), the model (OK and JWT and the responseContent they require, the errors and an unknown action
// as they came), the request objects refused before any I/O, the caller's token and credentials and
// the answer's keys kept out of errors, and a repeat after a 500 (a read).
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  AuthleteApiError,
  INTROSPECTION_STANDARD_ACTIONS,
  type IntrospectionStandardRequest,
  MAX_PARAMETERS_LENGTH,
} from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const BODY = 'token=Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI&token_type_hint=access_token'
const OK = {
  resultCode: 'A145001',
  resultMessage: '[A145001] Introspection was performed successfully (type=access_token, active=true).',
  action: 'OK',
  responseContent:
    '{"sub":"john","scope":"history.read timeline.read","iss":"https://my-service.example.com","active":true,"token_type":"Bearer","exp":1640416873,"client_id":"26478243745571"}',
}

describe('introspectionStandard', () => {
  it('v3: POST /api/{serviceId}/auth/introspection/standard, a form: the body as received, and the text fields', async () => {
    answer = OK
    await using client = v3()
    await client.introspectionStandard({
      parameters: BODY,
      rsUri: 'https://rs.example',
      httpAcceptHeader: 'application/token-introspection+jwt, application/json;q=0.5',
      introspectionSignAlg: 'ES256',
      introspectionEncryptionAlg: 'RSA-OAEP-256',
      introspectionEncryptionEnc: 'A256GCM',
      publicKeyForEncryption: '{"kty":"RSA","n":"x","e":"AQAB"}',
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/introspection/standard')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['parameters', BODY],
      ['rsUri', 'https://rs.example'],
      ['httpAcceptHeader', 'application/token-introspection+jwt, application/json;q=0.5'],
      ['introspectionSignAlg', 'ES256'],
      ['introspectionEncryptionAlg', 'RSA-OAEP-256'],
      ['introspectionEncryptionEnc', 'A256GCM'],
      ['publicKeyForEncryption', '{"kty":"RSA","n":"x","e":"AQAB"}'],
    ])
  })

  it('v2: POST /api/auth/introspection/standard; URLSearchParams go as their text', async () => {
    answer = OK
    await using client = v2()
    await client.introspectionStandard({
      parameters: new URLSearchParams({ token: 'a b+c', token_type_hint: 'refresh_token' }),
    })
    expect(lastRequest().url).toBe('/api/auth/introspection/standard')
    expect(new URLSearchParams(lastRequest().body).get('parameters')).toBe(
      'token=a+b%2Bc&token_type_hint=refresh_token',
    )
  })

  it('withHiddenProperties (a flag): JSON, a boolean, with every field as given', async () => {
    answer = OK
    await using client = v3()
    const request: IntrospectionStandardRequest = {
      parameters: BODY,
      withHiddenProperties: true,
      rsUri: 'https://rs.example',
      sharedKeyForSign: 'k',
      sharedKeyForEncryption: 'e',
    }
    await client.introspectionStandard(request)
    expect(lastRequest().headers['content-type']).toBe('application/json')
    expect(lastRequest().body).toBe(
      `{"parameters":"${BODY}","withHiddenProperties":true,"rsUri":"https://rs.example","sharedKeyForSign":"k","sharedKeyForEncryption":"e"}`,
    )
  })

  it('OK narrows to responseContent: string, the RFC 7662 response', async () => {
    answer = { ...OK, later: 1 }
    await using client = v3()
    const res = await client.introspectionStandard({ parameters: BODY })
    expect(res).toEqual({ ...OK, later: 1 })
    if (res.action !== 'OK') throw new Error('expected OK')
    expectTypeOf(res.responseContent).toEqualTypeOf<string>()
    expect(JSON.parse(res.responseContent)).toMatchObject({ active: true, sub: 'john' })
  })

  it('JWT narrows to responseContent: string, the signed response', async () => {
    answer = { action: 'JWT', responseContent: 'eyJ0eXAiOiJ0b2tlbi1pbnRyb3NwZWN0aW9uK2p3dCJ9.e30.c2ln' }
    await using client = v3()
    const res = await client.introspectionStandard({
      parameters: BODY,
      httpAcceptHeader: 'application/token-introspection+jwt',
    })
    if (res.action !== 'JWT') throw new Error('expected JWT')
    expectTypeOf(res.responseContent).toEqualTypeOf<string>()
    expect(res.responseContent.split('.')).toHaveLength(3)
  })

  it.each([
    [{ action: 'OK' }, 'OK'],
    [{ action: 'OK', responseContent: '' }, 'OK'],
    [{ action: 'JWT', responseContent: null }, 'JWT'],
  ])(
    '%j lacks what its action requires: an AuthleteResponseError naming responseContent',
    async (body, action) => {
      answer = body
      await using client = v3()
      const error = await responseError(client.introspectionStandard({ parameters: BODY }))
      expect(error.issues).toEqual([
        { path: ['responseContent'], message: `required when action is ${action}` },
      ])
    },
  )

  it('a responseContent that is not text is an AuthleteResponseError naming it', async () => {
    answer = { action: 'OK', responseContent: { active: true } }
    await using client = v3()
    const error = await responseError(client.introspectionStandard({ parameters: BODY }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['responseContent']])
  })

  it.each([...INTROSPECTION_STANDARD_ACTIONS.filter((a) => a !== 'OK' && a !== 'JWT'), 'SOMETHING_NEW'])(
    '%s is returned as it came',
    async (action) => {
      answer = { resultCode: 'A145202', action, responseContent: '{"error":"invalid_request"}' }
      await using client = v3()
      expect(await client.introspectionStandard({ parameters: BODY })).toEqual(answer)
    },
  )

  it(`takes parameters of MAX_PARAMETERS_LENGTH (${MAX_PARAMETERS_LENGTH}) characters and refuses one more before any I/O`, async () => {
    answer = OK
    await using client = v3()
    const longest = `token=${'x'.repeat(MAX_PARAMETERS_LENGTH - 6)}`
    await client.introspectionStandard({ parameters: longest })
    expect(new URLSearchParams(lastRequest().body).get('parameters')).toBe(longest)
    const error = await inputError(client.introspectionStandard({ parameters: `${longest}x` }))
    expect([error.field, error.message]).toEqual([
      'parameters',
      'parameters: must be at most 1048576 characters',
    ])
  })

  it.each([
    [{}, 'parameters', 'parameters: is required'],
    [{ parameters: '' }, 'parameters', 'parameters: must not be empty'],
    [{ parameters: new URLSearchParams() }, 'parameters', 'parameters: must not be empty'],
    [{ parameters: { token: 't' } }, 'parameters', 'parameters: must be a string'],
    [
      { parameters: 'token=t', withHiddenProperties: 'true' },
      'withHiddenProperties',
      'withHiddenProperties: must be a boolean',
    ],
    [{ parameters: 'token=t', rsUri: new URL('https://rs.example') }, 'rsUri', 'rsUri: must be a string'],
    [
      { parameters: 'token=t', rsuri: 'x' },
      'rsuri',
      'rsuri: is not a field of the standard introspection request (did you mean "rsUri"?)',
    ],
    [{ token: 't' }, 'token', 'token: is not a field of the standard introspection request'],
    [
      undefined,
      'the standard introspection request',
      'the standard introspection request: must be an object',
    ],
  ])('refuses %j before any I/O, naming %s', async (request, field, message) => {
    await using client = v3()
    const error = await inputError(client.introspectionStandard(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
  })
})

describe('introspectionStandard: secrets and retries', () => {
  const authlete = useFaultyAuthlete()
  const SECRET_TOKEN = 'at_INTRO_Hn4+/c8Vb2Nm6Lk0Jh9Gf7Ds5Ap3Zx1'
  const CALLER_SECRET = 'rs_CALLER_Tq9+/w'
  const SIGNING_KEY = 'sk_SIGN_Ee3+/r7Yu'

  it("a proxy page echoing the request: the caller's token and client secret and the signing key are redacted", async () => {
    authlete.echo()
    await using client = authlete.once()
    const parameters = new URLSearchParams({
      token: SECRET_TOKEN,
      token_type_hint: 'access_token',
      client_id: 'rs-1',
      client_secret: CALLER_SECRET,
    })
    const error = (await cleanError(
      client.introspectionStandard({ parameters, sharedKeyForSign: SIGNING_KEY }),
      [...leakForms([SECRET_TOKEN, CALLER_SECRET, SIGNING_KEY]), 'INTRO_Hn4', 'CALLER_Tq9', 'SIGN_Ee3'],
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    // What is not secret stays readable.
    expect(error.bodyExcerpt).toContain('token_type_hint=access_token')
    expect(error.bodyExcerpt).toContain('client_id=rs-1')
  })

  it('repeated after a 500, as a read changes nothing at Authlete: three attempts', async () => {
    authlete.fail()
    await using client = authlete.retrying()
    const before = authlete.server.requests.length
    const error = (await client
      .introspectionStandard({ parameters: BODY })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect([error.status, error.attempts, error.repeatedAfterSend]).toEqual([500, 3, true])
    expect(authlete.since(before)).toBe(3)
  })
})
