// userinfoIssue (/auth/userinfo/issue): the request on the wire (v3 and v2 paths; the claims, an
// object or its JSON text, sent as JSON text in a form; JSON once it carries headers or a list), the
// model (JSON and JWT and the responseContent they require, the errors and an unknown action as they
// came), the request objects refused before any I/O, the token kept out of errors, and a repeat
// after a 500 (it builds a response and changes nothing).
import { describe, expect, expectTypeOf, it } from 'vitest'
import { AuthleteApiError, USERINFO_ISSUE_ACTIONS, type UserinfoIssueRequest } from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const TOKEN = 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI'
const JSON_ANSWER = {
  resultCode: 'A096001',
  resultMessage: '[A096001] An ID token was generated successfully.',
  action: 'JSON',
  responseContent: '{"sub":"john","name":"John Smith","email":"john@example.com"}',
}

describe('userinfoIssue', () => {
  it('v3: POST /api/{serviceId}/auth/userinfo/issue, a form; claims given as an object go as their JSON text', async () => {
    answer = JSON_ANSWER
    await using client = v3()
    await client.userinfoIssue({
      token: TOKEN,
      claims: { name: 'John Smith', email: 'john@example.com', address: { country: 'JP' } },
      sub: 'pairwise-1',
      claimsForTx: { birthdate: '1970-01-01' },
      requestSignature: 'sig1=:abc:',
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/userinfo/issue')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', TOKEN],
      ['claims', '{"name":"John Smith","email":"john@example.com","address":{"country":"JP"}}'],
      ['sub', 'pairwise-1'],
      ['claimsForTx', '{"birthdate":"1970-01-01"}'],
      ['requestSignature', 'sig1=:abc:'],
    ])
  })

  it('v2: POST /api/auth/userinfo/issue; claims given as JSON text go as that very text', async () => {
    answer = JSON_ANSWER
    await using client = v2()
    await client.userinfoIssue({ token: TOKEN, claims: '{ "name" : "John" }' })
    expect(lastRequest().url).toBe('/api/auth/userinfo/issue')
    expect(lastRequest().body).toBe(`token=${TOKEN}&claims=%7B%20%22name%22%20%3A%20%22John%22%20%7D`)
  })

  it('headers or verifiedClaimsForTx: JSON, every field as given, the objects as JSON text', async () => {
    answer = JSON_ANSWER
    await using client = v3()
    const request: UserinfoIssueRequest = {
      token: TOKEN,
      claims: { name: 'John' },
      verifiedClaimsForTx: ['{"verification":{"trust_framework":"jp_aml"}}'],
      headers: [{ key: 'Accept', value: 'application/json' }],
    }
    await client.userinfoIssue(request)
    const sent = lastRequest()
    expect(sent.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent.body)).toEqual({
      token: TOKEN,
      claims: '{"name":"John"}',
      verifiedClaimsForTx: ['{"verification":{"trust_framework":"jp_aml"}}'],
      headers: [{ key: 'Accept', value: 'application/json' }],
    })
  })

  it('JSON narrows to responseContent: string, every field as it came', async () => {
    answer = { ...JSON_ANSWER, signature: null, later: true }
    await using client = v3()
    const res = await client.userinfoIssue({ token: TOKEN })
    expect(res).toEqual({ ...JSON_ANSWER, later: true })
    if (res.action !== 'JSON') throw new Error('expected JSON')
    expectTypeOf(res.responseContent).toEqualTypeOf<string>()
    expect(JSON.parse(res.responseContent)).toEqual({
      sub: 'john',
      name: 'John Smith',
      email: 'john@example.com',
    })
  })

  it('JWT narrows to responseContent: string, the signed response, with the message signature fields', async () => {
    answer = {
      action: 'JWT',
      responseContent: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2ln',
      signature: 'sig=:MEUCIQ:',
      signatureInput: 'sig=("@status")',
      contentDigest: 'sha-256=:X48E9q:',
    }
    await using client = v3()
    const res = await client.userinfoIssue({ token: TOKEN })
    if (res.action !== 'JWT') throw new Error('expected JWT')
    expectTypeOf(res.responseContent).toEqualTypeOf<string>()
    expect(res).toEqual(answer)
  })

  it.each([
    [{ action: 'JSON' }, 'JSON'],
    [{ action: 'JSON', responseContent: '' }, 'JSON'],
    [{ action: 'JWT', signature: 's' }, 'JWT'],
  ])(
    '%j lacks what its action requires: an AuthleteResponseError naming responseContent',
    async (body, action) => {
      answer = body
      await using client = v3()
      const error = await responseError(client.userinfoIssue({ token: TOKEN }))
      expect(error.issues).toEqual([
        { path: ['responseContent'], message: `required when action is ${action}` },
      ])
    },
  )

  it('a documented field of the wrong type is an AuthleteResponseError naming it', async () => {
    answer = { ...JSON_ANSWER, contentDigest: 5 }
    await using client = v3()
    const error = await responseError(client.userinfoIssue({ token: TOKEN }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['contentDigest']])
  })

  it.each([...USERINFO_ISSUE_ACTIONS.filter((a) => a !== 'JSON' && a !== 'JWT'), 'SOMETHING_NEW'])(
    '%s is returned as it came, without a responseContent',
    async (action) => {
      answer = { resultCode: 'A096301', action }
      await using client = v3()
      expect(await client.userinfoIssue({ token: TOKEN })).toEqual(answer)
    },
  )

  it('refuses a token of more than MAX_TOKEN_LENGTH (65536) characters before any I/O', async () => {
    await using client = v3()
    const error = await inputError(client.userinfoIssue({ token: 'x'.repeat(65_537), claims: {} }))
    expect([error.field, error.message]).toEqual(['token', 'token: must be at most 65536 characters'])
  })

  it.each([
    [{ claims: {} }, 'token', 'token: must be a string'],
    [{ token: '' }, 'token', 'token: must not be empty'],
    [
      { token: 't', claims: '{"name":' },
      'claims',
      'claims: must be a JSON object or its JSON text (the text is not JSON)',
    ],
    [{ token: 't', claims: '["name"]' }, 'claims', 'claims: must be a JSON object or its JSON text'],
    [{ token: 't', claims: ['name'] }, 'claims', 'claims: must be a JSON object or its JSON text'],
    [{ token: 't', claimsForTx: 1 }, 'claimsForTx', 'claimsForTx: must be a JSON object or its JSON text'],
    [{ token: 't', sub: 1 }, 'sub', 'sub: must be a string'],
    [
      { token: 't', verifiedClaimsForTx: '{}' },
      'verifiedClaimsForTx',
      'verifiedClaimsForTx: must be an array of strings',
    ],
    [
      { token: 't', verifiedClaimsForTx: [''] },
      'verifiedClaimsForTx[0]',
      'verifiedClaimsForTx[0]: must not be empty',
    ],
    [{ token: 't', headers: {} }, 'headers', 'headers: must be an array of { key, value }'],
    [{ token: 't', headers: [{ value: 'v' }] }, 'headers[0].key', 'headers[0].key: must be a string'],
    [{ token: 't', subject: 'john' }, 'subject', 'subject: is not a field of the userinfo issue request'],
    [
      { token: 't', claim: {} },
      'claim',
      'claim: is not a field of the userinfo issue request (did you mean "claims"?)',
    ],
    ['t', 'the userinfo issue request', 'the userinfo issue request: must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, message) => {
    await using client = v3()
    const error = await inputError(client.userinfoIssue(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
  })
})

describe('userinfoIssue: secrets and retries', () => {
  const authlete = useFaultyAuthlete()
  const SECRET_TOKEN = 'at_ISSUE_Vw8+/q3Lm5nB7xZ2cR4tY6uI9oP1aS0'

  it('a proxy page echoing the request: the token is redacted, the claims are not', async () => {
    authlete.echo()
    await using client = authlete.once()
    const error = (await cleanError(client.userinfoIssue({ token: SECRET_TOKEN, claims: { name: 'John' } }), [
      ...leakForms([SECRET_TOKEN]),
      'ISSUE_Vw8',
    ])) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('token=[REDACTED]')
    expect(error.bodyExcerpt).toContain('{"name":"John"}')
  })

  it('repeated after a 500, as it changes nothing at Authlete: three attempts', async () => {
    authlete.fail()
    await using client = authlete.retrying()
    const before = authlete.server.requests.length
    const error = (await client.userinfoIssue({ token: TOKEN }).catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect([error.status, error.attempts, error.repeatedAfterSend]).toEqual([500, 3, true])
    expect(authlete.since(before)).toBe(3)
  })
})
