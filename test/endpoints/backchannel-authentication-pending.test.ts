// The endpoint's `pending` option: each issued request is saved before the device is asked, and a
// store that cannot save it turns the answer into a 500 without asking the device.
import { describe, expect, it, vi } from 'vitest'
import type { BackchannelAuthenticationStage } from '../../src/endpoints/backchannel-authentication-hooks.js'
import {
  type BackchannelCompleteClient,
  type BackchannelEndpointClient,
  createPendingAuthentications,
  decideBackchannelAuthentication,
  handleBackchannelAuthentication,
  inProcessPendingStore,
  type PendingStore,
} from '../../src/index.js'

const ISSUED = '{"auth_req_id":"ar-1","interval":5,"expires_in":600}'

/** Authlete as the endpoint calls it: the request is identified, then issued as `ar-1`. */
function authleteStandIn(identification: Record<string, unknown> = {}) {
  const calls: string[] = []
  const client = {
    backchannelAuthentication: async () => {
      calls.push('authentication')
      return {
        ...identification,
        action: 'USER_IDENTIFICATION',
        ticket: 'tk-1',
        clientId: 1234,
        clientName: 'My App',
        hintType: 'LOGIN_HINT',
        hint: 'john',
        bindingMessage: 'W4SCT',
        scopes: [{ name: 'openid' }, { name: 'profile' }],
        acrs: ['urn:acr:pwd'],
        requestContext: '{"ip":"127.0.0.1"}',
        ...identification,
      }
    },
    backchannelIssue: async () => {
      calls.push('issue')
      return { action: 'OK', authReqId: 'ar-1', expiresIn: 600, interval: 5, responseContent: ISSUED }
    },
    backchannelFail: async () => {
      calls.push('fail')
      return { action: 'BAD_REQUEST', responseContent: '{}' }
    },
    backchannelComplete: async (request: { ticket: string }) => {
      calls.push(`complete ${request.ticket}`)
      return { action: 'NO_ACTION' }
    },
  }
  return { calls, client: client as unknown as BackchannelEndpointClient & BackchannelCompleteClient }
}

function hooksWith(pending: ReturnType<typeof createPendingAuthentications>) {
  const errors: Array<[unknown, BackchannelAuthenticationStage]> = []
  const startAuthentication = vi.fn(async () => {})
  return {
    errors,
    startAuthentication,
    hooks: {
      identifyUser: () => ({ subject: 'john' }),
      startAuthentication,
      onError: (error: unknown, stage: BackchannelAuthenticationStage) => {
        errors.push([error, stage])
      },
      pending,
    },
  }
}

describe('handleBackchannelAuthentication with pending', () => {
  it('saves the issued request before startAuthentication; any holder of the store lists and decides it', async () => {
    const pending = createPendingAuthentications()
    const { calls, client } = authleteStandIn()
    const h = hooksWith(pending)
    h.startAuthentication.mockImplementation(async () => {
      expect((await pending.get('ar-1'))?.state).toBe('pending')
    })
    const before = Date.now()
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      h.hooks,
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toBe(ISSUED)
    expect(h.startAuthentication).toHaveBeenCalledOnce()
    expect(h.errors).toEqual([])
    const listed = await pending.forSubject('john')
    expect(listed).toEqual([
      {
        authReqId: 'ar-1',
        clientId: 1234,
        clientName: 'My App',
        subject: 'john',
        hintType: 'LOGIN_HINT',
        bindingMessage: 'W4SCT',
        scopes: ['openid', 'profile'],
        acrs: ['urn:acr:pwd'],
        requestContext: '{"ip":"127.0.0.1"}',
        expiresAt: expect.any(Number),
        state: 'pending',
      },
    ])
    expect(listed[0]?.expiresAt).toBeGreaterThanOrEqual(before + 600_000)
    expect(listed[0]?.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000)
    await decideBackchannelAuthentication(client, pending, {
      authReqId: 'ar-1',
      result: 'AUTHORIZED',
      subject: 'john',
    })
    expect(calls).toEqual(['authentication', 'issue', 'complete tk-1'])
  })

  it('saves what the device shows: authorization_details as RFC 9396 objects, the claims asked through the scopes, scope descriptions', async () => {
    const pending = createPendingAuthentications()
    const { client } = authleteStandIn({
      scopes: [{ name: 'openid' }, { name: 'email', description: 'Your email address', descriptions: null }],
      claimNames: ['email', 'email_verified'],
      authorizationDetails: {
        elements: [
          {
            type: 'payment_initiation',
            actions: ['initiate', 'status'],
            locations: ['https://example.com/payments'],
            dataTypes: null,
            identifier: null,
            otherFields:
              '{"instructedAmount":{"currency":"EUR","amount":"123.50"},"creditorName":"Merchant A","type":"not this one"}',
          },
          { type: 'account_information', dataTypes: ['balances'], privileges: ['read'], identifier: 'acc-1' },
        ],
      },
    })
    await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      hooksWith(pending).hooks,
    )
    const [saved] = await pending.forSubject('john')
    expect(saved?.scopes).toEqual(['openid', 'email'])
    expect(saved?.scopeDescriptions).toEqual({ email: 'Your email address' })
    expect(saved?.claimNames).toEqual(['email', 'email_verified'])
    expect(saved?.authorizationDetails).toEqual([
      {
        type: 'payment_initiation',
        actions: ['initiate', 'status'],
        locations: ['https://example.com/payments'],
        instructedAmount: { currency: 'EUR', amount: '123.50' },
        creditorName: 'Merchant A',
      },
      { type: 'account_information', datatypes: ['balances'], privileges: ['read'], identifier: 'acc-1' },
    ])
  })

  it('a request without authorization_details, claims or descriptions saves none of them', async () => {
    const pending = createPendingAuthentications()
    const { client } = authleteStandIn({ claimNames: [], authorizationDetails: { elements: [] } })
    await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      hooksWith(pending).hooks,
    )
    const [saved] = await pending.forSubject('john')
    expect(saved).toMatchObject({ authReqId: 'ar-1', scopes: ['openid', 'profile'] })
    expect(saved?.authorizationDetails).toBeUndefined()
    expect(saved?.claimNames).toBeUndefined()
    expect(saved?.scopeDescriptions).toBeUndefined()
  })

  it('answers 500 and never asks the device when the store cannot save the request', async () => {
    const cause = new Error('store down')
    const failing: PendingStore = { ...inProcessPendingStore(), save: async () => Promise.reject(cause) }
    const { calls, client } = authleteStandIn()
    const h = hooksWith(createPendingAuthentications({ store: failing }))
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      h.hooks,
    )
    expect(answer.status).toBe(500)
    expect(answer.body).toBe('{"error":"server_error"}')
    expect(h.startAuthentication).not.toHaveBeenCalled()
    expect(calls).toEqual(['authentication', 'issue'])
    expect(h.errors).toHaveLength(1)
    const [error, stage] = h.errors[0] as [{ code: string; cause: unknown }, string]
    expect(stage).toBe('pending')
    expect(error.code).toBe('AUTHLETE_STORE')
    expect(error.cause).toBe(cause)
  })

  it('answers 500 within the store deadline when the store hangs', async () => {
    const hanging: PendingStore = { ...inProcessPendingStore(), save: () => new Promise(() => {}) }
    const { client } = authleteStandIn()
    const h = hooksWith(createPendingAuthentications({ store: hanging, timeoutMs: 100 }))
    const started = performance.now()
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      h.hooks,
    )
    expect(answer.status).toBe(500)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(h.startAuthentication).not.toHaveBeenCalled()
    expect(h.errors.map(([error]) => (error as Error).message)).toEqual([
      'The pending store did not answer within 100 ms (save)',
    ])
  })

  it('a save that lands after its deadline (a paused store) is withdrawn: nobody lists or decides a login whose client got a 500', async () => {
    // A store whose calls run in order, as on one connection to Redis, held by a gate: the save
    // waits past its deadline; what the endpoint sends after it queues behind it.
    const inner = inProcessPendingStore()
    let queue: Promise<unknown> = Promise.resolve()
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const inOrder =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        const result = queue.then(() => gate).then(() => call(...args))
        queue = result.catch(() => {})
        return result
      }
    const paused: PendingStore = {
      save: inOrder(inner.save.bind(inner)),
      get: inner.get.bind(inner),
      listBySubject: inner.listBySubject.bind(inner),
      claim: inOrder(inner.claim.bind(inner)),
      settle: inOrder(inner.settle.bind(inner)),
      release: inOrder(inner.release.bind(inner)),
    }
    const pending = createPendingAuthentications({ store: paused, timeoutMs: 50 })
    const { client } = authleteStandIn()
    const h = hooksWith(pending)
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      h.hooks,
    )
    expect(answer.status).toBe(500)
    expect(h.startAuthentication).not.toHaveBeenCalled()
    open()
    await vi.waitFor(async () => expect((await pending.get('ar-1'))?.state).toBe('decided'))
    expect(await pending.forSubject('john')).toEqual([])
  })

  it('answers 500 when the in-process store is full, and keeps what it holds', async () => {
    const pending = createPendingAuthentications({ store: inProcessPendingStore({ maxEntries: 1 }) })
    await pending.save({
      authReqId: 'older',
      ticket: 't',
      subject: 'jane',
      scopes: [],
      acrs: [],
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    })
    const { client } = authleteStandIn()
    const h = hooksWith(pending)
    expect(
      (
        await handleBackchannelAuthentication(
          client,
          { body: 'login_hint=john', authorization: undefined },
          h.hooks,
        )
      ).status,
    ).toBe(500)
    expect((await pending.get('older'))?.state).toBe('pending')
  })

  it('a device that could not be asked (startAuthentication throws): the saved request is withdrawn, never listed or decided', async () => {
    const pending = createPendingAuthentications()
    const { calls, client } = authleteStandIn()
    const h = hooksWith(pending)
    h.startAuthentication.mockRejectedValue(new Error('push service down'))
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'login_hint=john', authorization: undefined },
      h.hooks,
    )
    expect(answer).toMatchObject({ status: 500, body: '{"error":"server_error"}' })
    expect(h.errors.map(([, stage]) => stage)).toEqual(['startAuthentication'])
    await vi.waitFor(async () => expect((await pending.get('ar-1'))?.state).toBe('decided'))
    expect(await pending.forSubject('john')).toEqual([])
    await expect(
      decideBackchannelAuthentication(client, pending, {
        authReqId: 'ar-1',
        result: 'AUTHORIZED',
        subject: 'john',
      }),
    ).rejects.toMatchObject({ code: 'AUTHLETE_ALREADY_DECIDED' })
    // Nothing reached Authlete for it: the auth_req_id expires unused there.
    expect(calls).toEqual(['authentication', 'issue'])
  })
})
