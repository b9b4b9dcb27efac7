import diagnostics from 'node:diagnostics_channel'
import type http from 'node:http'
// startCibaClientStandIn: the client application's notification endpoint on 127.0.0.1.
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type CibaClientStandIn, startCibaClientStandIn } from '../../mocks/index.js'

let rp: CibaClientStandIn | undefined
afterEach(async () => {
  await rp?.close()
  rp = undefined
})

function notify(url: string, body: string, authorization?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  })
}

describe('startCibaClientStandIn', () => {
  it('records a notification with its token check and answers 204', async () => {
    rp = await startCibaClientStandIn()
    expect(rp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ciba\/notification$/)
    expect(rp.token).toMatch(/^[\w-]{43}$/)
    const response = await notify(rp.url, '{"auth_req_id":"r1"}', `Bearer ${rp.token}`)
    expect(response.status).toBe(204)
    expect(rp.notifications).toEqual([
      {
        path: '/ciba/notification',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
        authorization: `Bearer ${rp.token}`,
        authorized: true,
        body: { auth_req_id: 'r1' },
        text: '{"auth_req_id":"r1"}',
      },
    ])
  })

  it('a wrong or missing token is recorded as not authorized; a body that is not JSON as text', async () => {
    rp = await startCibaClientStandIn({ token: 'expected', status: 200 })
    expect((await notify(rp.url, 'not json', 'Bearer other')).status).toBe(200)
    await notify(rp.url, '{}')
    expect(
      rp.notifications.map(({ authorized, authorization, body }) => ({ authorized, authorization, body })),
    ).toEqual([
      { authorized: false, authorization: 'Bearer other', body: undefined },
      { authorized: false, authorization: undefined, body: {} },
    ])
  })

  it('nextNotification: one received before the wait, then the next to arrive, each once', async () => {
    rp = await startCibaClientStandIn()
    await notify(rp.url, '{"n":1}', `Bearer ${rp.token}`)
    expect((await rp.nextNotification()).body).toEqual({ n: 1 })
    const waiting = rp.nextNotification()
    await notify(rp.url, '{"n":2}', `Bearer ${rp.token}`)
    expect((await waiting).body).toEqual({ n: 2 })
    expect(rp.notifications).toHaveLength(2)
  })

  it('nextNotification({ authReqId }) takes the one for that request, leaving the others', async () => {
    rp = await startCibaClientStandIn()
    await notify(rp.url, '{"auth_req_id":"a"}', `Bearer ${rp.token}`)
    await notify(rp.url, '{"auth_req_id":"b"}', `Bearer ${rp.token}`)
    expect((await rp.nextNotification({ authReqId: 'b' })).body).toEqual({ auth_req_id: 'b' })
    expect((await rp.nextNotification()).body).toEqual({ auth_req_id: 'a' })
  })

  it('other methods and paths get 404 and are not recorded', async () => {
    rp = await startCibaClientStandIn()
    expect((await fetch(rp.url)).status).toBe(404)
    expect((await notify(`${new URL(rp.url).origin}/other`, '{}')).status).toBe(404)
    expect(rp.notifications).toEqual([])
  })

  it('a wait gives up on its signal; close() rejects the waits in progress', async () => {
    rp = await startCibaClientStandIn()
    await expect(rp.nextNotification({ signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow('no')
    const waiting = rp.nextNotification()
    await rp.close()
    rp = undefined
    await expect(waiting).rejects.toThrow(/closed/)
  })
})

describe('startCibaClientStandIn and a sender that hangs up', () => {
  it('a sender hanging up in the middle of its body ends that request only: no unhandled rejection, later notifications arrive', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    // The stand-in's side of the connection, from Node's own channel: when it began the request
    // (its handler is reading the body) and when it let the request go.
    const started = Promise.withResolvers<http.IncomingMessage>()
    const onStart = (message: unknown) =>
      started.resolve((message as { request: http.IncomingMessage }).request)
    diagnostics.subscribe('http.server.request.start', onStart)
    const rp = await startCibaClientStandIn()
    try {
      const { hostname, port, pathname } = new URL(rp.url)
      const socket = net.connect(Number(port), hostname)
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"auth`,
      )
      const request = await started.promise
      // Not events.once: it would reject on the 'aborted' error the request emits before 'close'.
      const closed = new Promise((resolve) => request.once('close', resolve))
      socket.destroy()
      await closed
      // A rejection of the handler would be reported once the tasks queued by the close have run.
      await new Promise((resolve) => setImmediate(resolve))
      const response = await fetch(rp.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${rp.token}`, 'content-type': 'application/json' },
        body: '{"auth_req_id":"after"}',
      })
      expect(response.status).toBe(204)
      expect((await rp.nextNotification({ authReqId: 'after' })).body).toEqual({ auth_req_id: 'after' })
      expect(rp.notifications.map((notification) => notification.text)).toEqual(['{"auth_req_id":"after"}'])
      expect(unhandled).toEqual([])
    } finally {
      diagnostics.unsubscribe('http.server.request.start', onStart)
      process.off('unhandledRejection', onUnhandled)
      await rp.close()
    }
  })
})

/** A token endpoint on 127.0.0.1 that records each request and answers the next of `answers`. */
async function scriptedTokenEndpoint(answers: ReadonlyArray<{ status: number; body: string }>) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = []
  const { createServer } = await import('node:http')
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
    const answer = answers[Math.min(received.length, answers.length) - 1] ?? { status: 500, body: '' }
    res.writeHead(answer.status, { 'content-type': 'application/json', 'dpop-nonce': 'n1' }).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/token`,
    received,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const error = (name: string) => ({ status: 400, body: JSON.stringify({ error: name }) })
const TOKENS = { status: 200, body: '{"access_token":"at","token_type":"Bearer","expires_in":3600}' }

describe("startCibaClientStandIn: the client's token requests", () => {
  it('fetchTokens sends the CIBA grant with client_secret_basic (form-encoded credentials) and parses the answer', async () => {
    rp = await startCibaClientStandIn()
    const as = await scriptedTokenEndpoint([TOKENS])
    try {
      const answer = await rp.fetchTokens({
        tokenEndpoint: as.url,
        authReqId: 'r1',
        clientId: 'my client',
        clientSecret: 'p@ss:+/',
      })
      expect(answer).toMatchObject({ status: 200, body: JSON.parse(TOKENS.body) })
      expect(answer.headers.get('dpop-nonce')).toBe('n1')
      const [request] = as.received
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        grant_type: 'urn:openid:params:grant-type:ciba',
        auth_req_id: 'r1',
      })
      expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
      const credentials = Buffer.from('my+client:p%40ss%3A%2B%2F').toString('base64')
      expect(request?.headers.authorization).toBe(`Basic ${credentials}`)
      expect(rp.tokenResponses).toEqual([answer])
    } finally {
      await as.close()
    }
  })

  it('fetchTokens with client_secret_post and a DPoP proof; a body that is not a JSON object is undefined', async () => {
    rp = await startCibaClientStandIn()
    const as = await scriptedTokenEndpoint([{ status: 502, body: 'bad gateway' }])
    try {
      const answer = await rp.fetchTokens({
        tokenEndpoint: new URL(as.url),
        authReqId: 'r1',
        clientId: 'c',
        clientSecret: 's',
        authMethod: 'client_secret_post',
        dpop: () => 'proof',
      })
      expect(answer).toMatchObject({ status: 502, body: undefined })
      const [request] = as.received
      expect(request?.headers).not.toHaveProperty('authorization')
      expect(request?.headers.dpop).toBe('proof')
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toMatchObject({
        client_id: 'c',
        client_secret: 's',
      })
    } finally {
      await as.close()
    }
  })

  it('pollTokens waits the interval through authorization_pending, adds 5 s at each slow_down, and stops at the tokens', async () => {
    rp = await startCibaClientStandIn()
    const as = await scriptedTokenEndpoint([
      error('authorization_pending'),
      error('slow_down'),
      error('authorization_pending'),
      TOKENS,
    ])
    const waits: number[] = []
    try {
      const answer = await rp.pollTokens({
        tokenEndpoint: as.url,
        authReqId: 'r1',
        clientId: 'c',
        clientSecret: 's',
        interval: 2,
        sleep: async (ms) => {
          waits.push(ms)
        },
      })
      expect(answer.status).toBe(200)
      expect(waits).toEqual([2_000, 7_000, 7_000])
      expect(rp.tokenResponses.map((response) => response.body?.error)).toEqual([
        'authorization_pending',
        'slow_down',
        'authorization_pending',
        undefined,
      ])
    } finally {
      await as.close()
    }
  })

  it('pollTokens stops at any other answer: access_denied, expired_token, a 401', async () => {
    rp = await startCibaClientStandIn()
    for (const last of [
      error('access_denied'),
      error('expired_token'),
      { status: 401, body: '{"error":"invalid_client"}' },
    ]) {
      const as = await scriptedTokenEndpoint([error('authorization_pending'), last])
      try {
        const answer = await rp.pollTokens({
          tokenEndpoint: as.url,
          authReqId: 'r',
          clientId: 'c',
          clientSecret: 's',
          sleep: async () => {},
        })
        expect(answer).toMatchObject({ status: last.status, body: JSON.parse(last.body) })
        expect(as.received).toHaveLength(2)
      } finally {
        await as.close()
      }
    }
  })

  it('pollTokens waits on the global timers by default (fake timers drive it), 5 s unless told; its signal ends the wait', async () => {
    rp = await startCibaClientStandIn()
    const as = await scriptedTokenEndpoint([error('authorization_pending'), TOKENS])
    /** Waits on the event loop (not faked) until `condition` holds. */
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setImmediate(resolve))
    }
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const polling = rp.pollTokens({
        tokenEndpoint: as.url,
        authReqId: 'r',
        clientId: 'c',
        clientSecret: 's',
      })
      await until(() => rp?.tokenResponses.length === 1)
      await vi.advanceTimersByTimeAsync(4_999)
      expect(as.received).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect((await polling).status).toBe(200)
      expect(as.received).toHaveLength(2)

      as.received.length = 0
      const controller = new AbortController()
      const aborted = rp.pollTokens({
        tokenEndpoint: as.url,
        authReqId: 'r',
        clientId: 'c',
        clientSecret: 's',
        signal: controller.signal,
      })
      await until(() => rp?.tokenResponses.length === 3)
      controller.abort(new Error('gave up'))
      await expect(aborted).rejects.toThrow('gave up')
      expect(as.received).toHaveLength(1)
    } finally {
      vi.useRealTimers()
      await as.close()
    }
  })

  it('reset() forgets the notifications and token responses, and rejects the waits in progress', async () => {
    rp = await startCibaClientStandIn()
    await notify(rp.url, '{"auth_req_id":"a"}', `Bearer ${rp.token}`)
    const as = await scriptedTokenEndpoint([TOKENS])
    try {
      await rp.fetchTokens({ tokenEndpoint: as.url, authReqId: 'a', clientId: 'c', clientSecret: 's' })
    } finally {
      await as.close()
    }
    const waiting = rp.nextNotification({ authReqId: 'b' })
    rp.reset()
    await expect(waiting).rejects.toThrow(/reset/)
    expect(rp.notifications).toEqual([])
    expect(rp.tokenResponses).toEqual([])
    // The unclaimed notification is gone too: the next one is the next to arrive.
    const next = rp.nextNotification()
    await notify(rp.url, '{"auth_req_id":"c"}', `Bearer ${rp.token}`)
    expect((await next).body).toEqual({ auth_req_id: 'c' })
  })
})
