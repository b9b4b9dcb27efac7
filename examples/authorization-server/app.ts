// The authorization server's CIBA endpoints on Express: the backchannel authentication endpoint
// (handleBackchannelAuthentication, which saves each issued request in `pending`) and the user's
// device (device.ts: the page of authlete-ciba/device, where the user approves or denies, once per
// request, whichever instance the answer reaches; Web Push to the user's browsers when VAPID keys
// are set). Users live in memory; pending requests in process, or on Redis when the server runs as
// several instances.
// Then the token endpoint (handleTokenRequest), where poll and ping clients fetch their tokens, and
// the discovery document and JWK Set a client application validates ID tokens with.

import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  createPendingAuthentications,
  handleBackchannelAuthentication,
  handleTokenRequest,
  isAuthleteError,
  type NotificationOptions,
  type PendingAuthentications,
} from 'authlete-ciba'
import { type PushSubscriptions, type VapidDetails, webPushNotifier } from 'authlete-ciba/device'
import express from 'express'
import { mountDevice } from './device.ts'

export interface User {
  subject: string
  name: string
  /** Asked for when the client sends a user_code. */
  userCode: string
}

const USERS: ReadonlyMap<string, User> = new Map([
  ['john', { subject: 'john', name: 'John Smith', userCode: '1234' }],
  ['jane', { subject: 'jane', name: 'Jane Doe', userCode: '5678' }],
])

export interface AppOptions {
  authlete: AuthleteClient
  /** How client notifications are delivered (ping and push modes). */
  notification?: NotificationOptions
  /** Requests waiting for the user's decision: in process by default; on Redis for several instances. */
  pending?: PendingAuthentications
  /** Told of each request once its device was asked (the embedded stand-in Authlete uses it). */
  onStarted?: (started: { ticket: string; authReqId: string }) => void
  /** This server's origin (`http://127.0.0.1:3000`): the device page's, which it checks POSTs against. */
  origin: string
  /** Web Push to the user's browsers: the VAPID keys (`authlete-ciba vapid-keys`) and where subscriptions live. */
  webPush?: { vapid: VapidDetails; subscriptions: PushSubscriptions }
  /** The conformance suite's automated approval, at POST /ciba/automated-approval?secret=… */
  automatedApprovalSecret?: string
}

export function createApp({
  authlete,
  notification,
  pending = createPendingAuthentications(),
  onStarted,
  origin,
  webPush,
  automatedApprovalSecret,
}: AppOptions) {
  const notify =
    webPush &&
    webPushNotifier({ ...webPush, onError: (error) => console.error('[web push]', (error as Error)?.message) })
  const hooks: BackchannelAuthenticationHooks<User> = {
    identifyUser: ({ hintType, hint }) => (hintType === 'LOGIN_HINT' && hint ? USERS.get(hint) : undefined),
    verifyUserCode: (user, userCode) => user.userCode === userCode,
    // The device page shows it as text, whatever it holds: any printable text up to 64 characters.
    validateBindingMessage: (message) => /^[^\p{Cc}]{1,64}$/u.test(message),
    // Saved here before startAuthentication: any instance can list and decide it.
    pending,
    startAuthentication: ({ user, ticket, authReqId, expiresIn, request }) => {
      onStarted?.({ ticket, authReqId })
      console.log(
        `[device] ${user.name}, a request waits at ${origin}/device (binding message: ${request.bindingMessage ?? '-'})`,
      )
      // The user's browsers, if they asked to be notified: in the background (it never rejects).
      void notify?.(user.subject, {
        authReqId,
        clientName: request.clientName,
        bindingMessage: request.bindingMessage,
        expiresAt: Date.now() + expiresIn * 1000,
      })
    },
    onError: (error, stage) => {
      const detail = isAuthleteError(error) ? error.toJSON() : error
      console.error(`[backchannel] ${stage} failed:`, detail)
    },
  }

  const app = express()

  // The backchannel authentication endpoint: the raw form body goes to Authlete as it came.
  app.post(
    '/backchannel/authentication',
    express.text({ type: 'application/x-www-form-urlencoded' }),
    async (req, res) => {
      const answer = await handleBackchannelAuthentication(
        authlete,
        { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization') },
        hooks,
      )
      res.status(answer.status).set(answer.headers).send(answer.body)
    },
  )

  // The user's device: the page, its routes and event stream under /device, the demo's sign-in at /.
  const device = mountDevice(app, {
    authlete,
    pending,
    users: USERS,
    origin,
    notification,
    webPush: webPush && { subscriptions: webPush.subscriptions, vapidPublicKey: webPush.vapid.publicKey },
    automatedApprovalSecret,
  })

  // The token endpoint: the CIBA grant (poll and ping modes) and refresh tokens. Authlete checks the
  // client, the auth_req_id and any DPoP proof; the raw form body goes to it as it came.
  app.post('/token', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
    const answer = await handleTokenRequest(
      authlete,
      {
        body: typeof req.body === 'string' ? req.body : '',
        authorization: req.get('authorization'),
        dpop: req.get('dpop'),
      },
      {
        onError: (error, stage) => {
          console.error(`[token] ${stage} failed:`, isAuthleteError(error) ? error.toJSON() : error)
        },
      },
    )
    res.status(answer.status).set(answer.headers).send(answer.body)
  })

  // What a client application discovers: the metadata and the ID tokens' public keys, as the
  // Authlete service's settings say (its issuer, its endpoints: this server's URLs).
  const serve = (read: () => Promise<object>) => async (_req: express.Request, res: express.Response) => {
    try {
      res.json(await read())
    } catch (error) {
      console.error('[discovery] Authlete failed:', isAuthleteError(error) ? error.toJSON() : error)
      res.status(502).json({ error: 'server_error' })
    }
  }
  app.get('/.well-known/openid-configuration', serve(() => authlete.serviceConfiguration()))
  app.get('/jwks', serve(() => authlete.serviceJwks()))

  return Object.assign(app, { closeDevice: () => device.close() })
}
