// backchannelComplete (/backchannel/authentication/complete): the request on the wire (v3 and v2
// paths, JSON with only the given fields), the model (NOTIFICATION and what it requires, other
// actions as they came), and request objects refused before any I/O, JSON's blind spots included.
import { describe, expect, it } from 'vitest'
import { AuthleteResponseError, type BackchannelCompleteRequest } from '../../src/index.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError } = useRecordingAuthlete(() => answer)

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
})
