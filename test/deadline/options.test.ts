// One rule for every deadline option of every entry: a whole number of milliseconds from 1 to
// 2147483647 (setTimeout's limit), refused with the same words, naming the option.
import { describe, expect, it } from 'vitest'
import {
  AuthleteClient,
  AuthleteInputError,
  completeBackchannelAuthentication,
  createPendingAuthentications,
  decideBackchannelAuthentication,
  deliverClientNotification,
  handleBackchannelAuthentication,
  handleTokenRequest,
  inProcessPendingStore,
} from '../../src/index.js'

const REFUSED: unknown[] = [0, -1, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100', null, true]
const RULE = 'must be a whole number of milliseconds from 1 to 2147483647'

const client = () =>
  new AuthleteClient({ serviceId: '1', accessToken: 'token', baseUrl: 'http://127.0.0.1:9' })
const neverCalled = () => {
  throw new Error('no Authlete call is made for a bad option')
}
const standIn = {
  backchannelAuthentication: neverCalled,
  backchannelIssue: neverCalled,
  backchannelFail: neverCalled,
  backchannelComplete: neverCalled,
  token: neverCalled,
  tokenIssue: neverCalled,
  tokenFail: neverCalled,
} as never

/** What the backchannel endpoint reports at `onError` with `options` (it answers 500). */
async function backchannelAuthenticationError(authlete: unknown, options: object): Promise<never> {
  let reported: unknown
  const answer = await handleBackchannelAuthentication(
    authlete as never,
    { body: 'scope=openid&login_hint=john', authorization: undefined },
    {
      identifyUser: () => undefined,
      startAuthentication: () => {},
      onError: (error) => (reported = error),
    },
    options as never,
  )
  expect(answer.status).toBe(500)
  throw reported
}

/** What the token endpoint reports at `onError` with `options` (it answers 500). */
async function tokenRequestError(authlete: unknown, options: object): Promise<never> {
  let reported: unknown
  const answer = await handleTokenRequest(
    authlete as never,
    { body: 'grant_type=refresh_token&refresh_token=r', authorization: undefined, dpop: undefined },
    { onError: (error) => (reported = error) },
    options as never,
  )
  expect(answer.status).toBe(500)
  throw reported
}

/** What an entry does with one value of its option: the error it throws, rejects with or reports. */
const ENTRIES: Record<string, (value: unknown) => Promise<unknown>> = {
  'AuthleteClient timeoutMs': async (timeoutMs) =>
    new AuthleteClient({ serviceId: '1', accessToken: 't', timeoutMs } as never),
  'per-call timeoutMs': async (timeoutMs) => {
    await using c = client()
    return c.backchannelIssue('ticket', { timeoutMs } as never)
  },
  'handleBackchannelAuthentication flowTimeoutMs': (flowTimeoutMs) =>
    backchannelAuthenticationError(standIn, { flowTimeoutMs }),
  'handleTokenRequest flowTimeoutMs': (flowTimeoutMs) => tokenRequestError(standIn, { flowTimeoutMs }),
  // The endpoints pass their per-call timeoutMs on to each Authlete call, on the flow's own options.
  'handleBackchannelAuthentication timeoutMs': async (timeoutMs) => {
    await using c = client()
    return await backchannelAuthenticationError(c, { timeoutMs })
  },
  'handleTokenRequest timeoutMs': async (timeoutMs) => {
    await using c = client()
    return await tokenRequestError(c, { timeoutMs })
  },
  'completeBackchannelAuthentication notification.timeoutMs': (timeoutMs) =>
    completeBackchannelAuthentication(
      standIn,
      { ticket: 't', result: 'AUTHORIZED', subject: 's' },
      {
        notification: { timeoutMs } as never,
      },
    ),
  'deliverClientNotification timeoutMs': (timeoutMs) =>
    deliverClientNotification(
      { clientNotificationEndpoint: 'https://client.example/cb', responseContent: '{}' },
      {
        timeoutMs,
      } as never,
    ),
  'decideBackchannelAuthentication timeoutMs': (timeoutMs) =>
    decideBackchannelAuthentication(
      standIn,
      createPendingAuthentications(),
      { authReqId: 'r', result: 'AUTHORIZED', subject: 's' },
      { timeoutMs } as never,
    ),
  'createPendingAuthentications leaseMs': async (leaseMs) =>
    createPendingAuthentications({ leaseMs } as never),
  'createPendingAuthentications timeoutMs': async (timeoutMs) =>
    createPendingAuthentications({ timeoutMs } as never),
  'pending.get timeoutMs': (timeoutMs) => createPendingAuthentications().get('r', { timeoutMs } as never),
  'inProcessPendingStore sweepIntervalMs': async (sweepIntervalMs) =>
    inProcessPendingStore({ sweepIntervalMs } as never),
}

/** The option's name as the message gives it. */
const FIELD: Record<string, string> = {
  'completeBackchannelAuthentication notification.timeoutMs': 'notification.timeoutMs',
  'createPendingAuthentications leaseMs': 'leaseMs',
  'handleBackchannelAuthentication flowTimeoutMs': 'flowTimeoutMs',
  'handleTokenRequest flowTimeoutMs': 'flowTimeoutMs',
  'inProcessPendingStore sweepIntervalMs': 'sweepIntervalMs',
}

describe('every deadline option, one rule', () => {
  for (const [entry, run] of Object.entries(ENTRIES)) {
    it(`${entry}: refuses ${REFUSED.length} values with the same message, naming the option`, async () => {
      const field = FIELD[entry] ?? 'timeoutMs'
      for (const value of REFUSED) {
        const error = await run(value).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect({ value, error }).toMatchObject({ value, error: expect.any(AuthleteInputError) })
        expect((error as AuthleteInputError).message).toBe(`${field}: ${RULE}`)
        expect((error as AuthleteInputError).field).toBe(field)
      }
    })
  }

  it('accepts 1 and 2147483647 where an option is taken at construction', () => {
    for (const timeoutMs of [1, 2_147_483_647]) {
      expect(() => new AuthleteClient({ serviceId: '1', accessToken: 't', timeoutMs })).not.toThrow()
      expect(() => createPendingAuthentications({ leaseMs: timeoutMs, timeoutMs })).not.toThrow()
      expect(() => inProcessPendingStore({ sweepIntervalMs: timeoutMs })).not.toThrow()
    }
  })
})
