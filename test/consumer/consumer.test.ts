// A consumer's test, run in a temporary project that installed the packed tarball: only the public
// entry points, a default client, the two-line setup, and an Express app under test reached with
// fetch on 127.0.0.1 (the mocks let that traffic through). Then whole CIBA logins (ping, push, poll)
// through createCibaSimulator, with the test playing the user and the app built on
// handleBackchannelAuthentication and completeBackchannelAuthentication.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  AuthleteClient,
  AuthleteNetworkError,
  type BackchannelAuthenticationHooks,
  completeBackchannelAuthentication,
  createPendingAuthentications,
  handleBackchannelAuthentication,
} from 'authlete-ciba'
import { createDeviceHandler, type DeviceRequest, toNodeHandler } from 'authlete-ciba/device'
import {
  authleteHandlers,
  type CibaSimulatorUser,
  createCibaSimulator,
  issueInvalidTicket,
  setupAuthleteServer,
  startCibaClientStandIn,
} from 'authlete-ciba/mocks'
import express from 'express'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, test } from 'vitest'

const server = setupAuthleteServer(...authleteHandlers())
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 'consumer-token' })
afterAll(() => authlete.close())

test('the stub answers a default client with a typed OK', async () => {
  const res = await authlete.backchannelIssue('ticket-from-backchannel-authentication')
  expect(res.action).toBe('OK')
  if (res.action === 'OK') {
    expectTypeOf(res.authReqId).toEqualTypeOf<string>()
    expect(res.authReqId satisfies string).toMatch(/^[\w-]{43}$/)
    expect(JSON.parse(res.responseContent ?? '')).toEqual({
      auth_req_id: res.authReqId,
      interval: res.interval,
      expires_in: res.expiresIn,
    })
  }
})

test('one test overrides the answer with server.use', async () => {
  server.use(issueInvalidTicket())
  expect((await authlete.backchannelIssue('expired')).action).toBe('INVALID_TICKET')
})

test('the override is gone in the next test', async () => {
  expect((await authlete.backchannelIssue('t')).action).toBe('OK')
})

test("an unhandled request to Authlete's traffic fails", async () => {
  // Guarded because a handler was made for this base: a request no handler answers never leaves.
  server.use(issueInvalidTicket({ baseUrl: 'https://authlete.internal.example' }))
  await using other = new AuthleteClient({
    serviceId: '1',
    accessToken: 'x',
    baseUrl: 'https://authlete.internal.example',
    retry: false,
  })
  await expect(other.backchannelFail({ ticket: 't', reason: 'SERVER_ERROR' })).rejects.toBeInstanceOf(
    AuthleteNetworkError,
  )
  expect(server.unhandledRequests).toContain(
    'POST https://authlete.internal.example/api/1/backchannel/authentication/fail',
  )
})

// --- The app under test: an authorization server on Express ---------------------------------------

const simulator = createCibaSimulator({ users: [{ subject: 'john', loginHints: ['john@example.com'] }] })

// The endpoint as the README builds it: the hooks are the app's; the simulator's registry is its user store.
const hooks: BackchannelAuthenticationHooks<CibaSimulatorUser> = {
  identifyUser: (hint) => simulator.findUser(hint),
  startAuthentication: () => {}, // the simulator plays the device: /issue made what it shows
}

const app = express()
app.get('/health', (_req, res) => {
  res.json({ ok: true })
})
app.post(
  '/backchannel/authentication',
  express.text({ type: 'application/x-www-form-urlencoded' }),
  async (req, res) => {
    const answer = await handleBackchannelAuthentication(
      authlete,
      { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization') },
      hooks,
    )
    res.status(answer.status).set(answer.headers).send(answer.body)
  },
)

// The user's device tells the app; the app reports to Authlete and notifies the client. The client
// stand-in listens on plain http on 127.0.0.1, which a test (only) allows.
simulator.onDecision(async ({ ticket, result, subject }) => {
  const outcome = await completeBackchannelAuthentication(
    authlete,
    { ticket, result, subject },
    { notification: { allowInsecureHttp: true, allowPrivateNetwork: true } },
  )
  if (outcome.notification?.delivered === false) throw outcome.notification.error
})

let httpServer: Server
let appUrl: string
beforeAll(async () => {
  httpServer = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => httpServer.once('listening', resolve))
  appUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => httpServer.close(resolve)))

test("the app's own traffic passes through the plain setup untouched", async () => {
  const response = await fetch(`${appUrl}/health`)
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ ok: true })
  expect(server.unhandledRequests.filter((line) => line.includes(appUrl))).toEqual([])
})

describe('a whole login through the simulator', () => {
  const clients = {
    POLL: { clientId: 'poll-client', clientSecret: 'poll-secret' },
    PING: { clientId: 'ping-client', clientSecret: 'ping-secret' },
    PUSH: { clientId: 'push-client', clientSecret: 'push-secret' },
  } as const
  let rp: Awaited<ReturnType<typeof startCibaClientStandIn>>
  beforeAll(async () => {
    rp = await startCibaClientStandIn()
    for (const [deliveryMode, client] of Object.entries(clients)) {
      const mode = deliveryMode as keyof typeof clients
      simulator.addClient({ ...client, deliveryMode: mode, clientNotificationEndpoint: rp.url })
    }
  })
  afterAll(() => rp.close())
  beforeEach(() => server.use(...simulator.handlers))
  afterEach(() => simulator.reset())

  /** The client application's backchannel authentication request to the app. */
  async function startLogin(client: { clientId: string; clientSecret: string }) {
    const response = await fetch(`${appUrl}/backchannel/authentication`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}` },
      body: new URLSearchParams({
        scope: 'openid',
        login_hint: 'john@example.com',
        client_notification_token: rp.token,
      }),
    })
    expect(response.status).toBe(200)
    return ((await response.json()) as { auth_req_id: string }).auth_req_id
  }

  test('ping: the client is pinged with its auth_req_id', async () => {
    const authReqId = await startLogin(clients.PING)
    await simulator.approve(authReqId)
    const notification = await rp.nextNotification({ authReqId })
    expect(notification).toMatchObject({ authorized: true, body: { auth_req_id: authReqId } })
  })

  test('push: the client receives the tokens', async () => {
    const authReqId = await startLogin(clients.PUSH)
    await simulator.approve(authReqId)
    const { body } = await rp.nextNotification({ authReqId })
    expect(body).toMatchObject({
      auth_req_id: authReqId,
      token_type: 'Bearer',
      access_token: expect.any(String),
    })
  })

  test('poll: no notification; the decision waits for the token endpoint', async () => {
    const delivered = rp.notifications.length
    const authReqId = await startLogin(clients.POLL)
    const pending = await simulator.nextAuthentication({ subject: 'john' })
    expect(pending.authReqId).toBe(authReqId)
    await simulator.approve(authReqId)
    expect(simulator.completionOf(authReqId)).toEqual({
      result: 'AUTHORIZED',
      subject: 'john',
      action: 'NO_ACTION',
    })
    expect(rp.notifications).toHaveLength(delivered)
  })

  test('an unknown user is refused by the app through /fail', async () => {
    const response = await fetch(`${appUrl}/backchannel/authentication`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa('poll-client:poll-secret')}` },
      body: new URLSearchParams({ scope: 'openid', login_hint: 'nobody' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'unknown_user_id' })
  })
})

test('the device entry loads without web-push installed, and mounts in Express beside other routes', async () => {
  const pending = createPendingAuthentications()
  const device = createDeviceHandler(authlete, pending, {
    authenticate: (request) => (request.headers.get('cookie') === 'user=john' ? 'john' : undefined),
    origin: 'http://127.0.0.1',
  })
  const app = express()
  app.use(toNodeHandler(device))
  app.get('/elsewhere', (_req, res) => res.send('not the device'))
  const listening: Server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => listening.once('listening', resolve))
  const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
  try {
    expect((await fetch(`${base}/device/requests`)).status).toBe(401)
    const list = (await (
      await fetch(`${base}/device/requests`, { headers: { cookie: 'user=john' } })
    ).json()) as DeviceRequest[]
    expectTypeOf(list).toEqualTypeOf<DeviceRequest[]>()
    expect(list).toEqual([])
    expect(await (await fetch(`${base}/elsewhere`)).text()).toBe('not the device')
  } finally {
    device.close()
    listening.closeAllConnections()
    await new Promise((resolve) => listening.close(resolve))
  }
})
