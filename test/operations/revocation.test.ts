// revocation (/auth/revocation): the request on the wire (v3 and v2 paths; the client's body as
// received and its Basic credentials in a form; JSON with a certificate chain), the model (every
// action and an unknown one as they came, OK without content; a field of the wrong type), the request
// objects refused before any I/O, the client's secret and the token it revokes kept out of errors,
// and a repeat after a 500 (revoking twice revokes once).
import { describe, expect, it } from 'vitest'
import { AuthleteApiError, REVOCATION_ACTIONS, type RevocationRequest } from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const BODY = 'token=Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI&token_type_hint=refresh_token'
const OK = {
  resultCode: 'A113001',
  resultMessage: '[A113001] The token has been revoked successfully.',
  action: 'OK',
}

describe('revocation', () => {
  it('v3: POST /api/{serviceId}/auth/revocation, a form: the body as received and the Basic credentials', async () => {
    answer = OK
    await using client = v3()
    await client.revocation({
      parameters: BODY,
      clientId: '26478243745571',
      clientSecret: 's e+c&r=t',
      clientCertificate: 'pem',
      oauthClientAttestation: 'att.jwt.sig',
      oauthClientAttestationPop: 'pop.jwt.sig',
    })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/auth/revocation')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['parameters', BODY],
      ['clientId', '26478243745571'],
      ['clientSecret', 's e+c&r=t'],
      ['clientCertificate', 'pem'],
      ['oauthClientAttestation', 'att.jwt.sig'],
      ['oauthClientAttestationPop', 'pop.jwt.sig'],
    ])
  })

  it('v2: POST /api/auth/revocation; URLSearchParams go as their text (client_secret_post)', async () => {
    answer = OK
    await using client = v2()
    await client.revocation({
      parameters: new URLSearchParams({ token: 'rt', client_id: 'c1', client_secret: 's&1' }),
    })
    expect(lastRequest().url).toBe('/api/auth/revocation')
    expect(lastRequest().body).toBe(
      `parameters=${encodeURIComponent('token=rt&client_id=c1&client_secret=s%261')}`,
    )
  })

  it('a certificate chain (a list): JSON, with every field as given', async () => {
    answer = OK
    await using client = v3()
    const request: RevocationRequest = {
      parameters: BODY,
      clientCertificate: 'leaf',
      clientCertificatePath: ['intermediate', 'root'],
    }
    await client.revocation(request)
    expect(lastRequest().headers['content-type']).toBe('application/json')
    expect(JSON.parse(lastRequest().body)).toEqual(request)
  })

  it('OK needs no content (RFC 7009 §2.2: the body is ignored); every field as it came, null as absent', async () => {
    answer = { ...OK, responseContent: null, later: 'x' }
    await using client = v3()
    expect(await client.revocation({ parameters: BODY })).toEqual({ ...OK, later: 'x' })
  })

  it('OK with a JSONP callback carries its content', async () => {
    answer = { ...OK, responseContent: 'cb();' }
    await using client = v3()
    expect(await client.revocation({ parameters: `${BODY}&callback=cb` })).toEqual(answer)
  })

  it.each([...REVOCATION_ACTIONS.filter((a) => a !== 'OK'), 'SOMETHING_NEW'])(
    '%s is returned as it came',
    async (action) => {
      answer = {
        resultCode: 'A113301',
        action,
        responseContent: '{"error":"invalid_client","error_description":"Client authentication failed."}',
      }
      await using client = v3()
      expect(await client.revocation({ parameters: BODY, clientId: 'c1', clientSecret: 'x' })).toEqual(answer)
    },
  )

  it('a documented field of the wrong type is an AuthleteResponseError naming it', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: ['invalid_request'], resultCode: 113_202 }
    await using client = v3()
    const error = await responseError(client.revocation({ parameters: BODY }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['resultCode'], ['responseContent']])
  })

  it.each([
    [{ clientId: 'c1' }, 'parameters', 'parameters: is required'],
    [{ parameters: '' }, 'parameters', 'parameters: must not be empty'],
    [{ parameters: BODY, clientSecret: 1 }, 'clientSecret', 'clientSecret: must be a string'],
    [
      { parameters: BODY, clientCertificatePath: 'pem' },
      'clientCertificatePath',
      'clientCertificatePath: must be an array of strings',
    ],
    [
      { parameters: BODY, clientCertificatePath: [''] },
      'clientCertificatePath[0]',
      'clientCertificatePath[0]: must not be empty',
    ],
    [
      { parameters: BODY, clientSecert: 's' },
      'clientSecert',
      'clientSecert: is not a field of the revocation request (did you mean "clientSecret"?)',
    ],
    [{ token: 'rt' }, 'token', 'token: is not a field of the revocation request'],
    [[BODY], 'the revocation request', 'the revocation request: must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, message) => {
    await using client = v3()
    const error = await inputError(client.revocation(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toBe(message)
  })
})

describe('revocation: secrets and retries', () => {
  const authlete = useFaultyAuthlete()
  const REFRESH = 'rt_REVOKE_Mk5+/p1Qw9Er3Ty7Ui2Op4As6Df8Gh0'
  const CLIENT_SECRET = 'cs_BASIC_Zx8+/v'
  const POST_SECRET = 'cs_POST_Nb4+/t'
  const ATTESTATION = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjMSJ9.ATTEST_sig'

  it("a proxy page echoing the request: the client's secrets and the token to revoke are redacted", async () => {
    authlete.echo()
    await using client = authlete.once()
    const parameters = new URLSearchParams({
      token: REFRESH,
      token_type_hint: 'refresh_token',
      client_secret: POST_SECRET,
    })
    const error = (await cleanError(
      client.revocation({
        parameters,
        clientId: 'c1',
        clientSecret: CLIENT_SECRET,
        oauthClientAttestation: ATTESTATION,
      }),
      [
        ...leakForms([REFRESH, CLIENT_SECRET, POST_SECRET, ATTESTATION]),
        'REVOKE_Mk5',
        'BASIC_Zx8',
        'POST_Nb4',
        'ATTEST_sig',
      ],
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    expect(error.bodyExcerpt).toContain('clientId=c1')
    expect(error.bodyExcerpt).toContain('token_type_hint=refresh_token')
  })

  it('repeated after a 500, as revoking twice revokes once: three attempts', async () => {
    authlete.fail()
    await using client = authlete.retrying()
    const before = authlete.server.requests.length
    const error = (await client
      .revocation({ parameters: BODY, clientId: 'c1', clientSecret: 's' })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect([error.status, error.attempts, error.repeatedAfterSend]).toEqual([500, 3, true])
    expect(authlete.since(before)).toBe(3)
  })
})
