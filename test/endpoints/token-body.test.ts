// handleTokenWebRequest reads the client's body as the backchannel endpoint does: no further than
// 1 MiB, and no longer than the caller's signal and the read's own deadline allow. It is reachable
// before client authentication. No socket, no sleep: fake timers and a hand-made ReadableStream.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { handleTokenWebRequest, MAX_PARAMETERS_LENGTH, type TokenEndpointClient } from '../../src/index.js'
import { nextTurn, track } from '../helpers/backchannel-client.js'
import { CHUNK, post, streamedBody } from '../helpers/streamed-body.js'

const TOKEN_URL = 'https://as.example/token'
const INVALID_REQUEST = '{"error":"invalid_request"}'

afterEach(() => {
  vi.useRealTimers()
})

/** A token endpoint client that records its calls and must never be reached by these requests. */
function unreachedClient() {
  const calls: string[] = []
  const client = {
    token: async () => {
      calls.push('token')
      throw new Error('not reached')
    },
    tokenIssue: async () => {
      calls.push('tokenIssue')
      throw new Error('not reached')
    },
    tokenFail: async () => {
      calls.push('tokenFail')
      throw new Error('not reached')
    },
  } as unknown as TokenEndpointClient
  return { client, calls }
}

describe('handleTokenWebRequest: the body read is bounded', () => {
  it('an endless body: 400 invalid_request after at most 1 MiB and one chunk, the stream cancelled, Authlete not called', async () => {
    const body = streamedBody({ chunks: Number.POSITIVE_INFINITY })
    const { client, calls } = unreachedClient()
    const response = await handleTokenWebRequest(client, post(body.stream, {}, TOKEN_URL))
    expect(response.status).toBe(400)
    expect(await response.text()).toBe(INVALID_REQUEST)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(body.pulled).toBe(MAX_PARAMETERS_LENGTH + CHUNK)
    expect(body.cancelled).toBeDefined()
    expect(calls).toEqual([])
  })

  it('a declared Content-Length over 1 MiB: 400 before a byte is read', async () => {
    const body = streamedBody({ chunks: Number.POSITIVE_INFINITY })
    const { client } = unreachedClient()
    const response = await handleTokenWebRequest(
      client,
      post(body.stream, { 'content-length': String(MAX_PARAMETERS_LENGTH + 1) }, TOKEN_URL),
    )
    expect(response.status).toBe(400)
    expect(body.pulled).toBe(0)
  })

  it('a body that stops arriving: 400 when the read deadline passes, reported at request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const body = streamedBody({ chunks: Number.POSITIVE_INFINITY, stallAfter: 1 })
    const { client, calls } = unreachedClient()
    const onError = vi.fn()
    const answer = track(handleTokenWebRequest(client, post(body.stream, {}, TOKEN_URL), { onError }))
    await vi.advanceTimersByTimeAsync(9_999)
    expect(answer.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await nextTurn()
    expect(answer.settled).toBe(true)
    const response = await answer.promise
    expect(response.status).toBe(400)
    expect(await response.text()).toBe(INVALID_REQUEST)
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'request')
    expect(calls).toEqual([])
  })

  it("the caller's signal ends the read at once: 500 server_error", async () => {
    const body = streamedBody({ chunks: Number.POSITIVE_INFINITY, stallAfter: 1 })
    const { client } = unreachedClient()
    const controller = new AbortController()
    const answer = track(
      handleTokenWebRequest(client, post(body.stream, {}, TOKEN_URL), {}, { signal: controller.signal }),
    )
    await nextTurn()
    expect(answer.settled).toBe(false)
    controller.abort()
    const response = await answer.promise
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('{"error":"server_error"}')
  })
})
