// A decision holds its request for the whole of it, its /complete and its notification's delivery:
// whatever leaseMs and the notification's deadline, no second decision gets past the claim while the
// first still runs, and the request leaves the device's list as soon as /complete answers. And the
// store's answer is checked: a claimed record of another subject is a faulty store's.
import { afterEach, describe, expect, it } from 'vitest'
import { decideBackchannelAuthentication } from '../../src/completion/decide.js'
import type { BackchannelCompleteRequest } from '../../src/operations/backchannel-complete.js'
import { inProcessPendingStore } from '../../src/pending/in-process.js'
import { createPendingAuthentications } from '../../src/pending/pending.js'
import type { PendingClaim, PendingRecord, PendingStore } from '../../src/pending/store.js'
import { type Loopback, startLoopback } from '../helpers/loopback.js'
import { completeStandIn } from '../helpers/pending-fixtures.js'

const servers: Loopback[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

/** A ping endpoint that holds each notification until the test lets it answer 204. */
async function heldPingEndpoint() {
  const held: Array<() => void> = []
  let arrived: () => void = () => {}
  const arrival = new Promise<void>((resolve) => (arrived = resolve))
  const server = await startLoopback((_request, res) => {
    held.push(() => res.writeHead(204).end())
    arrived()
  })
  servers.push(server)
  return {
    url: `${server.url}/cb`,
    arrival,
    release: () => {
      for (const answer of held.splice(0)) answer()
    },
  }
}

/** /complete in ping mode: a NOTIFICATION for `endpoint`, each call recorded. */
function pingAuthlete(endpoint: string) {
  const calls: BackchannelCompleteRequest[] = []
  return {
    calls,
    backchannelComplete: async (request: BackchannelCompleteRequest) => {
      calls.push(request)
      return {
        action: 'NOTIFICATION' as const,
        deliveryMode: 'PING' as const,
        clientNotificationEndpoint: endpoint,
        clientNotificationToken: 'client-token',
        responseContent: '{"auth_req_id":"req-1"}',
      }
    },
  }
}

function record(now: number): PendingRecord {
  return {
    authReqId: 'req-1',
    ticket: 'ticket-1',
    subject: 'john',
    scopes: ['openid'],
    acrs: [],
    createdAt: now,
    expiresAt: now + 600_000,
  }
}

const LOCAL = { allowInsecureHttp: true, allowPrivateNetwork: true }
const decision = { authReqId: 'req-1', result: 'AUTHORIZED', subject: 'john' } as const

describe('the claim covers the whole decision', () => {
  it('a second decision while the first one is delivering its ping is refused, after leaseMs too: one /complete', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const pending = createPendingAuthentications({ leaseMs: 1000, now: () => clock })
    await pending.save(record(clock))
    const ping = await heldPingEndpoint()
    const authlete = pingAuthlete(ping.url)

    const first = decideBackchannelAuthentication(authlete, pending, decision, { notification: LOCAL })
    await ping.arrival // /complete answered; the notification is out, its answer held
    // Decided as soon as /complete answered: listed no more, whatever the delivery does.
    expect(await pending.forSubject('john')).toEqual([])
    expect((await pending.get('req-1'))?.state).toBe('decided')
    clock += 1500 // past leaseMs
    const second = await decideBackchannelAuthentication(authlete, pending, decision, {
      notification: LOCAL,
    }).catch((error: unknown) => error)
    expect(second).toMatchObject({ code: 'AUTHLETE_ALREADY_DECIDED' })
    ping.release()
    expect((await first).notification).toMatchObject({ delivered: true, status: 204 })
    expect(authlete.calls).toHaveLength(1)
  })

  it("the claim's lease is as long as the decision may take: its deadline, a grace and the notification's deadline", async () => {
    const leases: number[] = []
    const recording: PendingStore = {
      ...leaseRecordingStore(leases),
      // The store fails as the decision is settled: only the lease keeps a second decision out.
      settle: () => Promise.reject(new Error('store down')),
    }
    const pending = createPendingAuthentications({ store: recording, leaseMs: 1000 })
    await pending.save(record(Date.now()))
    const ping = await heldPingEndpoint()
    const authlete = pingAuthlete(ping.url)
    const notification = { ...LOCAL, timeoutMs: 3000 }

    const first = decideBackchannelAuthentication(authlete, pending, decision, {
      timeoutMs: 5000,
      notification,
    })
    await ping.arrival
    expect(leases).toEqual([5000 + 2000 + 3000])
    const second = await decideBackchannelAuthentication(authlete, pending, decision, { notification }).catch(
      (error: unknown) => error,
    )
    expect(second).toMatchObject({ code: 'AUTHLETE_ALREADY_DECIDED' })
    ping.release()
    expect((await first).notification).toMatchObject({ delivered: true })
    expect(authlete.calls).toHaveLength(1)
  })

  it("by default the lease is leaseMs' 60 s; never shorter than the decision's 10 s, a 2 s grace and the notification's 10 s", async () => {
    const leases: number[] = []
    for (const options of [{}, { leaseMs: 1000 }]) {
      const pending = createPendingAuthentications({ store: leaseRecordingStore(leases), ...options })
      await pending.save(record(Date.now()))
      await decideBackchannelAuthentication(completeStandIn(), pending, decision)
    }
    expect(leases).toEqual([60_000, 10_000 + 2000 + 10_000])
  })
})

describe("the store's answer is checked before /complete", () => {
  it('a claimed record of another subject is nonsense: AUTHLETE_STORE, no /complete, the claim given back', async () => {
    const store = inProcessPendingStore()
    const released: string[] = []
    const faulty: PendingStore = {
      ...store,
      // Answers "claimed" with John's record to Mallory's claim.
      claim: async () => ({ status: 'claimed', record: record(Date.now()) }),
      release: async (authReqId) => {
        released.push(authReqId)
        return true
      },
    }
    const pending = createPendingAuthentications({ store: faulty })
    const authlete = pingAuthlete('https://client.example/cb')
    const error = await decideBackchannelAuthentication(authlete, pending, {
      authReqId: 'req-1',
      result: 'AUTHORIZED',
      subject: 'mallory',
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'AUTHLETE_STORE',
      message: 'The pending store answered nonsense (claim): a record of another subject',
    })
    expect(authlete.calls).toEqual([])
    await expect.poll(() => released).toEqual(['req-1'])
  })
})

/** An in-process store that records the lease of each claim in `leases`. */
function leaseRecordingStore(leases: number[]): PendingStore {
  const store = inProcessPendingStore()
  return {
    ...store,
    claim: (authReqId, claim: PendingClaim, context) => {
      leases.push(claim.leaseMs)
      return store.claim(authReqId, claim, context)
    },
  }
}
