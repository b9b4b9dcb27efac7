/**
 * Delivering a CIBA client notification (ping or push): `POST` Authlete's `responseContent` to the
 * client's notification endpoint with its bearer token. Never follows a redirect, refuses plain
 * `http:` and non-public addresses by default, repeats only what cannot have reached the client,
 * and reports failure as a value, never as a throw.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10.2
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import {
  AuthleteInputError,
  AuthleteNotificationError,
  type AuthleteNotificationFailure,
  errorCodeOf,
} from '../errors.js'
import { Attempt, type AttemptOwner, type RawResponse } from '../http/attempt.js'
import { redact, scrubCause } from '../http/redact.js'
import { retryAfterMs } from '../http/retry.js'
import { type AuthleteTraceContext, traced, tracingChannelOf } from '../http/tracing.js'
import { checkFields } from '../input.js'
import { VERSION } from '../version.js'
import {
  checkConnectOptions,
  createNotificationDispatcher,
  type NotificationDispatcherOptions,
} from './connector.js'

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

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_ATTEMPTS = 3
const BACKOFF_MS = 100
const USER_AGENT = `authlete-ciba/${VERSION}`
/** Of an answer's body, the bytes kept (for nothing: the status is the answer); the rest is dropped. */
const ANSWER_BYTES_KEPT = 4096

interface Endpoint {
  origin: string
  /** Path and query, as registered. */
  path: string
  /** Origin and path only: what errors show (no userinfo, no query). */
  shown: string
}

const OPTION_NAMES: ReadonlySet<string> = new Set<keyof NotificationOptions>([
  'timeoutMs',
  'allowInsecureHttp',
  'allowPrivateNetwork',
  'attempts',
  'dispatcher',
  'lookup',
  'connector',
])
// setTimeout's limit; a longer deadline would fire at once.
const MAX_TIMEOUT_MS = 2_147_483_647

/**
 * Checks notification options, throwing an `AuthleteInputError` that names the option.
 *
 * @internal
 */
export function checkNotificationOptions(options: unknown): NotificationOptions {
  if (options === undefined) return {}
  const fields = checkFields(options, OPTION_NAMES, 'the notification options') as NotificationOptions
  const { timeoutMs, attempts } = fields
  if (
    timeoutMs !== undefined &&
    !(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)
  ) {
    throw new AuthleteInputError('notification.timeoutMs', 'must be a positive integer of milliseconds')
  }
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 10)) {
    throw new AuthleteInputError('notification.attempts', 'must be an integer from 1 to 10')
  }
  checkConnectOptions(fields, 'notification.')
  return fields
}

/**
 * Delivers one client notification. Success is any 2xx (CIBA Core §10.2 expects 204 or 200). A
 * failure is `{ delivered: false, error }` with an {@link AuthleteNotificationError}; it rejects only
 * for bad options (`AuthleteInputError`), before anything is sent.
 */
export async function deliverClientNotification(
  notification: ClientNotification,
  notificationOptions?: NotificationOptions,
): Promise<NotificationDelivery> {
  const options = checkNotificationOptions(notificationOptions)
  const endpoint = parseEndpoint(notification.clientNotificationEndpoint, options.allowInsecureHttp === true)
  if (endpoint instanceof AuthleteNotificationError) return { delivered: false, error: endpoint }
  const channel = tracingChannelOf('notification')
  if (!channel.hasSubscribers) return deliver(notification, options, endpoint)
  const context: AuthleteTraceContext = { operation: 'notification', method: 'POST', url: endpoint.shown }
  return traced(channel, context, async () => {
    const outcome = await deliver(notification, options, endpoint)
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
  notification: ClientNotification,
  options: NotificationOptions,
  endpoint: Endpoint,
): Promise<NotificationDelivery> {
  const token = notification.clientNotificationToken
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  const deadline = Date.now() + timeoutMs
  const dispatcher =
    options.dispatcher ??
    createNotificationDispatcher({
      allowPrivateNetwork: options.allowPrivateNetwork,
      lookup: options.lookup,
      connector: options.connector,
    })
  const fail = (
    reason: AuthleteNotificationFailure,
    message: string,
    extra: FailureDetails = {},
  ): NotificationDelivery => ({ delivered: false, error: failure(endpoint, reason, message, token, extra) })
  const request: Dispatcher.DispatchOptions = {
    origin: endpoint.origin,
    path: endpoint.path,
    method: 'POST',
    headers:
      token === undefined
        ? ['content-type', 'application/json', 'user-agent', USER_AGENT]
        : ['content-type', 'application/json', 'user-agent', USER_AGENT, 'authorization', `Bearer ${token}`],
    body: notification.responseContent,
    // The delivery's deadline is the only clock (undici's own are 300 s).
    headersTimeout: 0,
    bodyTimeout: 0,
    // Never follow a redirect, whatever the dispatcher is composed of: undici's redirect
    // interceptor reads this, and would carry the token to wherever it points.
    maxRedirections: 0,
  } as Dispatcher.DispatchOptions
  const exchange = new Exchange(dispatcher, request)
  const timer = setTimeout(onDeadline, timeoutMs, exchange)

  try {
    for (let attempt = 1; ; attempt++) {
      let wait: number
      try {
        const { status, headers } = await exchange.send()
        if (status >= 200 && status < 300) return { delivered: true, status, attempts: attempt }
        if (status >= 300 && status < 400) {
          return fail('redirect', `the endpoint answered HTTP ${status}; redirects are not followed`, {
            status,
            attempts: attempt,
          })
        }
        const failed = () =>
          fail('status', `the endpoint answered HTTP ${status}`, { status, attempts: attempt })
        if ((status !== 429 && status !== 503) || attempt >= attempts) return failed()
        wait = retryAfterMs(headers['retry-after'], undefined) ?? backoff(attempt)
        if (Date.now() + wait >= deadline) return failed()
      } catch (error) {
        if (exchange.timedOut) {
          return fail('timeout', `no answer within ${timeoutMs} ms`, { attempts: attempt, cause: error })
        }
        const causeCode = errorCodeOf(error)
        if (causeCode === 'ERR_AUTHLETE_REFUSED_ADDRESS') {
          const why = error instanceof Error ? `: ${error.message}` : ''
          return fail('refused-address', `the endpoint's address is refused${why}; nothing was sent`, {
            attempts: attempt,
            cause: error,
          })
        }
        const failed = () =>
          fail('network', `could not reach the endpoint${causeCode ? ` (${causeCode})` : ''}`, {
            attempts: attempt,
            cause: error,
            causeCode,
          })
        // Only a refused connection (or a DNS server that could not answer yet) sent nothing.
        if ((causeCode !== 'ECONNREFUSED' && causeCode !== 'EAI_AGAIN') || attempt >= attempts)
          return failed()
        wait = backoff(attempt)
        if (Date.now() + wait >= deadline) return failed()
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  } finally {
    clearTimeout(timer)
    exchange.finish()
    if (dispatcher !== options.dispatcher) await dispatcher.destroy().catch(() => {})
  }
}

/** What a delivery keeps of an answer: the status, and the headers (for `Retry-After`). */
interface Answer {
  status: number
  headers: IncomingHttpHeaders
}

/**
 * The delivery's requests, one at a time, each an {@link Attempt} over `dispatch` (no body stream,
 * no `AbortSignal`). The status is the answer: it settles the request when it arrives, whatever
 * the body then does (a cut or endless body does not turn a 2xx into a failure); the deadline
 * fails a request still waiting for it.
 */
class Exchange implements AttemptOwner {
  timedOut = false
  /** The request waiting for its status, and how to settle it. */
  #pending: {
    attempt: Attempt
    resolve: (answer: Answer) => void
    reject: (error: unknown) => void
  } | null = null
  /** Every request not ended yet: an earlier one's body may still be coming. */
  readonly #live = new Set<Attempt>()
  readonly #dispatcher: Dispatcher
  readonly #request: Dispatcher.DispatchOptions

  constructor(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions) {
    this.#dispatcher = dispatcher
    this.#request = request
  }

  send(): Promise<Answer> {
    if (this.timedOut) return Promise.reject(new DeliveryTimeout())
    // The answer's body is only read to free the connection: a few bytes of it are kept, no more.
    const attempt = new Attempt(ANSWER_BYTES_KEPT, null, this)
    const answer = new Promise<Answer>((resolve, reject) => {
      this.#pending = { attempt, resolve, reject }
    })
    this.#live.add(attempt)
    try {
      this.#dispatcher.dispatch(this.#request, attempt)
    } catch (error) {
      attempt.fail(error as Error)
    }
    return answer
  }

  responseStarted(attempt: Attempt, status: number, headers: IncomingHttpHeaders): void {
    const pending = this.#pending
    if (pending?.attempt !== attempt) return
    this.#pending = null
    pending.resolve({ status, headers })
  }

  attemptEnded(attempt: Attempt, response: RawResponse | null, error: unknown): void {
    this.#live.delete(attempt)
    // Settled at its status already, unless it failed before the status came. An earlier request
    // ending (its body cut off, say) has no say over the one pending now.
    const pending = this.#pending
    if (pending?.attempt !== attempt) return
    this.#pending = null
    if (response !== null) pending.resolve(response)
    else pending.reject(error)
  }

  /** The deadline passed: a request waiting for its status fails, and no other is sent. */
  expire(): void {
    this.timedOut = true
    this.#pending?.attempt.fail(new DeliveryTimeout())
  }

  /** The delivery is over: an answer's body still coming is not waited for (its connection closes). */
  finish(): void {
    for (const attempt of this.#live) attempt.fail(new Error('The delivery is over'))
  }
}

class DeliveryTimeout extends Error {
  constructor() {
    super('The delivery deadline passed')
    this.name = 'DeliveryTimeout'
  }
}

function onDeadline(exchange: Exchange): void {
  exchange.expire()
}

/** The endpoint as undici takes it, or why it is refused (nothing is sent). */
function parseEndpoint(text: unknown, allowInsecureHttp: boolean): Endpoint | AuthleteNotificationError {
  let url: URL
  try {
    url = new URL(String(text))
  } catch {
    return new AuthleteNotificationError('insecure-url', 'The client notification endpoint is not a URL')
  }
  const endpoint = { origin: url.origin, path: url.pathname + url.search, shown: url.origin + url.pathname }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && allowInsecureHttp)) return endpoint
  return failure(
    endpoint,
    'insecure-url',
    url.protocol === 'http:'
      ? 'plain http: is refused without allowInsecureHttp; nothing was sent'
      : `${url.protocol} is not an https: URL; nothing was sent`,
    undefined,
  )
}

interface FailureDetails {
  status?: number
  attempts?: number
  cause?: unknown
  causeCode?: string | undefined
}

function failure(
  endpoint: Endpoint,
  reason: AuthleteNotificationFailure,
  message: string,
  token: string | undefined,
  details: FailureDetails = {},
): AuthleteNotificationError {
  const text = token ? redact(message, [token]) : message
  return new AuthleteNotificationError(reason, `Client notification failed: ${text}`, {
    request: { method: 'POST', url: endpoint.shown },
    attempts: details.attempts,
    status: details.status,
    causeCode: details.causeCode,
    // undici's errors do not carry request headers today; this keeps it so whatever they carry tomorrow.
    cause: token === undefined ? details.cause : scrubCause(details.cause, [token]),
  })
}

function backoff(attempt: number): number {
  return BACKOFF_MS * 2 ** (attempt - 1)
}
