import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type HttpHandler, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  authleteHandlers,
  completeNotification,
  issueApiError,
  issueDelayed,
  issueHandler,
  issueInvalidTicket,
  issueOk,
  issueRateLimited,
  issueUnknownAction,
  startAuthleteStandIn,
} from '../mocks/index.js'
import { closedPort } from './helpers/loopback.js'

const loader = fileURLToPath(new URL('../scripts/ts-loader.mjs', import.meta.url))
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

const TOKEN = 'cli-SECRET-token-8f2k'
const SECRET = 'cli-SECRET-apisecret-3k9'
const V3_ENV = { AUTHLETE_SERVICE_ID: '715948317', AUTHLETE_ACCESS_TOKEN: TOKEN }

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', loader, script, ...args],
      // A clean environment: no AUTHLETE_* variable of the machine leaks in.
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    )
  })
}

function expectNoSecret({ stdout, stderr }: Run) {
  for (const text of [stdout, stderr]) {
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain(SECRET)
  }
}

/** A stand-in answering with the given handler factory on its own URL. */
async function standIn(handler?: (baseUrl: string) => HttpHandler): Promise<AuthleteStandIn> {
  return startAuthleteStandIn({
    handlers: (baseUrl) => (handler ? [handler(baseUrl)] : authleteHandlers({ baseUrl })),
  })
}

let ok: AuthleteStandIn
beforeAll(async () => {
  ok = await standIn((baseUrl) => issueOk({ baseUrl, authReqId: 'cli-req-id', expiresIn: 120, interval: 3 }))
})
afterAll(() => ok.close())

describe('authlete-ciba issue', () => {
  it('OK: readable output, exit 0', async () => {
    const result = await run(cli, ['issue', 'tkt', '--base-url', ok.url], V3_ENV)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('  action         OK\n')
    expect(result.stdout).toContain('  authReqId      cli-req-id\n')
    expect(result.stdout).toContain('  expiresIn      120 s\n')
    expect(result.stdout).toContain('  HTTP 200\n')
    expect(result.stdout).toContain('{"auth_req_id":"cli-req-id","interval":3,"expires_in":120}')
    expectNoSecret(result)
  })

  it('--json prints the validated answer', async () => {
    const result = await run(cli, ['issue', 'tkt', '--json', '--base-url', ok.url], V3_ENV)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      resultCode: 'A183001',
      resultMessage: '[A183001] An auth_req_id was issued successfully.',
      action: 'OK',
      responseContent: '{"auth_req_id":"cli-req-id","interval":3,"expires_in":120}',
      authReqId: 'cli-req-id',
      expiresIn: 120,
      interval: 3,
    })
  })

  it('API v2 credentials and AUTHLETE_BASE_URL from the environment', async () => {
    const result = await run(cli, ['issue', 'tkt', '--json'], {
      AUTHLETE_API_KEY: '5593494639',
      AUTHLETE_API_SECRET: SECRET,
      AUTHLETE_BASE_URL: ok.url,
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).action).toBe('OK')
    expectNoSecret(result)
  })

  it.each([
    ['INVALID_TICKET', (baseUrl: string) => issueInvalidTicket({ baseUrl })],
    ['NEW_ACTION', (baseUrl: string) => issueUnknownAction('NEW_ACTION', { baseUrl })],
  ])('an action other than OK (%s): exit 2', async (action, handler) => {
    const server = await standIn(handler)
    try {
      const result = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(2)
      expect(result.stdout).toContain(`  action         ${action}\n`)
      expect(result.stdout).toContain('  HTTP 500\n')
    } finally {
      await server.close()
    }
  })

  it('an API error: exit 3, the message on stderr, no secret', async () => {
    const server = await standIn((baseUrl) =>
      issueApiError(401, 'A001202', 'Authorization header is missing.', { baseUrl }),
    )
    try {
      const result = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(3)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(
        'authlete-ciba: AUTHLETE_API_ERROR: Authlete answered HTTP 401: [A001202] Authorization header is missing.',
      )
      expectNoSecret(result)
      const json = await run(cli, ['issue', 'tkt', '--json', '--base-url', server.url], V3_ENV)
      expect(json.code).toBe(3)
      expect(JSON.parse(json.stdout).error).toMatchObject({
        name: 'AuthleteApiError',
        code: 'AUTHLETE_API_ERROR',
        status: 401,
        resultCode: 'A001202',
      })
      expectNoSecret(json)
    } finally {
      await server.close()
    }
  })

  it('a network failure: exit 4', async () => {
    const port = await closedPort()
    const result = await run(cli, ['issue', 'tkt', '--base-url', `http://127.0.0.1:${port}`], V3_ENV)
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('AUTHLETE_NETWORK')
    expectNoSecret(result)
  })

  it('a timeout: exit 4', async () => {
    const server = await standIn((baseUrl) => issueDelayed(5000, { baseUrl }))
    try {
      const result = await run(cli, ['issue', 'tkt', '--timeout', '200', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(4)
      expect(result.stderr).toContain('AUTHLETE_TIMEOUT')
    } finally {
      await server.close()
    }
  })

  it.each([
    [['issue'], {}, 'expected a command and its argument'],
    [['issue', 'a', 'b'], V3_ENV, 'expected a command and its argument'],
    [['nope', 'x'], V3_ENV, 'expected a command and its argument'],
    [['issue', 't', '--bogus'], V3_ENV, "Unknown option '--bogus'"],
    [
      ['issue', 't'],
      {},
      'set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (API v3) or AUTHLETE_API_KEY + AUTHLETE_API_SECRET (API v2)',
    ],
    [['issue', 't', '--region', 'mars'], V3_ENV, 'check --region or AUTHLETE_REGION'],
    [['issue', 't', '--region', 'mars'], V3_ENV, '(must be one of'],
    [['issue', 't', '--timeout', 'soon'], V3_ENV, 'check --timeout (milliseconds)'],
    [
      ['issue', 't', '--region', 'jp', '--base-url', 'https://x.example'],
      V3_ENV,
      'give --region or --base-url, not both',
    ],
    [['issue', 't', '--base-url', 'http://authlete.example'], V3_ENV, 'needs --allow-insecure-http'],
    [['issue', 't', '--reason', 'X'], V3_ENV, '--reason does not apply to "issue"'],
    [
      ['authenticate', 'scope=openid', '--client-certificate', '/nonexistent/cert.pem'],
      V3_ENV,
      '--client-certificate: cannot read /nonexistent/cert.pem (ENOENT)',
    ],
    [['fail', 't'], V3_ENV, 'fail needs --reason'],
    [['complete', 't', '--result', 'AUTHORIZED'], V3_ENV, 'complete needs --subject'],
    [['complete', 't', '--subject', 's'], V3_ENV, 'complete needs --result'],
  ])('usage or configuration error %j: exit 1', async (args, env, words) => {
    const result = await run(cli, args, env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(words)
    expectNoSecret(result)
  })

  it("a configuration error speaks of variables and flags only, never of the library's option names", async () => {
    const none = await run(cli, ['issue', 't'], {})
    const insecure = await run(cli, ['issue', 't', '--base-url', 'http://authlete.example'], V3_ENV)
    for (const result of [none, insecure]) {
      expect(result.code).toBe(1)
      expect(result.stderr).not.toMatch(/serviceId|accessToken|apiKey|apiSecret|allowInsecureHttp|baseUrl/)
    }
    expect(insecure.stderr).toContain('--allow-insecure-http')
  })

  it('a ticket that starts with "-" is taken after "--", as --help says', async () => {
    const help = await run(cli, ['--help'])
    expect(help.stdout).toContain('A ticket that starts with "-" goes after "--"')
    const result = await run(cli, ['issue', '--stand-in', '--json', '--', '-8v6PSYU9xFX4'])
    expect(JSON.parse(result.stdout).action).toBe('INVALID_TICKET')
  })

  it('--help and --version exit 0', async () => {
    const help = await run(cli, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('authlete-ciba issue <ticket>')
    expect(help.stdout).toContain('authlete-ciba authenticate <parameters>')
    expect(help.stdout).toContain('authlete-ciba fail <ticket> --reason REASON')
    expect(help.stdout).toContain('authlete-ciba complete <ticket> --result RESULT --subject SUBJECT')
    const version = await run(cli, ['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe('npm start (the demo)', { timeout: 30_000 }, () => {
  // Each test runs the demo in a child process: a few seconds each, more on a busy machine.
  /** `  123 ms  who  what`: one step of the timeline. */
  const step = (who: string, what: string) => new RegExp(`^ +\\d+ ms  ${who} +${what}`, 'm')
  /** The steps appear in this order. */
  function expectTimeline(stdout: string, steps: RegExp[]) {
    let from = 0
    for (const pattern of steps) {
      const match = pattern.exec(stdout.slice(from))
      expect(match, `${pattern} after character ${from} of:\n${stdout}`).not.toBeNull()
      from += (match?.index ?? 0) + (match?.[0].length ?? 0)
    }
  }
  const AUTHENTICATION = step('AS → Authlete', 'POST /backchannel/authentication → 200 USER_IDENTIFICATION')
  const ISSUE = step('AS → Authlete', 'POST /backchannel/authentication/issue → 200 OK')
  const CREDENTIALS = /client_notification_token=|Bearer [\w-]|"(access|refresh|id)_token":"[\w-]/

  it('without credentials: the whole login on simulated Authlete, ping delivered, exit 0, and says so', async () => {
    const result = await run(demo, [])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('a whole CIBA login, ping mode')
    expect(result.stdout).toMatch(/client application +STAND-IN/)
    expect(result.stdout).toMatch(
      /Authlete +SIMULATED: createCibaSimulator served over HTTP by startAuthleteStandIn at http:\/\/127\.0\.0\.1:\d+/,
    )
    expect(result.stdout).toMatch(/user's device +SIMULATED/)
    expectTimeline(result.stdout, [
      step('client → AS', 'POST /backchannel/authentication \\(login_hint=john, binding_message=W4SCT'),
      AUTHENTICATION,
      step('AS', 'identifyUser: login_hint john → subject john'),
      ISSUE,
      step('AS → device', 'asks john to approve'),
      step('AS → client', '200 \\{"auth_req_id":"[\\w-]+"'),
      step('device → AS', 'the user approves'),
      step('AS → Authlete', 'POST /backchannel/authentication/complete → 200 NOTIFICATION'),
      step('AS → client', 'POST http://127\\.0\\.0\\.1:\\d+/ciba/notification → 204'),
      step('client', 'received the ping notification; its bearer token matches'),
      /^ +the client received +\{"auth_req_id":"[\w-]+"\}$/m,
      /^Login approved: ping mode, the client was notified\.$/m,
    ])
    expect(result.stdout).not.toMatch(CREDENTIALS)
  })

  it('--mode push: the tokens reach the client, masked in the output', async () => {
    const result = await run(demo, ['--mode', 'push'])
    expect(result.code).toBe(0)
    expectTimeline(result.stdout, [
      AUTHENTICATION,
      ISSUE,
      step('AS → client', 'POST http://127\\.0\\.0\\.1:\\d+/ciba/notification → 204'),
      step('client', 'received the push notification; its bearer token matches'),
      /"access_token":"<access_token, 43 characters, not shown>"/,
      /^Login approved: push mode/m,
    ])
    expect(result.stdout).not.toMatch(CREDENTIALS)
  })

  it('--mode poll: NO_ACTION, nothing delivered; the result waits at Authlete', async () => {
    const result = await run(demo, ['--mode', 'poll'])
    expect(result.code).toBe(0)
    expectTimeline(result.stdout, [
      step('client → AS', 'POST /backchannel/authentication \\(login_hint=john, binding_message=W4SCT\\)'),
      step('AS → Authlete', 'POST /backchannel/authentication/complete → 200 NO_ACTION'),
      /Authlete \(simulated\) +holds AUTHORIZED for john/,
      /^Login approved: poll mode/m,
    ])
    expect(result.stdout).not.toContain('/ciba/notification →')
  })

  it('an unknown user is refused through /fail: exit 2', async () => {
    const result = await run(demo, ['nobody'])
    expect(result.code).toBe(2)
    expectTimeline(result.stdout, [
      step('AS → Authlete', 'POST /backchannel/authentication/fail → 200 BAD_REQUEST'),
      step('AS → client', '400 \\{"error":"unknown_user_id"\\}'),
    ])
  })

  describe('with AUTHLETE_* credentials: the configured service (here a simulator on loopback)', () => {
    const CLIENT_SECRET = 'cli-SECRET-client-7h2m'
    let simulator: import('../mocks/index.js').CibaSimulator
    let service: AuthleteStandIn
    let clientPort: number
    /**
     * A free loopback port for the demo's client stand-in, chosen below the ephemeral ranges
     * (Linux 32768-60999, macOS 49152-65535) so that no connection or listen(0) of the busy test
     * run takes it in the seconds before the demo starts.
     */
    async function quietPort(): Promise<number> {
      const net = await import('node:net')
      const isFree = (port: number) =>
        new Promise<boolean>((resolve) => {
          const probe = net.createServer()
          probe.once('error', () => resolve(false))
          probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
        })
      for (let tries = 0; tries < 50; tries++) {
        const port = 20_000 + Math.floor(Math.random() * 10_000)
        if (await isFree(port)) return port
      }
      return closedPort()
    }
    beforeAll(async () => {
      const { createCibaSimulator } = await import('../mocks/index.js')
      clientPort = await quietPort()
      simulator = createCibaSimulator({
        clients: [
          {
            clientId: 'ping-rp',
            clientSecret: CLIENT_SECRET,
            deliveryMode: 'PING',
            clientNotificationEndpoint: `http://127.0.0.1:${clientPort}/ciba/notification`,
          },
          {
            clientId: 'push-rp',
            clientSecret: CLIENT_SECRET,
            deliveryMode: 'PUSH',
            // Never contacted: the demo only delivers to its own client stand-in.
            clientNotificationEndpoint: 'https://rp.example.com/ciba',
          },
        ],
      })
      service = await startAuthleteStandIn({ simulator })
    })
    afterAll(() => service.close())
    const env = (clientId: string) => ({
      ...V3_ENV,
      AUTHLETE_BASE_URL: service.url,
      AUTHLETE_CLIENT_ID: clientId,
      AUTHLETE_CLIENT_SECRET: CLIENT_SECRET,
    })
    function expectNoCredential(result: Run) {
      expectNoSecret(result)
      expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET)
      expect(result.stdout).not.toMatch(CREDENTIALS)
    }

    it("the calls go there; a ping to the demo's client stand-in is delivered", async () => {
      const result = await run(demo, ['jane@example.com', '--client-port', String(clientPort)], {
        ...env('ping-rp'),
        AUTHLETE_SUBJECT: 'jane',
      })
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(
        `Authlete              YOUR SERVICE (AUTHLETE_* variables) at ${service.url}`,
      )
      expect(result.stdout).not.toContain('SIMULATED')
      expect(result.stdout).toMatch(/user's device +NONE: the demo approves at once, as subject jane/)
      expectTimeline(result.stdout, [
        step('client → AS', 'POST /backchannel/authentication \\(login_hint=jane@example\\.com'),
        AUTHENTICATION,
        step('AS', 'identifyUser: login_hint jane@example\\.com → subject jane \\(AUTHLETE_SUBJECT\\)'),
        ISSUE,
        step('device → AS', 'no device: the demo approves at once, as jane'),
        step('AS → Authlete', 'POST /backchannel/authentication/complete → 200 NOTIFICATION'),
        step('AS → client', `POST http://127\\.0\\.0\\.1:${clientPort}/ciba/notification → 204`),
        step('client', 'received the ping notification; its bearer token matches'),
        /^Login approved: ping mode, the client was notified\.$/m,
      ])
      const [complete] = simulator.requests.complete
      expect(simulator.requests.authentication[0]?.parameters).toMatchObject({
        login_hint: 'jane@example.com',
      })
      expect(complete?.fields).toMatchObject({ result: 'AUTHORIZED', subject: 'jane' })
      expectNoCredential(result)
    })

    it('a notification endpoint elsewhere gets nothing: the demo prints what it would deliver', async () => {
      const result = await run(demo, [], { ...env('push-rp'), AUTHLETE_LOGIN_HINT: 'john' })
      expect(result.code).toBe(0)
      expectTimeline(result.stdout, [
        step('AS → Authlete', 'POST /backchannel/authentication/complete → 200 NOTIFICATION'),
        step('AS', 'not delivered: the endpoint https://rp\\.example\\.com/ciba is not'),
        /NOT SENT by this demo\. It would POST to https:\/\/rp\.example\.com\/ciba/,
        /"access_token":"<access_token, 43 characters, not shown>"/,
        /\(push mode: the tokens in it reach no client\)/,
      ])
      expect(result.stdout).not.toContain('→ 204')
      const authReqId = simulator.authentications.at(-1)?.authReqId ?? ''
      const tokens = simulator.completionOf(authReqId)?.tokens
      expect(tokens).toBeDefined()
      for (const token of Object.values(tokens ?? {})) {
        if (typeof token === 'string') expect(result.stdout).not.toContain(token)
      }
      expectNoCredential(result)
    })

    it('without the client or the login hint: exit 1, naming what is missing', async () => {
      const result = await run(demo, [], { ...V3_ENV, AUTHLETE_BASE_URL: service.url })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain('AUTHLETE_CLIENT_ID, AUTHLETE_CLIENT_SECRET, AUTHLETE_LOGIN_HINT')
      expectNoSecret(result)
    })
  })
})

describe('authlete-ciba authenticate, fail and complete', () => {
  let family: AuthleteStandIn
  beforeAll(async () => {
    family = await startAuthleteStandIn()
  })
  afterAll(() => family.close())

  it('authenticate: USER_IDENTIFICATION, exit 0; the client secret from AUTHLETE_CLIENT_SECRET is sent, never printed', async () => {
    const result = await run(
      cli,
      [
        'authenticate',
        'scope=openid&login_hint=john&binding_message=W4SCT',
        '--client-id',
        'c1',
        '--base-url',
        family.url,
      ],
      { ...V3_ENV, AUTHLETE_CLIENT_SECRET: 'client-SECRET-xyz' },
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('  action         USER_IDENTIFICATION\n')
    expect(result.stdout).toContain('  hintType       LOGIN_HINT\n')
    expect(result.stdout).toContain('  hint           john\n')
    expect(result.stdout).toMatch(/ {2}ticket {9}[\w-]{43}\n/)
    expect(result.stdout).toContain('USER_IDENTIFICATION itself is not an answer to send the client')
    expect(result.stdout).not.toContain('HTTP 500')
    expect(`${result.stdout}${result.stderr}`).not.toContain('client-SECRET-xyz')
    expectNoSecret(result)
  })

  it('authenticate: a request without openid is BAD_REQUEST: exit 2, the endpoint answers 400', async () => {
    const result = await run(cli, ['authenticate', 'login_hint=john', '--base-url', family.url], V3_ENV)
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('  action         BAD_REQUEST\n')
    expect(result.stdout).toContain('  HTTP 400\n')
  })

  it('fail: BAD_REQUEST for UNKNOWN_USER_ID is the expected outcome: exit 0, the endpoint answers 400', async () => {
    const result = await run(
      cli,
      [
        'fail',
        'tkt',
        '--reason',
        'UNKNOWN_USER_ID',
        '--error-description',
        'no such user',
        '--json',
        '--base-url',
        family.url,
      ],
      V3_ENV,
    )
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      action: 'BAD_REQUEST',
      responseContent: '{"error":"unknown_user_id","error_description":"no such user"}',
    })
  })

  it('fail: SERVER_ERROR gives INTERNAL_SERVER_ERROR: exit 2', async () => {
    const result = await run(
      cli,
      ['fail', 'tkt', '--reason', 'SERVER_ERROR', '--base-url', family.url],
      V3_ENV,
    )
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('  HTTP 500\n')
  })

  it('complete: NO_ACTION (poll) exits 0; the scopes and claims flags are sent', async () => {
    const result = await run(
      cli,
      [
        'complete',
        'tkt',
        '--result',
        'AUTHORIZED',
        '--subject',
        'john',
        '--auth-time',
        '1700000000',
        '--claims',
        '{"name":"John"}',
        '--scopes',
        'openid email',
        '--base-url',
        family.url,
      ],
      V3_ENV,
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('  action         NO_ACTION\n')
  })

  it('complete: a NOTIFICATION shows where it must go; the notification token is masked', async () => {
    const server = await standIn((baseUrl) =>
      completeNotification({ baseUrl, clientNotificationEndpoint: 'https://rp.example/cb', authReqId: 'r1' }),
    )
    try {
      const result = await run(
        cli,
        ['complete', 'tkt', '--result', 'AUTHORIZED', '--subject', 'john', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('must POST this to https://rp.example/cb')
      expect(result.stdout).toContain('{"auth_req_id":"r1"}')
      expect(result.stdout).toContain('clientNotificationToken (25 characters, not shown)')
      expect(result.stdout).not.toContain('client-notification-token')
    } finally {
      await server.close()
    }
  })
})

// Any control character but the newline that ends each line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('what the CLI prints of text Authlete controls', () => {
  it('escapes control characters (ANSI, OSC) in readable output, and C1 controls in --json', async () => {
    const evil = '\u001b]0;pwned\u0007\u001b[31mred\u009b2J'
    const server = await standIn((baseUrl) => issueOk({ baseUrl, authReqId: evil }))
    try {
      const readable = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(readable.code).toBe(0)
      expect(readable.stdout).not.toMatch(RAW_CONTROL)
      expect(readable.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[31mred\\u009b2J')
      const json = await run(cli, ['issue', 'tkt', '--json', '--base-url', server.url], V3_ENV)
      expect(json.stdout).not.toMatch(RAW_CONTROL)
      expect(JSON.parse(json.stdout).authReqId).toBe(evil)
    } finally {
      await server.close()
    }
  })

  it('escapes control characters in field names too', async () => {
    const server = await standIn((baseUrl) =>
      issueHandler(
        () =>
          HttpResponse.json({
            action: 'OK',
            authReqId: 'a',
            expiresIn: 1,
            interval: 1,
            '\u001b]0;x\u0007': 1,
          }),
        { baseUrl },
      ),
    )
    try {
      const result = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.stdout).not.toMatch(RAW_CONTROL)
      expect(result.stdout).toContain('\\u001b]0;x\\u0007')
    } finally {
      await server.close()
    }
  })

  it('masks the tokens of a push notification body', async () => {
    const server = await standIn((baseUrl) =>
      completeNotification({ baseUrl, deliveryMode: 'PUSH', authReqId: 'r9' }),
    )
    try {
      const result = await run(
        cli,
        ['complete', 't', '--result', 'AUTHORIZED', '--subject', 's', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('"access_token":"(43 characters, not shown)"')
      expect(result.stdout).toMatch(/"id_token":"\(\d+ characters, not shown\)"/)
      expect(result.stdout).toContain('"auth_req_id":"r9"')
    } finally {
      await server.close()
    }
  })

  it('prints the retry time of a 429 whose Retry-After is longer than the deadline', async () => {
    const server = await standIn((baseUrl) => issueRateLimited({ baseUrl, retryAfter: 120 }))
    try {
      const result = await run(cli, ['issue', 'tkt', '--timeout', '1000', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(3)
      expect(result.stderr).toContain('Authlete asks to retry after 120 s (at 20')
    } finally {
      await server.close()
    }
  })
})

describe('authlete-ciba --stand-in', () => {
  it('authenticate runs against the embedded simulator with no credentials: USER_IDENTIFICATION, exit 0', async () => {
    const result = await run(cli, ['authenticate', 'scope=openid&login_hint=john', '--stand-in'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Authlete http:\/\/127\.0\.0\.1:\d+ \(API v3\)\n/)
    expect(result.stdout).toContain('  action         USER_IDENTIFICATION\n')
    expect(result.stdout).toContain('  clientIdAlias  stand-in-client\n')
    expect(result.stdout).toContain('  clientAuthMethod CLIENT_SECRET_BASIC\n')
  })

  it('issue and complete answer as Authlete does for a ticket it does not know (a fresh service each run)', async () => {
    const issue = await run(cli, ['issue', 'other-runs-ticket', '--stand-in', '--json'])
    expect(issue.code).toBe(2)
    expect(JSON.parse(issue.stdout).action).toBe('INVALID_TICKET')
    const complete = await run(cli, [
      'complete',
      't',
      '--result',
      'AUTHORIZED',
      '--subject',
      'john',
      '--stand-in',
      '--json',
    ])
    expect(complete.code).toBe(2)
    expect(JSON.parse(complete.stdout).action).toBe('SERVER_ERROR')
  })

  it('refuses --stand-in with --base-url', async () => {
    const result = await run(cli, ['issue', 't', '--stand-in', '--base-url', 'https://x.example'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('give --stand-in, or --base-url / --region, not both')
  })
})
