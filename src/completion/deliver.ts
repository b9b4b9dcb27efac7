/**
 * Delivering a CIBA client notification (ping or push): `POST` Authlete's `responseContent` to the
 * client's notification endpoint with its bearer token. Never follows a redirect, refuses plain
 * `http:` and non-public addresses by default, repeats only what cannot have reached the client,
 * and reports failure as a value, never as a throw.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10.2
 * @module
 */

import type { Dispatcher } from 'undici'
import { timeoutOr } from '../deadline.js'
import {
  AuthleteInputError,
  AuthleteNotificationError,
  type AuthleteNotificationFailure,
  errorCodeOf,
} from '../errors.js'
import { redact, scrubCause } from '../http/redact.js'
import { dispatchOptions } from '../http/request.js'
import {
  askedWait,
  DEFAULT_RETRY,
  isRetryableStatus,
  mayHaveBeenProcessed,
  type RetryPolicy,
  retryWait,
} from '../http/retry.js'
import { type AuthleteTraceContext, traced, tracingChannelOf } from '../http/tracing.js'
import { checkFields } from '../input.js'
import { VERSION } from '../version.js'
import { Exchange } from './exchange.js'
import { connectionsOf, notificationAgent } from './guarded-connector.js'
import { checkConnectOptions, type NotificationDispatcherOptions } from './notification-dispatcher.js'

/**
 * Options of a notification's delivery.
 */
export interface NotificationOptions extends NotificationDispatcherOptions {
  /**
   * Deadline of the whole delivery in milliseconds, retries and waits included.
   * @default 10000
   */
  timeoutMs?: number | undefined
  /**
   * Allow a plain `http:` endpoint (a test, or a client on your own network). The token then
   * travels in clear text.
   * @default false
   */
  allowInsecureHttp?: boolean | undefined
  /**
   * Attempts in all, the first included. Only a refused connection (nothing sent) and 429/503 (the
   * client asks to repeat) are repeated, within the deadline.
   * @default 3
   */
  attempts?: number | undefined
  /**
   * The undici dispatcher to send through. Build it with `createNotificationDispatcher` to keep
   * the address check (`allowPrivateNetwork`, `lookup` and `connector` are then that dispatcher's,
   * and these options' are ignored); it is left open.
   * @default a `createNotificationDispatcher(options)` of its own, closed after the delivery
   */
  dispatcher?: Dispatcher | undefined
}

/** What a notification needs: the fields of Authlete's `NOTIFICATION` answer. */
export interface ClientNotification {
  clientNotificationEndpoint: string
  /** The client's bearer token for its endpoint (`client_notification_token`). */
  clientNotificationToken?: string | undefined
  /** The JSON body to deliver. */
  responseContent: string
}

/**
 * The outcome of a delivery: `delivered: true` with the endpoint's 2xx status, or `delivered: false`
 * with the reason. `attempts` counts the requests tried.
 */
export type NotificationDelivery =
  | { readonly delivered: true; readonly status: number; readonly attempts: number }
  | { readonly delivered: false; readonly error: AuthleteNotificationError }

/** The default deadline of a delivery. @internal */
export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 10_000
/** The retry policy of a delivery with the default number of attempts: backoff from 100 ms. */
const DEFAULT_POLICY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, backoffMs: 100 })
const USER_AGENT = `authlete-ciba/${VERSION}`

interface Endpoint {
  origin: string
  /** Path and query, as registered. */
  path: string
  /** Origin and path only: what errors show (no userinfo, no query). */
  shown: string
}

/** The names of a notification's options (the Web Push notifier takes them too). @internal */
export const NOTIFICATION_OPTION_NAMES: ReadonlySet<string> = new Set<keyof NotificationOptions>([
  'timeoutMs',
  'allowInsecureHttp',
  'allowPrivateNetwork',
  'attempts',
  'dispatcher',
  'lookup',
  'connector',
])
/**
 * Checks notification options, throwing an `AuthleteInputError` that names the option.
 *
 * @internal
 */
export function checkNotificationOptions(options: unknown, prefix = 'notification.'): NotificationOptions {
  if (options === undefined) return {}
  const fields = checkFields(
    options,
    NOTIFICATION_OPTION_NAMES,
    'the notification options',
  ) as NotificationOptions
  const { timeoutMs, attempts } = fields
  timeoutOr(`${prefix}timeoutMs`, timeoutMs, DEFAULT_NOTIFICATION_TIMEOUT_MS)
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 10)) {
    throw new AuthleteInputError(`${prefix}attempts`, 'must be an integer from 1 to 10')
  }
  checkConnectOptions(fields, prefix)
  return fields
}

/**
 * Delivers one client notification. Success is any 2xx (CIBA Core §10.2 expects 204 or 200). A
 * failure is `{ delivered: false, error }` with an {@link AuthleteNotificationError}; it rejects only
 * for bad options (`AuthleteInputError`), before anything is sent.
 */
export function deliverClientNotification(
  notification: ClientNotification,
  notificationOptions?: NotificationOptions,
): Promise<NotificationDelivery> {
  try {
    return deliverChecked(notification, checkNotificationOptions(notificationOptions, ''))
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * {@link deliverClientNotification} with options checked already (by `checkNotificationOptions`).
 *
 * @internal
 */
export function deliverChecked(
  notification: ClientNotification,
  options: NotificationOptions,
): Promise<NotificationDelivery> {
  const token = notification.clientNotificationToken
  const headers =
    token === undefined
      ? ['content-type', 'application/json', 'user-agent', USER_AGENT]
      : ['content-type', 'application/json', 'user-agent', USER_AGENT, 'authorization', `Bearer ${token}`]
  return postGuarded(
    {
      url: notification.clientNotificationEndpoint,
      headers,
      body: notification.responseContent,
      secrets: token ? [token] : [],
      what: CLIENT_NOTIFICATION,
    },
    options,
  )
}

/** The words a client notification's failure starts with, and its endpoint is named by. */
const CLIENT_NOTIFICATION: OutboundKind = {
  failed: 'Client notification failed',
  endpoint: 'The client notification endpoint',
  channel: 'notification',
}

/** What kind of outbound POST it is, for its errors and its tracing channel. @internal */
interface OutboundKind {
  /** The first words of a failure's message: `Client notification failed`. */
  failed: string
  /** What the URL is, in a refusal: `The client notification endpoint`. */
  endpoint: string
  /** The tracing channel it is published on (`authlete-ciba:{channel}`). */
  channel: 'notification' | 'webPush'
}

/** One POST to an address that someone else chose: what {@link postGuarded} sends. @internal */
interface OutboundPost {
  url: string
  /** Header names and values, alternating, as undici takes them. */
  headers: string[]
  body: string | Uint8Array
  /** Values that must not appear in an error (a bearer token, a VAPID signature). */
  secrets: readonly string[]
  what: OutboundKind
}

/**
 * One POST through the guard of client notifications, with options checked already: an `https:` URL
 * (plain `http:` only with `allowInsecureHttp`), the address checked where the socket connects (no
 * private address unless `allowPrivateNetwork`), never a redirect, one deadline (`timeoutMs`),
 * repeated only when nothing can have reached the endpoint, or when it answers 429 or 503. The
 * client notification and the Web Push message both leave through it.
 *
 * @internal
 */
export function postGuarded(post: OutboundPost, options: NotificationOptions): Promise<NotificationDelivery> {
  const endpoint = parseEndpoint(post.url, options.allowInsecureHttp === true, post.what)
  if (endpoint instanceof AuthleteNotificationError) {
    return Promise.resolve({ delivered: false, error: endpoint })
  }
  const channel = tracingChannelOf(post.what.channel)
  if (!channel.hasSubscribers) return deliver(post, options, endpoint)
  const context: AuthleteTraceContext = { operation: post.what.channel, method: 'POST', url: endpoint.shown }
  return traced(channel, context, async () => {
    const outcome = await deliver(post, options, endpoint)
    // A failed delivery is an outcome, not a rejection: the trace says so with the error's code.
    if (outcome.delivered) {
      context.status = outcome.status
      context.attempts = outcome.attempts
    } else {
      const { error } = outcome
      context.code = error.code
      context.attempts = error.attempts ?? 0
      if (error.status !== undefined) context.status = error.status
    }
    return outcome
  })
}

async function deliver(
  post: OutboundPost,
  options: NotificationOptions,
  endpoint: Endpoint,
): Promise<NotificationDelivery> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS
  const policy =
    options.attempts === undefined ? DEFAULT_POLICY : { ...DEFAULT_POLICY, attempts: options.attempts }
  const startedAt = performance.now()
  const dispatcher = options.dispatcher ?? notificationAgent(options)
  const fail = (
    reason: AuthleteNotificationFailure,
    message: string,
    extra: FailureDetails = {},
  ): NotificationDelivery => ({ delivered: false, error: failure(endpoint, reason, message, post, extra) })
  const request = dispatchOptions(endpoint.origin, endpoint.path, 'POST', post.headers, post.body)
  const exchange = new Exchange(dispatcher, connectionsOf(dispatcher), request)
  const timer = setTimeout(onDeadline, timeoutMs, exchange)
  /** The wait before the next attempt, or `undefined` to give up now. */
  const next = (attempt: number, repeatable: boolean, asked: number | undefined) =>
    repeatable && attempt < policy.attempts
      ? retryWait(policy, attempt, asked, timeoutMs - (performance.now() - startedAt))
      : undefined

  try {
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined
      try {
        const { status, headers } = await exchange.send()
        if (status >= 200 && status < 300) return { delivered: true, status, attempts: attempt }
        const processed = mayHaveBeenProcessed(status, undefined, true)
        if (status >= 300 && status < 400) {
          return fail('redirect', `the endpoint answered HTTP ${status}; redirects are not followed`, {
            status,
            attempts: attempt,
            processed,
          })
        }
        wait = next(attempt, isRetryableStatus(status, false), askedWait(status, headers))
        if (wait === undefined) {
          return fail('status', `the endpoint answered HTTP ${status}`, {
            status,
            attempts: attempt,
            processed,
          })
        }
      } catch (error) {
        if (exchange.timedOut) {
          return fail('timeout', `no answer within ${timeoutMs} ms`, {
            attempts: attempt,
            cause: error,
            processed: exchange.written,
          })
        }
        const causeCode = errorCodeOf(error)
        if (causeCode === 'ERR_AUTHLETE_REFUSED_ADDRESS') {
          const why = error instanceof Error ? `: ${error.message}` : ''
          // This attempt sent nothing: it is not counted.
          // As insecure-url names allowInsecureHttp: the option that lets it through, and its cost.
          const allow = 'allowPrivateNetwork lets a client on your own network through'
          return fail(
            'refused-address',
            `the endpoint's address is refused${why}; nothing was sent (${allow})`,
            {
              attempts: attempt - 1,
              cause: error,
            },
          )
        }
        // Repeated only when it cannot have reached the client's endpoint.
        const processed = mayHaveBeenProcessed(0, causeCode, exchange.written)
        wait = next(attempt, !processed, undefined)
        if (wait === undefined) {
          return fail('network', `could not reach the endpoint${causeCode ? ` (${causeCode})` : ''}`, {
            attempts: attempt,
            cause: error,
            causeCode,
            processed,
          })
        }
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  } finally {
    clearTimeout(timer)
    exchange.finish()
    if (dispatcher !== options.dispatcher) await dispatcher.destroy().catch(() => {})
  }
}

function onDeadline(exchange: Exchange): void {
  exchange.expire()
}

/** The endpoint as undici takes it, or why it is refused (nothing is sent). */
function parseEndpoint(
  text: unknown,
  allowInsecureHttp: boolean,
  what: OutboundKind,
): Endpoint | AuthleteNotificationError {
  const key = String(text)
  let entry = PARSED.get(key)
  if (entry === undefined) {
    let url: URL
    try {
      url = new URL(key)
    } catch {
      return new AuthleteNotificationError('insecure-url', `${what.endpoint} is not a URL`)
    }
    const endpoint = Object.freeze({
      origin: url.origin,
      path: url.pathname + url.search,
      shown: url.origin + url.pathname,
    })
    entry = { endpoint, protocol: url.protocol }
    if (PARSED.size >= PARSED_KEPT) PARSED.clear()
    PARSED.set(key, entry)
  }
  const { endpoint, protocol } = entry
  if (protocol === 'https:' || (protocol === 'http:' && allowInsecureHttp)) return endpoint
  return failure(
    endpoint,
    'insecure-url',
    protocol === 'http:'
      ? 'plain http: is refused without allowInsecureHttp; nothing was sent'
      : `${protocol} is not an https: URL; nothing was sent`,
    { secrets: [], what },
  )
}

/**
 * Endpoints parsed lately, by their text: a client's endpoint is delivered to again and again, and
 * `new URL()` was a measurable part of a login (2.5 % of its CPU). Bounded: cleared when full.
 */
const PARSED = new Map<string, { readonly endpoint: Endpoint; readonly protocol: string }>()
const PARSED_KEPT = 256

interface FailureDetails {
  status?: number
  attempts?: number
  cause?: unknown
  causeCode?: string | undefined
  /** Whether an attempt may have been processed by the endpoint (see `mayHaveBeenProcessed`). */
  processed?: boolean
}

function failure(
  endpoint: Endpoint,
  reason: AuthleteNotificationFailure,
  message: string,
  { secrets, what }: Pick<OutboundPost, 'secrets' | 'what'>,
  details: FailureDetails = {},
): AuthleteNotificationError {
  const text = secrets.length > 0 ? redact(message, secrets) : message
  return new AuthleteNotificationError(reason, `${what.failed}: ${text}`, {
    request: { method: 'POST', url: endpoint.shown },
    attempts: details.attempts,
    status: details.status,
    causeCode: details.causeCode,
    mayHaveBeenProcessed: details.processed,
    // undici's errors do not carry request headers today; this keeps it so whatever they carry tomorrow.
    cause: secrets.length === 0 ? details.cause : scrubCause(details.cause, secrets),
  })
}
