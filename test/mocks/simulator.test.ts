// createCibaSimulator: whole logins through a test authorization server (ping, push, poll), each
// call's answers by the ticket's state, the device helpers and the inspection. Everything is
// in-process or on 127.0.0.1; nothing waits on a timer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type CibaClientStandIn,
  createCibaSimulator,
  setupAuthleteServer,
  startAuthleteStandIn,
  startCibaClientStandIn,
} from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import {
  requestAuthentication,
  startTestAuthorizationServer,
  type TestAuthorizationServer,
} from '../helpers/ciba-as.js'
import { addDeliveryClients, PING, POLL, PUSH } from '../helpers/simulator-clients.js'

let clock = Date.parse('2026-11-29T00:00:00Z')
const simulator = createCibaSimulator({
  users: [
    { subject: 'john', loginHints: ['john@example.com'], userCode: '1234' },
    { subject: 'jane', loginHints: ['jane@example.com'] },
  ],
  now: () => clock,
})
const server = setupAuthleteServer(...simulator.handlers)
const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 'service-token', retry: false })
let rp: CibaClientStandIn
let as: TestAuthorizationServer

const CODE = { clientId: 'code-client', clientSecret: 'code-secret' }

beforeAll(async () => {
  server.listen()
  rp = await startCibaClientStandIn()
  addDeliveryClients(simulator, rp.url)
  simulator.addClient({ ...CODE, userCodeRequired: true })
  as = await startTestAuthorizationServer(authlete, simulator)
})
afterEach(() => {
  simulator.reset()
  server.resetHandlers()
})
afterAll(async () => {
  await as.close()
  await rp.close()
  await authlete.close()
  server.close()
})

const john = { scope: 'openid email', login_hint: 'john@example.com', binding_message: 'W4SCT' }

/** The ticket `/backchannel/authentication` gave the AS for its last request. */
const lastTicket = () => simulator.requests.authentication.at(-1)?.answer.ticket as string

describe('a whole login through the AS under test', () => {
  it('ping: auth_req_id to the client, the user approves, the AS completes and pings the client', async () => {
    const started = await requestAuthentication(as, PING, { ...john, client_notification_token: rp.token })
    expect(started).toEqual({
      status: 200,
      body: { auth_req_id: expect.any(String), expires_in: 600, interval: 5 },
    })
    const authReqId = started.body.auth_req_id as string

    const pending = simulator.authentication(authReqId)
    expect(pending).toMatchObject({
      status: 'pending',
      hintType: 'LOGIN_HINT',
      hint: 'john@example.com',
      user: { subject: 'john' },
      bindingMessage: 'W4SCT',
      scopes: ['openid', 'email'],
      client: { clientId: 'ping-client', deliveryMode: 'PING' },
    })
    expect(simulator.pendingAuthentications).toEqual([pending])

    const decision = await simulator.approve(authReqId)
    expect(decision).toMatchObject({ authReqId, result: 'AUTHORIZED', subject: 'john', ticket: lastTicket() })
    // Recorded before the AS's POST resolved, so before approve() did.
    const delivered = rp.notifications.filter(
      (n) => (n.body as { auth_req_id?: string }).auth_req_id === authReqId,
    )
    expect(delivered).toHaveLength(1)
    const notification = await rp.nextNotification({ authReqId })
    expect(notification).toMatchObject({ authorized: true, body: { auth_req_id: authReqId } })
    expect(simulator.authentication(authReqId)).toMatchObject({
      status: 'completed',
      decision: { result: 'AUTHORIZED' },
      completion: { result: 'AUTHORIZED', subject: 'john', action: 'NOTIFICATION' },
    })
    expect(simulator.pendingAuthentications).toEqual([])
  })

  it('push: the notification carries the tokens; the ID token names the user and the request', async () => {
    const started = await requestAuthentication(as, PUSH, {
      scope: 'openid',
      login_hint: 'jane@example.com',
      client_notification_token: rp.token,
    })
    const authReqId = started.body.auth_req_id as string
    await simulator.approve(authReqId, { acr: 'urn:example:mfa' })
    const { body, authorized } = await rp.nextNotification({ authReqId })
    expect(authorized).toBe(true)
    const tokens = simulator.completionOf(authReqId)?.tokens
    expect(body).toEqual({
      auth_req_id: authReqId,
      access_token: tokens?.accessToken,
      token_type: 'Bearer',
      refresh_token: tokens?.refreshToken,
      expires_in: 3600,
      id_token: tokens?.idToken,
    })
    const claims = JSON.parse(Buffer.from(tokens?.idToken.split('.')[1] ?? '', 'base64url').toString())
    expect(claims).toMatchObject({
      sub: 'jane',
      aud: PUSH.clientId,
      'urn:openid:params:jwt:claim:auth_req_id': authReqId,
      at_hash: expect.any(String),
    })
  })

  it('push: the user denies; the client is told access_denied', async () => {
    const started = await requestAuthentication(as, PUSH, { ...john, client_notification_token: rp.token })
    const authReqId = started.body.auth_req_id as string
    await simulator.deny(authReqId)
    expect((await rp.nextNotification({ authReqId })).body).toEqual({
      auth_req_id: authReqId,
      error: 'access_denied',
    })
    expect(simulator.authentication(authReqId)?.completion).toMatchObject({ result: 'ACCESS_DENIED' })
  })

  it('poll: NO_ACTION, no notification; the decision is there for a token endpoint', async () => {
    const started = await requestAuthentication(as, POLL, john)
    const authReqId = started.body.auth_req_id as string
    await simulator.approve(authReqId)
    expect(simulator.requests.complete.at(-1)?.answer.action).toBe('NO_ACTION')
    expect(simulator.completionOf(authReqId)).toEqual({
      result: 'AUTHORIZED',
      subject: 'john',
      action: 'NO_ACTION',
    })
    expect(
      rp.notifications.filter((n) => (n.body as { auth_req_id?: string }).auth_req_id === authReqId),
    ).toEqual([])
  })

  it('the AS refuses an unknown user through /fail: 400 unknown_user_id, and the ticket is gone', async () => {
    const started = await requestAuthentication(as, POLL, { scope: 'openid', login_hint: 'nobody' })
    expect(started).toEqual({ status: 400, body: { error: 'unknown_user_id' } })
    expect(simulator.requests.fail.at(-1)?.fields).toMatchObject({ reason: 'UNKNOWN_USER_ID' })
    expect((await authlete.backchannelIssue(lastTicket())).action).toBe('INVALID_TICKET')
    expect(simulator.authentications).toEqual([])
  })

  it('a client that requires a user code: missing_user_code from Authlete, invalid_user_code from the AS', async () => {
    expect(await requestAuthentication(as, CODE, john)).toEqual({
      status: 400,
      body: { error: 'missing_user_code', error_description: 'The user_code parameter is required.' },
    })
    expect(await requestAuthentication(as, CODE, { ...john, user_code: '0000' })).toEqual({
      status: 400,
      body: { error: 'invalid_user_code' },
    })
    expect((await requestAuthentication(as, CODE, { ...john, user_code: '1234' })).status).toBe(200)
  })

  it('the same login over a loopback stand-in: startAuthleteStandIn({ simulator })', async () => {
    const standIn = await startAuthleteStandIn({ simulator })
    try {
      await using overHttp = new AuthleteClient({ serviceId: '1', accessToken: 'x', baseUrl: standIn.url })
      const other = await startTestAuthorizationServer(overHttp, simulator)
      try {
        const started = await requestAuthentication(other, PING, {
          ...john,
          client_notification_token: rp.token,
        })
        const authReqId = started.body.auth_req_id as string
        const waiting = rp.nextNotification({ authReqId })
        await simulator.approve(authReqId)
        expect((await waiting).body).toEqual({ auth_req_id: authReqId })
        expect(standIn.requestCount).toBe(3)
      } finally {
        await other.close()
      }
    } finally {
      await standIn.close()
    }
  })
})

describe('the device: waiting for an authentication and answering it', () => {
  it('nextAuthentication resolves with one issued before the wait, and waits for the next', async () => {
    await requestAuthentication(as, POLL, john)
    const first = await simulator.nextAuthentication()
    expect(first.hint).toBe('john@example.com')

    const waiting = simulator.nextAuthentication({ subject: 'jane' })
    await requestAuthentication(as, POLL, john)
    await requestAuthentication(as, POLL, { scope: 'openid', login_hint: 'jane@example.com' })
    expect((await waiting).user?.subject).toBe('jane')
    // The second of John's was not taken by the filtered wait: it is still there.
    expect((await simulator.nextAuthentication({ hint: 'john@example.com' })).authReqId).not.toBe(
      first.authReqId,
    )
  })

  it('a wait gives up when its signal fires; reset() rejects the waits in progress', async () => {
    const controller = new AbortController()
    const aborted = simulator.nextAuthentication({}, { signal: controller.signal })
    controller.abort(new Error('gave up'))
    await expect(aborted).rejects.toThrow('gave up')
    const waiting = simulator.nextAuthentication()
    simulator.reset()
    await expect(waiting).rejects.toThrow(/reset/)
  })

  it('approve and deny need a pending authentication; approve takes the subject, acr and authTime', async () => {
    const authReqId = (await requestAuthentication(as, POLL, john)).body.auth_req_id as string
    await expect(simulator.approve('unknown')).rejects.toThrow(/no authentication/)
    const decision = await simulator.approve(authReqId, { subject: 'john-2', authTime: 1_700_000_000 })
    expect(decision).toMatchObject({ subject: 'john-2', authTime: 1_700_000_000 })
    expect(simulator.completionOf(authReqId)?.subject).toBe('john-2')
    await expect(simulator.deny(authReqId)).rejects.toThrow(/completed, not pending/)
  })

  it('approve rejects when the AS code listening for decisions fails', async () => {
    const authReqId = (await requestAuthentication(as, POLL, john)).body.auth_req_id as string
    const stop = simulator.onDecision(() => {
      throw new Error('the AS is down')
    })
    try {
      await expect(simulator.approve(authReqId)).rejects.toThrow('the AS is down')
    } finally {
      stop()
    }
  })

  it('expire(): the request runs out; so does one whose lifetime passes on the clock', async () => {
    const authReqId = (await requestAuthentication(as, POLL, john)).body.auth_req_id as string
    simulator.expire(authReqId)
    expect(simulator.authentication(authReqId)?.status).toBe('expired')
    await expect(simulator.approve(authReqId)).rejects.toThrow(/expired/)

    const short = await requestAuthentication(as, POLL, { ...john, requested_expiry: '30' })
    expect(short.body.expires_in).toBe(30)
    clock += 30_000
    expect(simulator.authentication(short.body.auth_req_id as string)?.status).toBe('expired')
  })
})

describe('each call, by the state of its ticket', () => {
  async function identified(parameters: Record<string, string>, client = PING) {
    const ba = await authlete.backchannelAuthentication({
      parameters: new URLSearchParams(parameters),
      ...client,
    })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    return ba
  }
  const ping = { ...john, client_notification_token: 'cnt' }

  it('/issue: INVALID_TICKET for an unknown, failed, expired or already issued ticket', async () => {
    expect((await authlete.backchannelIssue('never-seen')).action).toBe('INVALID_TICKET')
    const failed = await identified(ping)
    await authlete.backchannelFail({ ticket: failed.ticket, reason: 'UNKNOWN_USER_ID' })
    expect((await authlete.backchannelIssue(failed.ticket)).action).toBe('INVALID_TICKET')
    const late = await identified({ ...ping, requested_expiry: '10' })
    clock += 10_000
    expect((await authlete.backchannelIssue(late.ticket)).action).toBe('INVALID_TICKET')
    const twice = await identified(ping)
    expect((await authlete.backchannelIssue(twice.ticket)).action).toBe('OK')
    expect((await authlete.backchannelIssue(twice.ticket)).action).toBe('INVALID_TICKET')
  })

  it('/fail: the answer for each reason, with the description and URI', async () => {
    const ba = await identified(ping)
    const fail = (reason: Parameters<typeof authlete.backchannelFail>[0]['reason']) =>
      authlete.backchannelFail({
        ticket: ba.ticket,
        reason,
        errorDescription: 'why',
        errorUri: 'https://as/e',
      })
    expect(await fail('ACCESS_DENIED')).toMatchObject({
      action: 'FORBIDDEN',
      responseContent: '{"error":"access_denied","error_description":"why","error_uri":"https://as/e"}',
    })
    expect(await fail('SERVER_ERROR')).toMatchObject({ action: 'INTERNAL_SERVER_ERROR' })
    expect(await fail('EXPIRED_LOGIN_HINT_TOKEN')).toMatchObject({ action: 'BAD_REQUEST' })
    expect(JSON.parse((await fail('INVALID_BINDING_MESSAGE')).responseContent ?? '')).toMatchObject({
      error: 'invalid_binding_message',
    })
  })

  it('/fail after /complete: refused as Authlete refuses a used ticket; the login stays completed', async () => {
    const poll = await identified(john, POLL)
    const issued = await authlete.backchannelIssue(poll.ticket)
    const authReqId = issued.action === 'OK' ? issued.authReqId : ''
    await authlete.backchannelComplete({ ticket: poll.ticket, result: 'AUTHORIZED', subject: 'john' })
    const refused = await authlete.backchannelFail({ ticket: poll.ticket, reason: 'ACCESS_DENIED' })
    expect(refused).toMatchObject({
      action: 'INTERNAL_SERVER_ERROR',
      resultCode: 'A185301',
      resultMessage: '[A185301] The ticket is invalid or has been used.',
    })
    expect(JSON.parse(refused.responseContent ?? '')).toMatchObject({ error: 'server_error' })
    expect(simulator.authentication(authReqId)?.status).toBe('completed')
    expect(simulator.completionOf(authReqId)).toEqual({
      result: 'AUTHORIZED',
      subject: 'john',
      action: 'NO_ACTION',
    })
  })

  it('/complete: SERVER_ERROR for a ticket never seen or never issued', async () => {
    expect(
      (await authlete.backchannelComplete({ ticket: 'x', result: 'AUTHORIZED', subject: 'john' })).action,
    ).toBe('SERVER_ERROR')
    const ba = await identified(ping)
    const done = await authlete.backchannelComplete({
      ticket: ba.ticket,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    expect(done.action).toBe('SERVER_ERROR')
  })

  it('/complete twice: poll SERVER_ERROR; ping NOTIFICATION with server_error', async () => {
    const poll = await identified(john, POLL)
    await authlete.backchannelIssue(poll.ticket)
    const report = { ticket: poll.ticket, result: 'AUTHORIZED', subject: 'john' } as const
    expect((await authlete.backchannelComplete(report)).action).toBe('NO_ACTION')
    expect((await authlete.backchannelComplete(report)).action).toBe('SERVER_ERROR')

    const pinged = await identified(ping)
    const issued = await authlete.backchannelIssue(pinged.ticket)
    const again = { ...report, ticket: pinged.ticket }
    expect(await authlete.backchannelComplete(again)).toMatchObject({
      action: 'NOTIFICATION',
      deliveryMode: 'PING',
    })
    const second = await authlete.backchannelComplete(again)
    expect(second).toMatchObject({
      action: 'NOTIFICATION',
      clientNotificationEndpoint: rp.url,
      clientNotificationToken: 'cnt',
    })
    expect(JSON.parse(second.responseContent ?? '')).toEqual({
      auth_req_id: issued.action === 'OK' ? issued.authReqId : '',
      error: 'server_error',
    })
  })

  it('/complete after expiry: push NOTIFICATION with expired_token; poll SERVER_ERROR', async () => {
    const push = await identified({ ...ping, requested_expiry: '5' }, PUSH)
    await authlete.backchannelIssue(push.ticket)
    const poll = await identified({ ...john, requested_expiry: '5' }, POLL)
    await authlete.backchannelIssue(poll.ticket)
    clock += 5_000
    const pushed = await authlete.backchannelComplete({
      ticket: push.ticket,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    expect(JSON.parse(pushed.responseContent ?? '')).toMatchObject({ error: 'expired_token' })
    const polled = await authlete.backchannelComplete({
      ticket: poll.ticket,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    expect(polled.action).toBe('SERVER_ERROR')
  })

  it('/complete in push mode for TRANSACTION_FAILED tells the client expired_token, as Authlete documents', async () => {
    const push = await identified(ping, PUSH)
    await authlete.backchannelIssue(push.ticket)
    const done = await authlete.backchannelComplete({
      ticket: push.ticket,
      result: 'TRANSACTION_FAILED',
      subject: 'john',
      errorDescription: 'The device timed out.',
    })
    // Authlete's /complete reference: TRANSACTION_FAILED behaves as ACCESS_DENIED, with expired_token.
    expect(JSON.parse(done.responseContent ?? '')).toMatchObject({
      error: 'expired_token',
      error_description: 'The device timed out.',
    })
    expect(done).not.toHaveProperty('accessToken')
  })
})

describe('/backchannel/authentication reads the request as CIBA Core §7.1 says', () => {
  const call = (parameters: string, credentials: { clientId?: string; clientSecret?: string } = PING) =>
    authlete.backchannelAuthentication({ parameters, ...credentials })

  it.each([
    ['no scope', 'login_hint=john&client_notification_token=t', 'invalid_request'],
    ['no openid scope', 'scope=email&login_hint=john&client_notification_token=t', 'invalid_scope'],
    ['no hint', 'scope=openid&client_notification_token=t', 'invalid_request'],
    [
      'two hints',
      'scope=openid&login_hint=a&id_token_hint=b.c.d&client_notification_token=t',
      'invalid_request',
    ],
    [
      'an id_token_hint without sub',
      'scope=openid&id_token_hint=e30.e30.&client_notification_token=t',
      'invalid_request',
    ],
    ['ping without client_notification_token', 'scope=openid&login_hint=john', 'invalid_request'],
    [
      'a requested_expiry of 0',
      'scope=openid&login_hint=j&client_notification_token=t&requested_expiry=0',
      'invalid_request',
    ],
    [
      'a parameter twice',
      'scope=openid&login_hint=a&login_hint=b&client_notification_token=t',
      'invalid_request',
    ],
    [
      'a request object',
      'scope=openid&login_hint=j&client_notification_token=t&request=e30.e30.',
      'invalid_request',
    ],
  ])('%s: BAD_REQUEST %s', async (_case, parameters, error) => {
    const answer = await call(parameters)
    expect(answer.action).toBe('BAD_REQUEST')
    expect(JSON.parse(answer.responseContent ?? '')).toMatchObject({ error })
  })

  it.each([
    ['an unknown client', { clientId: 'nobody', clientSecret: 'x' }],
    ['a wrong secret', { clientId: PING.clientId, clientSecret: 'wrong' }],
    ['no credentials', {}],
  ])('%s: UNAUTHORIZED invalid_client', async (_case, credentials) => {
    const answer = await call('scope=openid&login_hint=john&client_notification_token=t', credentials)
    expect(answer.action).toBe('UNAUTHORIZED')
    expect(JSON.parse(answer.responseContent ?? '')).toMatchObject({ error: 'invalid_client' })
  })

  it('client_secret_post; an alias has a numeric client ID; unknown scopes are dropped; id_token_hint gives sub', async () => {
    const idToken = `e30.${Buffer.from('{"sub":"john"}').toString('base64url')}.`
    const answer = await call(
      `scope=openid%20unknown%20email&id_token_hint=${idToken}&client_id=ping-client&client_secret=ping-secret&client_notification_token=t&acr_values=a%20b`,
      {},
    )
    expect(answer).toMatchObject({
      action: 'USER_IDENTIFICATION',
      clientAuthMethod: 'CLIENT_SECRET_POST',
      clientId: expect.any(Number),
      clientIdAlias: 'ping-client',
      clientIdAliasUsed: true,
      hintType: 'ID_TOKEN_HINT',
      sub: 'john',
      acrs: ['a', 'b'],
      deliveryMode: 'PING',
      clientNotificationToken: 't',
      scopes: [
        { name: 'openid', defaultEntry: false },
        { name: 'email', defaultEntry: false },
      ],
    })
    expect(simulator.findUser(answer)).toMatchObject({ subject: 'john' })
  })

  it('passes authorization_details through as Authlete wraps them, and lists the claims the scopes ask for', async () => {
    const details = [
      {
        type: 'payment_initiation',
        actions: ['initiate', 'status'],
        locations: ['https://example.com/payments'],
        datatypes: ['payment'],
        instructedAmount: { currency: 'EUR', amount: '123.50' },
        creditorName: 'Merchant A',
      },
      { type: 'openid_credential' },
    ]
    const parameters = new URLSearchParams({
      scope: 'openid email phone',
      login_hint: 'john',
      authorization_details: JSON.stringify(details),
    })
    const answer = await call(parameters.toString(), POLL)
    expect(answer).toMatchObject({
      action: 'USER_IDENTIFICATION',
      claimNames: ['email', 'email_verified', 'phone_number', 'phone_number_verified'],
      authorizationDetails: {
        elements: [
          {
            type: 'payment_initiation',
            actions: ['initiate', 'status'],
            locations: ['https://example.com/payments'],
            dataTypes: ['payment'],
            otherFields:
              '{"instructedAmount":{"currency":"EUR","amount":"123.50"},"creditorName":"Merchant A"}',
          },
          { type: 'openid_credential' },
        ],
      },
    })
    expect(answer.authorizationDetails?.elements?.[1]).toEqual({ type: 'openid_credential' })
  })

  it('no claims without a scope that asks for some, no authorization details without the parameter', async () => {
    const answer = await call('scope=openid&login_hint=john', POLL)
    expect(answer.action).toBe('USER_IDENTIFICATION')
    expect(answer).not.toHaveProperty('claimNames')
    expect(answer).not.toHaveProperty('authorizationDetails')
  })

  it.each([
    ['not JSON', '[{'],
    ['an object, not an array', '{"type":"x"}'],
    ['an element without a type', '[{"actions":["read"]}]'],
    ['a type that is not a string', '[{"type":1}]'],
  ])('refuses authorization_details that are %s: invalid_authorization_details', async (_, details) => {
    const parameters = new URLSearchParams({
      scope: 'openid',
      login_hint: 'john',
      authorization_details: details,
    })
    const answer = await call(parameters.toString(), POLL)
    expect(answer.action).toBe('BAD_REQUEST')
    expect(JSON.parse(answer.responseContent ?? '')).toMatchObject({ error: 'invalid_authorization_details' })
  })

  it('records each call parsed, with its answer, and never a header', async () => {
    await call('scope=openid&login_hint=john&client_notification_token=t')
    const [recorded] = simulator.requests.authentication
    expect(recorded).toEqual({
      apiVersion: 'v3',
      serviceId: '715948317',
      fields: { parameters: 'scope=openid&login_hint=john&client_notification_token=t', ...PING },
      parameters: { scope: 'openid', login_hint: 'john', client_notification_token: 't' },
      status: 200,
      answer: expect.objectContaining({ action: 'USER_IDENTIFICATION' }),
    })
    expect(JSON.stringify(simulator.requests)).not.toContain('service-token')
  })

  it('answers a v2 client, and refuses a call without Authorization as the default handlers do', async () => {
    await using v2 = new AuthleteClient({ apiKey: 'k', apiSecret: 's', retry: false })
    const answer = await v2.backchannelAuthentication({ parameters: 'scope=openid&login_hint=john', ...POLL })
    expect(answer.action).toBe('USER_IDENTIFICATION')
    expect(simulator.requests.authentication.at(-1)).toMatchObject({ apiVersion: 'v2', serviceId: undefined })
    const bare = await fetch('https://us.authlete.com/api/1/backchannel/authentication/issue', {
      method: 'POST',
      body: 'ticket=t',
    })
    expect(bare.status).toBe(401)
    expect(simulator.requests.issue.at(-1)).toMatchObject({ status: 401, answer: { resultCode: 'A001202' } })
  })
})

describe('registry', () => {
  it('refuses a ping or push client without a notification endpoint, and bad credentials', () => {
    expect(() => simulator.addClient({ clientId: 'p', clientSecret: 's', deliveryMode: 'PUSH' })).toThrow(
      /clientNotificationEndpoint/,
    )
    expect(() => simulator.addClient({ clientId: '', clientSecret: 's' })).toThrow(/clientId/)
    expect(() => simulator.addUser({ subject: '' })).toThrow(/subject/)
  })
})
