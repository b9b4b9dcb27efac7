// What setupAuthleteServer intercepts: it answers with its handlers, refuses what no handler answers
// among Authlete's traffic (Authlete's hosts and the bases its handlers were made for), and lets
// every other request of the process through, untouched and silently. Every request here goes to
// 127.0.0.1 or is answered in-process: the Authlete hosts are never resolved.
import http from 'node:http'
import { request as undiciRequest } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { authleteHandlers, issueOk, setupAuthleteServer, startAuthleteStandIn } from '../../mocks/index.js'
import { AuthleteClient, AuthleteNetworkError } from '../../src/index.js'
import { type Loopback, startLoopback } from '../helpers/loopback.js'

const server = setupAuthleteServer(...authleteHandlers())
let app: Loopback
let printed: Array<{ mock: { calls: unknown[][] } }> = []

beforeAll(async () => {
  app = await startLoopback((request, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ echo: request.body, path: request.url }))
  })
})
afterAll(() => app.close())

beforeEach(() => {
  printed = (['warn', 'error', 'log'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation(() => {}),
  )
})
afterEach(() => {
  vi.restoreAllMocks()
  server.resetHandlers()
  if (server.readyState === 1) server.close()
})

const printedText = () => printed.flatMap((spy) => spy.mock.calls.map((args) => args.join(' '))).join('\n')

function v3(baseUrl?: string) {
  return new AuthleteClient({
    serviceId: '715948317',
    accessToken: 'secret-access-token',
    retry: false,
    ...(baseUrl ? { baseUrl } : {}),
  })
}

/** A POST to an Authlete host on a path no handler answers. */
function unansweredAuthleteCall() {
  return fetch('https://us.authlete.com/api/715948317/auth/authorization', {
    method: 'POST',
    headers: { authorization: 'Bearer secret-access-token', 'content-type': 'application/json' },
    body: '{"token":"x"}',
  })
}

describe('other traffic passes through, untouched and silently', () => {
  it('fetch, undici and node:http to the app under test on 127.0.0.1, with the default listen()', async () => {
    server.listen()
    const viaFetch = await fetch(`${app.url}/health?x=1`, { method: 'POST', body: 'hello' })
    expect(await viaFetch.json()).toEqual({ echo: 'hello', path: '/health?x=1' })

    const viaUndici = await undiciRequest(`${app.url}/undici`)
    expect(await viaUndici.body.json()).toEqual({ echo: '', path: '/undici' })

    const viaHttp = await new Promise<string>((resolve, reject) => {
      http
        .get(`${app.url}/node-http`, (res) => {
          let text = ''
          res.setEncoding('utf8').on('data', (chunk: string) => {
            text += chunk
          })
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    expect(JSON.parse(viaHttp)).toEqual({ echo: '', path: '/node-http' })

    expect(server.unhandledRequests).toEqual([])
    expect(printedText()).toBe('')
  })

  it('whatever the strategy, a callback included: it is never given to onUnhandledFrame', async () => {
    const callback = vi.fn()
    server.listen({ onUnhandledFrame: callback })
    expect((await fetch(`${app.url}/a`)).status).toBe(200)
    server.close()
    server.listen({ onUnhandledFrame: 'warn' })
    expect((await fetch(`${app.url}/b`)).status).toBe(200)
    expect(callback).not.toHaveBeenCalled()
    expect(printedText()).toBe('')
  })

  it('a stand-in Authlete on loopback answers a client while the server listens', async () => {
    server.listen()
    const standIn = await startAuthleteStandIn()
    try {
      await using client = v3(standIn.url)
      expect((await client.backchannelIssue('t')).action).toBe('OK')
      expect(standIn.requestCount).toBe(1)
    } finally {
      await standIn.close()
    }
  })
})

describe("Authlete's traffic that no handler answers fails, and never reaches a network", () => {
  it("default 'error': a network error, msw's error message without headers, listed", async () => {
    server.listen()
    await expect(unansweredAuthleteCall()).rejects.toThrow(TypeError)
    expect(server.unhandledRequests).toEqual([
      'POST https://us.authlete.com/api/715948317/auth/authorization',
    ])
    const text = printedText()
    expect(text).toContain('Error:')
    expect(text).toContain('POST https://us.authlete.com/api/715948317/auth/authorization')
    expect(text).not.toContain('secret-access-token')
  })

  it.each(['warn', 'bypass'] as const)(
    "'%s' prints its message or nothing, and still fails",
    async (strategy) => {
      server.listen({ onUnhandledFrame: strategy })
      await expect(unansweredAuthleteCall()).rejects.toThrow(TypeError)
      expect(server.unhandledRequests).toHaveLength(1)
      if (strategy === 'warn') expect(printedText()).toContain('Warning:')
      else expect(printedText()).toBe('')
    },
  )

  it('any *.authlete.com host, whatever the scheme', async () => {
    server.listen({ onUnhandledFrame: 'bypass' })
    await expect(fetch('http://dedicated.authlete.com/x')).rejects.toThrow(TypeError)
    expect(server.unhandledRequests).toEqual(['GET http://dedicated.authlete.com/x'])
  })

  it("a callback gets msw 3's { frame, defaults }; the request fails even if it calls passthrough()", async () => {
    let seen: { protocol: string; method: string; url: string } | undefined
    server.listen({
      async onUnhandledFrame({ frame, defaults }) {
        seen = { protocol: frame.protocol, method: frame.data.request.method, url: frame.data.request.url }
        await defaults.warn()
        frame.passthrough()
      },
    })
    await expect(unansweredAuthleteCall()).rejects.toThrow(TypeError)
    expect(seen).toEqual({
      protocol: 'http',
      method: 'POST',
      url: 'https://us.authlete.com/api/715948317/auth/authorization',
    })
    expect(printedText()).toContain('Warning:')
  })

  it('a callback may answer the request itself', async () => {
    server.listen({
      onUnhandledFrame({ frame }) {
        frame.respondWith(Response.json({ answered: 'by the callback' }, { status: 418 }))
      },
    })
    const response = await unansweredAuthleteCall()
    expect(response.status).toBe(418)
    expect(await response.json()).toEqual({ answered: 'by the callback' })
  })

  it('a callback that throws fails the request and leaves no unhandled rejection', async () => {
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      server.listen({
        onUnhandledFrame() {
          throw new Error('unexpected call to Authlete')
        },
      })
      await expect(unansweredAuthleteCall()).rejects.toThrow()
      await new Promise((resolve) => setImmediate(resolve))
      expect(rejections).toEqual([])
    } finally {
      process.off('unhandledRejection', onRejection)
    }
  })

  it('the bases of handlers given with use() are guarded, and stay guarded after resetHandlers()', async () => {
    server.listen({ onUnhandledFrame: 'bypass' })
    const gateway = 'https://authlete-gateway.internal.example/gw'
    server.use(issueOk({ baseUrl: gateway, authReqId: 'through-the-gateway' }))
    await using client = v3(gateway)
    expect(await client.backchannelIssue('t')).toMatchObject({ authReqId: 'through-the-gateway' })
    await expect(client.backchannelFail({ ticket: 't', reason: 'UNKNOWN_USER_ID' })).rejects.toBeInstanceOf(
      AuthleteNetworkError,
    )
    server.resetHandlers()
    await expect(client.backchannelIssue('t')).rejects.toBeInstanceOf(AuthleteNetworkError)
    expect(server.unhandledRequests).toEqual([
      `POST ${gateway}/api/715948317/backchannel/authentication/fail`,
      `POST ${gateway}/api/715948317/backchannel/authentication/issue`,
    ])
  })

  it('a base given to setupAuthleteServer guards its path prefix only', async () => {
    const guarded = setupAuthleteServer(...authleteHandlers({ baseUrl: `${app.url}/authlete` }))
    guarded.listen({ onUnhandledFrame: 'bypass' })
    try {
      await expect(fetch(`${app.url}/authlete/api/1/unknown`, { method: 'POST' })).rejects.toThrow(TypeError)
      expect((await fetch(`${app.url}/authleteX`)).status).toBe(200)
      await using client = v3(`${app.url}/authlete`)
      expect((await client.backchannelIssue('t')).action).toBe('OK')
      expect(guarded.unhandledRequests).toEqual([`POST ${app.url}/authlete/api/1/unknown`])
    } finally {
      guarded.close()
    }
  })
})

describe("msw 3's server API", () => {
  it('readyState follows listen() and close(); listen() twice throws as msw does', () => {
    expect(server.readyState).toBe(0)
    server.listen()
    expect(server.readyState).toBe(1)
    expect(() => server.listen()).toThrow(/already listening/)
    server.close()
    expect(server.readyState).toBe(0)
  })

  it("refuses msw 2's onUnhandledRequest and unknown strategies, naming the option", () => {
    expect(() => server.listen({ onUnhandledRequest: 'bypass' } as never)).toThrow(/onUnhandledFrame/)
    expect(() => server.listen({ onUnhandledFrame: 'ignore' } as never)).toThrow(/"ignore"/)
    expect(server.readyState).toBe(0)
  })

  it('events report the test traffic too, as msw does', async () => {
    server.listen()
    const urls: string[] = []
    const listener = ({ request }: { request: Request }) => {
      urls.push(request.url)
    }
    server.events.on('request:start', listener)
    await fetch(`${app.url}/seen`)
    await using client = v3()
    await client.backchannelIssue('t')
    server.events.removeListener('request:start', listener)
    expect(urls).toEqual([
      `${app.url}/seen`,
      'https://us.authlete.com/api/715948317/backchannel/authentication/issue',
    ])
  })
})
