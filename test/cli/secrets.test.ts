// Issue 20, defect 3: the client application's secret (AUTHLETE_CLIENT_SECRET, sent to Authlete in
// the body of /backchannel/authentication) is never printed, even when what answers echoes the
// request back: a proxy's HTML page, a JSON error, Authlete's own answer. 3 echoes × API v3 and v2
// × readable and --json: 12 runs. The redaction is the transport's (per call, src/http); this
// checks what reaches the operator's terminal.
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoSecret, run, SECRET, TOKEN } from '../helpers/cli.js'
import { json, type Loopback, type ReceivedRequest, startLoopback } from '../helpers/loopback.js'

const CLIENT_SECRET = 'client-SECRET-echo-5v8n'

const ECHOES: Array<[string, (request: ReceivedRequest, res: ServerResponse) => void]> = [
  [
    'an HTML error page (a proxy)',
    (request, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<html><body><h1>502 Bad Gateway</h1><pre>${request.body}</pre></body></html>`)
    },
  ],
  [
    'a JSON error (a gateway)',
    (request, res) => json(res, 400, { error: 'bad_request', request: request.body }),
  ],
  [
    "Authlete's answer, its resultMessage quoting the request",
    (request, res) =>
      json(res, 400, { resultCode: 'A001201', resultMessage: `[A001201] Bad request: ${request.body}` }),
  ],
]

const CREDENTIALS: Array<[string, Record<string, string>]> = [
  ['v3', { AUTHLETE_SERVICE_ID: '715948317', AUTHLETE_ACCESS_TOKEN: TOKEN }],
  ['v2', { AUTHLETE_API_KEY: '5593494639', AUTHLETE_API_SECRET: SECRET }],
]

let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(() => server.close())

describe.each(ECHOES)('AUTHLETE_CLIENT_SECRET is never printed: %s', (_echo, answer) => {
  it.each(
    CREDENTIALS.flatMap(([api, env]) => [
      [api, 'readable', env, []],
      [api, '--json', env, ['--json']],
    ]) as Array<[string, string, Record<string, string>, string[]]>,
  )('API %s, %s', async (_api, _output, env, flags) => {
    server.handle(answer)
    const before = server.requests.length
    const result = await run(
      [
        'backchannel-authentication',
        'scope=openid&login_hint=john',
        '--client-id',
        'c1',
        ...flags,
        '--base-url',
        server.url,
      ],
      { ...env, AUTHLETE_CLIENT_SECRET: CLIENT_SECRET },
    )
    // The secret went to Authlete, and the answer that came back echoed it.
    const sent = server.requests.slice(before).map((request) => request.body)
    expect(sent.length).toBeGreaterThan(0)
    for (const body of sent) expect(body).toContain(`&clientSecret=${CLIENT_SECRET}`)
    expect(result.code).toBe(3)
    expect(result.stdout + result.stderr).toContain('clientSecret')
    expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET)
    expectNoSecret(result)
  })
})

// Issue 20, defect 3, a short secret: a 5-character AUTHLETE_CLIENT_SECRET, a PIN and a test
// password are too short to be found by their value inside `clientSecret=Zq7x9`; they are
// redacted by their position in the request as the echo shows it.
const SHORT_SECRET = 'Zq7x9'
const PASSWORD = 'pw7Q'
const PIN = /user_code(=|%3D|\\u003d)4821/i

describe.each(ECHOES)(
  'a short AUTHLETE_CLIENT_SECRET, PIN or password is never printed: %s',
  (_echo, answer) => {
    it.each([
      ['backchannel-authentication', 'readable', 'scope=openid&login_hint=john&user_code=4821', []],
      ['backchannel-authentication', '--json', 'scope=openid&login_hint=john&user_code=4821', ['--json']],
      ['token', 'readable', `grant_type=password&username=bob&password=${PASSWORD}`, []],
      ['token', '--json', `grant_type=password&username=bob&password=${PASSWORD}`, ['--json']],
    ] as Array<[string, string, string, string[]]>)('%s, %s', async (command, _output, parameters, flags) => {
      server.handle(answer)
      const before = server.requests.length
      const result = await run(
        [command, parameters, '--client-id', 'c1', ...flags, '--base-url', server.url],
        {
          AUTHLETE_SERVICE_ID: '715948317',
          AUTHLETE_ACCESS_TOKEN: TOKEN,
          AUTHLETE_CLIENT_SECRET: SHORT_SECRET,
        },
      )
      const sent = server.requests.slice(before).map((request) => request.body)
      expect(sent.length).toBeGreaterThan(0)
      for (const body of sent) expect(body).toContain(`&clientSecret=${SHORT_SECRET}`)
      expect(result.code).toBe(3)
      const printed = result.stdout + result.stderr
      expect(printed).toContain('clientSecret')
      expect(printed).not.toContain(SHORT_SECRET)
      expect(printed).not.toContain(PASSWORD)
      expect(printed).not.toMatch(PIN)
      expectNoSecret(result)
    })
  },
)

// Issue 27, defect 8: Authlete answers 200, its BAD_REQUEST echoing the request in resultMessage and
// responseContent: the answer is printed (its fields, or the JSON), and the secret is not.
describe("AUTHLETE_CLIENT_SECRET is never printed: Authlete's 200 answer echoing the request", () => {
  const echo = (request: ReceivedRequest, res: ServerResponse) => {
    const quoted = `The backchannel authentication request is invalid: ${request.body}`
    json(res, 200, {
      resultCode: 'A180301',
      resultMessage: `[A180301] ${quoted}`,
      action: 'BAD_REQUEST',
      responseContent: JSON.stringify({ error: 'invalid_request', error_description: quoted }),
    })
  }

  it.each(
    CREDENTIALS.flatMap(([api, env]) => [
      [api, 'readable', env, []],
      [api, '--json', env, ['--json']],
    ]) as Array<[string, string, Record<string, string>, string[]]>,
  )('API %s, %s', async (_api, _output, env, flags) => {
    server.handle(echo)
    const before = server.requests.length
    const result = await run(
      [
        'backchannel-authentication',
        'scope=openid&login_hint=john&user_code=4821',
        '--client-id',
        'c1',
        ...flags,
        '--base-url',
        server.url,
      ],
      { ...env, AUTHLETE_CLIENT_SECRET: CLIENT_SECRET },
    )
    const sent = server.requests.slice(before).map((request) => request.body)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toContain(`&clientSecret=${CLIENT_SECRET}`)
    // BAD_REQUEST is not the expected action: exit 2, and the answer is shown.
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('BAD_REQUEST')
    expect(result.stdout).toContain('clientSecret')
    expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET)
    expect(result.stdout + result.stderr).not.toMatch(PIN)
    expectNoSecret(result)
  })
})
