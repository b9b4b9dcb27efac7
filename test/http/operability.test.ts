// Day two: credentials that rotate while the process runs, and tracing on diagnostics_channel that
// never carries a secret.
import diagnosticsChannel from 'node:diagnostics_channel'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deliverClientNotification } from '../../src/completion/deliver.js'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClient,
  AuthleteCredentialsError,
  AuthleteInputError,
  AuthleteTimeoutError,
  isAuthleteError,
} from '../../src/index.js'
import { json, OK_BODY, startLoopback } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const server = useLoopback()
afterEach(() => server.handle((_r, res) => json(res, 200, OK_BODY)))

describe('credentials given as functions', () => {
  it('accessToken: called once per call, so a rotated token is used from the next call on', async () => {
    const tokens = ['token-one-1111', 'token-two-2222']
    let calls = 0
    await using client = new AuthleteClient({
      serviceId: '1',
      accessToken: () => tokens[Math.min(calls++, 1)] as string,
      baseUrl: server.url,
    })
    const before = server.requests.length
    await client.backchannelIssue('a')
    await client.backchannelIssue('b')
    await client.backchannelIssue('c')
    expect(calls).toBe(3)
    expect(server.requests.slice(before).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-one-1111',
      'Bearer token-two-2222',
      'Bearer token-two-2222',
    ])
  })

  it('apiSecret: an async function, for API v2 Basic credentials', async () => {
    let secret = 'first-secret'
    await using client = new AuthleteClient({
      apiKey: '55',
      apiSecret: async () => secret,
      baseUrl: server.url,
    })
    await client.backchannelIssue('a')
    secret = 'second-secret'
    await client.backchannelIssue('b')
    expect(server.requests.slice(-2).map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('55:first-secret').toString('base64')}`,
      `Basic ${Buffer.from('55:second-secret').toString('base64')}`,
    ])
  })

  const failures: Array<[string, () => unknown, boolean]> = [
    [
      'throws',
      () => {
        throw new Error('vault unreachable')
      },
      true,
    ],
    ['rejects', () => Promise.reject(new Error('vault unreachable')), true],
    ['returns an empty string', () => '', false],
    ['returns a number', () => 42, false],
    ['returns undefined', () => undefined, false],
    ['returns a value with a line break', () => 'abc\r\nX-Injected: 1', false],
  ]
  it.each(failures)(
    'a function that %s rejects the call with AUTHLETE_CREDENTIALS before any I/O',
    async (_name, fn, hasCause) => {
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: fn as () => string,
        baseUrl: server.url,
      })
      const before = server.requests.length
      const error = await client.backchannelIssue('t').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AuthleteCredentialsError)
      expect(isAuthleteError(error, 'AUTHLETE_CREDENTIALS')).toBe(true)
      const credentials = error as AuthleteCredentialsError
      expect(credentials.code).toBe('AUTHLETE_CREDENTIALS')
      expect(credentials.field).toBe('accessToken')
      if (hasCause) expect((credentials.cause as Error).message).toBe('vault unreachable')
      else expect(credentials.cause).toBeUndefined()
      expect(credentials.message).not.toContain('X-Injected')
      expect(server.requests.length).toBe(before)
    },
  )

  it('a value the function returned is redacted from errors like a fixed one', async () => {
    let n = 0
    await using client = new AuthleteClient({
      serviceId: '1',
      accessToken: () => `rotated-SECRET-${++n}-abcdef`,
      baseUrl: server.url,
      retry: false,
    })
    server.handle((r, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<pre>${r.headers.authorization} ${encodeURIComponent(String(r.headers.authorization))}</pre>`)
    })
    for (let i = 0; i < 2; i++) {
      const error = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      expect(error.bodyExcerpt).toBe('<pre>Bearer [REDACTED] Bearer%20[REDACTED]</pre>')
      expect(inspect(error, { depth: 5 })).not.toContain('rotated-SECRET')
    }
  })

  it('a credential function that never answers is under the call deadline, the caller signal and close()', async () => {
    const client = new AuthleteClient({
      serviceId: '1',
      accessToken: () => new Promise<string>(() => {}),
      baseUrl: server.url,
      timeoutMs: 150,
    })
    const before = server.requests.length
    const started = performance.now()
    const timeout = (await client.backchannelIssue('t').catch((e: unknown) => e)) as AuthleteTimeoutError
    expect(timeout).toBeInstanceOf(AuthleteTimeoutError)
    expect(timeout.phase).toBe('credentials')
    expect(performance.now() - started).toBeLessThan(1500)
    const controller = new AbortController()
    const aborted = client.backchannelIssue('t', { signal: controller.signal, timeoutMs: 60_000 })
    controller.abort('gone')
    expect(await aborted.catch((e: unknown) => e)).toBeInstanceOf(AuthleteAbortError)
    await client.close() // resolves: nothing of those calls is left
    expect(server.requests.length).toBe(before)
  })

  it('the constructor refuses a credential that is neither a string nor a function', () => {
    expect(() => new AuthleteClient({ serviceId: '1', accessToken: 42 as never })).toThrow(AuthleteInputError)
    expect(() => new AuthleteClient({ apiKey: '1', apiSecret: {} as never })).toThrow(
      'apiSecret: must be a non-empty string of visible ASCII characters, or a function returning one',
    )
  })
})

describe('tracing on diagnostics_channel', () => {
  const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const
  type Seen = Array<[string, Record<string, unknown>]>

  function subscribe(name: string): { seen: Seen; off: () => void } {
    const seen: Seen = []
    const channel = diagnosticsChannel.tracingChannel(`authlete-ciba:${name}`)
    const handlers = Object.fromEntries(
      EVENTS.map((event) => [event, (message: unknown) => seen.push([event, { ...(message as object) }])]),
    )
    channel.subscribe(handlers as never)
    return { seen, off: () => channel.unsubscribe(handlers as never) }
  }

  it('a call publishes start, end, asyncStart, asyncEnd with operation, method, url, attempts, status, resultCode and action', async () => {
    const { seen, off } = subscribe('backchannelIssue')
    try {
      await using client = new AuthleteClient({
        serviceId: '715948317',
        accessToken: 'trace-SECRET-token',
        baseUrl: server.url,
      })
      await client.backchannelIssue('the-ticket-SECRET')
    } finally {
      off()
    }
    expect(seen.map(([event]) => event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const url = `${server.url}/api/715948317/backchannel/authentication/issue`
    expect(seen[0]?.[1]).toEqual({ operation: 'backchannelIssue', method: 'POST', url })
    expect(seen[3]?.[1]).toEqual({
      operation: 'backchannelIssue',
      method: 'POST',
      url,
      attempts: 1,
      status: 200,
      resultCode: 'A183001',
      action: 'OK',
    })
  })

  it('a failed call publishes error with the error code, the status and resultCode', async () => {
    server.handle((_r, res) => json(res, 401, { resultCode: 'A001202', resultMessage: 'no' }))
    const { seen, off } = subscribe('backchannelFail')
    try {
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: 'trace-SECRET-token',
        baseUrl: server.url,
      })
      await client.backchannelFail({ ticket: 'tk', reason: 'UNKNOWN_USER_ID' }).catch(() => {})
    } finally {
      off()
    }
    expect(seen.map(([event]) => event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect(seen[4]?.[1]).toMatchObject({
      operation: 'backchannelFail',
      attempts: 1,
      status: 401,
      resultCode: 'A001202',
      code: 'AUTHLETE_API_ERROR',
    })
  })

  it('a credential failure is traced with its code and no attempt', async () => {
    const { seen, off } = subscribe('backchannelComplete')
    try {
      await using client = new AuthleteClient({
        serviceId: '1',
        accessToken: () => Promise.reject(new Error('no vault')),
        baseUrl: server.url,
      })
      await client.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' }).catch(() => {})
    } finally {
      off()
    }
    expect(seen.at(-1)?.[1]).toMatchObject({ code: 'AUTHLETE_CREDENTIALS', attempts: 0 })
  })

  it('no message carries a credential, ticket, auth_req_id, notification token or body', async () => {
    server.handle((_r, res) =>
      json(res, 200, {
        action: 'NOTIFICATION',
        resultCode: 'A200401',
        clientNotificationEndpoint: 'https://rp.example/cb',
        clientNotificationToken: 'notif-SECRET-token',
        authReqId: 'authreq-SECRET-id',
        responseContent: '{"auth_req_id":"authreq-SECRET-id"}',
      }),
    )
    const channels = [
      'backchannelAuthentication',
      'backchannelIssue',
      'backchannelFail',
      'backchannelComplete',
    ].map(subscribe)
    try {
      await using client = new AuthleteClient({
        apiKey: '5593494639',
        apiSecret: 'api-SECRET-secret',
        baseUrl: server.url,
      })
      await client.backchannelComplete({
        ticket: 'ticket-SECRET',
        result: 'AUTHORIZED',
        subject: 'subject-SECRET',
      })
      server.handle((_r, res) => json(res, 200, { action: 'USER_IDENTIFICATION', ticket: 'ticket-SECRET-2' }))
      await client.backchannelAuthentication({
        parameters: 'login_hint=SECRET',
        clientSecret: 'client-SECRET',
      })
    } finally {
      for (const channel of channels) channel.off()
    }
    const all = channels.flatMap((channel) => channel.seen)
    expect(all.length).toBe(8)
    for (const [, message] of all) {
      expect(`${JSON.stringify(message)} ${inspect(message, { showHidden: true, depth: 5 })}`).not.toContain(
        'SECRET',
      )
    }
  })

  it('nothing is published, and no context made, while nobody subscribes', async () => {
    const start = diagnosticsChannel.channel('tracing:authlete-ciba:backchannelIssue:start')
    const publish = vi.spyOn(start, 'publish')
    const runStores = vi.spyOn(start, 'runStores')
    try {
      expect(diagnosticsChannel.tracingChannel('authlete-ciba:backchannelIssue').hasSubscribers).toBe(false)
      await using client = new AuthleteClient({ serviceId: '1', accessToken: 'tok', baseUrl: server.url })
      expect((await client.backchannelIssue('t')).action).toBe('OK')
      expect(publish).not.toHaveBeenCalled()
      expect(runStores).not.toHaveBeenCalled()
    } finally {
      publish.mockRestore()
      runStores.mockRestore()
    }
  })

  it('a notification delivery publishes on authlete-ciba:notification, with its status and no token', async () => {
    const { seen, off } = subscribe('notification')
    const endpoint = await startLoopback((_r, res) => {
      res.writeHead(204)
      res.end()
    })
    try {
      const outcome = await deliverClientNotification(
        {
          clientNotificationEndpoint: `${endpoint.url}/cb?x=1`,
          clientNotificationToken: 'notif-SECRET-token',
          responseContent: '{"auth_req_id":"authreq-SECRET"}',
        },
        { allowInsecureHttp: true, allowPrivateNetwork: true },
      )
      expect(outcome.delivered).toBe(true)
    } finally {
      off()
      await endpoint.close()
    }
    expect(seen.map(([event]) => event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    expect(seen[3]?.[1]).toEqual({
      operation: 'notification',
      method: 'POST',
      url: `${endpoint.url}/cb`,
      status: 204,
      attempts: 1,
    })
    expect(JSON.stringify(seen)).not.toContain('SECRET')
  })
})
