// The authorization server's CIBA endpoints on Express: the backchannel authentication endpoint
// (handleBackchannelAuthentication) and the authentication device's side, where the user's decision
// is reported (completeBackchannelAuthentication). Users and pending logins live in memory.
// Then the token endpoint (handleTokenRequest), where poll and ping clients fetch their tokens, and
// the discovery document and JWK Set a client application validates ID tokens with.

import {
  type AuthleteClient,
  type BackchannelAuthenticationHooks,
  completeBackchannelAuthentication,
  handleBackchannelAuthentication,
  handleTokenRequest,
  isAuthleteError,
  type NotificationOptions,
} from 'authlete-ciba'
import express from 'express'

export interface User {
  subject: string
  name: string
  /** Asked for when the client sends a user_code. */
  userCode: string
}

/** A login waiting for the user's answer on their device, by auth_req_id. */
export interface PendingLogin {
  ticket: string
  user: User
  bindingMessage: string | undefined
  expiresAt: number
}

const USERS: ReadonlyMap<string, User> = new Map([
  ['john', { subject: 'john', name: 'John Smith', userCode: '1234' }],
  ['jane', { subject: 'jane', name: 'Jane Doe', userCode: '5678' }],
])

export interface AppOptions {
  authlete: AuthleteClient
  /** How client notifications are delivered (ping and push modes). */
  notification?: NotificationOptions
  /** Logins waiting for a decision, by auth_req_id. */
  pending?: Map<string, PendingLogin>
}

export function createApp({ authlete, notification, pending = new Map() }: AppOptions) {
  const hooks: BackchannelAuthenticationHooks<User> = {
    identifyUser: ({ hintType, hint }) => (hintType === 'LOGIN_HINT' && hint ? USERS.get(hint) : undefined),
    verifyUserCode: (user, userCode) => user.userCode === userCode,
    startAuthentication: ({ user, ticket, authReqId, expiresIn, request }) => {
      // A real server would push a message to the user's phone here.
      pending.set(authReqId, {
        ticket,
        user,
        bindingMessage: request.bindingMessage,
        expiresAt: Date.now() + expiresIn * 1000,
      })
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

  // The authentication device: what waits for an answer, and the answer.
  app.get('/device/pending', (_req, res) => {
    const now = Date.now()
    res.json(
      [...pending]
        .filter(([, login]) => login.expiresAt > now)
        .map(([authReqId, { user, bindingMessage }]) => ({ authReqId, user: user.subject, bindingMessage })),
    )
  })

  app.post(
    '/device/decisions/:authReqId',
    express.urlencoded({ extended: false }),
    express.json(),
    async (req, res) => {
      const login = pending.get(req.params.authReqId)
      if (!login) {
        res.status(404).json({ error: 'no such login' })
        return
      }
      pending.delete(req.params.authReqId)
      const approved = String(req.body?.approved) === 'true'
      try {
        const outcome = await completeBackchannelAuthentication(
          authlete,
          {
            ticket: login.ticket,
            result: approved ? 'AUTHORIZED' : 'ACCESS_DENIED',
            subject: login.user.subject,
            authTime: Math.floor(Date.now() / 1000),
            claims: approved ? { name: login.user.name } : undefined,
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
        console.error('[complete] /complete failed:', isAuthleteError(error) ? error.toJSON() : error)
        res.status(502).json({ error: 'could not complete the login' })
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
