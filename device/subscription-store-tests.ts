/**
 * The conformance tests of a {@link PushSubscriptionStore}, to run against your own store with your
 * test runner (`pushSubscriptionStoreTests` of `authlete-ciba/device`). The package runs them
 * against both of its stores.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest'
 * import { pushSubscriptionStoreTests } from 'authlete-ciba/device'
 *
 * pushSubscriptionStoreTests({ describe, it }, { createStore: () => mySubscriptionStore(db) })
 * ```
 *
 * @module
 */

import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import type {
  PushSubscriptionStore,
  PushSubscriptionStoreContext,
  StoredPushSubscription,
} from './subscription-store.js'

/** The test runner's `describe` and `it` (vitest, node:test, jest, mocha). */
export interface PushSubscriptionStoreTestRunner {
  describe: (name: string, body: () => void) => unknown
  it: (name: string, body: () => Promise<void>) => unknown
}

/** Options of {@link pushSubscriptionStoreTests}. */
export interface PushSubscriptionStoreTestsOptions {
  /** A store for one test. It may be shared between tests: each test uses its own subjects. */
  createStore: () => PushSubscriptionStore | Promise<PushSubscriptionStore>
  /**
   * Called after each test with its store.
   * @default nothing
   */
  disposeStore?: ((store: PushSubscriptionStore) => unknown) | undefined
  /**
   * The title of the suite.
   * @default 'PushSubscriptionStore conformance'
   */
  title?: string | undefined
}

/** Declares the conformance tests of a {@link PushSubscriptionStore} with `runner.describe` and `runner.it`. */
export function pushSubscriptionStoreTests(
  runner: PushSubscriptionStoreTestRunner,
  options: PushSubscriptionStoreTestsOptions,
): void {
  const { describe, it } = runner
  const test = (name: string, body: (store: PushSubscriptionStore) => Promise<void>) =>
    it(name, async () => {
      const store = await options.createStore()
      try {
        await body(store)
      } finally {
        await options.disposeStore?.(store)
      }
    })

  describe(options.title ?? 'PushSubscriptionStore conformance', () => {
    test('add then list answers the subscription as added', async (store) => {
      const subject = newSubject()
      const subscription = newSubscription({ expirationTime: 1_800_000_000_000 })
      await store.add(subject, subscription, ctx())
      assert.deepEqual(await store.list(subject, ctx()), [subscription])
    })

    test('list of a subject without subscriptions answers an empty array', async (store) => {
      assert.deepEqual(await store.list(newSubject(), ctx()), [])
    })

    test('list answers the subject’s subscriptions only, oldest first', async (store) => {
      const subject = newSubject()
      const now = Date.now()
      const second = newSubscription({ createdAt: now - 1000 })
      const first = newSubscription({ createdAt: now - 2000 })
      const third = newSubscription({ createdAt: now })
      for (const subscription of [second, third, first]) await store.add(subject, subscription, ctx())
      await store.add(newSubject(), newSubscription(), ctx())
      assert.deepEqual(await store.list(subject, ctx()), [first, second, third])
    })

    test('adding the same endpoint again replaces the subscription: one per endpoint', async (store) => {
      const subject = newSubject()
      const before = newSubscription()
      const again = { ...newSubscription({ createdAt: before.createdAt + 1 }), endpoint: before.endpoint }
      await store.add(subject, before, ctx())
      await store.add(subject, again, ctx())
      assert.deepEqual(await store.list(subject, ctx()), [again])
    })

    test('remove forgets the subscription of that endpoint and answers true; then false', async (store) => {
      const subject = newSubject()
      const [kept, removed] = [newSubscription(), newSubscription()]
      await store.add(subject, kept, ctx())
      await store.add(subject, removed, ctx())
      assert.equal(await store.remove(subject, removed.endpoint, ctx()), true)
      assert.deepEqual(await store.list(subject, ctx()), [kept])
      assert.equal(await store.remove(subject, removed.endpoint, ctx()), false)
    })

    test('remove for another subject forgets nothing', async (store) => {
      const subject = newSubject()
      const subscription = newSubscription()
      await store.add(subject, subscription, ctx())
      assert.equal(await store.remove(newSubject(), subscription.endpoint, ctx()), false)
      assert.deepEqual(await store.list(subject, ctx()), [subscription])
    })

    test('the same endpoint for two subjects is two subscriptions', async (store) => {
      const [a, b] = [newSubject(), newSubject()]
      const subscription = newSubscription()
      await store.add(a, subscription, ctx())
      await store.add(b, subscription, ctx())
      assert.equal(await store.remove(a, subscription.endpoint, ctx()), true)
      assert.deepEqual(await store.list(b, ctx()), [subscription])
    })

    test('an endpoint with a query and unusual characters round-trips', async (store) => {
      const subject = `user ${randomUUID()} ü:"{}`
      const subscription = newSubscription()
      subscription.endpoint = `${subscription.endpoint}?token=a%20b&x="{}"`
      await store.add(subject, subscription, ctx())
      assert.deepEqual(await store.list(subject, ctx()), [subscription])
      assert.equal(await store.remove(subject, subscription.endpoint, ctx()), true)
    })

    test('what the store answers is a copy: changing it changes nothing stored', async (store) => {
      const subject = newSubject()
      const subscription = newSubscription()
      await store.add(subject, subscription, ctx())
      subscription.keys.auth = 'changed-after-add'
      const [got] = await store.list(subject, ctx())
      if (got) got.keys.p256dh = 'changed-after-list'
      const [again] = await store.list(subject, ctx())
      assert.notEqual(again?.keys.auth, 'changed-after-add')
      assert.notEqual(again?.keys.p256dh, 'changed-after-list')
    })

    test('50 concurrent adds of different endpoints keep all 50', async (store) => {
      const subject = newSubject()
      await Promise.all(Array.from({ length: 50 }, () => store.add(subject, newSubscription(), ctx())))
      assert.equal((await store.list(subject, ctx())).length, 50)
    })
  })
}

function newSubject(): string {
  return `user-${randomUUID()}`
}

/** A subscription with a fresh endpoint and keys of the right lengths; `fields` override. */
function newSubscription(fields: Partial<StoredPushSubscription> = {}): StoredPushSubscription {
  const p256dh = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url')
  return {
    endpoint: `https://push.example.net/wpush/v2/${randomUUID()}`,
    expirationTime: null,
    keys: { p256dh, auth: randomBytes(16).toString('base64url') },
    createdAt: Date.now(),
    ...fields,
  }
}

function ctx(): PushSubscriptionStoreContext {
  return { signal: AbortSignal.timeout(5000) }
}
