// completeBackchannelAuthentication against a loopback stand-in Authlete (recording its calls) and a
// loopback client notification endpoint: ping and push delivered, a failed push reported as a value,
// poll mode and SERVER_ERROR without a notification, /complete's own errors and bad options rejected.
import { inspect } from 'node:util'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import {
  completeApiError,
  completeNoAction,
  completeNotification,
  completeServerError,
  completeUnknownAction,
} from '../../mocks/index.js'
import {
  AuthleteApiError,
  AuthleteInputError,
  AuthleteNotificationError,
  type BackchannelCompleteRequest,
  type BackchannelCompletion,
  completeBackchannelAuthentication,
} from '../../src/index.js'
import { type EndpointStandIn, startEndpointStandIn } from '../helpers/endpoint-stand-in.js'
import { type Loopback, startLoopback } from '../helpers/loopback.js'

const COMPLETE = '/backchannel/authentication/complete'
const TOKEN = 'client-notification-token-3b9f'
const LOCAL = { notification: { allowPrivateNetwork: true, allowInsecureHttp: true } }
const DECISION: BackchannelCompleteRequest = {
  ticket: 'tk-1',
  result: 'AUTHORIZED',
  subject: 'john',
  authTime: 1_767_225_600,
  acr: 'urn:mace:incommon:iap:silver',
  claims: { email: 'john@example.com' },
}

let env: EndpointStandIn | undefined
let client: Loopback | undefined
afterEach(async () => {
  await env?.close()
  await client?.close()
  env = client = undefined
})

async function clientEndpoint(status: number) {
  client = await startLoopback((_request, res) => {
    res.writeHead(status)
    res.end()
  })
  return client
}

describe('ping and push: NOTIFICATION is delivered', () => {
  it.each(['PING', 'PUSH'] as const)(
    '%s: /complete, then the POST the client receives',
    async (deliveryMode) => {
      const endpoint = await clientEndpoint(204)
      env = await startEndpointStandIn((baseUrl) => [
        completeNotification({
          baseUrl,
          deliveryMode,
          clientNotificationEndpoint: `${endpoint.url}/ciba/cb`,
          clientNotificationToken: TOKEN,
          authReqId: 'req-1',
        }),
      ])
      const outcome = await completeBackchannelAuthentication(env.authlete, DECISION, LOCAL)
      expect(env.paths()).toEqual([COMPLETE])
      expect(env.calls[0]?.fields).toMatchObject({
        ticket: 'tk-1',
        result: 'AUTHORIZED',
        subject: 'john',
        authTime: 1_767_225_600,
        acr: 'urn:mace:incommon:iap:silver',
      })
      if (outcome.action !== 'NOTIFICATION') throw new Error(`expected NOTIFICATION, got ${outcome.action}`)
      expect(outcome.notification).toEqual({ delivered: true, status: 204, attempts: 1 })
      expect(outcome.response.authReqId).toBe('req-1')
      expect(endpoint.requests).toHaveLength(1)
      const [request] = endpoint.requests
      expect(request?.method).toBe('POST')
      expect(request?.url).toBe('/ciba/cb')
      expect(request?.headers['content-type']).toBe('application/json')
      expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`)
      expect(request?.body).toBe(outcome.response.responseContent)
      const body = JSON.parse(request?.body ?? '')
      expect(body.auth_req_id).toBe('req-1')
      if (deliveryMode === 'PUSH') expect(body.access_token).toBe(outcome.response.accessToken)
      else expect(Object.keys(body)).toEqual(['auth_req_id'])
    },
  )

  it('a failed push is a value, not a throw: the error says why, the answer keeps the tokens', async () => {
    const endpoint = await clientEndpoint(500)
    env = await startEndpointStandIn((baseUrl) => [
      completeNotification({
        baseUrl,
        deliveryMode: 'PUSH',
        clientNotificationEndpoint: `${endpoint.url}/cb`,
        clientNotificationToken: TOKEN,
      }),
    ])
    const outcome = await completeBackchannelAuthentication(env.authlete, DECISION, LOCAL)
    if (outcome.action !== 'NOTIFICATION' || outcome.notification.delivered)
      throw new Error('expected a failure')
    const { error } = outcome.notification
    expect(error).toBeInstanceOf(AuthleteNotificationError)
    expect(error).toMatchObject({ code: 'AUTHLETE_NOTIFICATION_FAILED', reason: 'status', status: 500 })
    expect(JSON.stringify(error) + error.message).not.toContain(TOKEN)
    expect(outcome.response.accessToken).toEqual(expect.any(String))
  })

  it('by default, the endpoint must be https: and public: an http loopback endpoint gets nothing', async () => {
    const endpoint = await clientEndpoint(204)
    let connections = 0
    endpoint.server.on('connection', () => connections++)
    env = await startEndpointStandIn((baseUrl) => [
      completeNotification({ baseUrl, clientNotificationEndpoint: `${endpoint.url}/cb` }),
    ])
    const insecure = await completeBackchannelAuthentication(env.authlete, DECISION)
    expect(insecure.notification).toMatchObject({ delivered: false, error: { reason: 'insecure-url' } })
    const loopback = await completeBackchannelAuthentication(env.authlete, DECISION, {
      notification: { allowInsecureHttp: true },
    })
    expect(loopback.notification).toMatchObject({ delivered: false, error: { reason: 'refused-address' } })
    expect(connections).toBe(0)
  })
})

describe('no notification', () => {
  it.each([
    ['NO_ACTION', (baseUrl: string) => completeNoAction({ baseUrl })],
    ['SERVER_ERROR', (baseUrl: string) => completeServerError({ baseUrl })],
    ['NEW_ACTION', (baseUrl: string) => completeUnknownAction('NEW_ACTION', { baseUrl })],
  ])('%s: the answer, and notification undefined', async (action, scenario) => {
    env = await startEndpointStandIn((baseUrl) => [scenario(baseUrl)])
    const outcome = await completeBackchannelAuthentication(env.authlete, DECISION, LOCAL)
    expect(outcome.action).toBe(action)
    expect(outcome.response.action).toBe(action)
    expect(outcome.notification).toBeUndefined()
    expect(env.paths()).toEqual([COMPLETE])
  })

  it('the outcome reads as the plain object it is: compared strictly, printed, spread, serialised', async () => {
    env = await startEndpointStandIn((baseUrl) => [completeNoAction({ baseUrl })])
    const outcome = await completeBackchannelAuthentication(env.authlete, DECISION, LOCAL)
    const { answer } = outcome
    expect(outcome).toStrictEqual({ action: 'NO_ACTION', answer, notification: undefined })
    expect(inspect(outcome)).toMatch(/^\{\s+action: 'NO_ACTION',\s+answer: /)
    expect({ ...outcome }).toStrictEqual({ action: 'NO_ACTION', answer, notification: undefined })
    expect(JSON.parse(JSON.stringify(outcome))).toEqual({ action: 'NO_ACTION', answer })
    expect(Object.keys(outcome)).toEqual(['action', 'answer', 'notification'])
    expect(outcome.response).toBe(answer)
  })
})

describe('rejections', () => {
  it('an error of /complete itself rejects: there is nothing to deliver', async () => {
    env = await startEndpointStandIn((baseUrl) => [completeApiError(400, 'A199201', 'bad', { baseUrl })])
    await expect(completeBackchannelAuthentication(env.authlete, DECISION, LOCAL)).rejects.toBeInstanceOf(
      AuthleteApiError,
    )
  })

  it('bad notification options reject before /complete is called (push would mint tokens for nothing)', async () => {
    env = await startEndpointStandIn()
    const error = await completeBackchannelAuthentication(env.authlete, DECISION, {
      notification: { timeoutMs: -1 },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect((error as AuthleteInputError).field).toBe('notification.timeoutMs')
    expect(env.calls).toEqual([])
  })
})

it('types: narrowing on action gives the notification and the NOTIFICATION answer', () => {
  const outcome = {} as BackchannelCompletion
  if (outcome.action === 'NOTIFICATION') {
    expectTypeOf(outcome.response.clientNotificationEndpoint).toEqualTypeOf<string>()
    if (!outcome.notification.delivered)
      expectTypeOf(outcome.notification.error).toEqualTypeOf<AuthleteNotificationError>()
  } else {
    expectTypeOf(outcome.notification).toEqualTypeOf<undefined>()
  }
})
