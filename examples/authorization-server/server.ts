// npm start: the example authorization server. With AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN
// (or AUTHLETE_API_KEY + AUTHLETE_API_SECRET) in the environment it uses that Authlete service;
// without, an embedded simulated Authlete on loopback (authlete-ciba/mocks' CIBA simulator), whose
// client my-client is in ping mode and is notified at this server's own /demo-client/notifications.
// With REDIS_URL, pending requests (and Web Push subscriptions) live on that Redis (or Valkey),
// shared by every instance started with the same URL. VAPID_PUBLIC_KEY + VAPID_PRIVATE_KEY
// (`npx authlete-ciba vapid-keys`) turn Web Push on; AUTOMATED_APPROVAL_SECRET the conformance
// suite's automated approval.
// npm start -- --interactive: the CIBA simulator as Authlete and a client of its own, which starts a
// login and waits for you to approve or deny it in a browser, then shows what the client got.
import type { AddressInfo } from 'node:net'
import {
  AuthleteClient,
  type AuthleteClientOptions,
  createPendingAuthentications,
  type NotificationOptions,
  type PendingAuthentications,
} from 'authlete-ciba'
import { createPushSubscriptions, type PushSubscriptionStore } from 'authlete-ciba/device'
import { createCibaSimulator, startAuthleteStandIn } from 'authlete-ciba/mocks'
import express from 'express'
import { createApp } from './app.ts'
import { playInteractively } from './interactive.ts'

const env = process.env
const host = env.HOST ?? '127.0.0.1'
const port = Number(env.PORT ?? 3000)
const interactive = process.argv.includes('--interactive')
const real =
  !interactive && Boolean(env.AUTHLETE_ACCESS_TOKEN || (env.AUTHLETE_API_KEY && env.AUTHLETE_API_SECRET))
const DEMO_TOKEN = 'demo-client-notification-token'

const front = express()
const server = front.listen(port, host)
await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject))
const address = server.address() as AddressInfo
const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`

let options: AuthleteClientOptions
let notification: NotificationOptions | undefined
let standIn: Awaited<ReturnType<typeof startAuthleteStandIn>> | undefined
if (real) {
  options = {
    serviceId: env.AUTHLETE_SERVICE_ID,
    accessToken: env.AUTHLETE_ACCESS_TOKEN,
    apiKey: env.AUTHLETE_API_KEY,
    apiSecret: env.AUTHLETE_API_SECRET,
    baseUrl: env.AUTHLETE_BASE_URL,
    region: env.AUTHLETE_REGION as AuthleteClientOptions['region'],
  }
  // Drop the unset ones: AuthleteClient refuses v2 and v3 credentials together.
  for (const key of Object.keys(options) as (keyof AuthleteClientOptions)[]) {
    if (options[key] === undefined || options[key] === '') delete options[key]
  }
  // A client application under development on this machine or network: plain http: and private
  // addresses allowed for its notifications (never in production: the token travels in clear).
  if (env.NOTIFY_LOCAL_CLIENTS === '1') notification = { allowPrivateNetwork: true, allowInsecureHttp: true }
} else if (interactive) {
  // The CIBA simulator, issuer this server: one client in poll mode (my-client / my-secret), which
  // interactive.ts plays; the users of app.ts.
  const simulator = createCibaSimulator({
    issuer: url,
    users: [{ subject: 'john' }, { subject: 'jane' }],
    clients: [{ clientId: 'my-client', clientSecret: 'my-secret', clientName: 'Demo Shop' }],
    interval: 2,
  })
  standIn = await startAuthleteStandIn({ simulator })
  options = { serviceId: '715948317', accessToken: 'stand-in-token', baseUrl: standIn.url }
} else {
  // A simulated service whose issuer is this server: its discovery document names this server's
  // endpoints, and the ID tokens it signs name this server as their issuer.
  const simulator = createCibaSimulator({
    issuer: url,
    users: [{ subject: 'john' }, { subject: 'jane' }],
    clients: [
      {
        clientId: 'my-client',
        clientSecret: 'my-secret',
        deliveryMode: 'PING',
        clientNotificationEndpoint: `${url}/demo-client/notifications`,
        clientName: 'Demo client',
      },
    ],
  })
  standIn = await startAuthleteStandIn({ simulator })
  options = { serviceId: '715948317', accessToken: 'stand-in-token', baseUrl: standIn.url }
  // The demo client listens on this very loopback server, over plain http: allow that here only.
  notification = { allowPrivateNetwork: true, allowInsecureHttp: true }

  front.post('/demo-client/notifications', express.json(), (req, res) => {
    const ok = req.get('authorization') === `Bearer ${DEMO_TOKEN}`
    console.log(`[client] notified (${ok ? 'token ok' : 'WRONG TOKEN'}):`, JSON.stringify(req.body))
    res.sendStatus(ok ? 204 : 401)
  })
}

// Several instances share pending requests through Redis: node-redis (the `redis` package) is
// loaded only then.
let pending: PendingAuthentications
let subscriptionStore: PushSubscriptionStore | undefined
let redis: { close(): Promise<unknown> } | undefined
if (env.REDIS_URL) {
  const { createClient } = await import('redis')
  const { redisPendingStore, redisSubscriptionStore } = await import('authlete-ciba/redis')
  // No offline queue: while Redis is unreachable a call fails at once (AUTHLETE_STORE) instead of waiting.
  const client = createClient({ url: env.REDIS_URL, disableOfflineQueue: true })
  // Reconnects by itself; meanwhile decisions fail with AUTHLETE_STORE (a 503 from this server).
  client.on('error', (error: Error) => console.error('[redis]', error.message))
  redis = await client.connect()
  const prefix = env.REDIS_PREFIX ?? 'ciba:'
  pending = createPendingAuthentications({ store: redisPendingStore(client, { prefix }) })
  subscriptionStore = redisSubscriptionStore(client, { prefix })
} else {
  pending = createPendingAuthentications()
}

// Web Push, with a VAPID key pair of yours (npx authlete-ciba vapid-keys): browsers that asked to be
// notified get each new request. Push services are public https: addresses: the delivery's guard
// applies as is.
const webPush =
  env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
    ? {
        vapid: {
          subject: env.VAPID_SUBJECT ?? 'mailto:ops@example.com',
          publicKey: env.VAPID_PUBLIC_KEY,
          privateKey: env.VAPID_PRIVATE_KEY,
        },
        subscriptions: createPushSubscriptions({ store: subscriptionStore }),
      }
    : undefined

const authlete = new AuthleteClient(options)
const app = createApp({
  authlete,
  notification,
  pending,
  publicUrl: env.PUBLIC_URL ?? url,
  webPush,
  automatedApprovalSecret: env.AUTOMATED_APPROVAL_SECRET,
})
front.use(app)

console.log(
  [
    `CIBA authorization server on ${url}`,
    real
      ? `Authlete: the service of the AUTHLETE_* environment variables (${authlete.baseUrl})`
      : interactive
        ? `Authlete: the CIBA simulator at ${standIn?.url} (--interactive)`
        : `Authlete: an EMBEDDED SIMULATOR at ${standIn?.url} (set AUTHLETE_* variables for the real one)`,
    env.REDIS_URL ? 'Pending requests: on Redis (REDIS_URL)' : 'Pending requests: in this process',
    `The user's device: ${url}/ (pick john or jane), then ${url}/device`,
    '',
    'Try it:',
    `  curl -s -u my-client:my-secret -d 'scope=openid&login_hint=john&binding_message=W4SCT&client_notification_token=${DEMO_TOKEN}' ${url}/backchannel/authentication`,
    `  then approve or deny at ${url}/device`,
  ].join('\n'),
)

async function shutdown() {
  app.closeDevice()
  server.closeAllConnections()
  server.close()
  await authlete.close()
  await standIn?.close()
  await redis?.close()
}
process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)

if (interactive) {
  await playInteractively(url)
  await shutdown()
}
