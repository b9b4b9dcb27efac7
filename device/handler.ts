/**
 * `createDeviceHandler`: the user's device, as routes under `basePath`: the page, the requests that
 * wait for the signed-in user, their decision (exactly once, through the pending store), the event
 * stream that keeps the page current, and the browser's Web Push subscription. A Fetch API handler,
 * mountable in any framework; `toNodeHandler` mounts it in Express or node:http.
 *
 * @module
 */

import { DEFAULT_DECISION_TIMEOUT_MS, timeoutOr } from '../src/deadline.js'
import { reporterOf } from '../src/endpoints/report.js'
import {
  AuthleteInputError,
  type BackchannelCompleteClient,
  type NotificationOptions,
  type PendingAuthentications,
} from '../src/index.js'
import { checkFields, MAX_FIELD_LENGTH } from '../src/input.js'
import {
  alreadyDecided,
  type CompleteWith,
  type DeviceDecision,
  type DeviceResult,
  decide,
  notFound,
} from './decision.js'
import { eventStream, RequestWatches } from './events.js'
import { COMMON_HEADERS, type FetchHandler, json, readJson, refusal, refuseCrossSite } from './http.js'
import { page, script } from './page.js'
import { serviceWorkerScript } from './service-worker.js'
import type { WebPushSubscription } from './subscription-store.js'
import type { PushSubscriptions } from './subscriptions.js'
import { viewOf } from './view.js'

/** Where a failure happened, as `onError` is told. */
export type DeviceStage =
  | 'authenticate'
  | 'requests'
  | 'decision'
  | 'notification'
  | 'onDecision'
  | 'events'
  | 'subscriptions'
  | 'forbidden'

/** Options of {@link createDeviceHandler}. */
export interface DeviceHandlerOptions {
  /**
   * Where the routes are: the page at `basePath`, the rest below it.
   * @default '/device'
   */
  basePath?: string | undefined
  /**
   * Who is looking: the subject of the signed-in user (your session), or `undefined` (401). The
   * device shows and decides that subject's requests only.
   */
  authenticate: (request: Request) => string | undefined | null | Promise<string | undefined | null>
  /**
   * The page's origin, as browsers send it in `Origin` (`https://as.example.com`): a POST or DELETE
   * from any other origin, or not `application/json`, is refused with 403 (no cross-site form can
   * decide).
   */
  origin: string
  /**
   * Where browsers' Web Push subscriptions are kept: with it the subscription routes answer, and with
   * `vapidPublicKey` too the page offers "Notify me on this browser".
   * @default undefined: no Web Push
   */
  subscriptions?: PushSubscriptions | undefined
  /**
   * The VAPID public key browsers subscribe with (`webPushNotifier`'s `vapid.publicKey`); only with
   * `subscriptions`.
   * @default undefined: the page offers no Web Push
   */
  vapidPublicKey?: string | undefined
  /**
   * The fields `/complete` gets beside the decision: `claims` for the ID token, `acr`, `authTime`
   * (default: now), `properties`, …; `undefined` for none.
   * @default none
   */
  completeWith?: CompleteWith | undefined
  /**
   * Told of each decision once `/complete` answered (and the ping or push notification went out). A
   * hook that throws is reported to `onError`; the user's answer stands.
   * @default nothing
   */
  onDecision?: ((decision: DeviceDecision) => unknown) | undefined
  /**
   * Told of each failure the user sees as a 5xx, of a notification not delivered (in push mode the
   * tokens are lost: alert on it), and of a store that could not be read for the event stream.
   * @default errors are not reported
   */
  onError?: ((error: unknown, stage: DeviceStage) => void) | undefined
  /**
   * The scopes' descriptions the page shows, by name, beside those Authlete gave.
   * @default none: each scope by its name
   */
  scopeDescriptions?: Readonly<Record<string, string>> | undefined
  /**
   * The ping or push notification's delivery options (`decideBackchannelAuthentication`'s).
   * @default the delivery's defaults
   */
  notification?: NotificationOptions | undefined
  /**
   * The deadline of a decision (the store and `/complete`), in milliseconds.
   * @default 10000
   */
  timeoutMs?: number | undefined
  /**
   * How often an open page's list is read again, in milliseconds: a request saved or decided on
   * another instance shows within this (a decision made here, at once).
   * @default 1000
   */
  pollIntervalMs?: number | undefined
  /**
   * The page's title.
   * @default 'Sign-in requests'
   */
  title?: string | undefined
}

/** The device's routes: a Fetch API handler, and what `toNodeHandler` needs. */
export interface DeviceHandler extends FetchHandler {
  /** The base path, normalised (`/device`). */
  readonly basePath: string
  /** Whether `url` is one of the device's paths: `toNodeHandler` passes the others on. */
  matches(url: URL): boolean
  /** Ends every event stream and stops reading the store (on shutdown). */
  close(): void
}

const OPTIONS: ReadonlySet<string> = new Set([
  'basePath',
  'authenticate',
  'origin',
  'subscriptions',
  'vapidPublicKey',
  'completeWith',
  'onDecision',
  'onError',
  'scopeDescriptions',
  'notification',
  'timeoutMs',
  'pollIntervalMs',
  'title',
])
/** A decision or a subscription is a few hundred bytes. */
const MAX_BODY_BYTES = 16_384

/**
 * The device's routes under `basePath`, for the user `authenticate` names:
 *
 * - `GET {basePath}`: the page (HTML).
 * - `GET {basePath}/requests`: the user's pending requests, oldest first (JSON).
 * - `GET {basePath}/requests/{authReqId}`: one request in full.
 * - `POST {basePath}/requests/{authReqId}` `{"decision":"approve"|"deny"}`: 200 `{"result":"AUTHORIZED"|"ACCESS_DENIED"}`;
 *   409 already decided; 404 unknown, expired or another user's; 503 the store or Authlete
 *   unreachable; 401 not signed in; 403 not from `origin` or not `application/json`.
 * - `GET {basePath}/events`: Server-Sent Events, the list again whenever it changes.
 * - `POST` / `DELETE {basePath}/subscriptions`: a browser's Web Push subscription.
 * - `GET {basePath}/sw.js`: the page's service worker.
 *
 * @throws {AuthleteInputError} for a missing or bad option.
 */
export function createDeviceHandler(
  authlete: BackchannelCompleteClient,
  pending: PendingAuthentications,
  options: DeviceHandlerOptions,
): DeviceHandler {
  checkFields(options, OPTIONS, 'the device handler options')
  if (typeof authlete?.backchannelComplete !== 'function')
    throw new AuthleteInputError('authlete', 'must be an AuthleteClient')
  if (typeof pending?.forSubject !== 'function')
    throw new AuthleteInputError('pending', 'must be what createPendingAuthentications returns')
  const basePath = basePathOf(options.basePath ?? '/device')
  if (typeof options.authenticate !== 'function')
    throw new AuthleteInputError('authenticate', 'must be a function')
  const origin = originOf(options.origin)
  const { subscriptions, vapidPublicKey, scopeDescriptions } = options
  if (vapidPublicKey !== undefined && subscriptions === undefined) {
    throw new AuthleteInputError(
      'subscriptions',
      'is needed with vapidPublicKey: the page subscribes browsers into it',
    )
  }
  for (const name of ['completeWith', 'onDecision', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new AuthleteInputError(name, 'must be a function')
  }
  const pollIntervalMs = timeoutOr('pollIntervalMs', options.pollIntervalMs, 1000)
  const timeoutMs = timeoutOr('timeoutMs', options.timeoutMs, DEFAULT_DECISION_TIMEOUT_MS)
  const title = options.title ?? 'Sign-in requests'
  // A reporter that throws or rejects changes no answer.
  const report = reporterOf<DeviceStage>(options)
  const watches = new RequestWatches(pending, pollIntervalMs, scopeDescriptions, (error) =>
    report(error, 'events'),
  )
  const streams = new Set<() => void>()
  let closed = false
  const settings = {
    completeWith: options.completeWith,
    onDecision: options.onDecision,
    report,
    options: { timeoutMs, notification: options.notification },
  }
  const worker = serviceWorkerScript(basePath)

  /** The signed-in subject, or the answer that refuses the request. */
  const who = async (request: Request): Promise<string | Response> => {
    let subject: unknown
    try {
      subject = await options.authenticate(request)
    } catch (error) {
      report(error, 'authenticate')
      return refusal(500, 'server_error', 'Who is signed in could not be told')
    }
    if (subject === undefined || subject === null) return refusal(401, 'unauthenticated', 'Sign in first')
    if (typeof subject !== 'string' || subject === '' || subject.length > MAX_FIELD_LENGTH) {
      report(
        new AuthleteInputError('authenticate', 'must resolve to a subject (a non-empty string)'),
        'authenticate',
      )
      return refusal(500, 'server_error', 'Who is signed in could not be told')
    }
    return subject
  }

  /** The subject's request, or the 404 that answers instead (a store that fails throws: a 503). */
  const find = async (authReqId: string, subject: string) => {
    const request = await pending.get(authReqId)
    // Unknown, expired or another user's: one answer for all three.
    if (request === undefined || request.subject !== subject) return notFound()
    return request
  }

  const routes = async (request: Request, path: string): Promise<Response> => {
    const { method } = request
    if (path === '' || path === '/') {
      if (method !== 'GET') return notAllowed('GET')
      const subject = await who(request)
      if (typeof subject !== 'string') {
        // A person reads this one: plain words, not JSON.
        return new Response(subject.status === 401 ? 'Sign in first.\n' : 'Something failed; try again.\n', {
          status: subject.status,
          headers: { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS },
        })
      }
      return page({ basePath, vapidPublicKey: subscriptions && vapidPublicKey, title })
    }
    if (path === '/sw.js') return method === 'GET' ? script(worker) : notAllowed('GET')
    const changes = method !== 'GET' && method !== 'HEAD'
    if (changes) {
      const refused = refuseCrossSite(request, origin)
      if (refused) {
        // Most often a setup mistake (an `origin` the browser does not send): say so server-side,
        // where the page can only say the answer was refused.
        report(
          new AuthleteInputError(
            'origin',
            `a ${method} with Origin ${JSON.stringify(request.headers.get('origin')?.slice(0, 100) ?? null)} and type ${JSON.stringify(request.headers.get('content-type')?.slice(0, 100) ?? null)} was refused: the device takes application/json from ${origin} only`,
          ),
          'forbidden',
        )
        return refused
      }
    }
    const subject = await who(request)
    if (typeof subject !== 'string') return subject

    if (path === '/requests') {
      if (method !== 'GET') return notAllowed('GET')
      const now = pending.now()
      return json(
        200,
        (await pending.forSubject(subject)).map((r) => viewOf(r, now, scopeDescriptions)),
      )
    }
    if (path === '/events') {
      if (method !== 'GET') return notAllowed('GET')
      // Closed (the server shuts down): a page's EventSource stops at a status other than 200
      // instead of reconnecting into a server that is closing.
      if (closed) return refusal(503, 'unavailable', 'This server is shutting down')
      return eventStream(watches, subject, request.signal, streams, () => who(request))
    }
    if (path === '/subscriptions') {
      if (subscriptions === undefined) return refusal(404, 'not_found', 'This server offers no Web Push')
      if (method !== 'POST' && method !== 'DELETE') return notAllowed('POST, DELETE')
      const body = await readJson(request, MAX_BODY_BYTES, timeoutMs)
      if (body instanceof Response) return body
      try {
        if (method === 'POST') {
          // Checked by add: a body that is not a subscription is refused there, naming the field.
          await subscriptions.add(subject, body as unknown as WebPushSubscription)
          return json(201, { subscribed: true })
        }
        const removed = await subscriptions.remove(subject, body.endpoint as string)
        return json(200, { removed })
      } catch (error) {
        if (error instanceof AuthleteInputError) return refusal(400, 'invalid_request', error.message)
        throw error
      }
    }
    const match = /^\/requests\/([^/]+)$/.exec(path)
    if (match) {
      let authReqId: string
      try {
        authReqId = decodeURIComponent(match[1] as string)
      } catch {
        return notFound()
      }
      if (authReqId.length > MAX_FIELD_LENGTH) return notFound()
      if (method === 'GET') {
        const found = await find(authReqId, subject)
        return found instanceof Response ? found : json(200, viewOf(found, pending.now(), scopeDescriptions))
      }
      if (method !== 'POST') return notAllowed('GET, POST')
      const body = await readJson(request, MAX_BODY_BYTES, timeoutMs)
      if (body instanceof Response) return body
      const decision = String(body.decision)
      const result = Object.hasOwn(RESULTS, decision) ? RESULTS[decision] : undefined
      if (result === undefined || Object.keys(body).length !== 1) {
        return refusal(
          400,
          'invalid_request',
          'The body must be {"decision":"approve"} or {"decision":"deny"}',
        )
      }
      const found = await find(authReqId, subject)
      if (found instanceof Response) return found
      if (found.state !== 'pending') return alreadyDecided()
      try {
        return await decide(authlete, pending, found, subject, result, settings)
      } finally {
        // This instance's pages see it at once; the others' within their interval.
        watches.refresh(subject)
      }
    }
    return refusal(404, 'not_found', 'No such route')
  }

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    if (!matches(url)) return refusal(404, 'not_found', 'No such route')
    const path = url.pathname.slice(basePath.length)
    try {
      return await routes(request, path)
    } catch (error) {
      // The store (AUTHLETE_STORE) or the call's own deadline: the user may try again.
      const stage: DeviceStage = path.startsWith('/subscriptions') ? 'subscriptions' : 'requests'
      report(error, stage)
      return refusal(503, 'unavailable', 'The requests could not be read now; try again')
    }
  }
  const matches = (url: URL) => url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)
  return Object.assign(handler, {
    basePath,
    matches,
    close() {
      closed = true
      for (const stop of [...streams]) stop()
      watches.close()
    },
  })
}

const RESULTS: Readonly<Record<string, DeviceResult>> = { approve: 'AUTHORIZED', deny: 'ACCESS_DENIED' }

function notAllowed(allow: string): Response {
  return json(405, { error: 'method_not_allowed', message: `Use ${allow}` }, { allow })
}

function basePathOf(value: unknown): string {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value))
    throw new AuthleteInputError('basePath', "must be a path that starts with '/' (e.g. '/device')")
  const path = value.replace(/\/+$/, '')
  // At the root, every path of the server would be the device's.
  if (path === '') throw new AuthleteInputError('basePath', "must be a path below the root (e.g. '/device')")
  return path
}

function originOf(value: unknown): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new AuthleteInputError('origin', "must be the page's origin, e.g. 'https://as.example.com'")
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.origin !== String(value).replace(/\/$/, '')
  ) {
    throw new AuthleteInputError('origin', "must be the page's origin alone, e.g. 'https://as.example.com'")
  }
  return url.origin
}
