import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthleteStandIn, startAuthleteStandIn } from '../../mocks/index.js'
import { expectNoSecret, type Run, runNode, V3_ENV } from '../helpers/cli.js'
import { closedPort } from '../helpers/loopback.js'

const demo = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url))
const run = (args: string[], env: Record<string, string> = {}) => runNode(demo, args, env)

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
  /** The client's token request, and the ID token checked with the AS's JWK Set. */
  const TOKENS = [
    step('client → AS', 'POST /token \\(grant_type=urn:openid:params:grant-type:ciba, auth_req_id\\)'),
    step('AS → Authlete', 'POST /auth/token → 200 OK'),
    step('AS → client', '200 \\{"access_token":"<access_token, \\d+ characters, not shown>"'),
  ]
  const ID_TOKEN = [
    step('client → AS', 'GET /jwks'),
    step('AS → Authlete', 'GET /service/jwks/get → 200'),
    step('client', "the ID token's signature verifies"),
  ]
  // The tokens at work: userinfo, then the AS's own API, with the access token.
  const USED = [
    step('client → AS', 'GET /userinfo \\(Authorization: Bearer <access token>\\)'),
    step('AS → Authlete', 'POST /auth/userinfo → 200 OK'),
    step('AS → Authlete', 'POST /auth/userinfo/issue → 200 JSON'),
    step('AS → client', '200 \\{"sub":"john","name":"John"\\}'),
    step('client → AS', 'GET /api/me'),
    step('AS → Authlete', 'POST /auth/introspection → 200 OK'),
    step('AS → client', '200 \\{"subject":"john","scopes":\\["openid","profile"\\]'),
  ]
  const USED_ANSWERS = [
    /^ +userinfo +HTTP 200 \{"sub":"john","name":"John"\}$/m,
    /^ +the API \(\/api\/me\) +HTTP 200 \{"subject":"john",/m,
  ]

  it('without credentials: the whole login on simulated Authlete, ping delivered, exit 0, and says so', async () => {
    const result = await run([])
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
      ...TOKENS,
      ...ID_TOKEN,
      ...USED,
      /^ +the client received +\{"auth_req_id":"[\w-]+"\}$/m,
      /^ +ID token claims +\{"iss":"http:\/\/127\.0\.0\.1:\d+","sub":"john","aud":"demo-client",/m,
      /^ +ID token signature +verified \(RS256\) with a key of http:\/\/127\.0\.0\.1:\d+\/jwks$/m,
      ...USED_ANSWERS,
      /^Login approved: ping mode, the client was notified; it fetched its tokens at the token endpoint; the ID token verifies\.$/m,
    ])
    expect(result.stdout).not.toMatch(CREDENTIALS)
  })

  it('--mode push: the tokens reach the client, masked in the output', async () => {
    const result = await run(['--mode', 'push'])
    expect(result.code).toBe(0)
    expectTimeline(result.stdout, [
      AUTHENTICATION,
      ISSUE,
      step('AS → client', 'POST http://127\\.0\\.0\\.1:\\d+/ciba/notification → 204'),
      step('client', 'received the push notification; its bearer token matches'),
      ...ID_TOKEN,
      /"access_token":"<access_token, 43 characters, not shown>"/,
      /^ +ID token claims +\{.*"urn:openid:params:jwt:claim:auth_req_id":"[\w-]+"\}$/m,
      ...USED_ANSWERS,
      /^Login approved: push mode/m,
    ])
    expect(result.stdout).not.toContain('POST /token')
    expect(result.stdout).not.toMatch(CREDENTIALS)
  })

  it('--mode poll: authorization_pending, then NO_ACTION, nothing delivered; the tokens after the interval', async () => {
    const result = await run(['--mode', 'poll'])
    expect(result.code).toBe(0)
    expectTimeline(result.stdout, [
      step('client → AS', 'POST /backchannel/authentication \\(login_hint=john, binding_message=W4SCT\\)'),
      step('client → AS', 'POST /token'),
      step('AS → Authlete', 'POST /auth/token → 200 BAD_REQUEST'),
      step('AS → client', '400 \\{"error":"authorization_pending"'),
      step('AS → Authlete', 'POST /backchannel/authentication/complete → 200 NO_ACTION'),
      step('client', 'waits the interval \\(1 s\\), then polls again'),
      ...TOKENS,
      ...ID_TOKEN,
      ...USED,
      /^ +ID token claims +\{"iss":"http:\/\/127\.0\.0\.1:\d+","sub":"john","aud":"demo-client",/m,
      ...USED_ANSWERS,
      /^Login approved: poll mode, the client polled; it fetched its tokens at the token endpoint; the ID token verifies\.$/m,
    ])
    expect(result.stdout).not.toContain('/ciba/notification →')
  })

  it('an unknown user is refused through /fail: exit 2', async () => {
    const result = await run(['nobody'])
    expect(result.code).toBe(2)
    expectTimeline(result.stdout, [
      step('AS → Authlete', 'POST /backchannel/authentication/fail → 200 BAD_REQUEST'),
      step('AS → client', '400 \\{"error":"unknown_user_id"\\}'),
    ])
  })

  describe('with AUTHLETE_* credentials: the configured service (here a simulator on loopback)', () => {
    const CLIENT_SECRET = 'cli-SECRET-client-7h2m'
    let simulator: import('../../mocks/index.js').CibaSimulator
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
      const { createCibaSimulator } = await import('../../mocks/index.js')
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
      const result = await run(['jane@example.com', '--client-port', String(clientPort)], {
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
        ...TOKENS,
        ...ID_TOKEN,
        /^ +ID token claims +\{"iss":"https:\/\/as\.example\.com","sub":"jane","aud":"ping-rp",/m,
        /^Login approved: ping mode, the client was notified; it fetched its tokens at the token endpoint; the ID token verifies\.$/m,
      ])
      const [complete] = simulator.requests.complete
      expect(simulator.requests.authentication[0]?.parameters).toMatchObject({
        login_hint: 'jane@example.com',
      })
      expect(complete?.fields).toMatchObject({ result: 'AUTHORIZED', subject: 'jane' })
      expectNoCredential(result)
    })

    it('a notification endpoint elsewhere gets nothing: the demo prints what it would deliver', async () => {
      const result = await run([], { ...env('push-rp'), AUTHLETE_LOGIN_HINT: 'john' })
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
      const result = await run([], { ...V3_ENV, AUTHLETE_BASE_URL: service.url })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain('AUTHLETE_CLIENT_ID, AUTHLETE_CLIENT_SECRET, AUTHLETE_LOGIN_HINT')
      expectNoSecret(result)
    })
  })
})
