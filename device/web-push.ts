/**
 * `webPushNotifier`: reaches the user's browsers when a request waits for them. Each message is
 * encrypted for one browser (RFC 8291) and signed with the caller's VAPID key (RFC 8292) by the
 * `web-push` package (an optional peer dependency, loaded when a notifier is made), then sent by this
 * package through the guard of client notifications: the push service's URL is chosen by whoever
 * subscribed, so it is an outside address like a client's notification endpoint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8030#section-5
 * @module
 */

import { createRequire } from 'node:module'
import {
  checkNotificationOptions,
  NOTIFICATION_OPTION_NAMES,
  type NotificationOptions,
  postGuarded,
} from '../src/completion/deliver.js'
import { reporterOf } from '../src/endpoints/report.js'
import { AuthleteInputError } from '../src/index.js'
import { checkFields, MAX_FIELD_LENGTH, requiredString } from '../src/input.js'
import type { StoredPushSubscription } from './subscription-store.js'
import type { PushSubscriptions } from './subscriptions.js'

/** The application server's VAPID key pair and contact (`authlete-ciba vapid-keys` makes a pair). */
export interface VapidDetails {
  /** A contact for the push service's operator: a `mailto:` or `https:` URL. */
  subject: string
  /** The P-256 public key, uncompressed, base64url: the page subscribes with it (`applicationServerKey`). */
  publicKey: string
  /** The P-256 private key (32 bytes), base64url. Keep it secret: it signs every message. */
  privateKey: string
}

/**
 * Options of {@link webPushNotifier}: the VAPID keys, the subscriptions, and the delivery's options
 * (`timeoutMs`, `allowPrivateNetwork`, `allowInsecureHttp`, `attempts`, `dispatcher`, `lookup`,
 * `connector`), with the delivery's defaults: each message within 10 s, to public `https:`
 * addresses only.
 */
export interface WebPushNotifierOptions extends NotificationOptions {
  vapid: VapidDetails
  /** Where the browsers' subscriptions are (`createPushSubscriptions`). */
  subscriptions: PushSubscriptions
  /**
   * How urgent the message is to the push service (RFC 8030 §5.3): a person waits for it.
   * @default 'high'
   */
  urgency?: 'very-low' | 'low' | 'normal' | 'high' | undefined
  /**
   * Told of each message that failed (not of a subscription removed after a 404 or 410), and of a
   * subscription store that could not list the browsers.
   * @default errors are not reported
   */
  onError?: ((error: unknown, subscription: StoredPushSubscription | undefined) => void) | undefined
  /**
   * The clock the message's lifetime (`TTL`) is computed on, in milliseconds since the epoch: give
   * the one of `createPendingAuthentications`.
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** What a request tells the user's browsers: the page shows the rest once opened. */
export interface PushedRequest {
  authReqId: string
  clientName?: string | undefined
  bindingMessage?: string | undefined
  /**
   * When the request expires, in milliseconds since the epoch: the push service keeps the message
   * no longer (its `TTL`).
   * @default 600 seconds from now
   */
  expiresAt?: number | undefined
}

/** What one notification came to, by browser. */
export interface WebPushOutcome {
  /** Accepted by the push service (a 2xx, usually 201). */
  sent: number
  /** Refused or unreachable (reported to `onError`). */
  failed: number
  /** Gone: the push service answered 404 or 410, and the subscription was removed. */
  removed: number
}

/** Sends one request to the subject's browsers. Never rejects but for a bad argument. */
export type WebPushNotify = (subject: string, request: PushedRequest) => Promise<WebPushOutcome>

/** The part of `web-push` used: encryption and signing, without sending. */
interface WebPushLibrary {
  generateRequestDetails(
    subscription: StoredPushSubscription,
    payload: string,
    options: Record<string, unknown>,
  ): { endpoint: string; headers: Record<string, string | number>; body: Buffer | null }
}

/** Its own options; the delivery's (`NOTIFICATION_OPTION_NAMES`) come beside them. */
const OWN_OPTIONS = ['vapid', 'subscriptions', 'urgency', 'onError', 'now'] as const
const OPTIONS: ReadonlySet<string> = new Set([...OWN_OPTIONS, ...NOTIFICATION_OPTION_NAMES])
const URGENCIES: ReadonlySet<string> = new Set(['very-low', 'low', 'normal', 'high'])
const WEB_PUSH = {
  failed: 'Web Push failed',
  endpoint: 'The push subscription endpoint',
  channel: 'webPush',
} as const
/** The lifetime of a message whose request gives none, in seconds. */
const DEFAULT_TTL_S = 600
/** Of the client's texts, what the message carries: a push message holds 3993 octets at most (RFC 8291 §4). */
const MAX_TEXT = 1000

/**
 * A notifier that sends a request to a subject's browsers: one message per subscription, carrying
 * the `authReqId`, the client's name and the binding message, nothing more. A push service that
 * answers 404 or 410 no longer knows the subscription: it is removed. Every message goes through
 * the guard and within the deadline of client notifications.
 *
 * @throws {AuthleteInputError} for a bad option (an unknown name, a VAPID key of the wrong length).
 * @throws {Error} when the `web-push` package is not installed.
 *
 * @example
 * ```ts
 * const notify = webPushNotifier({ vapid: { subject: 'mailto:ops@example.com', publicKey, privateKey }, subscriptions })
 * // in startAuthentication:
 * await notify(user.subject, { authReqId, clientName: request.clientName, bindingMessage: request.bindingMessage })
 * ```
 */
export function webPushNotifier(options: WebPushNotifierOptions): WebPushNotify {
  checkFields(options, OPTIONS, 'the webPushNotifier options')
  // What is not the notifier's own is the delivery's, checked as a notification's options are.
  const {
    vapid: givenVapid,
    subscriptions: _s,
    urgency: _u,
    onError: _o,
    now: _n,
    ...deliveryOptions
  } = options
  const vapid = checkVapid(givenVapid)
  const { subscriptions } = options
  if (typeof subscriptions?.forSubject !== 'function' || typeof subscriptions.remove !== 'function') {
    throw new AuthleteInputError('subscriptions', 'must be what createPushSubscriptions returns')
  }
  const urgency = options.urgency ?? 'high'
  if (!URGENCIES.has(urgency))
    throw new AuthleteInputError('urgency', 'must be very-low, low, normal or high')
  const now = options.now ?? Date.now
  const delivery = checkNotificationOptions(deliveryOptions, '')
  const webPush = loadWebPush()
  // The caller's reporter failing (a throw or a rejection) changes nothing of the outcome.
  const report = reporterOf<StoredPushSubscription | undefined>(options)

  return async (subject, request) => {
    const who = requiredString(subject, 'subject', MAX_FIELD_LENGTH)
    const payload = payloadOf(request)
    const ttl =
      request.expiresAt === undefined
        ? DEFAULT_TTL_S
        : Math.max(0, Math.ceil((request.expiresAt - now()) / 1000))
    const outcome: WebPushOutcome = { sent: 0, failed: 0, removed: 0 }
    let browsers: StoredPushSubscription[]
    try {
      browsers = await subscriptions.forSubject(who)
    } catch (error) {
      report(error, undefined)
      return outcome
    }
    await Promise.all(
      browsers.map(async (subscription) => {
        const result = await send(webPush, subscription, payload, { vapid, ttl, urgency }, delivery)
        if (result.delivered) {
          outcome.sent++
          return
        }
        const status = 'status' in result ? result.status : undefined
        if (status === 404 || status === 410) {
          // RFC 8030 §7.3 (404), and what push services answer a revoked subscription (410).
          await subscriptions
            .remove(who, subscription.endpoint)
            .catch((error: unknown) => report(error, subscription))
          outcome.removed++
          return
        }
        outcome.failed++
        report(result.error, subscription)
      }),
    )
    return outcome
  }
}

type SendResult = { delivered: true } | { delivered: false; status?: number | undefined; error: unknown }

/** One message to one browser: encrypted and signed by web-push, sent through the guard. */
async function send(
  webPush: WebPushLibrary,
  subscription: StoredPushSubscription,
  payload: string,
  message: { vapid: VapidDetails; ttl: number; urgency: string },
  delivery: NotificationOptions,
): Promise<SendResult> {
  let details: ReturnType<WebPushLibrary['generateRequestDetails']>
  try {
    details = webPush.generateRequestDetails(subscription, payload, {
      vapidDetails: message.vapid,
      TTL: message.ttl,
      urgency: message.urgency,
      contentEncoding: 'aes128gcm',
    })
  } catch (error) {
    // A subscription whose keys web-push cannot use: nothing was sent.
    return { delivered: false, error }
  }
  const headers: string[] = []
  const secrets: string[] = []
  for (const [name, value] of Object.entries(details.headers)) {
    // undici counts the body itself.
    if (name.toLowerCase() === 'content-length') continue
    headers.push(name.toLowerCase(), String(value))
    // `vapid t=<JWT>, k=<key>`: the signed token lets anyone send to this subscription for hours.
    const token = /\bt=([^,\s]+)/.exec(String(value))?.[1]
    if (name.toLowerCase() === 'authorization' && token) secrets.push(token)
  }
  const outcome = await postGuarded(
    { url: details.endpoint, headers, body: details.body ?? '', secrets, what: WEB_PUSH },
    delivery,
  )
  return outcome.delivered
    ? { delivered: true }
    : { delivered: false, status: outcome.error.status, error: outcome.error }
}

/** The message's JSON: the `authReqId`, the client's name and the binding message, nothing more. */
function payloadOf(request: PushedRequest): string {
  if (typeof request !== 'object' || request === null)
    throw new AuthleteInputError('request', 'must be an object')
  const authReqId = requiredString(request.authReqId, 'request.authReqId', MAX_TEXT)
  // Bounded in octets, as the push service counts them: the texts are shortened (halved) until the
  // message fits; the authReqId never is.
  for (let max = MAX_TEXT; ; max = Math.floor(max / 2)) {
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, max) : undefined)
    const json = JSON.stringify({
      authReqId,
      clientName: text(request.clientName),
      bindingMessage: text(request.bindingMessage),
    })
    if (Buffer.byteLength(json) <= MAX_PAYLOAD_OCTETS || max === 0) return json
  }
}

/** The most octets of a message a push service takes once encrypted (RFC 8291 §4, RFC 8030 §7.2). */
const MAX_PAYLOAD_OCTETS = 3993

function checkVapid(vapid: unknown): VapidDetails {
  if (typeof vapid !== 'object' || vapid === null) throw new AuthleteInputError('vapid', 'must be an object')
  const { subject, publicKey, privateKey } = vapid as Record<string, unknown>
  const contact = requiredString(subject, 'vapid.subject', 1024)
  if (!/^(mailto:|https:\/\/)/.test(contact)) {
    throw new AuthleteInputError('vapid.subject', 'must be a mailto: or https: URL (RFC 8292 §2.1)')
  }
  const key = (value: unknown, field: string, bytes: number, what: string) => {
    const text = requiredString(value, field, 256)
    if (!/^[A-Za-z0-9_-]+$/.test(text) || Buffer.from(text, 'base64url').length !== bytes)
      throw new AuthleteInputError(
        field,
        `must be ${what}, base64url (authlete-ciba vapid-keys makes a pair)`,
      )
    return text
  }
  return {
    subject: contact,
    publicKey: key(publicKey, 'vapid.publicKey', 65, 'an uncompressed P-256 public key (65 bytes)'),
    privateKey: key(privateKey, 'vapid.privateKey', 32, 'a P-256 private key (32 bytes)'),
  }
}

/** `web-push`, from the application's own dependencies: an optional peer of this entry only. */
function loadWebPush(): WebPushLibrary {
  try {
    return createRequire(import.meta.url)('web-push') as WebPushLibrary
  } catch (cause) {
    throw new Error('webPushNotifier needs the web-push package: npm install web-push', { cause })
  }
}
