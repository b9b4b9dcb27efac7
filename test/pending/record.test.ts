// What `createPendingAuthentications` reads from a store: a record saved by version 0.1.0 (without
// the fields the device shows since) reads with them undefined; a field of the wrong shape is the
// store's nonsense (AUTHLETE_STORE), never handed to the device.
import { describe, expect, it } from 'vitest'
import {
  createPendingAuthentications,
  inProcessPendingStore,
  type PendingStore,
  type StoredPending,
} from '../../src/index.js'

/** A store that answers `record` to get and listBySubject, whatever it is asked. */
function answering(record: Record<string, unknown>): PendingStore {
  const stored = { ...record, state: 'pending' } as unknown as StoredPending
  return { ...inProcessPendingStore(), get: async () => stored, listBySubject: async () => [stored] }
}

const OLD_RECORD = {
  authReqId: 'ar-old',
  ticket: 'tk',
  subject: 'john',
  clientId: 1234,
  clientName: 'My App',
  bindingMessage: 'W4SCT',
  scopes: ['openid'],
  acrs: [],
  createdAt: 1_767_225_600_000,
  expiresAt: 1_767_226_200_000,
}

describe('records as the store keeps them', () => {
  it('a record saved by 0.1.0 reads with scopeDescriptions, claimNames and authorizationDetails undefined', async () => {
    const pending = createPendingAuthentications({ store: answering(OLD_RECORD) })
    expect(await pending.get('ar-old')).toEqual({
      authReqId: 'ar-old',
      clientId: 1234,
      clientName: 'My App',
      subject: 'john',
      hintType: undefined,
      bindingMessage: 'W4SCT',
      scopes: ['openid'],
      scopeDescriptions: undefined,
      claimNames: undefined,
      acrs: [],
      requestContext: undefined,
      authorizationDetails: undefined,
      expiresAt: 1_767_226_200_000,
      state: 'pending',
    })
  })

  it.each([
    ['authorizationDetails', { type: 'payment_initiation' }, 'must be an array of objects, each with a type'],
    ['authorizationDetails', [{ actions: ['read'] }], 'must be an array of objects, each with a type'],
    ['authorizationDetails', ['payment_initiation'], 'must be an array of objects, each with a type'],
    ['claimNames', 'email', 'must be an array of strings'],
    ['scopeDescriptions', ['Your email'], 'must be an object of strings'],
    ['scopeDescriptions', { email: 1 }, 'must be an object of strings'],
  ])('a stored %s of %j is the store’s nonsense: AUTHLETE_STORE', async (field, value, why) => {
    const pending = createPendingAuthentications({ store: answering({ ...OLD_RECORD, [field]: value }) })
    for (const read of [() => pending.get('ar-old'), () => pending.forSubject('john')]) {
      await expect(read()).rejects.toMatchObject({
        code: 'AUTHLETE_STORE',
        message: expect.stringContaining(`record.${field}: ${why}`),
      })
    }
  })

  it('save refuses a record whose authorization details lack a type, naming the field', async () => {
    const pending = createPendingAuthentications()
    await expect(
      pending.save({ ...OLD_RECORD, authorizationDetails: [{ actions: ['read'] }] } as never),
    ).rejects.toMatchObject({ code: 'AUTHLETE_INVALID_INPUT', field: 'record.authorizationDetails' })
  })
})

describe('authorization_details as Authlete passes them', () => {
  it('a value nested thousands deep is kept to 8 levels (the rest shown as …): the user’s list still reads', async () => {
    const { authorizationDetailsOf } = await import('../../src/pending/authorization-details.js')
    const otherFields = `{"nested":${'{"d":'.repeat(5000)}"bottom"${'}'.repeat(5000)}}`
    const [detail] = authorizationDetailsOf({ elements: [{ type: 'payment', otherFields }] }) as unknown as [
      Record<string, unknown>,
    ]
    let level: unknown = detail.nested
    let depth = 1
    while (typeof level === 'object' && level !== null) {
      level = (level as { d: unknown }).d
      depth++
    }
    expect(depth).toBe(8)
    expect(level).toBe('…')

    const pending = createPendingAuthentications()
    await pending.save({
      authReqId: 'ar-deep',
      ticket: 'tk',
      subject: 'john',
      scopes: ['openid'],
      acrs: [],
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
      authorizationDetails: [detail as never],
    })
    expect((await pending.forSubject('john')).map((r) => r.authReqId)).toEqual(['ar-deep'])
  })
})
