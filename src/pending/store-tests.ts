/**
 * `authlete-ciba/pending-store-tests`: the conformance tests of a {@link PendingStore}, to run
 * against your own store with your test runner. The package runs them against both of its stores.
 *
 * @example
 * ```ts
 * // my-store.test.ts (vitest; node:test's describe and it work too)
 * import { describe, it } from 'vitest'
 * import { pendingStoreTests } from 'authlete-ciba/pending-store-tests'
 *
 * pendingStoreTests({ describe, it }, {
 *   createStore: async () => myStore(await freshTable()),
 *   disposeStore: (store) => store.close(),
 * })
 * ```
 *
 * @module
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { PendingClaim, PendingRecord, PendingStore, PendingStoreContext } from './store.js'

export type {
  PendingClaim,
  PendingClaimResult,
  PendingRecord,
  PendingState,
  PendingStore,
  PendingStoreContext,
  StoredPending,
} from './store.js'

/** The test runner's `describe` and `it` (vitest, node:test, jest, mocha). */
export interface PendingStoreTestRunner {
  describe: (name: string, body: () => void) => unknown
  it: (name: string, body: () => Promise<void>) => unknown
}

/** Options of {@link pendingStoreTests}. */
export interface PendingStoreTestsOptions {
  /** A store for one test. It may be shared between tests: each test uses its own IDs and subjects. */
  createStore: () => PendingStore | Promise<PendingStore>
  /**
   * Called after each test with its store (close a connection, drop a table).
   * @default nothing
   */
  disposeStore?: ((store: PendingStore) => unknown) | undefined
  /**
   * The title of the suite.
   * @default 'PendingStore conformance'
   */
  title?: string | undefined
}

/**
 * Declares the conformance tests of a {@link PendingStore} with `runner.describe` and `runner.it`.
 * They use real time: the expiry and lease tests wait (at most a few seconds) for the store to
 * forget, polling rather than sleeping a fixed time.
 */
export function pendingStoreTests(runner: PendingStoreTestRunner, options: PendingStoreTestsOptions): void {
  const { describe, it } = runner
  const test = (name: string, body: (store: PendingStore) => Promise<void>) =>
    it(name, async () => {
      const store = await options.createStore()
      try {
        await body(store)
      } finally {
        await options.disposeStore?.(store)
      }
    })

  describe(options.title ?? 'PendingStore conformance', () => {
    test('save then get answers the record as pending, ticket included', async (store) => {
      const record = newRecord({ clientId: 1234, clientName: 'My App', hintType: 'LOGIN_HINT' })
      await store.save(record, ctx())
      assert.deepEqual(clean(await store.get(record.authReqId, ctx())), { ...record, state: 'pending' })
    })

    test('a record without its optional fields round-trips', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      assert.deepEqual(clean(await store.get(record.authReqId, ctx())), { ...record, state: 'pending' })
    })

    test('what the device shows round-trips: scope descriptions, claim names, authorization details nested as sent', async (store) => {
      const record = newRecord({
        scopes: ['openid', 'email'],
        scopeDescriptions: { email: 'Your email address' },
        claimNames: ['email', 'email_verified'],
        requestContext: '{"location":"Tokyo"}',
        authorizationDetails: [
          {
            type: 'payment_initiation',
            actions: ['initiate'],
            instructedAmount: { currency: 'EUR', amount: '123.50' },
            remittance: [{ line: 1, text: 'Ref Number Merchant' }],
          },
        ],
      })
      await store.save(record, ctx())
      assert.deepEqual(clean(await store.get(record.authReqId, ctx())), { ...record, state: 'pending' })
      assert.deepEqual((await store.listBySubject(record.subject, ctx())).map(clean), [
        { ...record, state: 'pending' },
      ])
    })

    test('get of an unknown auth_req_id answers undefined', async (store) => {
      assert.equal(await store.get(`unknown-${randomUUID()}`, ctx()), undefined)
    })

    test('save of an auth_req_id already saved rejects and leaves the first record as it was', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      await assert.rejects(store.save({ ...record, ticket: 'another-ticket' }, ctx()))
      assert.equal((await store.get(record.authReqId, ctx()))?.ticket, record.ticket)
    })

    test('listBySubject answers the subject’s pending records only, oldest first', async (store) => {
      const subject = `user-${randomUUID()}`
      const now = Date.now()
      const second = newRecord({ subject, createdAt: now - 1000 })
      const first = newRecord({ subject, createdAt: now - 2000 })
      const third = newRecord({ subject, createdAt: now })
      const other = newRecord()
      for (const record of [second, first, third, other]) await store.save(record, ctx())
      assert.deepEqual(
        (await store.listBySubject(subject, ctx())).map(clean),
        [first, second, third].map((record) => ({ ...record, state: 'pending' })),
      )
      assert.deepEqual(await store.listBySubject(`nobody-${randomUUID()}`, ctx()), [])
    })

    test('listBySubject leaves out what is being decided and what is decided', async (store) => {
      const subject = `user-${randomUUID()}`
      const [deciding, decided, waiting] = [
        newRecord({ subject }),
        newRecord({ subject }),
        newRecord({ subject }),
      ]
      for (const record of [deciding, decided, waiting]) await store.save(record, ctx())
      assert.equal((await store.claim(deciding.authReqId, claimFor(deciding), ctx())).status, 'claimed')
      const claim = claimFor(decided)
      assert.equal((await store.claim(decided.authReqId, claim, ctx())).status, 'claimed')
      assert.equal(await store.settle(decided.authReqId, claim.token, ctx()), true)
      assert.deepEqual(
        (await store.listBySubject(subject, ctx())).map((r) => r.authReqId),
        [waiting.authReqId],
      )
    })

    test('claim answers claimed with the record once; a second claim answers deciding', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claimed = await store.claim(record.authReqId, claimFor(record), ctx())
      assert.equal(claimed.status, 'claimed')
      assert.deepEqual(claimed.status === 'claimed' && clean(claimed.record), record)
      assert.deepEqual(await store.claim(record.authReqId, claimFor(record), ctx()), { status: 'deciding' })
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'deciding')
    })

    test('of 50 concurrent claims exactly one is claimed, the others answer deciding', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.claim(record.authReqId, claimFor(record), ctx())),
      )
      assert.equal(results.filter((r) => r.status === 'claimed').length, 1)
      assert.equal(results.filter((r) => r.status === 'deciding').length, 49)
    })

    test('claim of an unknown auth_req_id answers not-found', async (store) => {
      const record = newRecord()
      assert.deepEqual(await store.claim(record.authReqId, claimFor(record), ctx()), { status: 'not-found' })
    })

    test('claim for another subject answers wrong-subject and changes nothing', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claim = { ...claimFor(record), subject: `someone-else-${randomUUID()}` }
      assert.deepEqual(await store.claim(record.authReqId, claim, ctx()), { status: 'wrong-subject' })
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'pending')
    })

    test('claim for another subject answers wrong-subject whatever the state: it learns nothing of the decision', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const stranger = () => ({ ...claimFor(record), subject: `someone-else-${randomUUID()}` })
      const claim = claimFor(record)
      await store.claim(record.authReqId, claim, ctx())
      assert.deepEqual(await store.claim(record.authReqId, stranger(), ctx()), { status: 'wrong-subject' })
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'deciding')
      await store.settle(record.authReqId, claim.token, ctx())
      assert.deepEqual(await store.claim(record.authReqId, stranger(), ctx()), { status: 'wrong-subject' })
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'decided')
    })

    test('a claim past its notAfter answers late and changes nothing', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claim = { ...claimFor(record), notAfter: Date.now() - 60_000 }
      assert.deepEqual(await store.claim(record.authReqId, claim, ctx()), { status: 'late' })
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'pending')
    })

    test('settle by the claim’s token marks it decided; a later claim answers decided', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claim = claimFor(record)
      await store.claim(record.authReqId, claim, ctx())
      assert.equal(await store.settle(record.authReqId, `not-${claim.token}`, ctx()), false)
      assert.equal(await store.settle(record.authReqId, claim.token, ctx()), true)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'decided')
      assert.deepEqual(await store.claim(record.authReqId, claimFor(record), ctx()), { status: 'decided' })
      assert.equal(await store.release(record.authReqId, claim.token, ctx()), false)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'decided')
    })

    test('release by the claim’s token makes it pending again, and claimable', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claim = claimFor(record)
      await store.claim(record.authReqId, claim, ctx())
      assert.equal(await store.release(record.authReqId, `not-${claim.token}`, ctx()), false)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'deciding')
      assert.equal(await store.release(record.authReqId, claim.token, ctx()), true)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'pending')
      assert.equal((await store.claim(record.authReqId, claimFor(record), ctx())).status, 'claimed')
    })

    test('settle or release of what was never claimed answers false', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      assert.equal(await store.settle(record.authReqId, randomUUID(), ctx()), false)
      assert.equal(await store.release(record.authReqId, randomUUID(), ctx()), false)
      assert.equal(await store.settle(`unknown-${randomUUID()}`, randomUUID(), ctx()), false)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'pending')
    })

    test('a claim whose lease lapsed reads pending and may be claimed anew; the old token then settles nothing', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const first = { ...claimFor(record), leaseMs: 100 }
      await store.claim(record.authReqId, first, ctx())
      await eventually(async () => (await store.get(record.authReqId, ctx()))?.state === 'pending')
      const second = claimFor(record)
      assert.equal((await store.claim(record.authReqId, second, ctx())).status, 'claimed')
      assert.equal(await store.settle(record.authReqId, first.token, ctx()), false)
      assert.equal(await store.settle(record.authReqId, second.token, ctx()), true)
    })

    test('a claim whose lease lapsed, and that nobody took, still settles', async (store) => {
      const record = newRecord()
      await store.save(record, ctx())
      const claim = { ...claimFor(record), leaseMs: 100 }
      await store.claim(record.authReqId, claim, ctx())
      await eventually(async () => (await store.get(record.authReqId, ctx()))?.state === 'pending')
      assert.equal(await store.settle(record.authReqId, claim.token, ctx()), true)
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'decided')
    })

    test('a record is forgotten at expiresAt: get, listBySubject and claim no longer find it', async (store) => {
      const record = newRecord({ expiresAt: Date.now() + 300 })
      await store.save(record, ctx())
      assert.equal((await store.get(record.authReqId, ctx()))?.state, 'pending')
      await eventually(async () => (await store.get(record.authReqId, ctx())) === undefined)
      assert.deepEqual(await store.listBySubject(record.subject, ctx()), [])
      assert.deepEqual(await store.claim(record.authReqId, claimFor(record), ctx()), { status: 'not-found' })
    })

    test('a decided record stays known as decided until it expires', async (store) => {
      const record = newRecord({ expiresAt: Date.now() + 400 })
      await store.save(record, ctx())
      const claim = claimFor(record)
      await store.claim(record.authReqId, claim, ctx())
      await store.settle(record.authReqId, claim.token, ctx())
      assert.deepEqual(await store.claim(record.authReqId, claimFor(record), ctx()), { status: 'decided' })
      await eventually(async () => (await store.get(record.authReqId, ctx())) === undefined)
    })

    test('what the store answers is a copy: changing it changes nothing stored', async (store) => {
      const record = newRecord({ scopes: ['openid'] })
      await store.save(record, ctx())
      record.scopes.push('changed-after-save')
      const got = await store.get(record.authReqId, ctx())
      got?.scopes.push('changed-after-get')
      assert.deepEqual((await store.get(record.authReqId, ctx()))?.scopes, ['openid'])
    })

    test('what the store answers is a copy down to the nested authorization details', async (store) => {
      const amount = { currency: 'EUR', amount: '1.00' }
      const record = newRecord({
        authorizationDetails: [{ type: 'payment_initiation', instructedAmount: amount }],
      })
      await store.save(record, ctx())
      amount.amount = '999.00'
      const got = await store.get(record.authReqId, ctx())
      ;(got?.authorizationDetails?.[0]?.instructedAmount as typeof amount).currency = 'XXX'
      assert.deepEqual((await store.get(record.authReqId, ctx()))?.authorizationDetails, [
        { type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '1.00' } },
      ])
    })
  })
}

/** A record with fresh IDs; `fields` override. */
function newRecord(fields: Partial<PendingRecord> = {}): PendingRecord {
  const now = Date.now()
  return {
    authReqId: `req-${randomUUID()}`,
    ticket: `ticket-${randomUUID()}`,
    subject: `user-${randomUUID()}`,
    scopes: ['openid', 'profile'],
    acrs: [],
    createdAt: now,
    expiresAt: now + 600_000,
    ...fields,
  }
}

function claimFor(record: PendingRecord): PendingClaim {
  return { token: randomUUID(), subject: record.subject, leaseMs: 60_000, notAfter: Date.now() + 10_000 }
}

function ctx(): PendingStoreContext {
  return { signal: AbortSignal.timeout(5000) }
}

/** Drops the fields that are `undefined`: a store that keeps JSON does not keep them. */
function clean<T>(value: T): T {
  if (value === undefined || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** Polls `condition` until it holds, for at most 5 seconds. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 5000
  while (!(await condition())) {
    if (Date.now() > until)
      throw new assert.AssertionError({ message: 'the condition did not hold within 5 s' })
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
