/**
 * `startCibaClientStandIn`: the client application's side of a CIBA login. On a loopback port it
 * receives the notifications an authorization server delivers in ping and push modes (CIBA Core
 * §10.2, §10.3), records them and lets a test await them; and it fetches the tokens at the AS's token
 * endpoint as the client does in poll and ping modes (CIBA Core §10.1), once or polling.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10
 * @module
 */

import { randomBytes } from 'node:crypto'
import http, { type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Arrivals, type WaitOptions } from './arrivals.js'
import {
  type CibaAuthenticationRequest,
  type CibaAuthenticationResponse,
  formEncode,
  sendBackchannelAuthentication,
} from './backchannel-request.js'
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
  /**
   * The client's backchannel authentication request at the AS (CIBA Core §7.1): what starts a login.
   * Resolves with the status and the parsed JSON (`auth_req_id`, `expires_in`, `interval`), whatever
   * the status.
   */
  requestAuthentication(request: CibaAuthenticationRequest): Promise<CibaAuthenticationResponse>
  /** The token responses `fetchTokens` and `pollTokens` received, in order. */
  readonly tokenResponses: readonly CibaTokenResponse[]
  /**
   * One token request for `authReqId` at `tokenEndpoint`, as the client application sends it:
   * `grant_type=urn:openid:params:grant-type:ciba`, the client's credentials (Basic, or in the body),
   * and the DPoP proof if given. Resolves with the status and the parsed JSON, whatever the status.
   */
  fetchTokens(request: CibaTokenRequest): Promise<CibaTokenResponse>
  /**
   * Polls as a poll-mode client does (CIBA Core §7.3, §11): a token request, then another after
   * `interval` seconds while the answer is `authorization_pending`, adding 5 seconds to the interval
   * at each `slow_down`. Resolves with the first other answer: the tokens, or an error.
   */
  pollTokens(request: CibaTokenPolling): Promise<CibaTokenResponse>
  /** Forgets the notifications and token responses received; waits in progress reject. Keeps the port and token. */
  reset(): void
  /** Stops the server and drops its connections; waits in progress reject. */
  close(): Promise<void>
}

/**
 * A token request of the client application (CIBA Core §10.1).
 */
export interface CibaTokenRequest {
  /** The AS's token endpoint. */
  tokenEndpoint: string | URL
  /** The `auth_req_id` the backchannel authentication response gave. */
  authReqId: string
  clientId: string
  clientSecret: string
  /**
   * How the client authenticates: `client_secret_basic` (the `Authorization` header) or
   * `client_secret_post` (`client_id` and `client_secret` in the body).
   * @default 'client_secret_basic'
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | undefined
  /**
   * A DPoP proof (RFC 9449) to send as the `DPoP` header: the tokens are then bound to its key. One
   * proof serves one request: give a function to make one per request (`pollTokens`).
   * @default undefined (no DPoP header)
   */
  dpop?: string | (() => string) | undefined
  /**
   * Aborts the request (and a `pollTokens` wait).
   * @default undefined
   */
  signal?: AbortSignal | undefined
}

/**
 * Options of {@link CibaClientStandIn.pollTokens}.
 */
export interface CibaTokenPolling extends CibaTokenRequest {
  /**
   * Seconds between two token requests: the `interval` of the backchannel authentication response.
   * @default 5
   */
  interval?: number | undefined
  /**
   * How a wait of `ms` milliseconds is made, e.g. one that moves a simulator's `now` clock on and
   * resolves at once. The default waits on the global `setTimeout`, so fake timers drive it too.
   * @default a timer
   */
  sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined
}

/**
 * The AS's answer to a token request.
 */
export interface CibaTokenResponse {
  status: number
  headers: Headers
  /** The JSON body, or `undefined` when it is not a JSON object. */
  body: Record<string, unknown> | undefined
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

const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba'

/** The errors a polling client waits through (CIBA Core §11). */
const STILL_PENDING: ReadonlySet<unknown> = new Set(['authorization_pending', 'slow_down'])

/** A timer-made wait of `ms`, ended early (rejecting) by `signal`. */
function sleepFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

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
  const tokenResponses: CibaTokenResponse[] = []
  const arrivals = new Arrivals<CibaNotification>()

  async function fetchTokens(request: CibaTokenRequest): Promise<CibaTokenResponse> {
    const body = new URLSearchParams({ grant_type: CIBA_GRANT_TYPE, auth_req_id: request.authReqId })
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (request.authMethod === 'client_secret_post') {
      body.set('client_id', request.clientId)
      body.set('client_secret', request.clientSecret)
    } else {
      const credentials = `${formEncode(request.clientId)}:${formEncode(request.clientSecret)}`
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
    }
    const proof = typeof request.dpop === 'function' ? request.dpop() : request.dpop
    if (proof !== undefined) headers.dpop = proof
    const response = await fetch(request.tokenEndpoint, {
      method: 'POST',
      headers,
      body,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    })
    const json = parseJson(await response.text())
    const answer: CibaTokenResponse = {
      status: response.status,
      headers: response.headers,
      body:
        typeof json === 'object' && json !== null && !Array.isArray(json)
          ? (json as Record<string, unknown>)
          : undefined,
    }
    tokenResponses.push(answer)
    return answer
  }

  async function pollTokens(polling: CibaTokenPolling): Promise<CibaTokenResponse> {
    const sleep = polling.sleep ?? sleepFor
    let interval = polling.interval ?? 5
    for (;;) {
      const answer = await fetchTokens(polling)
      const error = answer.body?.error
      if (answer.status !== 400 || !STILL_PENDING.has(error)) return answer
      // CIBA Core §11 (after RFC 8628 §3.5): slow_down adds 5 seconds, for this and every later poll.
      if (error === 'slow_down') interval += 5
      await sleep(interval * 1000, polling.signal)
    }
  }

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
    tokenResponses,
    requestAuthentication: sendBackchannelAuthentication,
    fetchTokens,
    pollTokens,
    reset() {
      arrivals.clear(new Error('startCibaClientStandIn: reset() while waiting for a notification'))
      notifications.length = 0
      tokenResponses.length = 0
    },
    close() {
      arrivals.clear(new Error('startCibaClientStandIn: closed while waiting for a notification'))
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
