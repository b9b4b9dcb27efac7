// The user's side (authlete-ciba/device): the page where the user sees what a client asks for and
// approves or denies it, with its routes and event stream, under /device; the sign-in of this demo
// (the user picks john or jane at /, kept in a cookie: a real server has its own session); and,
// with AUTOMATED_APPROVAL_SECRET, the OpenID conformance suite's automated approval.
import type { AuthleteClient, NotificationOptions, PendingAuthentications } from 'authlete-ciba'
import {
  createDeviceHandler,
  type DeviceHandler,
  handleAutomatedApproval,
  type PushSubscriptions,
  toNodeHandler,
} from 'authlete-ciba/device'
import express from 'express'
import type { User } from './app.ts'

export interface DeviceOptions {
  authlete: AuthleteClient
  pending: PendingAuthentications
  users: ReadonlyMap<string, User>
  /** This server's origin, as browsers send it: the device refuses a POST from any other. */
  origin: string
  notification?: NotificationOptions | undefined
  /** Web Push: where browsers' subscriptions are kept, and the key they subscribe with. */
  webPush?: { subscriptions: PushSubscriptions; vapidPublicKey: string } | undefined
  /** The secret of the conformance suite's automated_ciba_approval_url (none: no such endpoint). */
  automatedApprovalSecret?: string | undefined
}

const COOKIE = 'demo-user'

/** Mounts the demo sign-in, the device and the automated approval on `app`; returns the device. */
export function mountDevice(app: express.Express, options: DeviceOptions): DeviceHandler {
  const { authlete, pending, users, origin, notification, webPush } = options
  const userOf = (cookies: string | null | undefined) => {
    const subject = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]*)`).exec(cookies ?? '')?.[1]
    return subject === undefined ? undefined : users.get(decodeURIComponent(subject))
  }
  // ID tokens say who approved: what /complete is given with an approval.
  const completeWith = ({ subject, result }: { subject: string; result: string }) =>
    result === 'AUTHORIZED' ? { claims: { name: users.get(subject)?.name } } : undefined

  app.get('/', (req, res) => {
    res.set('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
    res.type('html').send(signInPage(users, userOf(req.get('cookie'))))
  })
  app.post('/session', express.urlencoded({ extended: false }), (req, res) => {
    const user = users.get(String(req.body?.user))
    if (user === undefined) {
      res.status(400).type('text').send('Unknown user')
      return
    }
    res.cookie(COOKIE, user.subject, { httpOnly: true, sameSite: 'lax', path: '/' })
    res.redirect(303, '/device')
  })

  const device = createDeviceHandler(authlete, pending, {
    basePath: '/device',
    origin,
    authenticate: (request) => userOf(request.headers.get('cookie'))?.subject,
    ...(webPush === undefined ? {} : { subscriptions: webPush.subscriptions, vapidPublicKey: webPush.vapidPublicKey }),
    completeWith,
    notification,
    scopeDescriptions: {
      openid: 'Sign you in',
      email: 'Your email address',
      profile: 'Your name and profile',
    },
    onDecision: ({ request, subject, result, outcome }) =>
      console.log(`[device] ${subject}: ${result} for ${request.clientName ?? request.authReqId} (${outcome.action})`),
    // A notification not delivered in push mode loses the client's tokens: the line to alert on.
    onError: (error, stage) => console.error(`[device] ${stage} failed:`, (error as Error)?.message ?? error),
  })
  app.use(toNodeHandler(device))

  if (options.automatedApprovalSecret) {
    const approve = handleAutomatedApproval(authlete, pending, {
      secret: options.automatedApprovalSecret,
      completeWith,
      notification,
      onError: (error, stage) => console.error(`[automated approval] ${stage} failed:`, (error as Error)?.message),
    })
    app.post('/ciba/automated-approval', toNodeHandler(approve))
  }
  return device
}

/** The demo's sign-in: pick a user. No script: a form per user. */
function signInPage(users: ReadonlyMap<string, User>, current: User | undefined): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const buttons = [...users.values()]
    .map(
      (user) =>
        `<form method="post" action="/session"><input type="hidden" name="user" value="${escape(user.subject)}"><button>Continue as ${escape(user.name)} (${escape(user.subject)})</button></form>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo sign-in</title></head>
<body><main>
<h1>Demo sign-in</h1>
<p>${current ? `Signed in as ${escape(current.name)}: <a href="/device">your sign-in requests</a>.` : 'Who are you? (This demo has no passwords.)'}</p>
${buttons}
</main></body></html>
`
}
