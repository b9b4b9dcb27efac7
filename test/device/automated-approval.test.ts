// handleAutomatedApproval: what the OpenID conformance suite's automated_ciba_approval_url calls. Off
// without a secret; the secret compared in constant time; the decision exactly once through the
// pending store, for the request's own subject, safe in parallel; mounted with toNodeHandler as the
// suite calls it (POST, no body, Accept: application/json).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { handleAutomatedApproval, toNodeHandler } from '../../device/index.js'
import { createPendingAuthentications } from '../../src/index.js'
import { completingAuthlete, saveRequest } from '../helpers/device-fixtures.js'
import { useLeakCheck } from '../helpers/leak-check.js'

useLeakCheck()

/** The lengths of what the handler compares, seen through node:crypto's timingSafeEqual. */
const compared = vi.hoisted(() => [] as Array<[number, number]>)
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength])
      return actual.timingSafeEqual(a, b)
    },
  }
})

const SECRET = 'kq3LlCZ5v0aQW8yQ2Yx9mX4rTq7Zp1Nc'

function setUp() {
  const pending = createPendingAuthentications()
  const authlete = completingAuthlete()
  const approve = handleAutomatedApproval(authlete.client, pending, { secret: SECRET })
  return { pending, authlete, approve }
}

const call = (query: Record<string, string>, method = 'POST') =>
  new Request(`https://as.example.com/ciba/automated-approval?${new URLSearchParams(query)}`, {
    method,
    headers: { accept: 'application/json' },
  })

describe('handleAutomatedApproval', () => {
  it.each([[{}], [{ secret: '' }], [{ secret: undefined }]])(
    'refuses to be made without a secret: %j',
    (options) => {
      expect(() =>
        handleAutomatedApproval(
          completingAuthlete().client,
          createPendingAuthentications(),
          options as never,
        ),
      ).toThrow('secret: is required: the automated approval is off without one')
    },
  )

  it('allow: decides the request for its own subject, 200 {"result":"AUTHORIZED"}', async () => {
    const { pending, authlete, approve } = setUp()
    const saved = await saveRequest(pending, { subject: 'jane' })
    const answer = await approve(call({ secret: SECRET, auth_req_id: saved.authReqId, action: 'allow' }))
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ result: 'AUTHORIZED' })
    expect(authlete.completed).toEqual([
      { ticket: saved.ticket, subject: 'jane', result: 'AUTHORIZED', authTime: expect.any(Number) },
    ])
    expect((await pending.get(saved.authReqId))?.state).toBe('decided')
  })

  it('deny: 200 {"result":"ACCESS_DENIED"}; then any other call is 409', async () => {
    const { pending, authlete, approve } = setUp()
    const saved = await saveRequest(pending)
    expect(
      await (await approve(call({ secret: SECRET, auth_req_id: saved.authReqId, action: 'deny' }))).json(),
    ).toEqual({
      result: 'ACCESS_DENIED',
    })
    expect(
      (await approve(call({ secret: SECRET, auth_req_id: saved.authReqId, action: 'allow' }))).status,
    ).toBe(409)
    expect(authlete.completed.map((r) => r.result)).toEqual(['ACCESS_DENIED'])
  })

  it.each([
    ['a wrong secret', { secret: `${SECRET.slice(0, -1)}x` }],
    ['a longer secret', { secret: `${SECRET}x` }],
    ['an empty secret', { secret: '' }],
    ['no secret', {}],
  ])('%s: 401 and nothing decided', async (_, secret) => {
    const { pending, authlete, approve } = setUp()
    const saved = await saveRequest(pending)
    const answer = await approve(call({ ...secret, auth_req_id: saved.authReqId, action: 'allow' }))
    expect(answer.status).toBe(401)
    expect(await answer.json()).toEqual({ error: 'unauthorized', message: 'The secret is missing or wrong' })
    expect(authlete.completed).toEqual([])
    expect((await pending.get(saved.authReqId))?.state).toBe('pending')
  })

  it('compares digests of equal length in constant time, whatever the length given', async () => {
    const { approve } = setUp()
    compared.length = 0
    await approve(call({ secret: 'x', auth_req_id: 'a', action: 'allow' }))
    await approve(call({ secret: 'x'.repeat(500), auth_req_id: 'a', action: 'allow' }))
    expect(compared).toEqual([
      [32, 32],
      [32, 32],
    ])
  })

  it.each([
    [{ action: 'allow' }, 400],
    [{ auth_req_id: 'x', action: 'approve' }, 400],
    [{ auth_req_id: 'unknown', action: 'allow' }, 404],
  ])('%j: %i', async (query, status) => {
    const { approve } = setUp()
    expect((await approve(call({ secret: SECRET, ...query }))).status).toBe(status)
  })

  it('GET is 405: the suite POSTs', async () => {
    const { pending, approve } = setUp()
    const saved = await saveRequest(pending)
    const answer = await approve(
      call({ secret: SECRET, auth_req_id: saved.authReqId, action: 'allow' }, 'GET'),
    )
    expect(answer.status).toBe(405)
    expect(answer.headers.get('allow')).toBe('POST')
  })

  it('safe in parallel: of 20 calls at once, one decides and 19 are 409, one /complete', async () => {
    const { pending, authlete, approve } = setUp()
    const saved = await saveRequest(pending)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        approve(call({ secret: SECRET, auth_req_id: saved.authReqId, action: i % 2 ? 'allow' : 'deny' })),
      ),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(19).fill(409)])
    expect(authlete.completed).toHaveLength(1)
  })
})

describe('mounted with toNodeHandler, called as the suite calls it', () => {
  const servers: http.Server[] = []
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('POST without a body, Accept: application/json: 200 and the request decided', async () => {
    const { pending, authlete, approve } = setUp()
    const server = http.createServer(toNodeHandler(approve))
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const saved = await saveRequest(pending)
    const query = new URLSearchParams({ secret: SECRET, auth_req_id: saved.authReqId, action: 'allow' })
    const answer = await fetch(`http://127.0.0.1:${port}/ciba/automated-approval?${query}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ result: 'AUTHORIZED' })
    expect(authlete.completed).toHaveLength(1)
  })
})
