// Two processes of the example authorization server (examples/authorization-server), on two
// loopback ports, sharing one redis-server (appendonly yes) and one stand-in Authlete (the CIBA
// simulator): a request made through A is listed and decided through B (the device's routes, as the
// demo's signed-in john); a request saved by A appears on the device page B serves, in a real
// browser, within 2 s; 200 concurrent decisions split across A and B reach /complete once; Redis
// stopped mid-flow, then restarted; Redis killed, then restarted, without losing a pending request.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  type CibaSimulator,
  createCibaSimulator,
  startAuthleteStandIn,
} from '../../mocks/index.js'
import { basic } from '../helpers/basic.js'
import { chromiumInstalled, launchBrowser, openPage } from '../helpers/browser.js'
import {
  type ExampleAuthorizationServer,
  exampleInstalled as installed,
  startExampleAuthorizationServer,
} from '../helpers/example-as.js'
import {
  type RedisServer,
  redisRequired,
  skipWithoutRedisServer,
  startRedisServer,
} from '../helpers/redis-server.js'

if (!installed && !skipWithoutRedisServer && !redisRequired) {
  console.warn('Two-instance test skipped: run `npm install` in examples/authorization-server first.')
}
const skip = skipWithoutRedisServer || (!installed && !redisRequired)

const BASIC = basic('my-client', 'my-secret')
/** The demo's session: john signed in. */
const JOHN = 'demo-user=john'

type Instance = ExampleAuthorizationServer

let redis: RedisServer
let simulator: CibaSimulator
let standIn: AuthleteStandIn
let a: Instance
let b: Instance

describe.skipIf(skip)('two instances of the example authorization server on one Redis', () => {
  beforeAll(async () => {
    if (!installed) throw new Error('examples/authorization-server has no node_modules: npm install there')
    redis = await startRedisServer({ appendOnly: true })
    simulator = createCibaSimulator({
      clients: [{ clientId: 'my-client', clientSecret: 'my-secret', deliveryMode: 'POLL' }],
      users: [{ subject: 'john' }, { subject: 'jane' }],
    })
    standIn = await startAuthleteStandIn({ simulator })
    ;[a, b] = await Promise.all([startInstance(), startInstance()])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await standIn?.close()
    await redis?.close()
  })

  it('a request made through A is listed and decided through B', async () => {
    const authReqId = await request(a)
    const listed = await list(b)
    expect(listed).toEqual([
      expect.objectContaining({
        authReqId,
        bindingMessage: 'W4SCT',
        scopes: [{ name: 'openid', description: 'Sign you in' }],
      }),
    ])
    const decided = await decide(b, authReqId, true)
    expect(decided).toEqual({ status: 200, body: { result: 'AUTHORIZED' } })
    expect(simulator.completionOf(authReqId)).toMatchObject({ result: 'AUTHORIZED', subject: 'john' })
    expect(await list(a)).toEqual([])
    // The tokens, through either instance: A here, once; B then finds them redeemed.
    const tokens = await token(a, authReqId)
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) })
    expect(tokens.body.id_token.split('.')).toHaveLength(3)
    expect(await token(b, authReqId)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
  })

  it('200 concurrent decisions, split across A and B, approve and deny mixed: one /complete, every other one AUTHLETE_ALREADY_DECIDED', async () => {
    const authReqId = await request(b)
    const before = simulator.requests.complete.length
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => decide(i % 2 ? a : b, authReqId, i % 4 < 2)),
    )
    expect(simulator.requests.complete.length - before).toBe(1)
    expect(answers.filter((x) => x.status === 200)).toHaveLength(1)
    const refused = answers.filter((x) => x.status !== 200)
    expect(refused).toHaveLength(199)
    for (const x of refused) {
      expect(x).toEqual({
        status: 409,
        body: { error: 'already_decided', message: 'This request is already decided' },
      })
    }
  })

  it.skipIf(!chromiumInstalled && !redisRequired)(
    'a request saved by A appears on the device page served by B within 2 s, without reload',
    async () => {
      if (!chromiumInstalled) throw new Error('No chromium here: apt-get install -y chromium')
      const browser: Browser = await launchBrowser()
      try {
        const { page, problems } = await openPage(browser, {
          cookies: [{ name: 'demo-user', value: 'john', url: b.url }],
        })
        await page.goto(`${b.url}/device`)
        await page.getByText('No request is waiting for you.').waitFor()
        const started = Date.now()
        const authReqId = await request(a, 'A2B')
        const item = page.getByRole('listitem', { name: /my-client/ })
        await item.getByText('A2B', { exact: true }).waitFor({ timeout: 2000 })
        expect(Date.now() - started).toBeLessThan(2000)
        expect(await decide(a, authReqId, false)).toEqual({ status: 200, body: { result: 'ACCESS_DENIED' } })
        // Decided through A: B's page drops it, as already decided elsewhere.
        await item.waitFor({ state: 'detached', timeout: 2000 })
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    },
  )

  it('Redis stopped mid-flow: AUTHLETE_STORE and no /complete; once it is back, the same decision succeeds', async () => {
    const authReqId = await request(a)
    const before = simulator.requests.complete.length
    await redis.stop()
    const failed = await decide(b, authReqId, true)
    expect(failed).toMatchObject({ status: 503, body: { error: 'unavailable' } })
    expect(simulator.requests.complete.length).toBe(before)
    await redis.start()
    await reconnected()
    expect(await decide(b, authReqId, true)).toEqual({ status: 200, body: { result: 'AUTHORIZED' } })
    expect(simulator.requests.complete.length).toBe(before + 1)
  })

  it('appendonly yes: Redis killed and restarted loses no pending request', async () => {
    const authReqId = await request(a)
    await redis.stop('SIGKILL')
    await redis.start()
    await reconnected()
    const listed = await list(b)
    expect(listed.map((p: { authReqId: string }) => p.authReqId)).toEqual([authReqId])
    expect(await decide(a, authReqId, false)).toEqual({ status: 200, body: { result: 'ACCESS_DENIED' } })
    expect(simulator.completionOf(authReqId)).toMatchObject({ result: 'ACCESS_DENIED' })
  })
})

/** Both instances reconnect to Redis by themselves: until each lists again. */
async function reconnected(): Promise<void> {
  for (const instance of [a, b]) {
    await until(
      async () =>
        (await fetch(`${instance.url}/device/requests`, { headers: { cookie: JOHN } })).status === 200,
    )
  }
}

async function startInstance(): Promise<Instance> {
  const instance = await startExampleAuthorizationServer({
    authleteUrl: standIn.url,
    env: { REDIS_URL: redis.url },
  })
  // Listening is not yet connected to Redis: until it lists.
  await until(async () => (await fetch(`${instance.url}/device/requests`, { headers: { cookie: JOHN } })).ok)
  return instance
}

async function request(instance: Instance, bindingMessage = 'W4SCT'): Promise<string> {
  const res = await fetch(`${instance.url}/backchannel/authentication`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
    body: `scope=openid&login_hint=john&binding_message=${bindingMessage}`,
  })
  const body = await json(res)
  expect(res.status, JSON.stringify(body)).toBe(200)
  return body.auth_req_id
}

async function token(instance: Instance, authReqId: string) {
  const res = await fetch(`${instance.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
    body: new URLSearchParams({ grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: authReqId }),
  })
  return { status: res.status, body: await json(res) }
}

/** john's pending requests, as the device lists them. */
async function list(instance: Instance) {
  return json(await fetch(`${instance.url}/device/requests`, { headers: { cookie: JOHN } }))
}

/** john's answer, as the device page sends it. */
async function decide(instance: Instance, authReqId: string, approved: boolean) {
  const res = await fetch(`${instance.url}/device/requests/${authReqId}`, {
    method: 'POST',
    headers: { cookie: JOHN, origin: instance.url, 'content-type': 'application/json' },
    body: JSON.stringify({ decision: approved ? 'approve' : 'deny' }),
  })
  return { status: res.status, body: await json(res) }
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of the example's own shape
async function json(res: Response): Promise<any> {
  return JSON.parse(await res.text())
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
