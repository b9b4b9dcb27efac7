// Web Push end to end at the protocol level: a push service of the test's own on loopback receives
// each message, and the test decrypts it with the browser's keys (RFC 8291) as the browser would; a
// 404 or 410 removes the subscription; the VAPID signature (RFC 8292) verifies; the guard of client
// notifications applies (no private address, no plain http:, no redirect, one deadline).
import { createPublicKey, verify } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPushSubscriptions, type PushSubscriptions, webPushNotifier } from '../../device/index.js'
import { useLeakCheck } from '../helpers/leak-check.js'
import {
  browserSubscription,
  type PushService,
  startPushService,
  vapidKeys,
} from '../helpers/push-service.js'

useLeakCheck()

const VAPID = { subject: 'mailto:ops@as.example.com', ...vapidKeys() }
/** What the loopback push service needs of the guard: it is a private address, over plain http:. */
const LOOPBACK = { allowPrivateNetwork: true, allowInsecureHttp: true }
const REQUEST = {
  authReqId: 'ar-1',
  clientName: 'My Shop',
  bindingMessage: 'W4SCT',
  expiresAt: Date.now() + 120_000,
}

let push: PushService
let subscriptions: PushSubscriptions
beforeAll(async () => {
  push = await startPushService()
})
afterAll(() => push.close())
beforeEach(() => {
  push.messages.length = 0
  push.answer(() => 201)
  subscriptions = createPushSubscriptions()
})

async function subscribe(subject: string, path: string) {
  const browser = browserSubscription(`${push.url}${path}`)
  await subscriptions.add(subject, browser.subscription)
  return browser
}

const json = (buffer: Buffer) => JSON.parse(buffer.toString('utf8'))

describe('webPushNotifier', () => {
  it('sends each of the subject’s browsers one message that only it can read: the authReqId, the client’s name and the binding message', async () => {
    const phone = await subscribe('john', '/wpush/phone')
    const laptop = await subscribe('john', '/wpush/laptop')
    await subscribe('jane', '/wpush/jane')
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, ...LOOPBACK })
    // A whole pending request: only three of its fields leave.
    const pendingRequest = { ...REQUEST, scopes: ['openid'], subject: 'john', requestContext: '{"secret":1}' }
    expect(await notify('john', pendingRequest)).toEqual({ sent: 2, failed: 0, removed: 0 })

    expect(push.messages.map((m) => m.path).sort()).toEqual(['/wpush/laptop', '/wpush/phone'])
    for (const [browser, path] of [
      [phone, '/wpush/phone'],
      [laptop, '/wpush/laptop'],
    ] as const) {
      const message = push.messages.find((m) => m.path === path)
      expect(message).toBeDefined()
      expect(json(browser.decrypt(message?.body as Buffer))).toEqual({
        authReqId: 'ar-1',
        clientName: 'My Shop',
        bindingMessage: 'W4SCT',
      })
      // The other browser's keys cannot read it.
      expect(() => (browser === phone ? laptop : phone).decrypt(message?.body as Buffer)).toThrow()
    }
  })

  it('a message stays within what a push service takes (3993 octets), however many octets the client’s texts take', async () => {
    const phone = await subscribe('john', '/wpush/long')
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, ...LOOPBACK })
    const long = { ...REQUEST, clientName: '店'.repeat(1000), bindingMessage: '\u0001'.repeat(1000) }
    expect(await notify('john', long)).toEqual({ sent: 1, failed: 0, removed: 0 })
    const plain = phone.decrypt(push.messages[0]?.body as Buffer)
    expect(plain.length).toBeLessThanOrEqual(3993)
    const message = json(plain)
    expect(message.authReqId).toBe('ar-1')
    expect('店'.repeat(message.clientName.length)).toBe(message.clientName)
    expect(message.clientName.length).toBeGreaterThan(0)
  })

  it('the message: aes128gcm, a TTL that ends with the request, urgency high, a VAPID token for the push service’s origin', async () => {
    await subscribe('john', '/wpush/phone')
    const before = Math.floor(Date.now() / 1000)
    await webPushNotifier({ vapid: VAPID, subscriptions, ...LOOPBACK })('john', REQUEST)
    const [message] = push.messages
    expect(message?.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      urgency: 'high',
    })
    expect(Number(message?.headers.ttl)).toBeGreaterThan(115)
    expect(Number(message?.headers.ttl)).toBeLessThanOrEqual(120)
    const authorization = /^vapid t=([^,]+), k=(.+)$/.exec(message?.headers.authorization ?? '')
    expect(authorization?.[2]).toBe(VAPID.publicKey)
    const [header, claims, signature] = (authorization?.[1] ?? '').split('.') as [string, string, string]
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' })
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString())
    expect(payload).toMatchObject({ aud: push.url, sub: 'mailto:ops@as.example.com' })
    expect(payload.exp).toBeGreaterThan(before)
    expect(payload.exp).toBeLessThanOrEqual(before + 24 * 3600 + 1)
    const key = Buffer.from(VAPID.publicKey, 'base64url')
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: key.subarray(1, 33).toString('base64url'),
      y: key.subarray(33).toString('base64url'),
    }
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    )
    expect(signed).toBe(true)
  })

  it.each([410, 404])(
    'a push service that answers %i no longer knows the browser: its subscription is removed',
    async (status) => {
      await subscribe('john', '/wpush/gone')
      await subscribe('john', '/wpush/live')
      push.answer((path) => (path === '/wpush/gone' ? status : 201))
      const onError = vi.fn()
      const notify = webPushNotifier({ vapid: VAPID, subscriptions, onError, ...LOOPBACK })
      expect(await notify('john', REQUEST)).toEqual({ sent: 1, failed: 0, removed: 1 })
      expect((await subscriptions.forSubject('john')).map((s) => s.endpoint)).toEqual([
        `${push.url}/wpush/live`,
      ])
      expect(onError).not.toHaveBeenCalled()
      expect(await notify('john', REQUEST)).toEqual({ sent: 1, failed: 0, removed: 0 })
    },
  )

  it('another refusal fails that browser, keeps its subscription, and reports the error without the VAPID token', async () => {
    await subscribe('john', '/wpush/phone')
    push.answer(() => 400)
    const onError = vi.fn()
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, onError, ...LOOPBACK })
    expect(await notify('john', REQUEST)).toEqual({ sent: 0, failed: 1, removed: 0 })
    expect(await subscriptions.forSubject('john')).toHaveLength(1)
    expect(onError).toHaveBeenCalledOnce()
    const [error, subscription] = onError.mock.calls[0] as [
      Error & { reason: string; status: number },
      { endpoint: string },
    ]
    expect(error).toMatchObject({ reason: 'status', status: 400 })
    expect(error.message).toBe(
      `Web Push failed: the endpoint answered HTTP 400 (POST ${push.url}/wpush/phone)`,
    )
    expect(subscription.endpoint).toBe(`${push.url}/wpush/phone`)
    const token = /t=([^,]+)/.exec(push.messages[0]?.headers.authorization ?? '')?.[1] as string
    expect(token.length).toBeGreaterThan(100)
    expect(
      JSON.stringify({ message: error.message, json: (error as unknown as { toJSON(): unknown }).toJSON() }),
    ).not.toContain(token)
  })

  it('a push service that never answers is given up at timeoutMs', async () => {
    await subscribe('john', '/wpush/phone')
    push.answer(() => 'hang')
    const onError = vi.fn()
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, onError, timeoutMs: 200, ...LOOPBACK })
    const started = performance.now()
    expect(await notify('john', REQUEST)).toEqual({ sent: 0, failed: 1, removed: 0 })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ reason: 'timeout' })
  })

  it('a redirect is not followed', async () => {
    await subscribe('john', '/wpush/phone')
    push.answer(() => ({ status: 307, headers: { location: `${push.url}/elsewhere` } }))
    const onError = vi.fn()
    expect(
      await webPushNotifier({ vapid: VAPID, subscriptions, onError, ...LOOPBACK })('john', REQUEST),
    ).toEqual({
      sent: 0,
      failed: 1,
      removed: 0,
    })
    expect(push.messages.map((m) => m.path)).toEqual(['/wpush/phone'])
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ reason: 'redirect', status: 307 })
  })

  it('by default, a loopback push service is refused and nothing is sent; so is plain http:', async () => {
    await subscribe('john', '/wpush/phone')
    const onError = vi.fn()
    const refused = webPushNotifier({ vapid: VAPID, subscriptions, onError, allowInsecureHttp: true })
    expect(await refused('john', REQUEST)).toEqual({ sent: 0, failed: 1, removed: 0 })
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ reason: 'refused-address' })
    const plain = webPushNotifier({ vapid: VAPID, subscriptions, onError, allowPrivateNetwork: true })
    expect(await plain('john', REQUEST)).toEqual({ sent: 0, failed: 1, removed: 0 })
    expect(onError.mock.calls[1]?.[0]).toMatchObject({ reason: 'insecure-url' })
    expect(push.messages).toEqual([])
  })

  it('a push service whose name resolves to a private address is refused before any connection', async () => {
    await subscriptions.add('john', browserSubscription('https://push.example.net/wpush/phone').subscription)
    const connector = vi.fn()
    const lookup = vi.fn(async () => [{ address: '10.0.0.7', family: 4 }])
    const onError = vi.fn()
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, onError, lookup, connector })
    expect(await notify('john', REQUEST)).toEqual({ sent: 0, failed: 1, removed: 0 })
    expect(lookup).toHaveBeenCalledWith('push.example.net')
    expect(connector).not.toHaveBeenCalled()
    expect(onError.mock.calls[0]?.[0]).toMatchObject({
      reason: 'refused-address',
      message: expect.stringContaining(
        'push.example.net resolves to 10.0.0.7, not a public address (private)',
      ),
    })
  })

  it('a subject without browsers: nothing sent; a store that fails is reported, never thrown', async () => {
    const onError = vi.fn()
    const notify = webPushNotifier({ vapid: VAPID, subscriptions, onError, ...LOOPBACK })
    expect(await notify('nobody', REQUEST)).toEqual({ sent: 0, failed: 0, removed: 0 })
    const broken = { ...subscriptions, forSubject: async () => Promise.reject(new Error('down')) }
    expect(await webPushNotifier({ vapid: VAPID, subscriptions: broken, onError })('john', REQUEST)).toEqual({
      sent: 0,
      failed: 0,
      removed: 0,
    })
    expect(onError).toHaveBeenCalledWith(new Error('down'), undefined)
  })

  it.each([
    [
      { vapid: { ...VAPID, subject: 'ops@example.com' } },
      'vapid.subject: must be a mailto: or https: URL (RFC 8292 §2.1)',
    ],
    [
      { vapid: { ...VAPID, publicKey: VAPID.privateKey } },
      'vapid.publicKey: must be an uncompressed P-256 public key',
    ],
    [
      { vapid: { ...VAPID, privateKey: VAPID.publicKey } },
      'vapid.privateKey: must be a P-256 private key (32 bytes)',
    ],
    [{ urgency: 'now' }, 'urgency: must be very-low, low, normal or high'],
    [{ timeoutMs: 0 }, 'timeoutMs: must be a whole number of milliseconds'],
    [{ ttl: 60 }, 'ttl: is not a field of the webPushNotifier options'],
  ])('refuses %j when made', (options, message) => {
    expect(() => webPushNotifier({ vapid: VAPID, subscriptions, ...options } as never)).toThrow(message)
  })
})
