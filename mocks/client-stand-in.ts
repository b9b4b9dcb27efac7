/**
 * `startCibaClientStandIn`: the client application's side of ping and push modes, on a loopback
 * port. It receives the notifications an authorization server delivers (CIBA Core §10.2, §10.3),
 * records them and lets a test await them.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10
 * @module
 */

import { randomBytes } from 'node:crypto'
import http, { type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Arrivals, type WaitOptions } from './arrivals.js'
import { readBody } from './read-body.js'

/**
 * A notification as the client application received it.
 */
export interface CibaNotification {
  /** The request's path and query. */
  path: string
  /** Every header as received (the `Authorization` header holds the test's own token). */
  headers: IncomingHttpHeaders
  /** The `Authorization` header, if any. */
  authorization: string | undefined
  /** Whether `authorization` is exactly `Bearer <token>`, as CIBA Core §10.2 requires. */
  authorized: boolean
  /** The body's JSON, or `undefined` when it is not JSON. */
  body: unknown
  /** The body as text. */
  text: string
}

/**
 * A running client stand-in.
 */
export interface CibaClientStandIn {
  /**
   * The notification endpoint, `http://127.0.0.1:{port}/ciba/notification`: register it as the
   * client's `clientNotificationEndpoint`.
   */
  readonly url: string
  /** The `client_notification_token` it expects: send it in the client's backchannel authentication request. */
  readonly token: string
  /** The notifications received, in order. */
  readonly notifications: readonly CibaNotification[]
  /**
   * The oldest notification no earlier call took: one received already, or the next to arrive.
   * Each notification is handed out once.
   */
  nextNotification(options?: NextNotificationOptions): Promise<CibaNotification>
  /** Stops the server and drops its connections; waits in progress reject. */
  close(): Promise<void>
}

/**
 * Which notification {@link CibaClientStandIn.nextNotification} waits for.
 */
export interface NextNotificationOptions extends WaitOptions {
  /**
   * Only a notification whose body's `auth_req_id` is this one.
   * @default any notification
   */
  authReqId?: string | undefined
}

/**
 * Options of {@link startCibaClientStandIn}.
 */
export interface CibaClientStandInOptions {
  /**
   * The `client_notification_token` to expect.
   * @default 43 random base64url characters
   */
  token?: string | undefined
  /**
   * The HTTP status to answer a notification with (CIBA Core §10.2: 204, or 200).
   * @default 204
   */
  status?: number | undefined
  /**
   * @default 0 (any free port)
   */
  port?: number | undefined
  /**
   * @default '127.0.0.1'
   */
  host?: string | undefined
}

const PATH = '/ciba/notification'

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/**
 * Starts a client application's notification endpoint on loopback. A POST to `url` is recorded and
 * answered `status`; anything else gets 404 and is not recorded.
 */
export async function startCibaClientStandIn(
  options: CibaClientStandInOptions = {},
): Promise<CibaClientStandIn> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const status = options.status ?? 204
  const notifications: CibaNotification[] = []
  const arrivals = new Arrivals<CibaNotification>()

  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/'
    if (req.method !== 'POST' || path.split('?')[0] !== PATH) {
      res.writeHead(404).end()
      return
    }
    const body = await readBody(req)
    // The sender hung up in the middle of its body: no notification.
    if (body === undefined) return
    const text = body.toString('utf8')
    const authorization = req.headers.authorization
    const notification: CibaNotification = {
      path,
      headers: req.headers,
      authorization,
      authorized: authorization === `Bearer ${token}`,
      body: parseJson(text),
      text,
    }
    // Recorded before the answer leaves: once the AS's POST resolves, the notification is listed.
    notifications.push(notification)
    arrivals.push(notification)
    res.writeHead(status, { 'cache-control': 'no-store' }).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${host}:${address.port}${PATH}`,
    token,
    notifications,
    nextNotification(waitOptions = {}) {
      const { authReqId } = waitOptions
      const matches = (notification: CibaNotification) =>
        authReqId === undefined ||
        (notification.body as { auth_req_id?: unknown } | undefined)?.auth_req_id === authReqId
      return arrivals.next(matches, waitOptions)
    },
    close() {
      arrivals.clear(new Error('startCibaClientStandIn: closed while waiting for a notification'))
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
