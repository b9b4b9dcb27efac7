// createPushSubscriptions: what a page posts is checked before it is kept, a subject keeps at most
// maxPerSubject browsers (the oldest goes), the store's failures are AUTHLETE_STORE within the
// deadline; and the in-process store runs the conformance kit.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inProcessSubscriptionStore } from '../../device/in-process-subscriptions.js'
import { createPushSubscriptions, type PushSubscriptionStore } from '../../device/index.js'
import { pushSubscriptionStoreTests } from '../../device/subscription-store-tests.js'

pushSubscriptionStoreTests(
  { describe, it },
  { createStore: () => inProcessSubscriptionStore(), title: 'the in-process store' },
)

const P256DH = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url')
const AUTH = randomBytes(16).toString('base64url')
const browser = (n: number) => ({
  endpoint: `https://push.example.net/wpush/v2/${n}`,
  expirationTime: null,
  keys: { p256dh: P256DH, auth: AUTH },
})

describe('createPushSubscriptions', () => {
  it('adds a browser’s subscription with its createdAt, lists it, removes it', async () => {
    let clock = 1_767_225_600_000
    const subscriptions = createPushSubscriptions({ now: () => clock++ })
    await subscriptions.add('john', browser(1))
    await subscriptions.add('john', { ...browser(2), expirationTime: 1_800_000_000_000 })
    expect(await subscriptions.forSubject('john')).toEqual([
      { ...browser(1), createdAt: 1_767_225_600_000 },
      { ...browser(2), expirationTime: 1_800_000_000_000, createdAt: 1_767_225_600_001 },
    ])
    expect(await subscriptions.forSubject('jane')).toEqual([])
    expect(await subscriptions.remove('john', browser(1).endpoint)).toBe(true)
    expect(await subscriptions.remove('john', browser(1).endpoint)).toBe(false)
    expect((await subscriptions.forSubject('john')).map((s) => s.endpoint)).toEqual([browser(2).endpoint])
  })

  it('keeps at most maxPerSubject browsers: the oldest goes; subscribing again is not one more', async () => {
    let clock = 0
    const subscriptions = createPushSubscriptions({ maxPerSubject: 2, now: () => ++clock })
    for (const n of [1, 2, 2, 3]) await subscriptions.add('john', browser(n))
    expect((await subscriptions.forSubject('john')).map((s) => s.endpoint)).toEqual([
      browser(2).endpoint,
      browser(3).endpoint,
    ])
  })

  it('adds made all at once keep the bound too, with a few store calls each (not a list per removal)', async () => {
    let clock = 0
    let calls = 0
    const inner = inProcessSubscriptionStore()
    const slow =
      <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
      async (...args: A) => {
        calls++
        await new Promise((resolve) => setImmediate(resolve))
        return f(...args)
      }
    const store = { add: slow(inner.add), remove: slow(inner.remove), list: slow(inner.list) }
    const subscriptions = createPushSubscriptions({ store, maxPerSubject: 10, now: () => ++clock })
    await Promise.all(Array.from({ length: 300 }, (_, n) => subscriptions.add('john', browser(n + 1))))
    expect((await inner.list('john', { signal: AbortSignal.timeout(1000) })).map((s) => s.endpoint)).toEqual(
      Array.from({ length: 10 }, (_, n) => browser(291 + n).endpoint),
    )
    expect(calls).toBeLessThanOrEqual(3 * 300)
  })

  it.each([
    [{ ...browser(1), endpoint: 'not a url' }, 'endpoint', 'must be a URL'],
    [{ ...browser(1), endpoint: 'javascript:alert(1)' }, 'endpoint', 'must be an https: URL'],
    [{ ...browser(1), endpoint: `https://push.example.net/${'x'.repeat(2048)}` }, 'endpoint', 'at most'],
    [{ ...browser(1), keys: { p256dh: AUTH, auth: AUTH } }, 'keys.p256dh', 'uncompressed P-256 public key'],
    [{ ...browser(1), keys: { p256dh: P256DH, auth: P256DH } }, 'keys.auth', 'must be 16 bytes'],
    [{ ...browser(1), keys: { p256dh: P256DH, auth: 'a+b/' } }, 'keys.auth', 'must be base64url'],
    [{ ...browser(1), keys: { p256dh: P256DH } }, 'keys.auth', 'must be a string'],
    [{ ...browser(1), expirationTime: 'soon' }, 'expirationTime', 'must be milliseconds'],
    [{ ...browser(1), extra: 1 }, 'extra', ''],
  ])('refuses %j, naming %s', async (subscription, field, why) => {
    const subscriptions = createPushSubscriptions()
    await expect(subscriptions.add('john', subscription as never)).rejects.toMatchObject({
      code: 'AUTHLETE_INVALID_INPUT',
      field,
      message: expect.stringContaining(why),
    })
    expect(await subscriptions.forSubject('john')).toEqual([])
  })

  it('a store that fails or hangs is AUTHLETE_STORE, within the deadline', async () => {
    const failing: PushSubscriptionStore = {
      ...inProcessSubscriptionStore(),
      list: async () => Promise.reject(new Error('down')),
    }
    await expect(createPushSubscriptions({ store: failing }).forSubject('john')).rejects.toMatchObject({
      code: 'AUTHLETE_STORE',
      message: 'The push subscription store failed (list)',
    })
    const hanging: PushSubscriptionStore = {
      ...inProcessSubscriptionStore(),
      remove: () => new Promise(() => {}),
    }
    const started = performance.now()
    await expect(
      createPushSubscriptions({ store: hanging, timeoutMs: 50 }).remove('john', browser(1).endpoint),
    ).rejects.toMatchObject({
      code: 'AUTHLETE_STORE',
      message: 'The push subscription store did not answer within 50 ms (remove)',
    })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('a store that answers nonsense is AUTHLETE_STORE', async () => {
    const broken = {
      ...inProcessSubscriptionStore(),
      list: async () => 'nope',
    } as unknown as PushSubscriptionStore
    await expect(createPushSubscriptions({ store: broken }).forSubject('john')).rejects.toMatchObject({
      code: 'AUTHLETE_STORE',
      message: 'The push subscription store answered nonsense (list): not an array of subscriptions',
    })
  })

  it('refuses an unknown option, a store without its calls, a bad bound', () => {
    expect(() => createPushSubscriptions({ stor: inProcessSubscriptionStore() } as never)).toThrow(/store/)
    expect(() => createPushSubscriptions({ store: {} as never })).toThrow(
      'store: must be a PushSubscriptionStore (it has no add function)',
    )
    expect(() => createPushSubscriptions({ maxPerSubject: 0 })).toThrow(
      'maxPerSubject: must be a whole number >= 1',
    )
  })
})
