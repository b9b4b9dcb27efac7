// GET {basePath}: one HTML document whose only script and style carry the nonce of its
// Content-Security-Policy (fresh per answer), nothing loaded from elsewhere, no inline handler, a page
// no other site can frame; the subscription routes a page uses for Web Push.
import { afterEach, describe, expect, it } from 'vitest'
import {
  createDeviceHandler,
  createPushSubscriptions,
  type DeviceHandlerOptions,
} from '../../device/index.js'
import { createPendingAuthentications } from '../../src/index.js'
import { completingAuthlete, fromPage, ORIGIN } from '../helpers/device-fixtures.js'
import { browserSubscription, vapidKeys } from '../helpers/push-service.js'

const authenticate = (request: Request) => request.headers.get('x-user') ?? undefined
const asJohn = { 'x-user': 'john' }
const handlers: Array<{ close(): void }> = []
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close()
})

function device(options: Partial<DeviceHandlerOptions> = {}) {
  const handler = createDeviceHandler(completingAuthlete().client, createPendingAuthentications(), {
    authenticate,
    origin: ORIGIN,
    ...options,
  })
  handlers.push(handler)
  return handler
}

describe('the page', () => {
  it('is HTML under a strict policy: its one script and one style carry the nonce, fresh per answer', async () => {
    const answer = await device()(fromPage('/device', { headers: asJohn }))
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const policy = answer.headers.get('content-security-policy') ?? ''
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1]
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)
    expect(policy).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types authlete-ciba-device`,
    )
    expect(answer.headers.get('x-frame-options')).toBe('DENY')
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff')
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await answer.text()
    expect(html.match(/<script[^>]*>/g)).toEqual([`<script nonce="${nonce}">`])
    expect(html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`])
    expect(html).not.toMatch(
      /\son[a-z]+=|\sstyle=|\ssrc=|\shref=|innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
    )
    const again = await device()(fromPage('/device', { headers: asJohn }))
    expect(again.headers.get('content-security-policy')).not.toContain(nonce)
  })

  it('carries its base path, and the VAPID key only when it offers Web Push', async () => {
    const plain = await (await device()(fromPage('/device', { headers: asJohn }))).text()
    expect(plain).toContain('<body data-base="/device">')
    const { publicKey } = vapidKeys()
    const pushing = device({
      subscriptions: createPushSubscriptions(),
      vapidPublicKey: publicKey,
      title: 'Sign-in <requests>',
    })
    const html = await (await pushing(fromPage('/device', { headers: asJohn }))).text()
    expect(html).toContain(`<body data-base="/device" data-vapid-key="${publicKey}">`)
    expect(html).toContain('<title>Sign-in &lt;requests&gt;</title>')
    expect(html).toContain('<button type="button" id="notify-button">Notify me on this browser</button>')
  })

  it('subscriptions without a VAPID key: the routes answer, the page offers no Web Push', async () => {
    const handler = device({ subscriptions: createPushSubscriptions() })
    const html = await (await handler(fromPage('/device', { headers: asJohn }))).text()
    expect(html).toContain('<body data-base="/device">')
    const { subscription } = browserSubscription('https://push.example.net/wpush/1')
    expect(
      (await handler(fromPage('/device/subscriptions', { body: subscription, headers: asJohn }))).status,
    ).toBe(201)
  })

  it('without a session: 401 in plain words', async () => {
    const answer = await device()(fromPage('/device'))
    expect(answer.status).toBe(401)
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await answer.text()).toBe('Sign in first.\n')
  })
})

describe('POST and DELETE {basePath}/subscriptions', () => {
  it('keeps the browser’s subscription for the signed-in user, and forgets it', async () => {
    const subscriptions = createPushSubscriptions()
    const handler = device({ subscriptions, vapidPublicKey: vapidKeys().publicKey })
    const { subscription } = browserSubscription('https://push.example.net/wpush/1')
    const added = await handler(fromPage('/device/subscriptions', { body: subscription, headers: asJohn }))
    expect(added.status).toBe(201)
    expect(await added.json()).toEqual({ subscribed: true })
    expect(await subscriptions.forSubject('john')).toEqual([
      { ...subscription, createdAt: expect.any(Number) },
    ])
    const removed = await handler(
      fromPage('/device/subscriptions', {
        method: 'DELETE',
        body: { endpoint: subscription.endpoint },
        headers: asJohn,
      }),
    )
    expect(await removed.json()).toEqual({ removed: true })
    expect(await subscriptions.forSubject('john')).toEqual([])
  })

  it('400 for a subscription that is not one; 403 from another origin; 404 without Web Push', async () => {
    const subscriptions = createPushSubscriptions()
    const handler = device({ subscriptions, vapidPublicKey: vapidKeys().publicKey })
    const bad = await handler(
      fromPage('/device/subscriptions', {
        body: { endpoint: 'https://push.example.net/1', keys: {} },
        headers: asJohn,
      }),
    )
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'invalid_request', message: 'keys.p256dh: must be a string' })
    const { subscription } = browserSubscription('https://push.example.net/wpush/1')
    const foreign = await handler(
      fromPage('/device/subscriptions', {
        body: subscription,
        headers: { ...asJohn, origin: 'https://evil.example' },
      }),
    )
    expect(foreign.status).toBe(403)
    expect(await subscriptions.forSubject('john')).toEqual([])
    const none = await device()(fromPage('/device/subscriptions', { body: subscription, headers: asJohn }))
    expect(none.status).toBe(404)
  })
})
