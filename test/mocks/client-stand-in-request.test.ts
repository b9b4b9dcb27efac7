// The client stand-in's backchannel authentication request (CIBA Core §7.1): the form it sends, its
// credentials, authorization_details as JSON; and a whole request to an AS on the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CibaClientStandIn, startCibaClientStandIn } from '../../mocks/index.js'
import { json, type Loopback, startLoopback } from '../helpers/loopback.js'

let rp: CibaClientStandIn
let as: Loopback
beforeAll(async () => {
  rp = await startCibaClientStandIn()
  as = await startLoopback((_request, res) =>
    json(res, 200, { auth_req_id: 'ar-1', expires_in: 600, interval: 5 }),
  )
})
afterAll(async () => {
  await rp.close()
  await as.close()
})

const DETAILS = [{ type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '1.00' } }]

describe('requestAuthentication', () => {
  it('posts the parameters form-encoded with Basic credentials, authorization_details as JSON', async () => {
    const answer = await rp.requestAuthentication({
      endpoint: `${as.url}/backchannel/authentication`,
      clientId: 'my client',
      clientSecret: 'sécret:1',
      scope: 'openid email',
      loginHint: 'john',
      bindingMessage: 'W4SCT',
      requestedExpiry: 60,
      authorizationDetails: DETAILS,
      clientNotificationToken: rp.token,
      parameters: { user_code: '1234' },
    })
    expect(answer).toEqual({ status: 200, body: { auth_req_id: 'ar-1', expires_in: 600, interval: 5 } })
    const [received] = as.requests.splice(0)
    expect(received?.url).toBe('/backchannel/authentication')
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(received?.headers.authorization).toBe(`Basic ${btoa('my+client:s%C3%A9cret%3A1')}`)
    expect(Object.fromEntries(new URLSearchParams(received?.body))).toEqual({
      scope: 'openid email',
      login_hint: 'john',
      binding_message: 'W4SCT',
      requested_expiry: '60',
      authorization_details: JSON.stringify(DETAILS),
      client_notification_token: rp.token,
      user_code: '1234',
    })
  })

  it('client_secret_post: the credentials in the body; scope openid by default', async () => {
    await rp.requestAuthentication({
      endpoint: as.url,
      clientId: 'c',
      clientSecret: 's',
      authMethod: 'client_secret_post',
      loginHint: 'jane',
    })
    const [received] = as.requests.splice(0)
    expect(received?.headers.authorization).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(received?.body))).toEqual({
      scope: 'openid',
      login_hint: 'jane',
      client_id: 'c',
      client_secret: 's',
    })
  })
})
