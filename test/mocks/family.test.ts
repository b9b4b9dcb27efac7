// The mocks of /backchannel/authentication, /fail and /complete: the default handlers answer as
// Authlete would, and each scenario helper gives the answer it names to a default client.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  authenticationApiError,
  authenticationBadRequest,
  authenticationInternalServerError,
  authenticationUnauthorized,
  authenticationUnknownAction,
  authenticationUserIdentification,
  authleteHandlers,
  completeApiError,
  completeNoAction,
  completeNotification,
  completeServerError,
  completeUnknownAction,
  failApiError,
  failBadRequest,
  failForbidden,
  failInternalServerError,
  failUnknownAction,
  setupAuthleteServer,
} from '../../mocks/index.js'
import { AuthleteApiError, AuthleteClient, toBackchannelResponse } from '../../src/index.js'

const server = setupAuthleteServer(...authleteHandlers())
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const v3 = new AuthleteClient({ serviceId: '715948317', accessToken: 'token', retry: false })
const v2 = new AuthleteClient({ apiKey: '5593494639', apiSecret: 'secret', retry: false })
afterAll(async () => {
  await v3.close()
  await v2.close()
})

const PARAMETERS = 'scope=openid%20email&login_hint=john%40example.com&binding_message=W4SCT'

describe('the default handlers answer all four calls as Authlete would', () => {
  it.each([
    ['v3', v3],
    ['v2', v2],
  ] as const)('%s: authentication, issue, fail and complete in a row', async (_name, client) => {
    const ba = await client.backchannelAuthentication({
      parameters: PARAMETERS,
      clientId: 'c',
      clientSecret: 's',
    })
    if (ba.action !== 'USER_IDENTIFICATION') throw new Error(`expected USER_IDENTIFICATION, got ${ba.action}`)
    expect(ba.ticket).toMatch(/^[\w-]{43}$/)
    expect(ba.hintType).toBe('LOGIN_HINT')
    expect(ba.hint).toBe('john@example.com')
    expect(ba.bindingMessage).toBe('W4SCT')
    expect(ba.scopes?.map((scope) => scope.name)).toEqual(['openid', 'email'])
    expect(ba.claimNames).toEqual(['email', 'email_verified'])
    expect((await client.backchannelIssue(ba.ticket)).action).toBe('OK')
    const fail = await client.backchannelFail({ ticket: ba.ticket, reason: 'UNKNOWN_USER_ID' })
    expect(fail).toMatchObject({ action: 'BAD_REQUEST', responseContent: '{"error":"unknown_user_id"}' })
    const done = await client.backchannelComplete({
      ticket: ba.ticket,
      result: 'AUTHORIZED',
      subject: 'john',
    })
    expect(done.action).toBe('NO_ACTION')
  })

  it('authentication: authorization_details come back wrapped as Authlete wraps them', async () => {
    const details = [{ type: 'payment_initiation', actions: ['initiate'], creditorName: 'Merchant A' }]
    const res = await v3.backchannelAuthentication({
      parameters: `scope=openid&login_hint=a&authorization_details=${encodeURIComponent(JSON.stringify(details))}`,
    })
    expect(res).toMatchObject({
      action: 'USER_IDENTIFICATION',
      authorizationDetails: {
        elements: [
          { type: 'payment_initiation', actions: ['initiate'], otherFields: '{"creditorName":"Merchant A"}' },
        ],
      },
    })
  })

  it.each([
    ['scope=email&login_hint=a', 'invalid_scope'],
    ['scope=openid&login_hint=a&id_token_hint=b', 'invalid_request'],
    ['scope=openid&login_hint=a&authorization_details=%5B%7B%7D%5D', 'invalid_authorization_details'],
  ])('authentication: %s is BAD_REQUEST %s', async (parameters, error) => {
    const res = await v3.backchannelAuthentication({ parameters })
    expect(res.action).toBe('BAD_REQUEST')
    expect(JSON.parse(res.responseContent ?? '').error).toBe(error)
    expect(toBackchannelResponse(res).status).toBe(400)
  })

  it('fail: ACCESS_DENIED is FORBIDDEN, SERVER_ERROR is INTERNAL_SERVER_ERROR, and the description goes along', async () => {
    expect(await v3.backchannelFail({ ticket: 't', reason: 'ACCESS_DENIED' })).toMatchObject({
      action: 'FORBIDDEN',
      responseContent: '{"error":"access_denied"}',
    })
    expect(
      await v3.backchannelFail({ ticket: 't', reason: 'SERVER_ERROR', errorDescription: 'down' }),
    ).toMatchObject({
      action: 'INTERNAL_SERVER_ERROR',
      responseContent: '{"error":"server_error","error_description":"down"}',
    })
  })

  it('refuses a request without Authorization like Authlete: 401 A001202', async () => {
    const response = await fetch('https://us.authlete.com/api/1/backchannel/authentication/complete', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ticket":"t","result":"AUTHORIZED","subject":"s"}',
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { resultCode: string }).resultCode).toBe('A001202')
  })

  it.each([
    ['/backchannel/authentication', 'clientId=c', 'parameters'],
    ['/backchannel/authentication/fail', 'reason=SERVER_ERROR', 'ticket'],
    ['/backchannel/authentication/complete', '{"ticket":"t","result":"AUTHORIZED"}', 'subject'],
  ])('%s without a required field: 400 naming it', async (path, body, field) => {
    const response = await fetch(`https://us.authlete.com/api/1${path}`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer x',
        'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      body,
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { resultMessage: string }).resultMessage).toContain(`'${field}'`)
  })
})

describe('scenario helpers', () => {
  it('authentication: every documented action, an unknown one and an API error', async () => {
    server.use(authenticationUserIdentification({ ticket: 'fixed', hintType: 'ID_TOKEN_HINT', sub: 'john' }))
    expect(await v3.backchannelAuthentication({ parameters: PARAMETERS })).toMatchObject({
      action: 'USER_IDENTIFICATION',
      ticket: 'fixed',
      hintType: 'ID_TOKEN_HINT',
      sub: 'john',
    })
    server.resetHandlers()
    const cases = [
      [authenticationBadRequest('invalid_scope'), 'BAD_REQUEST', 400],
      [authenticationUnauthorized(), 'UNAUTHORIZED', 401],
      [authenticationInternalServerError(), 'INTERNAL_SERVER_ERROR', 500],
      [authenticationUnknownAction('LATER'), 'LATER', 500],
    ] as const
    for (const [handler, action, status] of cases) {
      server.use(handler)
      const res = await v2.backchannelAuthentication({ parameters: PARAMETERS })
      expect(res.action).toBe(action)
      expect(toBackchannelResponse(res).status).toBe(status)
      server.resetHandlers()
    }
    server.use(authenticationApiError(403, 'A001215', 'The service is locked.'))
    const error = (await v3
      .backchannelAuthentication({ parameters: PARAMETERS })
      .catch((e: unknown) => e)) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.resultCode).toBe('A001215')
  })

  it('fail: every documented action, an unknown one and an API error', async () => {
    const cases = [
      [failBadRequest('invalid_user_code'), 'BAD_REQUEST', '{"error":"invalid_user_code"}'],
      [failForbidden(), 'FORBIDDEN', '{"error":"access_denied"}'],
      [failInternalServerError(), 'INTERNAL_SERVER_ERROR', '{"error":"server_error"}'],
    ] as const
    for (const [handler, action, content] of cases) {
      server.use(handler)
      expect(await v3.backchannelFail({ ticket: 't', reason: 'UNKNOWN_USER_ID' })).toMatchObject({
        action,
        responseContent: content,
      })
      server.resetHandlers()
    }
    server.use(failUnknownAction('LATER'))
    expect((await v3.backchannelFail({ ticket: 't', reason: 'SERVER_ERROR' })).action).toBe('LATER')
    server.use(failApiError(500, 'A001101'))
    await expect(v3.backchannelFail({ ticket: 't', reason: 'SERVER_ERROR' })).rejects.toBeInstanceOf(
      AuthleteApiError,
    )
  })

  it('complete: ping and push notifications, no action, server error, an unknown action, an API error', async () => {
    server.use(completeNotification({ clientNotificationEndpoint: 'https://rp.example/cb', authReqId: 'r1' }))
    const ping = await v3.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })
    if (ping.action !== 'NOTIFICATION') throw new Error('expected NOTIFICATION')
    expect(ping.clientNotificationEndpoint).toBe('https://rp.example/cb')
    expect(JSON.parse(ping.responseContent)).toEqual({ auth_req_id: 'r1' })
    server.resetHandlers()

    server.use(completeNotification({ deliveryMode: 'PUSH', authReqId: 'r2' }))
    const push = await v3.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })
    if (push.action !== 'NOTIFICATION') throw new Error('expected NOTIFICATION')
    expect(JSON.parse(push.responseContent)).toMatchObject({ auth_req_id: 'r2', token_type: 'Bearer' })
    expect(push.accessToken).toBe(JSON.parse(push.responseContent).access_token)
    server.resetHandlers()

    server.use(completeNotification({ deliveryMode: 'PUSH', result: 'ACCESS_DENIED', authReqId: 'r3' }))
    const denied = await v3.backchannelComplete({ ticket: 't', result: 'ACCESS_DENIED', subject: 's' })
    expect(JSON.parse(denied.responseContent ?? '')).toEqual({ auth_req_id: 'r3', error: 'access_denied' })
    server.resetHandlers()

    for (const [handler, action] of [
      [completeNoAction(), 'NO_ACTION'],
      [completeServerError(), 'SERVER_ERROR'],
      [completeUnknownAction('LATER'), 'LATER'],
    ] as const) {
      server.use(handler)
      expect((await v2.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })).action).toBe(
        action,
      )
      server.resetHandlers()
    }
    server.use(completeApiError(401, 'A001202', 'Authorization header is missing.'))
    await expect(
      v3.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' }),
    ).rejects.toMatchObject({
      status: 401,
      resultCode: 'A001202',
    })
  })
})
