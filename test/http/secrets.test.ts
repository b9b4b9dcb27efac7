import { inspect } from 'node:util'
import { Agent, interceptors } from 'undici'
import { describe, expect, it, vi } from 'vitest'
import {
  AuthleteApiError,
  AuthleteClient,
  type AuthleteClientOptions,
  AuthleteError,
  AuthleteInputError,
} from '../../src/index.js'
import { json, startLoopback } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const TOKEN = 'tok_SECRET_Zq81vXw3'
const API_SECRET = 'sec_SECRET_Lm29pQa7'
const BASIC = Buffer.from(`5593494639:${API_SECRET}`).toString('base64')
const FORBIDDEN = [TOKEN, API_SECRET, BASIC, 'SECRET']

/** Every text an error can be turned into: message, stack, own properties, causes, JSON and inspect. */
function renderings(error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [String(error)]
  seen.add(error)
  const texts = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error) ?? '']
  if (error instanceof Error) texts.push(error.message, error.stack ?? '')
  for (const key of Reflect.ownKeys(error)) {
    const value = (error as Record<PropertyKey, unknown>)[key]
    texts.push(typeof value === 'object' ? inspect(value, { depth: 10 }) : String(value))
    if (key === 'cause') texts.push(...renderings(value, seen))
  }
  return texts
}

function expectClean(error: unknown) {
  expect(error).toBeInstanceOf(AuthleteError)
  for (const text of renderings(error)) for (const secret of FORBIDDEN) expect(text).not.toContain(secret)
}

const server = useLoopback()

const credentials: Array<[string, Partial<AuthleteClientOptions>]> = [
  ['v3', { serviceId: '1', accessToken: TOKEN }],
  ['v2', { apiKey: '5593494639', apiSecret: API_SECRET }],
]

describe.each(credentials)('no credential leaks into errors (%s)', (_name, creds) => {
  const scenarios: Array<
    [
      string,
      (r: import('../helpers/loopback.js').ReceivedRequest, res: import('node:http').ServerResponse) => void,
      number?,
    ]
  > = [
    [
      'a proxy page echoing the Authorization header',
      (r, res) => {
        res.writeHead(502, { 'content-type': 'text/html' })
        res.end(`<pre>Authorization: ${r.headers.authorization}</pre>`)
      },
    ],
    [
      'a resultCode echoing the Authorization header',
      (r, res) =>
        json(res, 401, { resultCode: `bad header: ${r.headers.authorization}`, resultMessage: 'm' }),
    ],
    [
      'a content type echoing the Authorization header',
      (r, res) => {
        res.writeHead(200, { 'content-type': `text/html; echo="${r.headers.authorization}"` })
        res.end('{}')
      },
    ],
    [
      'a resultMessage echoing the Authorization header',
      (r, res) =>
        json(res, 401, { resultCode: 'A001203', resultMessage: `bad header ${r.headers.authorization}` }),
    ],
    [
      'a body that is not JSON',
      (r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(`not json ${r.headers.authorization}`)
      },
    ],
    [
      'a body of the wrong shape',
      (r, res) => json(res, 200, { action: 'OK', authReqId: 5, echo: r.headers.authorization }),
    ],
    ['a timeout', () => {}, 100],
    ['a reset', (r) => r.socket.resetAndDestroy()],
  ]

  it.each(scenarios)('%s', async (_s, handler, timeoutMs) => {
    server.handle(handler)
    await using client = new AuthleteClient({
      ...creds,
      baseUrl: server.url,
      retry: false,
      timeoutMs: timeoutMs ?? 5000,
    })
    expectClean(await client.backchannelIssue('t').catch((e: unknown) => e))
  })

  it('an abort', async () => {
    await using client = new AuthleteClient({ ...creds, baseUrl: server.url })
    expectClean(await client.backchannelIssue('t', { signal: AbortSignal.abort() }).catch((e: unknown) => e))
  })

  it('a bad option', () => {
    try {
      new AuthleteClient({ ...creds, baseUrl: 'http://authlete.example' })
    } catch (error) {
      expect(error).toBeInstanceOf(AuthleteInputError)
      expectClean(error)
      return
    }
    throw new Error('expected an error')
  })

  it('the client itself shows no credential through inspect or JSON', () => {
    const client = new AuthleteClient({ ...creds, baseUrl: server.url })
    for (const text of [
      inspect(client, { showHidden: true, depth: 10 }),
      JSON.stringify(client),
      String(client),
    ]) {
      for (const secret of FORBIDDEN) expect(text).not.toContain(secret)
    }
  })
})

describe('what the client logs, emits and sends', () => {
  it('logs and emits nothing, on success or failure', async () => {
    const spies = [
      vi.spyOn(console, 'log'),
      vi.spyOn(console, 'info'),
      vi.spyOn(console, 'warn'),
      vi.spyOn(console, 'error'),
      vi.spyOn(console, 'debug'),
      vi.spyOn(process, 'emitWarning'),
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
    ]
    try {
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: TOKEN,
        baseUrl: server.url,
        retry: false,
      })
      server.handle((_r, res) => json(res, 200, { action: 'OK', authReqId: 'a', expiresIn: 1, interval: 1 }))
      await client.backchannelIssue('t')
      server.handle((r, res) =>
        json(res, 401, { resultCode: 'A001202', resultMessage: String(r.headers.authorization) }),
      )
      await client.backchannelIssue('t').catch(() => {})
      server.handle((r) => r.socket.resetAndDestroy())
      await client.backchannelIssue('t').catch(() => {})
      for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  })

  it('never follows a redirect: a 3xx to another origin is an AuthleteApiError and the other origin hears nothing', async () => {
    const elsewhere = await startLoopback()
    try {
      server.handle((_r, res) => {
        res.writeHead(302, { location: `${elsewhere.url}/api/1/backchannel/authentication/issue` })
        res.end()
      })
      await using client = new AuthleteClient({ serviceId: '1', accessToken: TOKEN, baseUrl: server.url })
      const error = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      expect(error.status).toBe(302)
      expect(elsewhere.requests).toEqual([])
      expectClean(error)
    } finally {
      await elsewhere.close()
    }
  })

  it("never follows a redirect, even through a dispatcher with undici's redirect interceptor", async () => {
    const elsewhere = await startLoopback()
    const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }))
    try {
      server.handle((_r, res) => {
        res.writeHead(307, { location: `${elsewhere.url}/api/1/backchannel/authentication/issue` })
        res.end()
      })
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: TOKEN,
        baseUrl: server.url,
        dispatcher,
      })
      const error = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      expect(error.status).toBe(307)
      expect(elsewhere.requests).toEqual([])
    } finally {
      await dispatcher.close()
      await elsewhere.close()
    }
  })

  it('refuses to send credentials over plain HTTP to a non-loopback host', () => {
    for (const baseUrl of [
      'http://us.authlete.com',
      'http://192.0.2.10:8080',
      'http://authlete.localhost.example',
    ]) {
      expect(() => new AuthleteClient({ serviceId: '1', accessToken: TOKEN, baseUrl })).toThrow(
        AuthleteInputError,
      )
    }
  })
})
