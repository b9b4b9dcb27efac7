// No credential in what the transport hands back: causes built by other code, answers that echo the
// request in any encoding, the JSON parser's own message, constructor errors; and an error keeps
// only its excerpt of the body. Each holds for every operation, so a bare operation runs through
// `new Transport(…)` rather than a client method.
import type http from 'node:http'
import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { redact, withRequestSecrets } from '../../src/http/redact.js'
import {
  AuthleteApiError,
  AuthleteClient,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
} from '../../src/index.js'
import { backchannelAuthentication } from '../../src/operations/backchannel-authentication.js'
import { Transport } from '../../src/transport/transport.js'
import { runFixture } from '../helpers/child.js'
import { useLeakCheck } from '../helpers/leak-check.js'
import { json, type ReceivedRequest } from '../helpers/loopback.js'
import { leaks } from '../helpers/renderings.js'
import {
  API_SECRET,
  BASIC,
  echo,
  FORBIDDEN,
  failingDispatcher,
  failure,
  TOKEN,
  V2,
  V3,
} from '../helpers/transport.js'
import { useLoopback } from '../helpers/use-loopback.js'

useLeakCheck()

describe('1. no credential in the cause chain, whoever built the cause', () => {
  it.each([
    ['v3', V3],
    ['v2', V2],
  ])("undici's MockAgent listing the request headers (%s)", async (_name, credentials) => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    // An interceptor on the right path whose header matcher does not match: undici's error then
    // lists every request header, the Authorization header included.
    agent
      .get('http://127.0.0.1:9')
      .intercept({ path: /echo/, method: 'POST', headers: { 'x-other': 'y' } })
      .reply(200, {})
    const transport = new Transport({ ...credentials, baseUrl: 'http://127.0.0.1:9', dispatcher: agent })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error).toBeInstanceOf(AuthleteNetworkError)
    expect(error.causeCode).toBe('UND_MOCK_ERR_MOCK_NOT_MATCHED')
    const cause = error.cause as Error & { code: string }
    expect(cause.name).toBe('MockNotMatchedError')
    expect(cause.code).toBe('UND_MOCK_ERR_MOCK_NOT_MATCHED')
    expect(cause.message).toContain('Mock dispatch not matched for headers')
    expect(cause.message).toContain('[REDACTED]')
    expect(leaks(error, FORBIDDEN)).toEqual([])
    await agent.close()
  })

  it('nested causes and AggregateError.errors', async () => {
    const transport = new Transport({
      ...V2,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() => {
        const inner = Object.assign(new Error(`proxy said: Authorization=Basic ${BASIC}`), {
          code: 'EPROXY',
          headers: { authorization: `Basic ${BASIC}` },
        })
        const second = new Error('second', { cause: inner })
        const aggregate = new AggregateError(
          [new Error('first, clean'), second],
          `connect failed with ${API_SECRET}`,
        )
        return Object.assign(aggregate, { code: 'ECONNRESET' })
      }),
    })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteNetworkError
    expect(error.causeCode).toBe('ECONNRESET')
    const cause = error.cause as AggregateError & { code: string }
    expect(cause.name).toBe('AggregateError')
    expect(cause.code).toBe('ECONNRESET')
    expect(cause.message).toBe('connect failed with [REDACTED]')
    expect(cause.errors).toHaveLength(2)
    expect((cause.errors[0] as Error).message).toBe('first, clean')
    const nested = (cause.errors[1] as Error).cause as Error & { code: string }
    expect(nested.code).toBe('EPROXY')
    expect(nested.message).toBe('proxy said: Authorization=Basic [REDACTED]')
    expect(leaks(error, FORBIDDEN)).toEqual([])
  })

  it("the caller's own error that quotes a credential, as the cause of an AuthleteInputError", async () => {
    const transport = new Transport({ ...V3, baseUrl: 'http://127.0.0.1:9' })
    const input = {
      toString(): string {
        throw new Error(`cannot read with Bearer ${TOKEN}`)
      },
    }
    const fromInput = await failure(transport.call(echo, input as unknown as string, undefined))
    expect(fromInput).toBeInstanceOf(AuthleteInputError)
    expect((fromInput.cause as Error).message).toBe('cannot read with Bearer [REDACTED]')
    const options = {
      get timeoutMs(): number {
        throw new Error(`no ${TOKEN}`)
      },
    }
    const fromOptions = await failure(transport.call(echo, 'x', options))
    expect(fromOptions).toBeInstanceOf(AuthleteInputError)
    expect(leaks(fromInput, FORBIDDEN)).toEqual([])
    expect(leaks(fromOptions, FORBIDDEN)).toEqual([])
  })

  it('a clean cause is kept as it is: the same object', async () => {
    const original = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    const transport = new Transport({
      ...V3,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() => original),
    })
    const error = await failure(transport.call(echo, 'x', undefined))
    expect(error.cause).toBe(original)
  })
})

/** Answers every request with `status`, `type` and the body `render` makes of the Authorization header. */
function echoing(status: number, type: string, render: (authorization: string) => string) {
  return (request: ReceivedRequest, res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': type })
    res.end(render(String(request.headers.authorization)))
  }
}

const htmlEntities = (text: string, hex: boolean) =>
  text.replace(/[^A-Za-z0-9 _-]/g, (c) =>
    hex ? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};` : `&#${c.charCodeAt(0)};`,
  )

describe('6. redaction of credentials echoed URL-encoded, HTML-entity-encoded or JSON-escaped', () => {
  const server = useLoopback()

  const forms: Array<[string, (authorization: string) => string]> = [
    ['URL-encoded', (a) => `<p>header=${encodeURIComponent(a)}</p>`],
    [
      'URL-encoded, lower-case hex',
      (a) => `<p>header=${encodeURIComponent(a).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}</p>`,
    ],
    ['HTML entities, decimal', (a) => `<pre>${htmlEntities(a, false)}</pre>`],
    ['HTML entities, hex', (a) => `<pre>${htmlEntities(a, true)}</pre>`],
    [
      'named HTML entities',
      (a) => `<pre>${a.replace(/\+/g, '&plus;').replace(/\//g, '&sol;').replace(/=/g, '&equals;')}</pre>`,
    ],
    ['JSON-escaped', (a) => `{"echo":${JSON.stringify(a).replace(/\//g, '\\/')}}`],
    [
      'JSON \\u escapes',
      (a) =>
        `{"echo":"${a.replace(/[+/=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`,
    ],
    ['URL-encoded twice', (a) => `<p>${encodeURIComponent(encodeURIComponent(a))}</p>`],
    ['HTML-escaped URL encoding', (a) => `<p>${encodeURIComponent(a).replace(/%/g, '&#37;')}</p>`],
  ]

  it.each(
    forms.flatMap(([name, render]) => [
      [`v3 token, ${name}`, V3, render] as const,
      [`v2 Basic value, ${name}`, V2, render] as const,
    ]),
  )('a proxy page: %s', async (_name, credentials, render) => {
    server.handle(echoing(502, 'text/html', render))
    const transport = new Transport({ ...credentials, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(error.bodyExcerpt).toContain('[REDACTED]')
    const encoded = [TOKEN, BASIC].flatMap((secret) => [
      encodeURIComponent(secret),
      htmlEntities(secret, false),
      htmlEntities(secret, true),
      JSON.stringify(secret).replace(/\//g, '\\/'),
    ])
    expect(leaks(error, [...FORBIDDEN, ...encoded])).toEqual([])
    // Only the credential is replaced: the page around it stays readable.
    expect(error.bodyExcerpt?.slice(0, 3)).toBe(render('x').slice(0, 3))
  })

  it('the v2 Basic value with its = padding, URL-encoded, in a resultMessage', async () => {
    // 5593494639:sec_SECRET_Lm29pQa7>>>???~ makes a base64 value with "+", "/" and "==" in it.
    expect(BASIC).toMatch(/\+.*\/.*==$/)
    server.handle((request, res) =>
      json(res, 401, {
        resultCode: 'A001202',
        resultMessage: `bad header Authorization=${encodeURIComponent(String(request.headers.authorization))}`,
      }),
    )
    const transport = new Transport({ ...V2, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error.resultMessage).toBe('bad header Authorization=Basic%20[REDACTED]')
    expect(leaks(error, [...FORBIDDEN, encodeURIComponent(BASIC)])).toEqual([])
  })

  it('a credential shorter than 6 characters is redacted where it stands alone, not inside words', async () => {
    server.handle((request, res) =>
      json(res, 401, {
        resultCode: 'A001202',
        resultMessage: `${request.headers.authorization}, enc: ${encodeURIComponent('Ab+/')} in Abcde and xAb+/ stay`,
      }),
    )
    const transport = new Transport({
      serviceId: '1',
      accessToken: 'Ab+/',
      baseUrl: server.url,
      retry: false,
    })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteApiError
    expect(error.resultMessage).toBe('Bearer [REDACTED], enc: [REDACTED] in Abcde and xAb+/ stay')
  })
})

describe("7. the JSON parser's error does not quote the body", () => {
  const server = useLoopback()

  it.each([
    ['a body that is one word', 'PRIVATEWORD123', /^Unexpected token/],
    ['a word where a value belongs', '{"a": PRIVATEWORD123}', /^Unexpected token/],
    ['an unterminated string', '{"a": "PRIVATEWORD123', /^Unterminated string in JSON at position \d+/],
    [
      'a value followed by more',
      '{"a":1} PRIVATEWORD123',
      /^Unexpected non-whitespace character after JSON at position 8/,
    ],
    ['a body cut short', '{"PRIVATEWORD123":', /^Unexpected end of JSON input$/],
  ])('%s', async (_name, body, message) => {
    server.handle((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    })
    const transport = new Transport({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(transport.call(echo, 'x', undefined))) as AuthleteResponseError
    expect(error).toBeInstanceOf(AuthleteResponseError)
    expect(error.message).toContain('the body is not valid JSON')
    expect(error.cause).toBeInstanceOf(SyntaxError)
    expect((error.cause as SyntaxError).message).toMatch(message)
    expect(leaks(error, ['PRIVATE', 'WORD123'])).toEqual([])
  })
})

describe('8. option values never reach a constructor error', () => {
  it.each([
    'https://admin:pw@[bad-host/',
    'https://admin:pw@[bad-host',
    'http://admin:pw@127.0.0.1:8080',
    new URL('https://admin:pw@authlete.example/'),
  ])('baseUrl %s is refused for its credentials, and no error text holds them', (baseUrl) => {
    let error: unknown
    try {
      new AuthleteClient({ serviceId: '1', accessToken: TOKEN, baseUrl })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect((error as AuthleteInputError).field).toBe('baseUrl')
    expect((error as AuthleteInputError).message).toBe(
      'baseUrl: must not carry credentials (user:password@); give them as options',
    )
    expect((error as AuthleteInputError).cause).toBeUndefined()
    expect(leaks(error, [...FORBIDDEN, 'admin', ':pw', 'bad-host', 'authlete.example'])).toEqual([])
  })
})

describe('10. a kept error holds its excerpt, not the body it came from', () => {
  it('100 AuthleteApiErrors from 1 MiB pages hold a few hundred KB of heap, not 100 MB', async () => {
    const { stdout, stderr } = await runFixture('excerpt-heap.ts', ['--expose-gc'])
    expect(stderr).toBe('')
    const { mb, errors, excerpt } = JSON.parse(stdout) as { mb: number; errors: number; excerpt: number }
    expect(errors).toBe(100)
    expect(excerpt).toBe(AuthleteApiError.EXCERPT_LENGTH)
    // Each error pinned its whole decoded page (1 MiB) before: 100 MB in all. Generous bound.
    expect(mb).toBeLessThan(20)
  })
})

describe("13. the call's own secrets: the client's secret, the secret parameters, a token", () => {
  const server = useLoopback()
  const CLIENT_SECRET = 'cs_CLIENT_Vq7+/z=9'
  const PARAMETER_SECRET = 'ps_PARAM_Kw3&x=y+'
  const NOTIFICATION_TOKEN = 'nt_NOTIFY_8f3a1c9e'
  const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjIn0.ASSERT_sig'
  const PUSH_TOKEN = 'at_PUSH_Rr5/tT+u'
  const OWN = [CLIENT_SECRET, PARAMETER_SECRET, NOTIFICATION_TOKEN, ASSERTION, PUSH_TOKEN]
  /** The call's secrets in every form a leak would show them in. */
  const forbidden = [
    ...FORBIDDEN,
    ...OWN.flatMap((secret) => [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(encodeURIComponent(secret)),
      htmlEntities(secret, false),
      JSON.stringify(secret).slice(1, -1),
    ]),
    'CLIENT_Vq7',
    'PARAM_Kw3',
    'NOTIFY_8f3',
    'ASSERT_sig',
    'PUSH_Rr5',
  ]
  const parameters = new URLSearchParams({
    login_hint: 'alice',
    client_id: 'c1',
    client_secret: PARAMETER_SECRET,
    client_notification_token: NOTIFICATION_TOKEN,
    client_assertion: ASSERTION,
  }).toString()

  /** Echoes the request body as Authlete received it, rendered by `render`. */
  const echoBody = (status: number, type: string, render: (body: string) => string) =>
    server.handle((request, res) => {
      res.writeHead(status, { 'content-type': type })
      res.end(render(request.body))
    })

  const forms: Array<[string, number, string, (body: string) => string]> = [
    ['the form as sent, in a proxy page', 502, 'text/html', (body) => `<pre>${body}</pre>`],
    ['the form decoded once', 502, 'text/plain', (body) => `got ${decodeURIComponent(body)}`],
    [
      'the form decoded, as HTML entities',
      502,
      'text/html',
      (body) => `<pre>${htmlEntities(new URLSearchParams(body).toString(), false)}</pre>`,
    ],
    [
      'each field decoded, JSON-escaped in a resultMessage',
      400,
      'application/json',
      (body) =>
        JSON.stringify({
          resultCode: 'A001201',
          resultMessage: `bad request ${JSON.stringify(Object.fromEntries(new URLSearchParams(body)))}`,
        }),
    ],
  ]

  it.each(forms)('backchannelAuthentication, %s: redacted', async (_name, status, type, render) => {
    echoBody(status, type, render)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET }),
    )) as AuthleteApiError
    expect(error).toBeInstanceOf(AuthleteApiError)
    expect(`${error.bodyExcerpt ?? ''}${error.resultMessage ?? ''}`).toContain('[REDACTED]')
    expect(leaks(error, forbidden)).toEqual([])
  })

  it('backchannelAuthentication with a certificate chain (a JSON body): redacted', async () => {
    echoBody(502, 'text/html', (body) => `<pre>${body}</pre>`)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = await failure(
      client.backchannelAuthentication({
        parameters,
        clientSecret: CLIENT_SECRET,
        clientCertificatePath: ['-----BEGIN CERTIFICATE-----'],
      }),
    )
    expect(leaks(error, forbidden)).toEqual([])
  })

  it('backchannelComplete with an access token of the caller (push mode): redacted', async () => {
    echoBody(502, 'text/html', (body) => `<pre>${body}</pre>`)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = await failure(
      client.backchannelComplete({
        ticket: 't',
        result: 'AUTHORIZED',
        subject: 'alice',
        accessToken: PUSH_TOKEN,
      }),
    )
    expect(leaks(error, forbidden)).toEqual([])
  })

  it('a cause that quotes the request body (a proxy agent): redacted', async () => {
    const transport = new Transport({
      ...V3,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() =>
        Object.assign(new Error(`upstream refused clientSecret=${CLIENT_SECRET}`), { code: 'EPROXY' }),
      ),
    })
    const error = await failure(
      transport.call(backchannelAuthentication, { parameters, clientSecret: CLIENT_SECRET }, undefined),
    )
    expect((error.cause as Error).message).toBe('upstream refused clientSecret=[REDACTED]')
    expect(leaks(error, forbidden)).toEqual([])
  })

  it('token (/auth/token): the password, the refresh token and the client secret of a token request: redacted', async () => {
    const PASSWORD = 'pw_OWNER_Hq2+/x='
    const REFRESH = 'rt_REFRESH_Zz9+/y'
    echoBody(502, 'text/html', (body) => `<pre>${body}</pre><p>${decodeURIComponent(body)}</p>`)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.token({
        parameters: new URLSearchParams({
          grant_type: 'password',
          username: 'alice',
          password: PASSWORD,
          refresh_token: REFRESH,
        }),
        clientId: 'c1',
        clientSecret: CLIENT_SECRET,
      }),
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('username%3Dalice')
    expect(leaks(error, [...forbidden, PASSWORD, REFRESH, 'OWNER_Hq2', 'REFRESH_Zz9'])).toEqual([])
  })

  it('what is not secret stays readable: the login hint and the client ID', async () => {
    echoBody(502, 'text/plain', (body) => decodeURIComponent(body))
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET }),
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('login_hint=alice')
    expect(error.bodyExcerpt).toContain('clientId=c1')
    expect(error.bodyExcerpt).toContain('clientSecret=[REDACTED]')
  })
})

describe("14. the call's own short secrets (a PIN, a test password): redacted by position, whatever their length", () => {
  const server = useLoopback()
  const PIN = '4821'
  const CLIENT_SECRET = 'Zq7x9'
  const NOTIFICATION_TOKEN = 'nt_NOTIFY_8f3a1c9e'
  const parameters = `scope=openid&login_hint=alice&user_code=${PIN}&client_notification_token=${NOTIFICATION_TOKEN}`
  /** The short secrets as the echoes below would show them. */
  const forbidden = [
    ...FORBIDDEN,
    NOTIFICATION_TOKEN,
    `user_code=${PIN}`,
    `user_code%3D${PIN}`,
    `user_code&#61;${PIN}`,
    `user_code&#x3D;${PIN}`,
    `clientSecret=${CLIENT_SECRET}`,
    `clientSecret&#61;${CLIENT_SECRET}`,
    `"${CLIENT_SECRET}"`,
    `"${PIN}"`,
  ]

  const echoBody = (status: number, type: string, render: (body: string) => string) =>
    server.handle((request, res) => {
      res.writeHead(status, { 'content-type': type })
      res.end(render(request.body))
    })

  const forms: Array<[string, number, string, (body: string) => string]> = [
    ['the form as sent, in a proxy page', 502, 'text/html', (body) => `<pre>${body}</pre>`],
    ['the form as sent, at the end of a plain page', 502, 'text/plain', (body) => `got ${body}`],
    ['the form decoded once', 502, 'text/plain', (body) => `got ${decodeURIComponent(body)}`],
    [
      'the form decoded, as HTML entities',
      502,
      'text/html',
      (body) => `<pre>${htmlEntities(decodeURIComponent(body), false)}</pre>`,
    ],
    [
      'the form decoded, HTML-escaped hex',
      502,
      'text/html',
      (body) => `<pre>${htmlEntities(decodeURIComponent(body), true)}</pre>`,
    ],
    [
      'the form as sent, JSON-escaped in a resultMessage',
      400,
      'application/json',
      (body) => JSON.stringify({ resultCode: 'A001201', resultMessage: `bad request ${body}` }),
    ],
    [
      'each field decoded, JSON-escaped in a resultMessage',
      400,
      'application/json',
      (body) =>
        JSON.stringify({
          resultCode: 'A001201',
          resultMessage: `bad request ${JSON.stringify(Object.fromEntries(new URLSearchParams(body)))}`,
        }),
    ],
  ]

  it.each(forms)(
    'backchannelAuthentication, %s: the PIN and the client secret are redacted',
    async (_name, status, type, render) => {
      echoBody(status, type, render)
      await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
      const error = (await failure(
        client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET }),
      )) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      const shown = `${error.bodyExcerpt ?? ''}${error.resultMessage ?? ''}`
      expect(shown).toContain('[REDACTED]')
      expect(shown).toContain('alice')
      expect(leaks(error, forbidden)).toEqual([])
      expect(JSON.stringify(error)).not.toMatch(/4821|Zq7x9/)
    },
  )

  it('only the value is replaced: the form around it stays as it came', async () => {
    echoBody(502, 'text/html', (body) => `<pre>${body}</pre>`)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET }),
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toBe(
      '<pre>parameters=scope%3Dopenid%26login_hint%3Dalice%26user_code%3D[REDACTED]%26client_notification_token%3D[REDACTED]&clientId=c1&clientSecret=[REDACTED]</pre>',
    )
  })

  it('the same digits elsewhere, and a field of another name, stay readable', async () => {
    echoBody(
      502,
      'text/plain',
      (body) => `${decodeURIComponent(body)} ticket=x${PIN} my_user_code=${PIN} at ${PIN}0`,
    )
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.backchannelAuthentication({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET }),
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toBe(
      'parameters=scope=openid&login_hint=alice&user_code=[REDACTED]&client_notification_token=[REDACTED]&clientId=c1&clientSecret=[REDACTED]' +
        ` ticket=x${PIN} my_user_code=${PIN} at ${PIN}0`,
    )
  })

  it('token (/auth/token): a short password and a short client secret are redacted', async () => {
    echoBody(502, 'text/html', (body) => `<pre>${body}</pre><p>${decodeURIComponent(body)}</p>`)
    await using client = new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
    const error = (await failure(
      client.token({
        parameters: 'grant_type=password&username=bob&password=pw12',
        clientId: 'c1',
        clientSecret: 's3cr',
      }),
    )) as AuthleteApiError
    expect(error.bodyExcerpt).toContain('username%3Dbob')
    expect(error.bodyExcerpt).toContain('password%3D[REDACTED]')
    expect(error.bodyExcerpt).toContain('clientSecret=[REDACTED]')
    expect(leaks(error, ['pw12', 's3cr'])).toEqual([])
  })

  it('a cause that quotes the request body (a proxy agent): redacted', async () => {
    const transport = new Transport({
      ...V3,
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      dispatcher: failingDispatcher(() =>
        Object.assign(new Error(`upstream refused clientSecret=${CLIENT_SECRET}&user_code=${PIN}`), {
          code: 'EPROXY',
        }),
      ),
    })
    const error = await failure(
      transport.call(backchannelAuthentication, { parameters, clientSecret: CLIENT_SECRET }, undefined),
    )
    expect((error.cause as Error).message).toBe(
      'upstream refused clientSecret=[REDACTED]&user_code=[REDACTED]',
    )
    expect(leaks(error, forbidden)).toEqual([])
  })
})

describe("15. a secret field's value is found in one pass over the text", () => {
  const secrets = withRequestSecrets(
    [],
    {
      form: `parameters=${encodeURIComponent('grant_type=password&username=u&password=ab')}&clientSecret=xy`,
    },
    ['clientSecret', 'parameters.password'],
  )

  // 120 KB: one scan to the end per occurrence (quadratic) takes some 15 s here, one pass
  // milliseconds. A test cannot stop synchronous code; it fails on its deadline once it returns.
  it('120 KB of `password=` with no separator is redacted in one pass', { timeout: 5000 }, () => {
    const text = 'password='.repeat(13_000)
    const redacted = redact(text, secrets)
    expect(redacted.startsWith('password=[REDACTED]')).toBe(true)
    expect(redacted).not.toContain('ab')
  })

  it('a value ends at a comma, semicolon or closing bracket too: the text after it stays readable', () => {
    expect(redact('password=ab,grant_type=password,scope=openid profile', secrets)).toBe(
      'password=[REDACTED],grant_type=password,scope=openid profile',
    )
    expect(redact('(password=ab); clientSecret=xy]', secrets)).toBe(
      '(password=[REDACTED]); clientSecret=[REDACTED]]',
    )
  })
})
