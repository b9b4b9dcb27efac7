// introspection (/auth/introspection): the request on the wire (v3 and v2 paths; a form for text
// alone, JSON as soon as it carries a list, a number, headers or a flag), the model (every field of
// an OK answer, expiresAt in milliseconds, the grant; each action and an unknown one as they came;
// a field of the wrong type), the request objects refused before any I/O, the token and its proof
// kept out of errors, and no repeat once the request may have reached Authlete (a DPoP proof is good
// once).
import { describe, expect, expectTypeOf, it } from 'vitest'
import { AuthleteApiError, INTROSPECTION_ACTIONS, type IntrospectionRequest } from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const TOKEN = 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI'
const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ.c2ln'
/** Authlete's documented OK answer, with more of the fields it may carry. */
const OK = {
  resultCode: 'A056001',
  resultMessage: '[A056001] The access token is valid.',
  action: 'OK',
  responseContent: 'Bearer error="invalid_request"',
  clientId: 26_478_243_745_571,
  clientIdAlias: 'my-client',
  clientIdAliasUsed: false,
  existent: true,
  usable: true,
  sufficient: true,
  refreshable: true,
  expiresAt: 1_640_416_873_000,
  subject: 'john',
  scopes: ['history.read', 'timeline.read'],
  certificateThumbprint: 'x5t#S256',
  grantType: 'CIBA',
  acr: 'urn:example:mfa',
  authTime: 1_640_413_273,
  grantId: 'g-1',
  grant: { scopes: [{ scope: 'history.read', resource: ['https://api.example'] }], claims: ['name'] },
  properties: [{ key: 'tier', value: 'gold', hidden: false }],
  serviceAttributes: [{ key: 'attribute1-key', value: 'attribute1-value' }],
  dpopNonce: 'n-1',
}

describe('introspection', () => {
  it('v3: POST /api/{serviceId}/auth/introspection, a form when every value is text', async () => {
    answer = OK
    await using client = v3()
    await client.introspection({
      token: TOKEN,
      subject: 'john',
      dpop: PROOF,
      htm: 'GET',
      htu: 'https://api.example/payments',
      clientCertificate: 'pem',
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/introspection')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', TOKEN],
      ['clientCertificate', 'pem'],
      ['dpop', PROOF],
      ['htm', 'GET'],
      ['htu', 'https://api.example/payments'],
      ['subject', 'john'],
    ])
  })

  it('v2: POST /api/auth/introspection with Basic', async () => {
    answer = OK
    await using client = v2()
    await client.introspection({ token: TOKEN })
    expect(lastRequest().url).toBe('/api/auth/introspection')
    expect(lastRequest().headers.authorization).toBe(
      `Basic ${Buffer.from('5593494639:sec').toString('base64')}`,
    )
    expect(lastRequest().body).toBe(`token=${TOKEN}`)
  })

  it('scopes (a list): JSON, with every field as given', async () => {
    answer = OK
    await using client = v3()
    const request: IntrospectionRequest = {
      token: TOKEN,
      scopes: ['history.read', 'timeline.read'],
      subject: 'john',
      resources: ['https://api.example'],
      acrValues: ['urn:example:mfa'],
      maxAge: 0,
      requiredComponents: ['@method', '@target-uri'],
      targetUri: 'https://api.example/payments?x=1',
      headers: [{ key: 'Signature', value: 'sig=:x:' }],
      dpopNonceRequired: true,
      requestBodyContained: false,
    }
    await client.introspection(request)
    const sent = lastRequest()
    expect(sent.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent.body)).toEqual(request)
    // In the order of the declared fields: the presented token's first.
    expect(Object.keys(JSON.parse(sent.body))).toEqual([
      'token',
      'targetUri',
      'headers',
      'dpopNonceRequired',
      'requestBodyContained',
      'scopes',
      'subject',
      'resources',
      'acrValues',
      'maxAge',
      'requiredComponents',
    ])
  })

  it.each([
    ['scopes', { scopes: [] }],
    ['resources', { resources: ['https://api.example'] }],
    ['acrValues', { acrValues: ['a'] }],
    ['maxAge', { maxAge: 600 }],
    ['requiredComponents', { requiredComponents: ['@method'] }],
  ])('%s alone switches to JSON', async (_, more) => {
    answer = OK
    await using client = v3()
    await client.introspection({ token: TOKEN, ...more })
    expect(lastRequest().headers['content-type']).toBe('application/json')
    expect(JSON.parse(lastRequest().body)).toEqual({ token: TOKEN, ...more })
  })

  it('OK returns every field as it came (expiresAt in milliseconds), unknown fields kept, null as absent', async () => {
    answer = { ...OK, cnonce: null, later: [1] }
    await using client = v3()
    const res = await client.introspection({ token: TOKEN, scopes: ['history.read'] })
    expect(res).toEqual({ ...OK, later: [1] })
    if (res.action !== 'OK') throw new Error('expected OK')
    expectTypeOf(res.expiresAt).toEqualTypeOf<number | undefined>()
    expectTypeOf(res.subject).toEqualTypeOf<string | undefined>()
    expect(new Date(res.expiresAt ?? 0).toISOString()).toBe('2021-12-25T07:21:13.000Z')
  })

  it('OK requires nothing: a client credentials token has no subject', async () => {
    answer = { action: 'OK', usable: true, sufficient: true, clientId: 5 }
    await using client = v3()
    expect(await client.introspection({ token: TOKEN })).toEqual(answer)
  })

  it.each([
    ['expiresAt as text', { ...OK, expiresAt: '1640416873000' }, [['expiresAt']]],
    [
      'an alias for clientId, usable as text',
      { ...OK, usable: 'true', clientId: 'my-client' },
      [['clientId'], ['usable']],
    ],
    [
      "a number for a grant's scope",
      { ...OK, grant: { scopes: [{ scope: 1 }] } },
      [['grant', 'scopes', 0, 'scope']],
    ],
  ])(
    'a documented field of the wrong type is an AuthleteResponseError naming it: %s',
    async (_, body, paths) => {
      answer = body
      await using client = v3()
      const error = await responseError(client.introspection({ token: TOKEN }))
      expect(error.issues?.map((issue) => issue.path)).toEqual(paths)
    },
  )

  it.each([...INTROSPECTION_ACTIONS.filter((a) => a !== 'OK'), 'SOMETHING_NEW'])(
    '%s is returned as it came',
    async (action) => {
      answer = {
        resultCode: 'A056302',
        action,
        responseContent: 'Bearer error="insufficient_scope",scope="payments"',
        usable: true,
        sufficient: false,
      }
      await using client = v3()
      expect(await client.introspection({ token: TOKEN, scopes: ['payments'] })).toEqual(answer)
    },
  )

  it('refuses a token of more than MAX_TOKEN_LENGTH (65536) characters before any I/O', async () => {
    await using client = v3()
    const error = await inputError(client.introspection({ token: 'x'.repeat(65_537), scopes: ['a'] }))
    expect([error.field, error.message]).toEqual(['token', 'token: must be at most 65536 characters'])
  })

  it.each([
    [{ scopes: ['a'] }, 'token', 'token: must be a string'],
    [{ token: '' }, 'token', 'token: must not be empty'],
    [{ token: 't', scopes: 'a b' }, 'scopes', 'scopes: must be an array of strings'],
    [{ token: 't', scopes: ['a', ''] }, 'scopes[1]', 'scopes[1]: must not be empty'],
    [{ token: 't', scopes: [1] }, 'scopes[0]', 'scopes[0]: must be a string'],
    [{ token: 't', subject: 1 }, 'subject', 'subject: must be a string'],
    [{ token: 't', maxAge: -1 }, 'maxAge', 'maxAge: must be a whole number of seconds >= 0'],
    [{ token: 't', maxAge: 1.5 }, 'maxAge', 'maxAge: must be a whole number of seconds >= 0'],
    [{ token: 't', maxAge: '60' }, 'maxAge', 'maxAge: must be a whole number of seconds >= 0'],
    [{ token: 't', headers: [null] }, 'headers[0]', 'headers[0]: must be an object'],
    [
      { token: 't', requestBodyContained: 1 },
      'requestBodyContained',
      'requestBodyContained: must be a boolean',
    ],
    [
      { token: 't', scope: ['a'] },
      'scope',
      'scope: is not a field of the introspection request (did you mean "scopes"?)',
    ],
    [
      { token: 't', acr_values: ['a'] },
      'acr_values',
      'acr_values: is not a field of the introspection request (did you mean "acrValues"?)',
    ],
    [[TOKEN], 'the introspection request', 'the introspection request: must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, message) => {
    await using client = v3()
    const error = await inputError(client.introspection(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
  })
})

describe('introspection: secrets and retries', () => {
  const authlete = useFaultyAuthlete()
  const SECRET_TOKEN = 'at_RS_Pq7+/m2Xc9vB4nL6kJ8hG1fD3sA5zT0wE'
  const SECRET_PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiIyIn0.RSPROOF_sig+/Yt'
  const forbidden = [...leakForms([SECRET_TOKEN, SECRET_PROOF]), 'RS_Pq7', 'RSPROOF_sig']

  it.each([
    ['a form', {}],
    ['JSON', { scopes: ['payments'] }],
  ])('a proxy page echoing the request (%s): the token and the DPoP proof are redacted', async (_, more) => {
    authlete.echo()
    await using client = authlete.once()
    const error = (await cleanError(
      client.introspection({ token: SECRET_TOKEN, dpop: SECRET_PROOF, subject: 'john', ...more }),
      forbidden,
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    expect(error.bodyExcerpt).toContain('john')
  })

  it('not repeated after a 500: the request reached Authlete, and a proof is good once', async () => {
    authlete.fail()
    await using client = authlete.retrying()
    const before = authlete.server.requests.length
    const error = (await client
      .introspection({ token: TOKEN, scopes: ['payments'] })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect([error.status, error.attempts, error.mayHaveBeenProcessed]).toEqual([500, 1, true])
    expect(authlete.since(before)).toBe(1)
  })
})
