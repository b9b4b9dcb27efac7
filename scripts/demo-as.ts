// The demo's authorization server: a small one on node:http, built as the README and
// examples/authorization-server build theirs (that one runs on Express, which this repository does
// not depend on). Its backchannel authentication endpoint is handleBackchannelAuthentication; its
// device side, where the user's decision arrives, is completeBackchannelAuthentication; its token
// endpoint is handleTokenRequest; its discovery document and JWK Set are the Authlete service's.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  type BackchannelCompleteAnswer,
  type BackchannelUserHint,
  completeBackchannelAuthentication,
  deliverClientNotification,
  handleBackchannelAuthentication,
  handleTokenRequest,
  handleUserInfoRequest,
  isAuthleteError,
  type NotificationDelivery,
  type NotificationOptions,
  validateAccessToken,
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
  response: BackchannelCompleteAnswer
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
export const TOKEN_PATH = '/token'
export const DISCOVERY_PATH = '/.well-known/openid-configuration'
export const JWKS_PATH = '/jwks'
export const USERINFO_PATH = '/userinfo'
export const API_PATH = '/api/me'

/**
 * Starts the server on a loopback port, then asks `configure` for its options with its URL (the
 * issuer, which the Authlete service's settings must know before the server serves anything).
 */
export async function startDemoAuthorizationServer(
  configure: (url: string) => Promise<DemoAuthorizationServerOptions>,
): Promise<DemoAuthorizationServer> {
  let routes:
    | ((req: http.IncomingMessage, res: http.ServerResponse, body: string) => Promise<void>)
    | undefined
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => req.socket.destroy())
    req.on('end', () => {
      if (routes === undefined) res.writeHead(503).end()
      else routes(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const close = () => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  }
  let options: DemoAuthorizationServerOptions
  try {
    options = await configure(url)
  } catch (error) {
    await close()
    throw error
  }
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

  const report = (stage: string) => (error: unknown) => {
    const detail = isAuthleteError(error) ? `${error.code}: ${error.message}` : String(error)
    timeline.step('AS', `error at ${stage}: ${printable(detail)}`)
  }
  /** The service's discovery document or JWK Set, as it is. */
  const relay = async (res: http.ServerResponse, read: () => Promise<object>) => {
    try {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await read()))
    } catch (error) {
      report('discovery')(error)
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"server_error"}')
    }
  }

  routes = async (req, res, body) => {
    const route = `${req.method} ${req.url}`
    if (route === `POST ${BACKCHANNEL_PATH}`) {
      const answer = await handleBackchannelAuthentication(
        authlete,
        { body, authorization: req.headers.authorization },
        hooks,
      )
      res.writeHead(answer.status, answer.headers).end(answer.body)
    } else if (route === `POST ${TOKEN_PATH}`) {
      const answer = await handleTokenRequest(
        authlete,
        { body, authorization: req.headers.authorization, dpop: req.headers.dpop as string | undefined },
        { onError: (error, stage) => report(stage)(error) },
      )
      res.writeHead(answer.status, answer.headers).end(answer.body)
    } else if (route === `GET ${USERINFO_PATH}`) {
      const answer = await handleUserInfoRequest(
        authlete,
        {
          method: 'GET',
          authorization: req.headers.authorization,
          dpop: req.headers.dpop as string | undefined,
        },
        {
          // The demo's users have a subject only: a name made of it, for the profile scope.
          claims: ({ subject }) => ({ name: subject.charAt(0).toUpperCase() + subject.slice(1) }),
          onError: (error, stage) => report(stage)(error),
        },
      )
      res.writeHead(answer.status, answer.headers).end(answer.body)
    } else if (route === `GET ${API_PATH}`) {
      // The AS's own API: a resource server, which asks Authlete whether the token will do.
      const token = await validateAccessToken(authlete, {
        authorization: req.headers.authorization,
        dpop: req.headers.dpop as string | undefined,
        method: 'GET',
        url: url + API_PATH,
      })
      if (!token.valid) {
        if (token.error !== undefined) report('validateAccessToken')(token.error)
        res.writeHead(token.status, token.headers).end(token.body)
      } else {
        const me = { subject: token.subject, scopes: token.scopes, clientId: token.clientId }
        res.writeHead(200, { ...token.headers, 'content-type': 'application/json' }).end(JSON.stringify(me))
      }
    } else if (route === `GET ${DISCOVERY_PATH}`) {
      await relay(res, () => authlete.serviceConfiguration())
    } else if (route === `GET ${JWKS_PATH}`) {
      await relay(res, () => authlete.serviceJwks())
    } else {
      res.writeHead(404).end()
    }
  }

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
      return { response: outcome.answer, notification: outcome.notification }
    }
    const response = await authlete.backchannelComplete(request)
    if (response.action !== 'NOTIFICATION') return { response, notification: undefined }
    if (!options.deliverTo(response.clientNotificationEndpoint)) return { response, notification: 'withheld' }
    return { response, notification: await deliverClientNotification(response, options.notification) }
  }

  return { url, complete, close }
}
