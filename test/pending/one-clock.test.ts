// docs/testing.md's "One clock" example, run as it is written (its imports mapped to the sources):
// the simulator and the pending requests on one fake clock, a request expires in both at the same
// instant, and a decision inside the lifetime succeeds. The first test holds the example to the page.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import {
  AuthleteClient,
  createPendingAuthentications,
  decideBackchannelAuthentication,
  handleBackchannelAuthentication,
} from '../../src/index.js'

const SOURCE = readFileSync(import.meta.filename, 'utf8')
const PAGE = readFileSync(resolve(import.meta.dirname, '../../docs/testing.md'), 'utf8')

it("is docs/testing.md's example, word for word", () => {
  const section = PAGE.slice(PAGE.indexOf('## One clock for the simulator and your AS'))
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const body = (code: string) => code.slice(code.indexOf('// One clock for both sides')).trim()
  const mine = SOURCE.slice(SOURCE.indexOf('// ---- The example.') + '// ---- The example.'.length)
  expect(body(example).length).toBeGreaterThan(1000)
  expect(body(mine)).toBe(body(example))
})

// ---- The example.
// One clock for both sides: the simulator's, and your AS's pending requests.
let clock = Date.parse('2026-01-01T00:00:00Z')
const now = () => clock

const simulator = createCibaSimulator({
  now,
  users: [{ subject: 'john' }],
  clients: [{ clientId: 'rp', clientSecret: 'rp-secret' }], // poll mode
})
const server = setupAuthleteServer(...simulator.handlers)
const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: 'test-token' })
const pending = createPendingAuthentications({ now }) // createdAt, expiresAt and each claim's deadline
beforeAll(() => server.listen())
afterAll(async () => {
  await authlete.close()
  server.close()
})

async function startLogin() {
  const answer = await handleBackchannelAuthentication(
    authlete,
    { body: 'scope=openid&login_hint=john', authorization: `Basic ${btoa('rp:rp-secret')}` },
    { identifyUser: (hint) => simulator.findUser(hint), startAuthentication: () => {}, pending },
  )
  return (JSON.parse(answer.body) as { auth_req_id: string }).auth_req_id
}

const approve = (authReqId: string) =>
  decideBackchannelAuthentication(authlete, pending, {
    authReqId,
    result: 'AUTHORIZED',
    subject: 'john',
    authTime: Math.floor(now() / 1000),
  })

it('is live one second before expiry, on both sides', async () => {
  const authReqId = await startLogin() // expires_in: 600
  clock += 599_000
  expect(simulator.authentication(authReqId)?.status).toBe('pending') // Authlete's side
  expect((await pending.forSubject('john')).map((request) => request.authReqId)).toContain(authReqId)
  expect((await approve(authReqId)).action).toBe('NO_ACTION')
})

it('is expired at expiry, on both sides', async () => {
  const authReqId = await startLogin()
  clock += 600_000
  expect(simulator.authentication(authReqId)?.status).toBe('expired') // Authlete's side
  expect(await pending.get(authReqId)).toBeUndefined() // your AS's side
  await expect(approve(authReqId)).rejects.toMatchObject({ code: 'AUTHLETE_PENDING_NOT_FOUND' })
})
