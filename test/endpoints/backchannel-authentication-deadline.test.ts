// The endpoint flow's own deadline (flowTimeoutMs) and the caller's signal: when either ends while a
// hook or an Authlete call is pending, the answer goes out at once, a ticket never issued is failed
// on a budget of its own, and a hook that settles later changes nothing. Fake timers and promises
// settled by the test: nothing waits on the clock.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AuthleteAbortError,
  AuthleteInputError,
  type BackchannelAuthenticationHooks,
  type BackchannelFlowStage,
  handleBackchannelAuthentication,
} from '../../src/index.js'
import {
  deferred,
  fakeBackchannelClient,
  ISSUED_CONTENT,
  nextTurn,
  track,
} from '../helpers/backchannel-client.js'
import { type EndpointStandIn, startEndpointStandIn } from '../helpers/endpoint-stand-in.js'

const BODY = 'scope=openid&login_hint=john'
const SERVER_ERROR = {
  status: 500,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  body: '{"error":"server_error"}',
}
/** The budget of the /fail sent after the flow ended, documented at `flowTimeoutMs`. */
const FAIL_AFTER_END = { timeoutMs: 2000 }

interface User {
  subject: string
}
const JOHN: User = { subject: 'john' }

function hooks(overrides: Partial<BackchannelAuthenticationHooks<User>> = {}) {
  const errors: Array<[unknown, BackchannelFlowStage]> = []
  const started = vi.fn<BackchannelAuthenticationHooks<User>['startAuthentication']>()
  const all: BackchannelAuthenticationHooks<User> = {
    identifyUser: () => JOHN,
    startAuthentication: started,
    onError: (error, stage) => {
      errors.push([error, stage])
    },
    ...overrides,
  }
  return { all, errors, started }
}

afterEach(() => {
  vi.useRealTimers()
})

/** Each hook before /issue, the answer of /backchannel/authentication that has it called, and what lets the request through. */
const CHECKS = [
  ['identifyUser', {}, JOHN],
  ['isLoginHintTokenExpired', { hintType: 'LOGIN_HINT_TOKEN', hint: 'lht' }, false],
  ['verifyUserCode', { userCode: '1234' }, true],
  ['validateBindingMessage', { bindingMessage: 'W4SCT' }, true],
] as const

describe('the flow deadline (flowTimeoutMs)', () => {
  for (const [stage, identification, pass] of CHECKS) {
    it(`${stage} pending at the deadline: 500 at once, reported, the ticket failed on its own budget; settling later changes nothing`, async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const fake = fakeBackchannelClient(identification)
      const hook = deferred<unknown>()
      const h = hooks({ [stage]: () => hook.promise })
      const answer = track(
        handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
          flowTimeoutMs: 1000,
        }),
      )

      await vi.advanceTimersByTimeAsync(999)
      expect(answer.settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(answer.settled).toBe(true)
      expect(await answer.promise).toEqual(SERVER_ERROR)
      expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelFail'])
      // The flow's signal has fired: the /fail goes without it, on a budget of its own.
      expect(fake.calls[1]).toEqual({
        name: 'backchannelFail',
        input: { ticket: 'tk-1', reason: 'SERVER_ERROR' },
        options: FAIL_AFTER_END,
      })
      expect(h.errors).toEqual([[expect.any(AuthleteAbortError), stage]])
      expect(h.errors[0]?.[0]).toMatchObject({ cause: { name: 'TimeoutError' } })

      hook.resolve(pass)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelFail'])
      expect(h.started).not.toHaveBeenCalled()
      expect(h.errors).toHaveLength(1)
    })
  }

  it('startAuthentication pending at the deadline: 500 at once, reported; no /fail after /issue', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    const start = deferred<void>()
    const h = hooks({ startAuthentication: () => start.promise })
    const answer = track(
      handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
        flowTimeoutMs: 1000,
      }),
    )
    await vi.advanceTimersByTimeAsync(999)
    expect(answer.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(answer.settled).toBe(true)
    expect(await answer.promise).toEqual(SERVER_ERROR)
    expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelIssue'])
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'startAuthentication']])
    start.resolve()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelIssue'])
    expect(h.errors).toHaveLength(1)
  })

  it('defaults to 20 000 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    const h = hooks({ identifyUser: () => new Promise<User>(() => {}) })
    const answer = track(
      handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all),
    )
    await vi.advanceTimersByTimeAsync(19_999)
    expect(answer.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await answer.promise).toEqual(SERVER_ERROR)
  })

  it('an Authlete call pending at the deadline is aborted through its signal: 500, reported at its stage', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    fake.hang.add('backchannelAuthentication')
    const h = hooks()
    const answer = track(
      handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
        flowTimeoutMs: 1000,
        timeoutMs: 800,
      }),
    )
    await vi.advanceTimersByTimeAsync(1000)
    expect(await answer.promise).toEqual(SERVER_ERROR)
    // Each call gets the flow's signal beside its own deadline.
    expect(fake.calls[0]?.options).toEqual({ signal: expect.any(AbortSignal), timeoutMs: 800 })
    expect(fake.calls[0]?.options?.signal?.aborted).toBe(true)
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'backchannelAuthentication']])
  })

  it.each([
    ['/issue', 'backchannelIssue', {}, 'backchannelIssue'],
    ['/fail', 'backchannelFail', { hint: 'nobody' }, 'backchannelFail'],
  ] as const)(
    '%s cut off by the deadline: 500, and the ticket is failed with SERVER_ERROR on its own budget',
    async (_call, name, identification, stage) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const fake = fakeBackchannelClient(identification)
      fake.hang.add(name)
      const h = hooks({ identifyUser: ({ hint }) => (hint === 'john' ? JOHN : undefined) })
      const answer = track(
        handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
          flowTimeoutMs: 1000,
        }),
      )
      await vi.advanceTimersByTimeAsync(1000)
      expect(await answer.promise).toEqual(SERVER_ERROR)
      await nextTurn()
      const last = fake.calls.at(-1)
      expect(last?.name).toBe('backchannelFail')
      expect(last?.input).toEqual({ ticket: 'tk-1', reason: 'SERVER_ERROR' })
      expect(last?.options).toEqual(FAIL_AFTER_END)
      expect(h.errors[0]).toEqual([expect.any(AuthleteAbortError), stage])
    },
  )

  it('a flow that ends in time leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    const answer = await handleBackchannelAuthentication(
      fake.client,
      { body: BODY, authorization: undefined },
      hooks().all,
    )
    expect(answer).toMatchObject({ status: 200, body: ISSUED_CONTENT })
    expect(vi.getTimerCount()).toBe(0)
  })

  it.each([0, -1, Number.NaN, 2 ** 31, '1000'])(
    'flowTimeoutMs %j: a 500 reported at request, Authlete not called',
    async (value) => {
      const fake = fakeBackchannelClient()
      const h = hooks()
      const answer = await handleBackchannelAuthentication(
        fake.client,
        { body: BODY, authorization: undefined },
        h.all,
        {
          flowTimeoutMs: value as number,
        },
      )
      expect(answer).toEqual(SERVER_ERROR)
      expect(fake.calls).toEqual([])
      expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'request']])
      expect(h.errors[0]?.[0]).toMatchObject({ field: 'flowTimeoutMs' })
    },
  )
})

describe("the caller's signal", () => {
  for (const [stage, identification, pass] of CHECKS) {
    it(`fired while ${stage} is pending: 500 at once, reported with its reason, the ticket failed; settling later changes nothing`, async () => {
      const fake = fakeBackchannelClient(identification)
      const hook = deferred<unknown>()
      const h = hooks({ [stage]: () => hook.promise })
      const controller = new AbortController()
      const answer = track(
        handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
          signal: controller.signal,
        }),
      )
      await nextTurn()
      expect(answer.settled).toBe(false)
      const reason = new Error('the client went away')
      controller.abort(reason)
      await nextTurn()
      expect(answer.settled).toBe(true)
      expect(await answer.promise).toEqual(SERVER_ERROR)
      expect(fake.calls[1]).toEqual({
        name: 'backchannelFail',
        input: { ticket: 'tk-1', reason: 'SERVER_ERROR' },
        options: FAIL_AFTER_END,
      })
      expect(h.errors).toEqual([[expect.any(AuthleteAbortError), stage]])
      expect(h.errors[0]?.[0]).toHaveProperty('cause', reason)

      hook.resolve(pass)
      await nextTurn()
      expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelFail'])
      expect(h.started).not.toHaveBeenCalled()
    })
  }

  it('fired while a hook ran, which then let the request through: no /issue, the ticket failed, reported at backchannelIssue', async () => {
    const fake = fakeBackchannelClient()
    const controller = new AbortController()
    const h = hooks({
      identifyUser: () => {
        controller.abort()
        return JOHN
      },
    })
    const answer = await handleBackchannelAuthentication(
      fake.client,
      { body: BODY, authorization: undefined },
      h.all,
      {
        signal: controller.signal,
      },
    )
    expect(answer).toEqual(SERVER_ERROR)
    expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelFail'])
    expect(fake.calls[1]?.input).toEqual({ ticket: 'tk-1', reason: 'SERVER_ERROR' })
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'backchannelIssue']])
  })

  it('fired while a hook ran, which then refused the request: the ticket failed with SERVER_ERROR on its own budget', async () => {
    const fake = fakeBackchannelClient()
    const controller = new AbortController()
    const h = hooks({
      identifyUser: () => {
        controller.abort()
        return undefined
      },
    })
    const answer = await handleBackchannelAuthentication(
      fake.client,
      { body: BODY, authorization: undefined },
      h.all,
      {
        signal: controller.signal,
      },
    )
    expect(answer).toEqual(SERVER_ERROR)
    expect(fake.calls[1]).toEqual({
      name: 'backchannelFail',
      input: { ticket: 'tk-1', reason: 'SERVER_ERROR' },
      options: FAIL_AFTER_END,
    })
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'backchannelFail']])
  })

  it('fired while startAuthentication is pending: 500 at once; no /fail after /issue', async () => {
    const fake = fakeBackchannelClient()
    const start = deferred<void>()
    const h = hooks({ startAuthentication: () => start.promise })
    const controller = new AbortController()
    const answer = track(
      handleBackchannelAuthentication(fake.client, { body: BODY, authorization: undefined }, h.all, {
        signal: controller.signal,
      }),
    )
    await nextTurn()
    controller.abort()
    await nextTurn()
    expect(answer.settled).toBe(true)
    expect(await answer.promise).toEqual(SERVER_ERROR)
    start.resolve()
    await nextTurn()
    expect(fake.names()).toEqual(['backchannelAuthentication', 'backchannelIssue'])
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'startAuthentication']])
  })

  it('the /fail goes out on a failing Authlete too: its error is reported at backchannelFail, never thrown', async () => {
    const fake = fakeBackchannelClient()
    fake.client.backchannelFail = () => Promise.reject(new Error('Authlete down'))
    const hook = deferred<User>()
    const h = hooks({ identifyUser: () => hook.promise })
    const controller = new AbortController()
    const answer = handleBackchannelAuthentication(
      fake.client,
      { body: BODY, authorization: undefined },
      h.all,
      {
        signal: controller.signal,
      },
    )
    await nextTurn()
    controller.abort()
    expect(await answer).toEqual(SERVER_ERROR)
    await vi.waitFor(() => expect(h.errors).toHaveLength(2))
    expect(h.errors[1]).toEqual([new Error('Authlete down'), 'backchannelFail'])
  })

  describe('with AuthleteClient on a loopback Authlete', () => {
    let env: EndpointStandIn | undefined
    afterEach(async () => {
      await env?.close()
      env = undefined
    })

    it('the /fail reaches Authlete although the signal fired, and a hook settling later sends no /issue', async () => {
      env = await startEndpointStandIn()
      const hook = deferred<User>()
      const identifyUser = vi.fn(() => hook.promise)
      const h = hooks({ identifyUser })
      const controller = new AbortController()
      const answer = handleBackchannelAuthentication(
        env.authlete,
        { body: BODY, authorization: undefined },
        h.all,
        {
          signal: controller.signal,
        },
      )
      await vi.waitFor(() => expect(identifyUser).toHaveBeenCalled())
      controller.abort()
      expect(await answer).toEqual(SERVER_ERROR)
      const stand = env
      await vi.waitFor(() =>
        expect(stand.paths()).toEqual(['/backchannel/authentication', '/backchannel/authentication/fail']),
      )
      expect(stand.calls[1]?.fields.reason).toBe('SERVER_ERROR')
      hook.resolve(JOHN)
      await nextTurn()
      expect(h.started).not.toHaveBeenCalled()
      expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'identifyUser']])
      expect(stand.paths()).toHaveLength(2)
    })
  })
})
