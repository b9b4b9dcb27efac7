// backchannelAuthentication (/backchannel/authentication): the request on the wire (v3 and v2 paths,
// method, content type, the body as a real server decodes it), the model (every documented action,
// unknown actions and fields, null as absent, required fields per action), and request objects
// refused before any I/O.
import { describe, expect, it } from 'vitest'
import { type AuthleteApiError, AuthleteResponseError } from '../../src/index.js'
import { cleanError, leakForms, useFaultyAuthlete } from '../helpers/call-faults.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError } = useRecordingAuthlete(() => answer)

describe('backchannelAuthentication', () => {
  const parameters = 'scope=openid%20email&login_hint=john&binding_message=W4SCT'

  it('v3: POST /api/{serviceId}/backchannel/authentication, form-encoded, parameters as received', async () => {
    answer = { action: 'USER_IDENTIFICATION', ticket: 'tk' }
    await using client = v3()
    await client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: 's e+c&r=t' })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/715948317/backchannel/authentication')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.headers.authorization).toBe('Bearer tok')
    const form = new URLSearchParams(request.body)
    expect([...form.keys()]).toEqual(['parameters', 'clientId', 'clientSecret'])
    expect(form.get('parameters')).toBe(parameters)
    expect(form.get('clientSecret')).toBe('s e+c&r=t')
  })

  it('v2: POST /api/backchannel/authentication with Basic; URLSearchParams parameters are sent as their text', async () => {
    answer = { action: 'BAD_REQUEST' }
    await using client = v2()
    await client.backchannelAuthentication({
      parameters: new URLSearchParams({ scope: 'openid', login_hint: 'a b' }),
    })
    const request = lastRequest()
    expect(request.url).toBe('/api/backchannel/authentication')
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('5593494639:sec').toString('base64')}`)
    expect(new URLSearchParams(request.body).get('parameters')).toBe('scope=openid&login_hint=a+b')
  })

  it('with a certificate chain: JSON, the chain as an array', async () => {
    answer = { action: 'USER_IDENTIFICATION', ticket: 'tk' }
    await using client = v3()
    await client.backchannelAuthentication({
      parameters,
      clientCertificate: 'leaf',
      clientCertificatePath: ['intermediate', 'root'],
    })
    const request = lastRequest()
    expect(request.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request.body)).toEqual({
      parameters,
      clientCertificate: 'leaf',
      clientCertificatePath: ['intermediate', 'root'],
    })
  })

  it('USER_IDENTIFICATION returns every documented field with its value, unknown fields kept, null as absent', async () => {
    answer = {
      resultCode: 'A179001',
      resultMessage: '[A179001] The backchannel authentication request was processed successfully.',
      action: 'USER_IDENTIFICATION',
      ticket: 'Y1qeCf0A-JUz6caceaBfd2AaBYNZ-X-WGTP5Qv47cQI',
      clientId: 26862190133482,
      clientIdAliasUsed: false,
      clientName: 'My CIBA Client',
      clientNotificationToken: 'my-client-notification-token',
      deliveryMode: 'PING',
      hint: 'john',
      hintType: 'LOGIN_HINT',
      requestedExpiry: 0,
      scopes: [{ defaultEntry: false, name: 'openid', futureScopeField: 1 }],
      serviceAttributes: [{ key: 'attribute1-key', value: 'attribute1-value' }],
      userCode: 'my-user-code',
      userCodeRequired: false,
      bindingMessage: null,
      acrs: ['urn:acr:1'],
      newField: { x: [1] },
    }
    await using client = v3()
    const res = await client.backchannelAuthentication({ parameters })
    const { bindingMessage: _, ...expected } = answer as Record<string, unknown>
    expect(res).toEqual(expected)
    expect('bindingMessage' in res).toBe(false)
    if (res.action !== 'USER_IDENTIFICATION') throw new Error('expected USER_IDENTIFICATION')
    expect(res.ticket).toBe('Y1qeCf0A-JUz6caceaBfd2AaBYNZ-X-WGTP5Qv47cQI')
  })

  it.each(['BAD_REQUEST', 'UNAUTHORIZED', 'INTERNAL_SERVER_ERROR', 'SOMETHING_NEW'])(
    '%s is returned as it came, without a ticket',
    async (action) => {
      answer = { action, responseContent: '{"error":"invalid_request"}' }
      await using client = v3()
      expect(await client.backchannelAuthentication({ parameters })).toEqual(answer)
    },
  )

  it('USER_IDENTIFICATION without a ticket is an AuthleteResponseError naming ticket', async () => {
    answer = { action: 'USER_IDENTIFICATION', hint: 'john' }
    await using client = v3()
    const error = (await client
      .backchannelAuthentication({ parameters })
      .catch((e: unknown) => e)) as AuthleteResponseError
    expect(error).toBeInstanceOf(AuthleteResponseError)
    expect(error.issues).toEqual([
      { path: ['ticket'], message: 'required when action is USER_IDENTIFICATION' },
    ])
  })

  it('a documented field of the wrong type is an AuthleteResponseError naming it', async () => {
    answer = { action: 'USER_IDENTIFICATION', ticket: 't', userCodeRequired: 'no' }
    await using client = v3()
    const error = (await client
      .backchannelAuthentication({ parameters })
      .catch((e: unknown) => e)) as AuthleteResponseError
    expect(error.issues?.map((issue) => issue.path)).toEqual([['userCodeRequired']])
  })

  it.each([
    [{}, 'parameters', 'parameters: is required'],
    [{ parameters: '' }, 'parameters', 'parameters: must not be empty'],
    [{ parameters: 42 }, 'parameters', 'parameters: must be a string'],
    [{ parameters: 'a=b', clientId: 7 }, 'clientId', 'clientId: must be a string'],
    [
      { parameters: 'a=b', clientCertificatePath: 'pem' },
      'clientCertificatePath',
      'must be an array of strings',
    ],
    [{ parameters: 'a=b', clientCertificatePath: ['ok', 1] }, 'clientCertificatePath[1]', 'must be a string'],
    [{ parameters: 'a=b', clientSecrett: 's' }, 'clientSecrett', 'did you mean "clientSecret"?'],
    [null, 'the backchannel authentication request', 'must be an object'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.backchannelAuthentication(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('request checks that JSON would otherwise hide', () => {
  it('backchannelAuthentication refuses a hole in clientCertificatePath', async () => {
    await using client = v3()
    const error = await inputError(
      client.backchannelAuthentication({
        parameters: 'a=b',
        clientCertificatePath: Object.assign(new Array(2), { 1: 'pem' }) as never,
      }),
    )
    expect(error.field).toBe('clientCertificatePath[0]')
  })
})

describe('backchannelAuthentication: secrets', () => {
  const authlete = useFaultyAuthlete()
  const CLIENT_SECRET = 'cs_BASIC_Zx8+/v'
  const ATTESTATION = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjMSJ9.ATTEST_sig'
  const ATTESTATION_POP = 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJ4In0.POP_sig'

  it("a proxy page echoing the request: the client's secret and attestation headers are redacted", async () => {
    authlete.echo()
    await using client = authlete.once()
    const error = (await cleanError(
      client.backchannelAuthentication({
        parameters: 'scope=openid&login_hint=john',
        clientId: 'c1',
        clientSecret: CLIENT_SECRET,
        oauthClientAttestation: ATTESTATION,
        oauthClientAttestationPop: ATTESTATION_POP,
      }),
      [...leakForms([CLIENT_SECRET, ATTESTATION, ATTESTATION_POP]), 'BASIC_Zx8', 'ATTEST_sig', 'POP_sig'],
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    expect(error.bodyExcerpt).toContain('clientId=c1')
  })
})
