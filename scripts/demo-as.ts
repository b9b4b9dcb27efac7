// The demo's authorization server: a small one on node:http, built as the README and
// examples/authorization-server build theirs (that one runs on Express, which this repository does
// not depend on). Its backchannel authentication endpoint is handleBackchannelAuthentication; its
// device side, where the user's decision arrives, is completeBackchannelAuthentication.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  type BackchannelCompleteResponse,
  type BackchannelUserHint,
  completeBackchannelAuthentication,
  deliverClientNotification,
  handleBackchannelAuthentication,
  isAuthleteError,
  type NotificationDelivery,
  type NotificationOptions,
} from '../src/index.js'
import { printable, type Timeline } from './demo-timeline.js'

export interface DemoUser {
  subject: string
}

/** A login waiting for the user's answer, by auth_req_id. */
interface PendingLogin {
  ticket: string
  user: DemoUser
}

export interface DemoAuthorizationServerOptions {
  authlete: AuthleteClient
  timeline: Timeline
  /** The user store: who the hint names. */
  identifyUser: (hint: BackchannelUserHint) => DemoUser | undefined
  /** Whether a (simulated) device will ask the user, or none will. */
  device: 'simulated' | 'none'
  /** Says where the user came from, after `identifyUser`. */
  userSource: string
  /** How ping and push notifications are delivered. */
  notification: NotificationOptions
  /**
   * Whether to deliver a notification to this endpoint. Without it, every notification is delivered
   * (completeBackchannelAuthentication); with it, `/complete` is called alone and the notification
   * is delivered only where this says yes (deliverClientNotification).
   */
  deliverTo?: ((endpoint: string) => boolean) | undefined
}

/** What completing a login came to. */
export interface DemoCompletion {
  response: BackchannelCompleteResponse
  /** `undefined`: nothing to deliver (poll mode, an error); `'withheld'`: `deliverTo` said no. */
  notification: NotificationDelivery | 'withheld' | undefined
}

export interface DemoAuthorizationServer {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  /** The user answered on their device: `/complete`, then the notification (ping and push). */
  complete(authReqId: string, result: 'AUTHORIZED' | 'ACCESS_DENIED'): Promise<DemoCompletion>
  close(): Promise<void>
}

export const BACKCHANNEL_PATH = '/backchannel/authentication'

export async function startDemoAuthorizationServer(
  options: DemoAuthorizationServerOptions,
): Promise<DemoAuthorizationServer> {
  const { authlete, timeline } = options
  const pending = new Map<string, PendingLogin>()

  const hooks: BackchannelAuthenticationHooks<DemoUser> = {
    identifyUser: (hint) => {
      const user = options.identifyUser(hint)
      timeline.step(
        'AS',
        user
          ? `identifyUser: login_hint ${printable(hint.hint)} → subject ${printable(user.subject)} (${options.userSource})`
          : `identifyUser: no user for login_hint ${printable(hint.hint)} → /fail UNKNOWN_USER_ID`,
      )
      return user
    },
    startAuthentication: ({ user, ticket, authReqId, expiresIn, request }) => {
      pending.set(authReqId, { ticket, user })
      const message =
        request.bindingMessage === undefined ? '' : ` (binding message ${request.bindingMessage})`
      const ask = `${printable(user.subject)} to approve the login of ${printable(request.clientName ?? 'the client')}${printable(message)}; expires in ${expiresIn} s`
      if (options.device === 'none')
        timeline.step('AS', `startAuthentication: would ask ${ask} (no device here)`)
      else timeline.step('AS → device', `asks ${ask}`)
    },
    onError: (error, stage) => {
      const detail = isAuthleteError(error) ? `${error.code}: ${error.message}` : String(error)
      timeline.step('AS', `error at ${stage}: ${printable(detail)}`)
    },
  }

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== BACKCHANNEL_PATH) {
      res.writeHead(404).end()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => req.socket.destroy())
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const answer = await handleBackchannelAuthentication(
        authlete,
        { body, authorization: req.headers.authorization },
        hooks,
      )
      res.writeHead(answer.status, answer.headers).end(answer.body)
    })
  })

  async function complete(
    authReqId: string,
    result: 'AUTHORIZED' | 'ACCESS_DENIED',
  ): Promise<DemoCompletion> {
    const login = pending.get(authReqId)
    if (login === undefined) throw new Error(`no login is waiting with auth_req_id ${authReqId}`)
    pending.delete(authReqId)
    const request = {
      ticket: login.ticket,
      result,
      subject: login.user.subject,
      authTime: Math.floor(Date.now() / 1000),
    }
    if (options.deliverTo === undefined) {
      const outcome = await completeBackchannelAuthentication(authlete, request, {
        notification: options.notification,
      })
      return { response: outcome.response, notification: outcome.notification }
    }
    const response = await authlete.backchannelComplete(request)
    if (response.action !== 'NOTIFICATION') return { response, notification: undefined }
    if (!options.deliverTo(response.clientNotificationEndpoint)) return { response, notification: 'withheld' }
    return { response, notification: await deliverClientNotification(response, options.notification) }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    complete,
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
