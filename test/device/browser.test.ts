// The device page in a real browser (Debian's Chromium, headless, through playwright-core), served
// by the example authorization server (examples/authorization-server, in a child process) on the
// CIBA simulator; the client application is the client stand-in. What a person does: a request
// appears without reload with what it asks for, Approve gives the client its tokens, Deny
// access_denied, a second tab learns it was already decided, an expired request leaves, all of it
// by keyboard; what an attacker tries: markup in the client's texts, an inline script, a form or a
// fetch from another origin. The browser's traffic goes to loopback only.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  type CibaClientStandIn,
  type CibaSimulator,
  createCibaSimulator,
  startAuthleteStandIn,
  startCibaClientStandIn,
} from '../../mocks/index.js'
import { chromiumInstalled, launchBrowser, openPage, type WatchedPage } from '../helpers/browser.js'
import {
  type ExampleAuthorizationServer,
  exampleInstalled,
  startExampleAuthorizationServer,
} from '../helpers/example-as.js'
import { redisRequired } from '../helpers/redis-server.js'

// CI installs both (.ci/run) and fails rather than skip; elsewhere the file says what is missing.
const required = redisRequired || process.env.CI === 'true'
const skip = !required && (!chromiumInstalled || !exampleInstalled)
if (skip)
  console.warn(
    'Browser tests skipped: they need /usr/bin/chromium and `npm install` in examples/authorization-server.',
  )

// The browser's globals, as the callbacks given to page.evaluate see them (this file is Node's).
declare const document: {
  activeElement: unknown
  createElement(tag: string): { textContent: string }
  body: { append(node: unknown): void }
  getElementById(id: string): { submit(): void }
}
declare const window: Record<string, unknown>

const SHOP = { clientId: 'shop', clientSecret: 'shop-secret', clientName: 'My Shop' }
const ROGUE = {
  clientId: 'rogue',
  clientSecret: 'rogue-secret',
  clientName: '<img src=x onerror="window.pwned=1">Rogue',
}
const PAYMENT = {
  type: 'payment_initiation',
  actions: ['initiate', 'status'],
  locations: ['https://bank.example/payments'],
  instructedAmount: { currency: 'EUR', amount: '123.50' },
  creditorName: 'Merchant A',
}

let simulator: CibaSimulator
let authlete: AuthleteStandIn
let as: ExampleAuthorizationServer
let client: CibaClientStandIn
let browser: Browser
const pages: WatchedPage[] = []

describe.skipIf(skip)('the device page in Chromium', () => {
  beforeAll(async () => {
    if (!chromiumInstalled) throw new Error('No chromium here: apt-get install -y chromium')
    if (!exampleInstalled)
      throw new Error('examples/authorization-server has no node_modules: npm install there')
    simulator = createCibaSimulator({
      clients: [SHOP, ROGUE],
      users: [{ subject: 'john' }, { subject: 'jane' }],
    })
    authlete = await startAuthleteStandIn({ simulator })
    ;[as, client, browser] = await Promise.all([
      startExampleAuthorizationServer({ authleteUrl: authlete.url }),
      startCibaClientStandIn(),
      launchBrowser(),
    ])
  }, 60_000)

  afterEach(async () => {
    for (const { context } of pages.splice(0)) await context.close()
    // What a test left waiting is denied, so that the next one starts from an empty list.
    const cookie = 'demo-user=john'
    const left = (await (await fetch(`${as.url}/device/requests`, { headers: { cookie } })).json()) as Array<{
      authReqId: string
    }>
    for (const { authReqId } of left) {
      await fetch(`${as.url}/device/requests/${authReqId}`, {
        method: 'POST',
        headers: { cookie, origin: as.url, 'content-type': 'application/json' },
        body: '{"decision":"deny"}',
      })
    }
  })

  afterAll(async () => {
    await browser?.close()
    await client?.close()
    await as?.close()
    await authlete?.close()
  })

  /** The device page, signed in as `user` through the demo's sign-in. */
  async function devicePage(user = 'john'): Promise<WatchedPage> {
    const watched = await openPage(browser)
    pages.push(watched)
    await watched.page.goto(`${as.url}/`)
    await watched.page.getByRole('button', { name: new RegExp(`\\(${user}\\)`) }).click()
    await watched.page.waitForURL(`${as.url}/device`)
    await watched.page
      .getByRole('list', { name: 'Requests waiting for your answer' })
      .waitFor({ state: 'attached' })
    return watched
  }

  /** The client starts a login for john; resolves to its auth_req_id. */
  async function startLogin(fields: Partial<Parameters<CibaClientStandIn['requestAuthentication']>[0]> = {}) {
    const answer = await client.requestAuthentication({
      endpoint: `${as.url}/backchannel/authentication`,
      ...SHOP,
      scope: 'openid email',
      loginHint: 'john',
      bindingMessage: 'W4SCT',
      authorizationDetails: [PAYMENT],
      ...fields,
    })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return answer.body?.auth_req_id as string
  }

  const tokensFor = (authReqId: string, credentials = SHOP) =>
    client.fetchTokens({ tokenEndpoint: `${as.url}/token`, authReqId, ...credentials })

  it('a request the client makes appears without reload, with its binding message, scopes, claims, authorization details and time left', async () => {
    const { page, problems, blocked } = await devicePage()
    await page.getByText('No request is waiting for you.').waitFor()
    const authReqId = await startLogin()
    const item = page.getByRole('listitem', { name: /My Shop/ })
    await item.waitFor({ timeout: 2000 })
    await expect.poll(() => page.getByText('No request is waiting for you.').isHidden()).toBe(true)
    expect(await item.getByRole('heading', { level: 2 }).textContent()).toBe(
      'My Shop asks you to approve a sign-in',
    )
    expect(await item.locator('.binding strong').textContent()).toBe('W4SCT')
    const lines = await item.getByRole('listitem').allTextContents()
    expect(lines).toEqual([
      'Sign you in (openid)',
      'Your email address (email)',
      'email',
      'email_verified',
      'Type: payment_initiation',
      'Actions: initiate, status',
      'Locations: https://bank.example/payments',
      'Instructed amount: 123.50 EUR',
      'Creditor name: Merchant A',
    ])
    expect(await item.locator('.time').textContent()).toMatch(/^Time left: (9:5\d|10:00)$/)
    expect(await item.getByRole('button').allTextContents()).toEqual(['Approve', 'Deny'])
    expect(simulator.authentication(authReqId)?.status).toBe('pending')
    expect(problems).toEqual([])
    expect(blocked).toEqual([])
  })

  it('Approve: the request leaves the list and the client gets its tokens; no console error, nothing off loopback', async () => {
    const { page, problems, blocked } = await devicePage()
    const authReqId = await startLogin({ bindingMessage: 'APPROVE-1' })
    const item = page.getByRole('listitem', { name: /My Shop/ })
    await item.getByRole('button', { name: 'Approve', exact: true }).click()
    await page.getByRole('status').getByText('You approved the request of My Shop.').waitFor()
    await item.waitFor({ state: 'detached' })
    const tokens = await tokensFor(authReqId)
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) })
    const idToken = JSON.parse(
      Buffer.from(String(tokens.body?.id_token).split('.')[1] ?? '', 'base64url').toString(),
    )
    expect(idToken).toMatchObject({ sub: 'john', name: 'John Smith' })
    expect(problems).toEqual([])
    expect(blocked).toEqual([])
  })

  it('Deny: the client gets access_denied', async () => {
    const { page } = await devicePage()
    const authReqId = await startLogin({ bindingMessage: 'DENY-1' })
    await page
      .getByRole('listitem', { name: /My Shop/ })
      .getByRole('button', { name: 'Deny', exact: true })
      .click()
    await page.getByRole('status').getByText('You denied the request of My Shop.').waitFor()
    expect(await tokensFor(authReqId)).toMatchObject({ status: 400, body: { error: 'access_denied' } })
  })

  it('two tabs: the one that answers second hears "already decided", not an error page', async () => {
    const first = await devicePage()
    const second = await devicePage()
    // The second tab's list stays as it was first loaded: its event stream is held back.
    await second.page.route('**/device/events', () => {})
    await second.page.reload()
    const authReqId = await startLogin({ bindingMessage: 'TWO-TABS' })
    await second.page.reload()
    const stale = second.page.getByRole('listitem', { name: /My Shop/ })
    await stale.waitFor()
    await first.page
      .getByRole('listitem', { name: /My Shop/ })
      .getByRole('button', { name: 'Approve', exact: true })
      .click()
    await first.page.getByRole('status').getByText('You approved the request of My Shop.').waitFor()
    await stale.getByRole('button', { name: 'Approve', exact: true }).click()
    await second.page.getByRole('status').getByText('My Shop: this request was already decided.').waitFor()
    await stale.waitFor({ state: 'detached' })
    expect(second.page.url()).toBe(`${as.url}/device`)
    // One /complete for this request, from the first tab: the second tab's click completed nothing.
    expect(
      simulator.requests.backchannelComplete.filter((r) => r.answer.authReqId === authReqId),
    ).toHaveLength(1)
    expect((await tokensFor(authReqId)).status).toBe(200)
  })

  it('two tabs: the other tab drops a request decided in the first, saying it was decided elsewhere', async () => {
    const first = await devicePage()
    const second = await devicePage()
    await startLogin({ bindingMessage: 'ELSEWHERE' })
    const there = second.page.getByRole('listitem', { name: /My Shop/ })
    await there.waitFor()
    await first.page
      .getByRole('listitem', { name: /My Shop/ })
      .getByRole('button', { name: 'Deny', exact: true })
      .click()
    await there.waitFor({ state: 'detached', timeout: 2000 })
    expect(await second.page.getByRole('status').textContent()).toBe(
      'My Shop: this request was already decided elsewhere.',
    )
    expect(second.problems).toEqual([])
  })

  it('an expired request leaves the list', async () => {
    const { page, problems } = await devicePage()
    await startLogin({ bindingMessage: 'SHORT', requestedExpiry: 2 })
    const item = page.getByRole('listitem', { name: /My Shop/ })
    await item.waitFor()
    await item.waitFor({ state: 'detached', timeout: 4000 })
    expect(await page.getByRole('status').textContent()).toBe('My Shop: this request expired.')
    expect(problems).toEqual([])
  })

  it('keyboard only: Tab reaches Approve, then Deny; Enter answers; focus does not get lost', async () => {
    const { page } = await devicePage()
    const authReqId = await startLogin({ bindingMessage: 'KEYS' })
    const item = page.getByRole('listitem', { name: /My Shop/ })
    await item.waitFor()
    const approve = item.getByRole('button', { name: 'Approve', exact: true })
    const deny = item.getByRole('button', { name: 'Deny', exact: true })
    const focused = (button: typeof approve) => button.evaluate((el) => el === document.activeElement)
    await page.keyboard.press('Tab')
    expect(await focused(approve)).toBe(true)
    await page.keyboard.press('Tab')
    expect(await focused(deny)).toBe(true)
    await page.keyboard.press('Shift+Tab')
    expect(await focused(approve)).toBe(true)
    await page.keyboard.press('Enter')
    await page.getByRole('status').getByText('You approved the request of My Shop.').waitFor()
    // The item went with the focused button: focus is on the announcement, not on nothing.
    expect(await page.getByRole('status').evaluate((el) => el === document.activeElement)).toBe(true)
    expect((await tokensFor(authReqId)).status).toBe(200)
  })

  it('markup in the binding message, the client’s name and the authorization details is shown as text, never run', async () => {
    const { page, problems } = await devicePage()
    const script = '<script>window.pwned=2</script>'
    await startLogin({
      ...ROGUE,
      bindingMessage: script,
      authorizationDetails: [{ type: '<b>bold</b>', note: '<img src=x onerror="window.pwned=3">' }],
    })
    const item = page.getByRole('listitem', { name: /Rogue/ })
    await item.waitFor()
    expect(await item.getByRole('heading', { level: 2 }).textContent()).toBe(
      `${ROGUE.clientName} asks you to approve a sign-in`,
    )
    expect(await item.locator('.binding strong').textContent()).toBe(script)
    expect(await item.getByText('Type: <b>bold</b>').count()).toBe(1)
    expect(await item.getByText('Note: <img src=x onerror="window.pwned=3">').count()).toBe(1)
    expect(await item.locator('script, img, b').count()).toBe(0)
    expect(await page.evaluate(() => window.pwned)).toBeUndefined()
    expect(problems).toEqual([])
    await item.getByRole('button', { name: 'Deny', exact: true }).click()
    await item.waitFor({ state: 'detached' })
  })

  it('under its Content-Security-Policy and Trusted Types, no injected script, inline handler or script policy gets through', async () => {
    const { page, problems } = await devicePage()
    const answer = await page.reload()
    expect(answer?.headers()['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'nonce-[^']+';/,
    )
    const outcome = await page.evaluate(() => {
      const attempt = (what: () => void) => {
        try {
          what()
          return 'done'
        } catch (error) {
          return (error as Error).name
        }
      }
      const script = document.createElement('script')
      const button = document.createElement('button') as unknown as {
        setAttribute(n: string, v: string): void
      }
      const trustedTypes = window.trustedTypes as { createPolicy(name: string, rules: object): unknown }
      return {
        script: attempt(() => {
          script.textContent = 'window.injected = "script"'
          document.body.append(script)
        }),
        handler: attempt(() => button.setAttribute('onclick', 'window.injected = "handler"')),
        policy: attempt(() =>
          trustedTypes.createPolicy('attacker', { createScript: (text: string) => text }),
        ),
        injected: window.injected ?? 'nothing ran',
      }
    })
    expect(outcome).toEqual({
      script: 'TypeError',
      handler: 'TypeError',
      policy: 'TypeError',
      injected: 'nothing ran',
    })
    // Each refusal, as the browser reports it: the page's policy said no.
    expect(problems).toEqual([
      "console: This document requires 'TrustedScript' assignment. The action has been blocked.",
      "console: This document requires 'TrustedScript' assignment. The action has been blocked.",
      expect.stringMatching(
        /^console: Creating a TrustedTypePolicy named 'attacker' violates the following Content Security policy directive: "trusted-types authlete-ciba-device"/,
      ),
    ])
  })

  it('npm start -- --interactive: the example starts a login, a person approves it in the browser, the client shows its tokens', async () => {
    const interactive = await startExampleAuthorizationServer({
      authleteUrl: 'http://127.0.0.1:9',
      args: ['--interactive'],
    })
    try {
      const printed = () => interactive.log.join('')
      await expect.poll(printed).toContain(`[client] Open ${interactive.url}/ in a browser`)
      expect(printed()).toContain('Authlete: the CIBA simulator at http://127.0.0.1:')
      const code = /Its screen shows: (DEMO-\d{4})/.exec(printed())?.[1] as string
      const watched = await openPage(browser)
      pages.push(watched)
      const { page, problems } = watched
      await page.goto(`${interactive.url}/`)
      await page.getByRole('button', { name: /\(john\)/ }).click()
      const item = page.getByRole('listitem', { name: /Demo Shop/ })
      await item.getByText(code, { exact: true }).waitFor()
      expect(await item.getByText('Instructed amount: 42.00 EUR').count()).toBe(1)
      await item.getByRole('button', { name: 'Approve', exact: true }).click()
      await page.getByRole('status').getByText('You approved the request of Demo Shop.').waitFor()
      // Before the example stops (once the client has its tokens), which cuts the page's event stream.
      expect(problems).toEqual([])
      await expect
        .poll(printed, { timeout: 10_000 })
        .toContain('[client] the ID token says: sub=john, name=John Smith')
      expect(printed()).toContain('[client] approved: the tokens came (Bearer, scope "openid email profile"')
      // The tokens at work: the claims the scopes allow, then the API with the profile scope.
      await expect.poll(printed).toContain('[client] GET /api/me: 200 ')
      const userinfo = /\[client\] GET \/userinfo: 200 (.+)\n/.exec(printed())?.[1] as string
      expect(JSON.parse(userinfo)).toEqual({
        sub: 'john',
        name: 'John Smith',
        email: 'john@example.com',
        email_verified: true,
      })
      const me = /\[client\] GET \/api\/me: 200 (.+)\n/.exec(printed())?.[1] as string
      expect(JSON.parse(me)).toEqual({
        subject: 'john',
        name: 'John Smith',
        scopes: ['openid', 'email', 'profile'],
      })
      expect(await interactive.exited).toBe(0)
    } finally {
      await interactive.close()
    }
  })

  describe('a page of another origin (another port of the same host: the same site, so the cookie goes along)', () => {
    let evil: http.Server
    let evilUrl: string
    beforeAll(async () => {
      evil = http.createServer((req, res) => {
        const [, authReqId = ''] = /[?&]id=([^&]+)/.exec(req.url ?? '') ?? []
        const target = `${as.url}/device/requests/${authReqId}`
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body>
<form id="f" method="post" action="${target}" enctype="text/plain"><input name='{"decision":"approve","x":"' value='"}'></form>
<script>
window.fetched = fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"decision":"approve"}' })
  .then((r) => 'answered ' + r.status, () => 'refused by the browser')
</script></body></html>`)
      })
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
      evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      evil.closeAllConnections()
      await new Promise((resolve) => evil.close(resolve))
    })

    it('cannot decide: its JSON fetch fails the CORS preflight, its form POST is refused with 403', async () => {
      const { page, context } = await devicePage()
      const authReqId = await startLogin({ bindingMessage: 'CSRF' })
      await page.getByRole('listitem', { name: /My Shop/ }).waitFor()
      const attacker = await context.newPage()
      await attacker.goto(`${evilUrl}/?id=${encodeURIComponent(authReqId)}`)
      expect(await attacker.evaluate(() => window.fetched as Promise<string>)).toBe('refused by the browser')
      const [answer] = await Promise.all([
        attacker.waitForResponse((response) => response.url().includes('/device/requests/')),
        attacker.evaluate(() => document.getElementById('f').submit()),
      ])
      expect(answer.status()).toBe(403)
      expect(await answer.request().headerValue('cookie')).toBe('demo-user=john')
      expect(simulator.authentication(authReqId)?.status).toBe('pending')
      await page
        .getByRole('listitem', { name: /My Shop/ })
        .getByRole('button', { name: 'Deny', exact: true })
        .click()
    })
  })
})
