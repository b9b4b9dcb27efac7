// The shape every Authlete call of the mocks has (mocks/calls/, one module each, made from the table
// of calls): a GET call without a body and an answer without `action` fit it as the four CIBA calls
// do, so the next calls plug in as one module and one row of the table.
import { HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthleteCall, callHandler, mockedCall, receiveCall } from '../../mocks/authlete.js'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import { AUTHLETE_CALLS } from '../../src/operations/table.js'

const CONFIGURATION: AuthleteCall = mockedCall('serviceConfiguration')
const server = setupAuthleteServer(
  callHandler(CONFIGURATION, async (info) => {
    const { received, refused } = await receiveCall(CONFIGURATION, info)
    return refused ?? HttpResponse.json({ issuer: 'https://as.example', received })
  }),
)
beforeAll(() => server.listen())
afterAll(() => server.close())

describe('an Authlete call of the mocks', () => {
  it('may be a GET without a body: its fields are the query, its answer needs no action', async () => {
    const v3 = await fetch('https://us.authlete.com/api/715948317/service/configuration?pretty=true', {
      headers: { authorization: 'Bearer t' },
    })
    expect(await v3.json()).toEqual({
      issuer: 'https://as.example',
      received: { apiVersion: 'v3', serviceId: '715948317', fields: { pretty: 'true' } },
    })
    const v2 = await fetch('https://api.authlete.com/api/service/configuration', {
      headers: { authorization: 'Basic a2V5OnNlY3JldA==' },
    })
    expect(await v2.json()).toMatchObject({ received: { apiVersion: 'v2', fields: {} } })
  })

  it("gets Authlete's checks before it is read: 401 without Authorization", async () => {
    const response = await fetch('https://us.authlete.com/api/1/service/configuration')
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ resultCode: 'A001202' })
  })

  it('is matched on its method: a POST to a GET call is not answered', async () => {
    const response = fetch('https://us.authlete.com/api/1/service/configuration', {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
    })
    await expect(response).rejects.toThrow()
  })
})

describe('the simulator, from the table of calls', () => {
  it('makes the request log and the handlers: one key, named after the client method, and one handler per call', () => {
    const simulator = createCibaSimulator()
    expect(Object.keys(simulator.requests)).toEqual(AUTHLETE_CALLS.map((call) => call.name))
    expect(Object.keys(simulator.requests)).toEqual([
      'backchannelAuthentication',
      'backchannelIssue',
      'backchannelFail',
      'backchannelComplete',
      'token',
      'tokenIssue',
      'tokenFail',
      'userinfo',
      'userinfoIssue',
      'introspection',
      'introspectionStandard',
      'revocation',
      'serviceConfiguration',
      'serviceJwks',
    ])
    expect(simulator.handlers).toHaveLength(AUTHLETE_CALLS.length)
    expect(simulator.handlersFor('http://127.0.0.1:1')).toHaveLength(AUTHLETE_CALLS.length)
  })

  it('keeps the names of before the first release as deprecated keys of the same lists', () => {
    const { requests } = createCibaSimulator()
    expect(requests.authentication).toBe(requests.backchannelAuthentication)
    expect(requests.issue).toBe(requests.backchannelIssue)
    expect(requests.fail).toBe(requests.backchannelFail)
    expect(requests.complete).toBe(requests.backchannelComplete)
  })
})
