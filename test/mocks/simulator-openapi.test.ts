// The simulator's answers agree with Authlete's OpenAPI documents (v3 and v2): every action it can
// produce, for each of the four calls, and its error statuses, through Prism's response validator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import { checkResponse, OPERATIONS, type Operation, operationPath, type Spec } from '../helpers/prism.js'

let clock = Date.parse('2026-11-29T00:00:00Z')
const ENDPOINT = 'https://rp.example/ciba/notification'
const simulator = createCibaSimulator({
  clients: [
    { clientId: 'poll', clientSecret: 's' },
    { clientId: '1234567', clientSecret: 's', deliveryMode: 'PING', clientNotificationEndpoint: ENDPOINT },
    { clientId: 'push', clientSecret: 's', deliveryMode: 'PUSH', clientNotificationEndpoint: ENDPOINT },
    { clientId: 'code', clientSecret: 's', userCodeRequired: true },
  ],
  now: () => clock,
})
const server = setupAuthleteServer(...simulator.handlers)
const v3 = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false })
const v2 = new AuthleteClient({ apiKey: 'k', apiSecret: 's', retry: false })

const KIND: Record<Operation, keyof typeof simulator.requests> = {
  authentication: 'authentication',
  issue: 'issue',
  fail: 'fail',
  complete: 'complete',
}

/** Every action the simulator produces, for each call, with each delivery mode's variants. */
async function everyAnswer(client: AuthleteClient) {
  const credentials = (clientId: string) => ({ clientId, clientSecret: 's' })
  const identified = async (clientId: string, extra = '') => {
    const parameters = `scope=openid%20email&login_hint=john&binding_message=M&client_notification_token=cnt&acr_values=a${extra}`
    const ba = await client.backchannelAuthentication({ parameters, ...credentials(clientId) })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    return ba.ticket
  }
  const issued = async (clientId: string, extra = '') => {
    const ticket = await identified(clientId, extra)
    await client.backchannelIssue(ticket)
    return ticket
  }
  const complete = (ticket: string, result: 'AUTHORIZED' | 'ACCESS_DENIED' | 'TRANSACTION_FAILED') =>
    client.backchannelComplete({ ticket, result, subject: 'john', errorDescription: 'd', authTime: 1 })

  await client.backchannelAuthentication({ parameters: 'scope=email&login_hint=j', ...credentials('poll') })
  await client.backchannelAuthentication({ parameters: 'scope=openid&login_hint=j', ...credentials('code') })
  await client.backchannelAuthentication({ parameters: 'scope=openid&login_hint=j', clientId: 'x' })
  await identified('1234567', '&user_code=1&requested_expiry=60')
  await client.backchannelIssue('unknown')
  for (const reason of ['UNKNOWN_USER_ID', 'ACCESS_DENIED', 'SERVER_ERROR'] as const) {
    await client.backchannelFail({
      ticket: await identified('poll'),
      reason,
      errorDescription: 'd',
      errorUri: 'u',
    })
  }
  await complete('unknown', 'AUTHORIZED')
  const polled = await issued('poll')
  await complete(polled, 'AUTHORIZED')
  await complete(polled, 'AUTHORIZED')
  // A used ticket: /fail after /complete.
  await client.backchannelFail({ ticket: polled, reason: 'ACCESS_DENIED' })
  const pinged = await issued('1234567')
  await complete(pinged, 'ACCESS_DENIED')
  await complete(pinged, 'AUTHORIZED')
  await complete(await issued('push'), 'AUTHORIZED')
  await complete(await issued('push'), 'ACCESS_DENIED')
  await complete(await issued('push'), 'TRANSACTION_FAILED')
  const late = await issued('push', '&requested_expiry=1')
  clock += 1_000
  await complete(late, 'AUTHORIZED')
  // Authlete's own refusals: no Authorization, a missing field.
  await fetch(`https://us.authlete.com${operationPath('v3', 'issue')}`, { method: 'POST', body: 'ticket=t' })
  await fetch(`https://us.authlete.com${operationPath('v3', 'complete')}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: '{"ticket":"t"}',
  })
}

beforeAll(() => server.listen())
afterAll(async () => {
  server.close()
  await v3.close()
  await v2.close()
})

describe.each([
  ['v3', v3],
  ['v2', v2],
] as const)('%s', (spec: Spec, client) => {
  beforeAll(async () => {
    simulator.reset()
    await everyAnswer(client)
  })

  it('produces every documented action of each call', () => {
    const actions = (kind: keyof typeof simulator.requests) =>
      new Set(simulator.requests[kind].map((call) => call.answer.action).filter(Boolean))
    expect(actions('authentication')).toEqual(new Set(['USER_IDENTIFICATION', 'BAD_REQUEST', 'UNAUTHORIZED']))
    expect(actions('issue')).toEqual(new Set(['OK', 'INVALID_TICKET']))
    expect(actions('fail')).toEqual(new Set(['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR']))
    expect(actions('complete')).toEqual(new Set(['NOTIFICATION', 'NO_ACTION', 'SERVER_ERROR']))
  })

  it('the check has teeth: a string clientId or an unknown action is a violation', async () => {
    const [identified] = simulator.requests.authentication.filter(
      (call) => call.apiVersion === spec && call.answer.action === 'USER_IDENTIFICATION',
    )
    const path = operationPath(spec, 'authentication')
    const broken = { ...identified?.answer, clientId: 'alias', action: 'IDENTIFY' }
    expect((await checkResponse(spec, path, 200, broken)).length).toBeGreaterThanOrEqual(2)
  })

  it.each(OPERATIONS)('every answer of /%s agrees with the document', async (operation) => {
    const calls = simulator.requests[KIND[operation]].filter((call) => call.apiVersion === spec)
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      const found = await checkResponse(spec, operationPath(spec, operation), call.status, call.answer)
      expect({ answer: call.answer, violations: found }).toEqual({ answer: call.answer, violations: [] })
    }
  })
})
