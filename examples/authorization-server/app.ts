// The authorization server's CIBA endpoints on Express: the backchannel authentication endpoint
// (handleBackchannelAuthentication, which saves each issued request in `pending`) and the user's
// device (device.ts: the page of authlete-ciba/device, where the user approves or denies, once per
// request, whichever instance the answer reaches; Web Push to the user's browsers when VAPID keys
// are set). Users live in memory; pending requests in process, or on Redis when the server runs as
// several instances.
// Then the token endpoint (handleTokenRequest), where poll and ping clients fetch their tokens, and
// the discovery document and JWK Set a client application validates ID tokens with. Then the tokens
// at work: the UserInfo endpoint (handleUserInfoRequest), revocation and introspection, and an API
// of this server's own that takes the access tokens (validateAccessToken).

import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  createPendingAuthentications,
  handleBackchannelAuthentication,
  handleIntrospectionRequest,
  handleRevocationRequest,
  handleTokenRequest,
  handleUserInfoRequest,
  isAuthleteError,
  type NotificationOptions,
  parseBasicCredentials,
  type PendingAuthentications,
  validateAccessToken,
} from 'authlete-ciba'
import { type PushSubscriptions, type VapidDetails, webPushNotifier } from 'authlete-ciba/device'
import { timingSafeEqual } from 'node:crypto'
import express from 'express'
import { mountDevice } from './device.ts'

export interface User {
  subject: string
  name: string
  email: string
  /** Asked for when the client sends a user_code. */
  userCode: string
}

const USERS: ReadonlyMap<string, User> = new Map([
  ['john', { subject: 'john', name: 'John Smith', email: 'john@example.com', userCode: '1234' }],
  ['jane', { subject: 'jane', name: 'Jane Doe', email: 'jane@example.com', userCode: '5678' }],
])

/** The resource servers that may call /introspect, with their secrets (HTTP Basic). */
const RESOURCE_SERVERS: ReadonlyMap<string, string> = new Map([['resource-server', 'resource-server-secret']])

/** The claims of a user by name (OpenID Connect Core §5.1): the UserInfo endpoint keeps those allowed. */
function claimsOf(user: User | undefined) {
  return user && { name: user.name, email: user.email, email_verified: true }
}

/** Whether an `Authorization: Basic` header names a resource server with its secret. */
function isResourceServer(authorization: string | null | undefined): boolean {
  const caller = parseBasicCredentials(authorization)
  if (caller === undefined || 'malformed' in caller) return false
  const secret = RESOURCE_SERVERS.get(caller.clientId)
  if (secret === undefined) return false
  const [expected, given] = [Buffer.from(secret), Buffer.from(caller.clientSecret)]
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export interface AppOptions {
  authlete: AuthleteClient
  /** How client notifications are delivered (ping and push modes). */
  notification?: NotificationOptions
  /** Requests waiting for the user's decision: in process by default; on Redis for several instances. */
  pending?: PendingAuthentications
  /**
   * This server's public URL: what a DPoP proof at its API names (never read from the Host header),
   * and whose origin the device page checks POSTs against.
   */
  publicUrl: string
  /** Web Push to the user's browsers: the VAPID keys (`authlete-ciba vapid-keys`) and where subscriptions live. */
  webPush?: { vapid: VapidDetails; subscriptions: PushSubscriptions }
  /** The conformance suite's automated approval, at POST /ciba/automated-approval?secret=… */
  automatedApprovalSecret?: string
}

export function createApp({
  authlete,
  notification,
  pending = createPendingAuthentications(),
  publicUrl,
  webPush,
  automatedApprovalSecret,
}: AppOptions) {
  // The device page's origin, as browsers send it in Origin.
  const origin = new URL(publicUrl).origin
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
    startAuthentication: ({ user, authReqId, expiresIn, request }) => {
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

  // The UserInfo endpoint (GET or POST): Authlete checks the access token (and its DPoP proof) and
  // names the claims it allows; this server gives their values.
  const logError = (where: string) => (error: unknown, stage: string) =>
    console.error(`[${where}] ${stage} failed:`, isAuthleteError(error) ? error.toJSON() : error)
  app.all('/userinfo', express.urlencoded({ extended: false }), async (req, res) => {
    const answer = await handleUserInfoRequest(
      authlete,
      { method: req.method, authorization: req.get('authorization'), dpop: req.get('dpop'), body: req.body },
      { claims: ({ subject }) => claimsOf(USERS.get(subject)), onError: logError('userinfo') },
    )
    res.status(answer.status).set(answer.headers).end(answer.body)
  })

  // Revocation (RFC 7009) for the clients, introspection (RFC 7662) for the resource servers.
  app.post('/revoke', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
    const answer = await handleRevocationRequest(
      authlete,
      { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization') },
      { onError: logError('revoke') },
    )
    res.status(answer.status).set(answer.headers).end(answer.body)
  })
  app.post('/introspect', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
    const answer = await handleIntrospectionRequest(
      authlete,
      { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization'), accept: req.get('accept') },
      { authenticateCaller: ({ authorization }) => isResourceServer(authorization), onError: logError('introspect') },
    )
    res.status(answer.status).set(answer.headers).end(answer.body)
  })

  // An API of this server's own: the token's user, for a token with the profile scope. The URL is
  // the one the client used (a DPoP proof names it), built from this server's public URL: never
  // from the Host header, which the client writes.
  app.get('/api/me', async (req, res) => {
    const token = await validateAccessToken(
      authlete,
      {
        authorization: req.get('authorization'),
        dpop: req.get('dpop'),
        method: req.method,
        url: `${publicUrl}${req.originalUrl}`,
      },
      { scopes: ['profile'] },
    )
    if (!token.valid) {
      if (token.error) console.error('[api] the token could not be checked:', token.error)
      res.status(token.status).set(token.headers).end(token.body)
      return
    }
    const user = token.subject === undefined ? undefined : USERS.get(token.subject)
    res.set(token.headers).json({ subject: token.subject, name: user?.name, scopes: token.scopes })
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
