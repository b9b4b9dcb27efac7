// Per operation: the request on the wire (v3 and v2 paths, method, content type, the body as a real
// server decodes it), the model (every documented action, unknown actions and fields, null as
// absent, required fields per action), and request objects refused before any I/O.
import { describe, expect, it } from 'vitest'
import { AuthleteResponseError, type BackchannelCompleteRequest } from '../../src/index.js'
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

describe('backchannelFail', () => {
  it('v3: POST /api/{serviceId}/backchannel/authentication/fail, form-encoded ticket, reason and details', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: '{"error":"unknown_user_id"}' }
    await using client = v3()
    const res = await client.backchannelFail({
      ticket: 't/1+2',
      reason: 'UNKNOWN_USER_ID',
      errorDescription: 'no such user',
      errorUri: 'https://as.example/errors?id=1',
    })
    expect(res).toEqual(answer)
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/backchannel/authentication/fail')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      ticket: 't/1+2',
      reason: 'UNKNOWN_USER_ID',
      errorDescription: 'no such user',
      errorUri: 'https://as.example/errors?id=1',
    })
  })

  it('v2: POST /api/backchannel/authentication/fail; a future reason is sent as given', async () => {
    answer = { action: 'FORBIDDEN', responseContent: '{"error":"access_denied"}' }
    await using client = v2()
    await client.backchannelFail({ ticket: 't', reason: 'SOME_NEW_REASON' })
    expect(lastRequest().url).toBe('/api/backchannel/authentication/fail')
    expect(lastRequest().body).toBe('ticket=t&reason=SOME_NEW_REASON')
  })

  it.each(['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR', 'NEW_ONE'])(
    '%s is returned as it came',
    async (action) => {
      answer = { resultCode: 'A185001', action, responseContent: '{"error":"x"}', extra: true }
      await using client = v3()
      expect(await client.backchannelFail({ ticket: 't', reason: 'ACCESS_DENIED' })).toEqual(answer)
    },
  )

  it.each([
    [{ reason: 'UNKNOWN_USER_ID' }, 'ticket', 'ticket: must be a string'],
    [{ ticket: 't' }, 'reason', 'reason: must be a string'],
    [{ ticket: 't', reason: 'unknown_user_id' }, 'reason', 'upper-case'],
    [{ ticket: '', reason: 'SERVER_ERROR' }, 'ticket', 'must not be empty'],
    [{ ticket: 't', reason: 'SERVER_ERROR', errorDescription: 5 }, 'errorDescription', 'must be a string'],
    [{ ticket: 't', reason: 'SERVER_ERROR', error_description: 'x' }, 'error_description', 'is not a field'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.backchannelFail(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('backchannelComplete', () => {
  const notification = {
    resultCode: 'A200401',
    action: 'NOTIFICATION',
    deliveryMode: 'PING',
    clientNotificationEndpoint: 'https://client.example/cb',
    clientNotificationToken: 'notif-token',
    authReqId: 'req-1',
    responseContent: '{"auth_req_id":"req-1"}',
  }

  it('v3: POST /api/{serviceId}/backchannel/authentication/complete as JSON with every field given', async () => {
    answer = notification
    await using client = v3()
    const request: BackchannelCompleteRequest = {
      ticket: 'tk',
      result: 'AUTHORIZED',
      subject: 'john',
      authTime: 1_700_000_000,
      acr: 'acr1',
      claims: { name: 'John' },
      properties: [
        { key: 'k', value: 'v', hidden: true },
        { key: 'k2', value: '' },
      ],
      scopes: ['openid'],
      idtHeaderParams: '{"kid":"a"}',
      consentedClaims: ['name'],
      jwtAtClaims: { role: 'r' },
      accessTokenDuration: 60,
    }
    const res = await client.backchannelComplete(request)
    expect(res).toEqual(notification)
    const sent = lastRequest()
    expect(sent.url).toBe('/api/715948317/backchannel/authentication/complete')
    expect(sent.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sent.body)).toEqual({
      ticket: 'tk',
      result: 'AUTHORIZED',
      subject: 'john',
      authTime: 1_700_000_000,
      acr: 'acr1',
      claims: '{"name":"John"}',
      properties: [
        { key: 'k', value: 'v', hidden: true },
        { key: 'k2', value: '' },
      ],
      scopes: ['openid'],
      idtHeaderParams: '{"kid":"a"}',
      consentedClaims: ['name'],
      jwtAtClaims: '{"role":"r"}',
      accessTokenDuration: 60,
    })
  })

  it('v2: POST /api/backchannel/authentication/complete; only the given fields are sent', async () => {
    answer = { action: 'NO_ACTION', deliveryMode: 'POLL' }
    await using client = v2()
    await client.backchannelComplete({ ticket: 't', result: 'ACCESS_DENIED', subject: 'john' })
    expect(lastRequest().url).toBe('/api/backchannel/authentication/complete')
    expect(lastRequest().body).toBe('{"ticket":"t","result":"ACCESS_DENIED","subject":"john"}')
  })

  it('a request given as a class instance: fields behind getters and inherited ones are sent', async () => {
    answer = { action: 'NO_ACTION', deliveryMode: 'POLL' }
    await using client = v3()
    class Decision {
      ticket = 't'
      result = 'AUTHORIZED'
      subject = 'john'
      get claims() {
        return { name: 'John' }
      }
      get accessTokenDuration() {
        return 60
      }
    }
    const request = Object.create(new Decision(), { acr: { value: 'acr1', enumerable: false } })
    await client.backchannelComplete(request)
    expect(JSON.parse(lastRequest().body)).toEqual({
      ticket: 't',
      result: 'AUTHORIZED',
      subject: 'john',
      claims: '{"name":"John"}',
      accessTokenDuration: 60,
      acr: 'acr1',
    })
  })

  it('NOTIFICATION narrows: endpoint and responseContent are strings; push tokens are kept', async () => {
    answer = {
      ...notification,
      deliveryMode: 'PUSH',
      accessToken: 'at',
      idToken: 'id',
      accessTokenDuration: 3600,
    }
    await using client = v3()
    const res = await client.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })
    if (res.action !== 'NOTIFICATION') throw new Error('expected NOTIFICATION')
    expect(res.clientNotificationEndpoint).toBe('https://client.example/cb')
    expect(res.accessToken).toBe('at')
  })

  it.each([
    [{ action: 'NOTIFICATION', responseContent: '{}' }, [['clientNotificationEndpoint']]],
    [{ action: 'NOTIFICATION', clientNotificationEndpoint: 'https://c.example' }, [['responseContent']]],
    [{ action: 'NOTIFICATION' }, [['clientNotificationEndpoint'], ['responseContent']]],
  ])('NOTIFICATION without what it needs is an AuthleteResponseError: %j', async (body, paths) => {
    answer = body
    await using client = v3()
    const error = (await client
      .backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })
      .catch((e: unknown) => e)) as AuthleteResponseError
    expect(error).toBeInstanceOf(AuthleteResponseError)
    expect(error.issues?.map((issue) => issue.path)).toEqual(paths)
  })

  it.each(['NO_ACTION', 'SERVER_ERROR', 'LATER_ACTION'])('%s is returned as it came', async (action) => {
    answer = { action, resultCode: 'A1', clientNotificationEndpoint: null }
    await using client = v3()
    expect(await client.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })).toEqual({
      action,
      resultCode: 'A1',
    })
  })

  it.each([
    [{ result: 'AUTHORIZED', subject: 's' }, 'ticket', 'must be a string'],
    [{ ticket: 't', subject: 's' }, 'result', 'must be a string'],
    [{ ticket: 't', result: 'AUTHORIZED' }, 'subject', 'must be a string'],
    [
      { ticket: 't', result: 'authorized', subject: 's' },
      'result',
      'must be one of AUTHORIZED, ACCESS_DENIED, TRANSACTION_FAILED',
    ],
    [
      { ticket: 't', result: 'APPROVED', subject: 's' },
      'result',
      'must be one of AUTHORIZED, ACCESS_DENIED, TRANSACTION_FAILED',
    ],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', authTime: -1 }, 'authTime', 'seconds'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', authTime: 1.5 }, 'authTime', 'seconds'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', claims: '{not json' }, 'claims', 'not JSON'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', claims: [1] }, 'claims', 'JSON object'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', scopes: 'openid' }, 'scopes', 'array of strings'],
    [
      { ticket: 't', result: 'AUTHORIZED', subject: 's', properties: [{ key: 'k' }] },
      'properties[0].value',
      'must be a string',
    ],
    [
      {
        ticket: 't',
        result: 'AUTHORIZED',
        subject: 's',
        properties: [{ key: 'k', value: 'v', hidden: 'y' }],
      },
      'properties[0].hidden',
      'boolean',
    ],
    [
      { ticket: 't', result: 'AUTHORIZED', subject: 's', properties: [{ key: 'k', value: 'v', secret: 1 }] },
      'secret',
      'is not a field of properties[0]',
    ],
    [
      { ticket: 't', result: 'AUTHORIZED', subject: 's', authtime: 1 },
      'authtime',
      'did you mean "authTime"?',
    ],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.backchannelComplete(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})

describe('request checks that JSON would otherwise hide', () => {
  it.each([
    [
      {
        ticket: 't',
        result: 'AUTHORIZED',
        subject: 's',
        scopes: Object.assign(new Array(2), { 1: 'openid' }),
      },
      'scopes[0]',
    ],
    [
      {
        ticket: 't',
        result: 'AUTHORIZED',
        subject: 's',
        properties: Object.assign(new Array(2), { 1: { key: 'k', value: 'v' } }),
      },
      'properties[0]',
    ],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', claims: new Date(0) }, 'claims'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', claims: { toJSON: () => 'x' } }, 'claims'],
    [{ ticket: 't', result: 'AUTHORIZED', subject: 's', claims: { toJSON: () => undefined } }, 'claims'],
    [
      { ticket: 't', result: 'AUTHORIZED', subject: 's', idtHeaderParams: new String('{}') },
      'idtHeaderParams',
    ],
  ])('backchannelComplete refuses %j, naming %s', async (request, field) => {
    await using client = v3()
    const error = await inputError(client.backchannelComplete(request as never))
    expect(error.field).toBe(field)
  })

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
