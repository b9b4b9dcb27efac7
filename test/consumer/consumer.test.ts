// A consumer's test, run in a temporary project that installed the packed tarball: only the public
// entry points, a default client, the two-line setup.
import { AuthleteClient, AuthleteNetworkError } from 'authlete-ciba'
import { authleteHandlers, issueInvalidTicket, setupAuthleteServer } from 'authlete-ciba/mocks'
import { afterAll, afterEach, beforeAll, expect, expectTypeOf, test } from 'vitest'

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
