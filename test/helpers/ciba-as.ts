/**
 * A minimal authorization server for the simulator's tests: its backchannel authentication endpoint
 * on 127.0.0.1 (node:http), written against the client's four calls, and the device-to-AS channel
 * (`simulator.onDecision`) that completes the request and delivers the notification.
 *
 * TODO(flow): `handleBackchannelAuthentication` / `completeBackchannelAuthentication` (src/flow)
 * will replace the calls in `endpoint` and `complete`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CibaSimulator } from '../../mocks/index.js'
import { type AuthleteClient, toBackchannelResponse } from '../../src/index.js'

export interface TestAuthorizationServer {
  /** `http://127.0.0.1:{port}/backchannel/authentication` */
  url: string
  close(): Promise<void>
}

function basicCredentials(header: string | undefined) {
  if (!header?.startsWith('Basic ')) return {}
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  }
}

/** The AS's side of a decision: `/complete`, then the notification (ping and push). */
async function complete(authlete: AuthleteClient, ticket: string, result: string, subject: string) {
  const done = await authlete.backchannelComplete({ ticket, result: result as 'AUTHORIZED', subject })
  if (done.action !== 'NOTIFICATION') return
  const response = await fetch(done.clientNotificationEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${done.clientNotificationToken}`,
      'content-type': 'application/json',
    },
    body: done.responseContent,
    redirect: 'manual',
  })
  await response.body?.cancel()
}

export async function startTestAuthorizationServer(
  authlete: AuthleteClient,
  simulator: CibaSimulator,
): Promise<TestAuthorizationServer> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const answer = await endpoint(Buffer.concat(chunks).toString('utf8'), req.headers.authorization).catch(
      (error: unknown) => toBackchannelResponse(error),
    )
    res.writeHead(answer.status, answer.headers).end(answer.body)
  })

  async function endpoint(parameters: string, authorization: string | undefined) {
    const ba = await authlete.backchannelAuthentication({ parameters, ...basicCredentials(authorization) })
    if (ba.action !== 'USER_IDENTIFICATION') return toBackchannelResponse(ba)
    const user = simulator.findUser(ba)
    const refuse = async (reason: 'UNKNOWN_USER_ID' | 'INVALID_USER_CODE') =>
      toBackchannelResponse(await authlete.backchannelFail({ ticket: ba.ticket, reason }))
    if (user === undefined) return refuse('UNKNOWN_USER_ID')
    if (ba.userCodeRequired && ba.userCode !== user.userCode) return refuse('INVALID_USER_CODE')
    return toBackchannelResponse(await authlete.backchannelIssue(ba.ticket))
  }

  const unsubscribe = simulator.onDecision(({ ticket, result, subject }) =>
    complete(authlete, ticket, result, subject),
  )
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
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(parameters),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}
