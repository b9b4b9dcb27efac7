/**
 * A minimal authorization server for the simulator's tests, built as the README tells an AS to be:
 * its backchannel authentication endpoint on 127.0.0.1 (node:http) is `handleBackchannelAuthentication`
 * with the simulator's user registry behind its hooks, and the device-to-AS channel
 * (`simulator.onDecision`) is `completeBackchannelAuthentication`, which calls `/complete` and
 * delivers the ping or push notification.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CibaSimulator, CibaSimulatorUser } from '../../mocks/index.js'
import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  completeBackchannelAuthentication,
  handleBackchannelAuthentication,
} from '../../src/index.js'
import { basic } from './basic.js'

export interface TestAuthorizationServer {
  /** `http://127.0.0.1:{port}/backchannel/authentication` */
  url: string
  close(): Promise<void>
}

/** The client stand-in listens on plain http on loopback: allowed here, for tests only. */
const NOTIFICATION = { allowInsecureHttp: true, allowPrivateNetwork: true } as const

export async function startTestAuthorizationServer(
  authlete: AuthleteClient,
  simulator: CibaSimulator,
): Promise<TestAuthorizationServer> {
  const hooks: BackchannelAuthenticationHooks<CibaSimulatorUser> = {
    identifyUser: (hint) => simulator.findUser(hint),
    // Only asked when the request carries a code or the client requires one.
    verifyUserCode: (user, userCode) => user.userCode === userCode,
    // The simulator is the device: /issue made the authentication it shows, nothing more to start.
    startAuthentication: () => {},
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const answer = await handleBackchannelAuthentication(
      authlete,
      { body: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization },
      hooks,
    )
    res.writeHead(answer.status, answer.headers).end(answer.body)
  })

  // The AS's side of a decision. A delivery that fails is a failed login for these tests: say so.
  // The AS reports when and how the user authenticated: the ID token's auth_time and acr.
  const unsubscribe = simulator.onDecision(async ({ ticket, result, subject, authTime, acr }) => {
    const outcome = await completeBackchannelAuthentication(
      authlete,
      { ticket, result, subject, authTime, acr },
      { notification: NOTIFICATION },
    )
    if (outcome.notification?.delivered === false) throw outcome.notification.error
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/backchannel/authentication`,
    close() {
      unsubscribe()
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The client application's backchannel authentication request to the AS (client_secret_basic). */
export async function requestAuthentication(
  as: TestAuthorizationServer,
  client: { clientId: string; clientSecret: string },
  parameters: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(as.url, {
    method: 'POST',
    headers: {
      authorization: basic(client.clientId, client.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(parameters),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}
