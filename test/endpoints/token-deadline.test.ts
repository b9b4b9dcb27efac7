// The token endpoint's own deadline (flowTimeoutMs) and the caller's signal: when either ends while
// a hook is pending, the answer goes out at once, a password ticket never issued nor failed is
// failed on a budget of its own, and a hook that settles later changes nothing. A stand-in client
// without I/O, fake timers and promises settled by the test: nothing waits on the clock.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AuthleteAbortError,
  type AuthleteCallOptions,
  AuthleteInputError,
  handleTokenRequest,
  type TokenEndpointClient,
  type TokenEndpointHooks,
  type TokenFlowStage,
} from '../../src/index.js'
import { deferred, nextTurn, track } from '../helpers/backchannel-client.js'

const SERVER_ERROR = {
  status: 500,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  body: '{"error":"server_error"}',
}
const TOKENS = '{"access_token":"at","token_type":"Bearer"}'
/** The budget of the /fail sent after the flow ended, documented at `flowTimeoutMs`. */
const FAIL_AFTER_END = { timeoutMs: 2000 }
const OWN = { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"access_token":"mine"}' }

type CallName = 'token' | 'tokenIssue' | 'tokenFail'
interface Call {
  name: CallName
  input: unknown
  options: AuthleteCallOptions | undefined
}

/**
 * A stand-in `TokenEndpointClient` that records each call with its options, answers `/auth/token`
 * with `action`, and honours each call's signal as AuthleteClient does.
 */
function fakeTokenClient(action: string) {
  const calls: Call[] = []
  const hang = new Set<CallName>()
  function call(name: CallName, input: unknown, options: AuthleteCallOptions | undefined, answer: object) {
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(new AuthleteAbortError(signal.reason))
    calls.push({ name, input, options })
    if (!hang.has(name)) return Promise.resolve(answer)
    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new AuthleteAbortError(signal.reason)), { once: true })
    })
  }
  const client = {
    token: (input: unknown, options?: AuthleteCallOptions) =>
      call('token', input, options, {
        action,
        ticket: 'pt-1',
        username: 'john',
        password: 'p',
        clientId: 57,
        responseContent: TOKENS,
      }),
    tokenIssue: (input: unknown, options?: AuthleteCallOptions) =>
      call('tokenIssue', input, options, { action: 'OK', responseContent: TOKENS }),
    tokenFail: (input: unknown, options?: AuthleteCallOptions) =>
      call('tokenFail', input, options, {
        action: 'INTERNAL_SERVER_ERROR',
        responseContent: SERVER_ERROR.body,
      }),
  } as unknown as TokenEndpointClient
  return { client, calls, hang, names: () => calls.map((c) => c.name) }
}

function recorded(overrides: TokenEndpointHooks = {}) {
  const errors: Array<[unknown, TokenFlowStage]> = []
  const hooks: TokenEndpointHooks = {
    onError: (error, stage) => {
      errors.push([error, stage])
    },
    ...overrides,
  }
  return { hooks, errors }
}

afterEach(() => {
  vi.useRealTimers()
})

/** Each hook, the action of /auth/token that has it called, what it answers when it lets the request through, and the calls made then. */
const HOOKS = [
  ['authenticateUser', 'PASSWORD', 'john', ['token', 'tokenFail']],
  ['tokenExchange', 'TOKEN_EXCHANGE', OWN, ['token']],
  ['jwtBearer', 'JWT_BEARER', OWN, ['token']],
  ['nativeSso', 'NATIVE_SSO', OWN, ['token']],
] as const

describe('the flow deadline (flowTimeoutMs)', () => {
  for (const [stage, action, pass, names] of HOOKS) {
    it(`${stage} pending at the deadline: 500 at once, reported${action === 'PASSWORD' ? ', the ticket failed UNKNOWN on its own budget' : ''}; settling later changes nothing`, async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
      const fake = fakeTokenClient(action)
      const hook = deferred<unknown>()
      const { hooks, errors } = recorded({ [stage]: () => hook.promise })
      const answer = track(
        handleTokenRequest(
          fake.client,
          { body: 'grant_type=x', authorization: undefined, dpop: undefined },
          hooks,
          { flowTimeoutMs: 1000 },
        ),
      )

      await vi.advanceTimersByTimeAsync(999)
      expect(answer.settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(answer.settled).toBe(true)
      expect(await answer.promise).toEqual(SERVER_ERROR)
      expect(fake.names()).toEqual(names)
      if (action === 'PASSWORD') {
        // The flow's signal has fired: the /fail goes without it, on a budget of its own.
        expect(fake.calls[1]).toEqual({
          name: 'tokenFail',
          input: { ticket: 'pt-1', reason: 'UNKNOWN' },
          options: FAIL_AFTER_END,
        })
      }
      expect(errors).toEqual([[expect.any(AuthleteAbortError), stage]])
      expect(errors[0]?.[0]).toMatchObject({ cause: { name: 'TimeoutError' } })

      hook.resolve(pass)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(fake.names()).toEqual(names)
      expect(errors).toHaveLength(1)
      expect(vi.getTimerCount()).toBe(0)
    })
  }

  it('defaults to 20 000 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('TOKEN_EXCHANGE')
    const answer = track(
      handleTokenRequest(
        fake.client,
        { body: 'grant_type=x', authorization: undefined, dpop: undefined },
        { tokenExchange: () => new Promise(() => {}) },
      ),
    )
    await vi.advanceTimersByTimeAsync(19_999)
    expect(answer.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await answer.promise).toEqual(SERVER_ERROR)
  })

  it('counts from the call: the time /auth/token took is spent', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('JWT_BEARER')
    const token = deferred<unknown>()
    fake.client.token = () => token.promise as never
    const answer = track(
      handleTokenRequest(
        fake.client,
        { body: 'grant_type=x', authorization: undefined, dpop: undefined },
        { jwtBearer: () => new Promise(() => {}) },
        { flowTimeoutMs: 1000 },
      ),
    )
    await vi.advanceTimersByTimeAsync(600)
    token.resolve({ action: 'JWT_BEARER' })
    await vi.advanceTimersByTimeAsync(399)
    expect(answer.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await answer.promise).toEqual(SERVER_ERROR)
  })

  it('spent before the hook: the hook is not called, 500, the ticket failed UNKNOWN', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('PASSWORD')
    const token = deferred<unknown>()
    fake.client.token = () => token.promise as never
    const authenticateUser = vi.fn(() => 'john')
    const { hooks, errors } = recorded({ authenticateUser })
    const answer = handleTokenRequest(
      fake.client,
      { body: 'grant_type=password', authorization: undefined, dpop: undefined },
      hooks,
      {
        flowTimeoutMs: 1000,
      },
    )
    await vi.advanceTimersByTimeAsync(1000)
    token.resolve({ action: 'PASSWORD', ticket: 'pt-1' })
    expect(await answer).toEqual(SERVER_ERROR)
    expect(authenticateUser).not.toHaveBeenCalled()
    expect(fake.calls).toEqual([
      { name: 'tokenFail', input: { ticket: 'pt-1', reason: 'UNKNOWN' }, options: FAIL_AFTER_END },
    ])
    expect(errors).toEqual([[expect.any(AuthleteAbortError), 'authenticateUser']])
  })

  it('/auth/token/issue after the hook runs on the flow: pending at the deadline, aborted, reported at tokenIssue, no /fail', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('PASSWORD')
    fake.hang.add('tokenIssue')
    const { hooks, errors } = recorded({ authenticateUser: () => 'john' })
    const answer = track(
      handleTokenRequest(
        fake.client,
        { body: 'grant_type=password', authorization: undefined, dpop: undefined },
        hooks,
        {
          flowTimeoutMs: 1000,
          timeoutMs: 800,
        },
      ),
    )
    await vi.advanceTimersByTimeAsync(1000)
    expect(await answer.promise).toEqual(SERVER_ERROR)
    expect(fake.names()).toEqual(['token', 'tokenIssue'])
    expect(fake.calls[1]?.options).toEqual({ signal: expect.any(AbortSignal), timeoutMs: 800 })
    expect(fake.calls[1]?.options?.signal?.aborted).toBe(true)
    expect(errors).toEqual([[expect.any(AuthleteAbortError), 'tokenIssue']])
  })

  it('the CIBA grant (no hook) starts no flow: /auth/token gets the caller options as they are, no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('OK')
    const token = deferred<unknown>()
    let seen: unknown
    fake.client.token = (_input, options) => {
      seen = options
      return token.promise as never
    }
    const signal = new AbortController().signal
    const answer = handleTokenRequest(
      fake.client,
      { body: 'grant_type=x', authorization: undefined, dpop: undefined },
      {},
      {
        signal,
        timeoutMs: 500,
        flowTimeoutMs: 1000,
      },
    )
    await nextTurn()
    expect(seen).toEqual({ signal, timeoutMs: 500 })
    expect(vi.getTimerCount()).toBe(0)
    token.resolve({ action: 'OK', responseContent: TOKENS })
    expect((await answer).status).toBe(200)
  })

  it('a password grant that ends in time leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('PASSWORD')
    const answer = await handleTokenRequest(
      fake.client,
      { body: 'grant_type=password', authorization: undefined, dpop: undefined },
      { authenticateUser: () => 'john' },
    )
    expect(answer).toMatchObject({ status: 200, body: TOKENS })
    expect(vi.getTimerCount()).toBe(0)
  })

  it.each([0, -1, Number.NaN, 2 ** 31, '1000'])(
    'flowTimeoutMs %j: a 500 reported at request, Authlete not called',
    async (value) => {
      const fake = fakeTokenClient('OK')
      const { hooks, errors } = recorded()
      const answer = await handleTokenRequest(
        fake.client,
        { body: 'grant_type=x', authorization: undefined, dpop: undefined },
        hooks,
        {
          flowTimeoutMs: value as number,
        },
      )
      expect(answer).toEqual(SERVER_ERROR)
      expect(fake.calls).toEqual([])
      expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
      expect(errors[0]?.[0]).toMatchObject({ field: 'flowTimeoutMs' })
    },
  )
})

describe("the caller's signal", () => {
  for (const [stage, action, pass, names] of HOOKS) {
    it(`fired while ${stage} is pending: 500 at once, reported with its reason; settling later changes nothing`, async () => {
      const fake = fakeTokenClient(action)
      const hook = deferred<unknown>()
      const { hooks, errors } = recorded({ [stage]: () => hook.promise })
      const controller = new AbortController()
      const answer = track(
        handleTokenRequest(
          fake.client,
          { body: 'grant_type=x', authorization: undefined, dpop: undefined },
          hooks,
          { signal: controller.signal },
        ),
      )
      await nextTurn()
      expect(answer.settled).toBe(false)
      const reason = new Error('the server shuts down')
      controller.abort(reason)
      await nextTurn()
      expect(answer.settled).toBe(true)
      expect(await answer.promise).toEqual(SERVER_ERROR)
      expect(errors).toEqual([[expect.any(AuthleteAbortError), stage]])
      expect(errors[0]?.[0]).toHaveProperty('cause', reason)
      expect(fake.names()).toEqual(names)

      hook.resolve(pass)
      await nextTurn()
      expect(fake.names()).toEqual(names)
      expect(errors).toHaveLength(1)
    })
  }

  it('fired while authenticateUser ran, which then found the user: no /issue, the ticket failed UNKNOWN, reported at tokenIssue', async () => {
    const fake = fakeTokenClient('PASSWORD')
    const controller = new AbortController()
    const { hooks, errors } = recorded({
      authenticateUser: () => {
        controller.abort()
        return 'john'
      },
    })
    const answer = await handleTokenRequest(
      fake.client,
      { body: 'grant_type=password', authorization: undefined, dpop: undefined },
      hooks,
      {
        signal: controller.signal,
      },
    )
    expect(answer).toEqual(SERVER_ERROR)
    expect(fake.calls.slice(1)).toEqual([
      { name: 'tokenFail', input: { ticket: 'pt-1', reason: 'UNKNOWN' }, options: FAIL_AFTER_END },
    ])
    expect(errors).toEqual([[expect.any(AuthleteAbortError), 'tokenIssue']])
  })

  it('the /fail after the end failing is reported at tokenFail, never thrown', async () => {
    const fake = fakeTokenClient('PASSWORD')
    fake.client.tokenFail = () => Promise.reject(new Error('Authlete down'))
    const controller = new AbortController()
    const { hooks, errors } = recorded({ authenticateUser: () => new Promise(() => {}) })
    const answer = handleTokenRequest(
      fake.client,
      { body: 'grant_type=password', authorization: undefined, dpop: undefined },
      hooks,
      {
        signal: controller.signal,
      },
    )
    await nextTurn()
    controller.abort()
    expect(await answer).toEqual(SERVER_ERROR)
    await vi.waitFor(() => expect(errors).toHaveLength(2))
    expect(errors[1]).toEqual([new Error('Authlete down'), 'tokenFail'])
  })

  it('the reproduction of issue 19: AbortSignal.timeout(200) with a hook that never settles answers at 200 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = fakeTokenClient('PASSWORD')
    const controller = new AbortController()
    setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), 200)
    const answer = track(
      handleTokenRequest(
        fake.client,
        { body: 'grant_type=password', authorization: undefined, dpop: undefined },
        { authenticateUser: () => new Promise(() => {}) },
        { signal: controller.signal, timeoutMs: 200 },
      ),
    )
    await vi.advanceTimersByTimeAsync(200)
    expect(answer.settled).toBe(true)
    expect(await answer.promise).toEqual(SERVER_ERROR)
    expect(fake.names()).toEqual(['token', 'tokenFail'])
  })
})
