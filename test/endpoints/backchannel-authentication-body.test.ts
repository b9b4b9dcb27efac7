// handleBackchannelAuthenticationRequest reading the client's body from a stream the test controls:
// it stops at the 1 MiB limit (counting the bytes pulled), honours the caller's signal, and the
// flow's deadline covers the read. No socket, no sleep: fake timers and a hand-made ReadableStream.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AuthleteAbortError,
  AuthleteInputError,
  type BackchannelAuthenticationHooks,
  type BackchannelFlowStage,
  handleBackchannelAuthenticationRequest,
  MAX_PARAMETERS_LENGTH,
} from '../../src/index.js'
import { fakeBackchannelClient, nextTurn, track } from '../helpers/backchannel-client.js'
import { CHUNK, post, streamedBody } from '../helpers/streamed-body.js'

const INVALID_REQUEST = '{"error":"invalid_request"}'

afterEach(() => {
  vi.useRealTimers()
})

function hooks(overrides: Partial<BackchannelAuthenticationHooks<{ subject: string }>> = {}) {
  const errors: Array<[unknown, BackchannelFlowStage]> = []
  const all: BackchannelAuthenticationHooks<{ subject: string }> = {
    identifyUser: () => ({ subject: 'john' }),
    startAuthentication: () => {},
    onError: (error, stage) => {
      errors.push([error, stage])
    },
    ...overrides,
  }
  return { all, errors }
}

describe('the body limit: 1 MiB (MAX_PARAMETERS_LENGTH)', () => {
  it('a body that never ends: 400 invalid_request once past 1 MiB, read no further, the stream cancelled', async () => {
    const fake = fakeBackchannelClient()
    const h = hooks()
    const body = streamedBody({ chunks: Number.POSITIVE_INFINITY })
    const response = await handleBackchannelAuthenticationRequest(fake.client, post(body.stream), h.all)
    expect(response.status).toBe(400)
    expect(await response.text()).toBe(INVALID_REQUEST)
    expect(response.headers.get('cache-control')).toBe('no-store')
    // The chunk that crossed the limit is the last one pulled.
    expect(body.pulled).toBe(MAX_PARAMETERS_LENGTH + CHUNK)
    expect(body.cancelled).toBeDefined()
    expect(fake.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'request']])
    expect(h.errors[0]?.[0]).toMatchObject({ field: 'body' })
  })

  it('exactly 1 MiB is read whole and handed to Authlete; one byte more is refused', async () => {
    const fake = fakeBackchannelClient()
    const exact = streamedBody({ chunks: MAX_PARAMETERS_LENGTH / CHUNK })
    const response = await handleBackchannelAuthenticationRequest(
      fake.client,
      post(exact.stream),
      hooks().all,
    )
    expect(response.status).toBe(200)
    const sent = fake.calls[0]?.input as { parameters: string }
    expect(sent.parameters).toHaveLength(MAX_PARAMETERS_LENGTH)

    const over = streamedBody({ chunks: MAX_PARAMETERS_LENGTH / CHUNK, last: 1 })
    const refused = await handleBackchannelAuthenticationRequest(fake.client, post(over.stream), hooks().all)
    expect(refused.status).toBe(400)
    expect(over.pulled).toBe(MAX_PARAMETERS_LENGTH + 1)
    expect(fake.calls).toHaveLength(2) // authentication and issue of the first request only
  })

  it('a declared Content-Length over 1 MiB: 400 invalid_request without reading a byte', async () => {
    const fake = fakeBackchannelClient()
    const h = hooks()
    const body = streamedBody({ chunks: 32 })
    const response = await handleBackchannelAuthenticationRequest(
      fake.client,
      post(body.stream, { 'content-length': String(MAX_PARAMETERS_LENGTH + 1) }),
      h.all,
    )
    expect(response.status).toBe(400)
    expect(body.pulled).toBe(0)
    expect(fake.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'request']])
  })
})

describe('a body that trickles', () => {
  it('the flow deadline ends the read: 400 invalid_request at once, the stream cancelled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    const h = hooks()
    const body = streamedBody({ chunks: 4, size: 10, stallAfter: 1 })
    const response = track(
      handleBackchannelAuthenticationRequest(fake.client, post(body.stream), h.all, { flowTimeoutMs: 1000 }),
    )
    await vi.advanceTimersByTimeAsync(999)
    expect(response.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(response.settled).toBe(true)
    const answer = await response.promise
    expect(answer.status).toBe(400)
    expect(await answer.text()).toBe(INVALID_REQUEST)
    expect(body.cancelled).toBeDefined()
    expect(fake.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'request']])
    expect(h.errors[0]?.[0]).toMatchObject({ cause: { name: 'TimeoutError' } })
  })

  it("the caller's signal ends the read: 500 server_error at once, the stream cancelled", async () => {
    const fake = fakeBackchannelClient()
    const h = hooks()
    const body = streamedBody({ chunks: 4, size: 10, stallAfter: 1 })
    const controller = new AbortController()
    const response = track(
      handleBackchannelAuthenticationRequest(fake.client, post(body.stream), h.all, {
        signal: controller.signal,
      }),
    )
    await nextTurn()
    expect(response.settled).toBe(false)
    const reason = new Error('shutting down')
    controller.abort(reason)
    await nextTurn()
    expect(response.settled).toBe(true)
    const answer = await response.promise
    expect(answer.status).toBe(500)
    expect(await answer.text()).toBe('{"error":"server_error"}')
    expect(body.cancelled).toBeDefined()
    expect(fake.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'request']])
    expect(h.errors[0]?.[0]).toHaveProperty('cause', reason)
  })

  it('one deadline for the read and the flow: what the read used, the hooks do not get', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeBackchannelClient()
    const h = hooks({ identifyUser: () => new Promise(() => {}) })
    const body = streamedBody({ chunks: 2, size: 10, stallAfter: 1 })
    const response = track(
      handleBackchannelAuthenticationRequest(fake.client, post(body.stream), h.all, { flowTimeoutMs: 1000 }),
    )
    await vi.advanceTimersByTimeAsync(600)
    body.resume()
    await vi.advanceTimersByTimeAsync(399)
    expect(fake.names()).toEqual(['backchannelAuthentication'])
    expect(response.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(response.settled).toBe(true)
    expect((await response.promise).status).toBe(500)
    expect(h.errors).toEqual([[expect.any(AuthleteAbortError), 'identifyUser']])
  })
})
