// The authorization server's CIBA endpoints on Express: the backchannel authentication endpoint
// (handleBackchannelAuthentication, which saves each issued request in `pending`) and the
// authentication device's side, which lists what waits for the user and reports their decision
// (decideBackchannelAuthentication: once per request, whichever instance the answer reaches). Users
// live in memory; pending requests in process, or on Redis when the server runs as several instances.
// Then the token endpoint (handleTokenRequest), where poll and ping clients fetch their tokens, and
// the discovery document and JWK Set a client application validates ID tokens with. Then the tokens
// at work: the UserInfo endpoint (handleUserInfoRequest), revocation and introspection, and an API
// of this server's own that takes the access tokens (validateAccessToken).

import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  createPendingAuthentications,
  decideBackchannelAuthentication,
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
import { timingSafeEqual } from 'node:crypto'
import express from 'express'

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
  /** This server's public URL: what a DPoP proof at its API names (never read from the Host header). */
  publicUrl: string
}

export function createApp({
  authlete,
  notification,
  pending = createPendingAuthentications(),
  publicUrl,
}: AppOptions) {
  const hooks: BackchannelAuthenticationHooks<User> = {
    identifyUser: ({ hintType, hint }) => (hintType === 'LOGIN_HINT' && hint ? USERS.get(hint) : undefined),
    verifyUserCode: (user, userCode) => user.userCode === userCode,
    // Saved here before startAuthentication: any instance can list and decide it.
    pending,
    startAuthentication: ({ user, authReqId, request }) => {
      // A real server would push a message to the user's phone here.
      console.log(
        `[device] ${user.name}, approve login ${authReqId}? (binding message: ${request.bindingMessage ?? '-'})`,
      )
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

  // The authentication device: what waits for the user's answer (?subject=john; every demo user
  // without), and the answer. A real device knows its user from its own login; this demo takes
  // `subject` from the request, and the saved one when none is given.
  app.get('/device/pending', async (req, res) => {
    const subjects = typeof req.query.subject === 'string' ? [req.query.subject] : [...USERS.keys()]
    try {
      const lists = await Promise.all(subjects.map((subject) => pending.forSubject(subject)))
      res.json(
        lists.flat().map(({ authReqId, subject, clientName, bindingMessage, scopes, expiresAt }) => ({
          authReqId,
          user: subject,
          clientName,
          bindingMessage,
          scopes,
          expiresAt,
        })),
      )
    } catch (error) {
      console.error('[device] could not list:', isAuthleteError(error) ? error.toJSON() : error)
      res.status(503).json({ error: 'store_unavailable' })
    }
  })

  app.post(
    '/device/decisions/:authReqId',
    express.urlencoded({ extended: false }),
    express.json(),
    async (req, res) => {
      const { authReqId } = req.params
      const approved = String(req.body?.approved) === 'true'
      try {
        const subject =
          typeof req.body?.subject === 'string' ? req.body.subject : (await pending.get(authReqId))?.subject
        const user = subject === undefined ? undefined : USERS.get(subject)
        if (subject === undefined || user === undefined) {
          res.status(404).json({ error: 'not_found', code: 'AUTHLETE_PENDING_NOT_FOUND' })
          return
        }
        const outcome = await decideBackchannelAuthentication(
          authlete,
          pending,
          {
            authReqId,
            result: approved ? 'AUTHORIZED' : 'ACCESS_DENIED',
            subject,
            authTime: Math.floor(Date.now() / 1000),
            claims: approved ? { name: user.name } : undefined,
          },
          { notification },
        )
        const delivery = outcome.notification
        if (delivery && !delivery.delivered) {
          // In push mode the tokens are lost to the client: this is the line to alert on.
          console.error('[complete] the client was not notified:', delivery.error.toJSON())
        }
        res.json({
          action: outcome.action,
          notification:
            delivery && (delivery.delivered ? delivery : { delivered: false, reason: delivery.error.reason }),
        })
      } catch (error) {
        const code = isAuthleteError(error) ? error.code : undefined
        const status =
          code === 'AUTHLETE_ALREADY_DECIDED'
            ? 409
            : code === 'AUTHLETE_PENDING_NOT_FOUND'
              ? 404
              : code === 'AUTHLETE_STORE'
                ? 503
                : code === 'AUTHLETE_INVALID_INPUT'
                  ? 400
                  : 502
        if (status >= 500) console.error('[complete] failed:', isAuthleteError(error) ? error.toJSON() : error)
        res.status(status).json({ error: 'could not complete the login', code })
      }
    },
  )

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
    res.status(answer.status).set(answer.headers).send(answer.body)
  })

  // Revocation (RFC 7009) for the clients, introspection (RFC 7662) for the resource servers.
  app.post('/revoke', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
    const answer = await handleRevocationRequest(
      authlete,
      { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization') },
      { onError: logError('revoke') },
    )
    res.status(answer.status).set(answer.headers).send(answer.body)
  })
  app.post('/introspect', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
    const answer = await handleIntrospectionRequest(
      authlete,
      { body: typeof req.body === 'string' ? req.body : '', authorization: req.get('authorization'), accept: req.get('accept') },
      { authenticateCaller: ({ authorization }) => isResourceServer(authorization), onError: logError('introspect') },
    )
    res.status(answer.status).set(answer.headers).send(answer.body)
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
      res.status(token.status).set(token.headers).send(token.body)
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

  return app
}
