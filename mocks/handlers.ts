/**
 * msw request handlers that answer as Authlete's `/backchannel/authentication/issue` does, for the
 * tests of an authorization server built on `authlete-ciba`. No network, no credentials.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import { randomBytes } from 'node:crypto'
import { type DelayMode, delay, type HttpHandler, HttpResponse, http } from 'msw'

/**
 * The hosts the handlers match when no `baseUrl` is given: Authlete's v3 clusters and the v2 host.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export const AUTHLETE_HOSTS: readonly string[] = Object.freeze([
  'https://us.authlete.com',
  'https://jp.authlete.com',
  'https://eu.authlete.com',
  'https://br.authlete.com',
  'https://api.authlete.com',
])

/**
 * Options every handler factory takes.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface MockHandlerOptions {
  /**
   * The base URL(s) to answer on, path prefix included, as given to `AuthleteClient`'s `baseUrl`.
   * Default: {@link AUTHLETE_HOSTS}.
   */
  baseUrl?: string | URL | ReadonlyArray<string | URL>
  /** Answer one request only, then fall through to the next handler (msw's `once`). Default `false`. */
  once?: boolean
}

/**
 * Options of the `OK` answer.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface MockOkOptions extends MockHandlerOptions {
  /** The `auth_req_id`, or a function making one per call. Default: 43 random base64url characters. */
  authReqId?: string | (() => string)
  /** Seconds. Default `600`. */
  expiresIn?: number
  /** Seconds. Default `5`. */
  interval?: number
}

/**
 * Options of {@link authleteHandlers}.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface AuthleteHandlersOptions extends MockOkOptions {
  /**
   * The tickets Authlete knows. When given, any other ticket answers `INVALID_TICKET`, as an
   * unknown or expired ticket does. A `Set` you add to as your test issues tickets works.
   */
  tickets?: { has(ticket: string): boolean }
}

/**
 * What a request to the issue endpoint was, as the handlers parsed it.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface IssueRequestInfo {
  apiVersion: 'v3' | 'v2'
  /** The service ID of a v3 path. */
  serviceId?: string
}

const V3_PATH = /^\/api\/([^/]+)\/backchannel\/authentication\/issue$/
const V2_PATH = '/api/backchannel/authentication/issue'

/**
 * Which endpoint a URL is, relative to the given bases; `undefined` when it is not this API.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function matchIssueUrl(url: string, bases: readonly string[]): IssueRequestInfo | undefined {
  for (const base of bases) {
    if (!url.startsWith(base)) continue
    const path = url.slice(base.length).split('?')[0] as string
    if (path === V2_PATH) return { apiVersion: 'v2' }
    const v3 = V3_PATH.exec(path)
    if (v3) return { apiVersion: 'v3', serviceId: decodeURIComponent(v3[1] as string) }
  }
  return undefined
}

function normalizeBases(baseUrl: MockHandlerOptions['baseUrl']): string[] {
  if (baseUrl === undefined) return [...AUTHLETE_HOSTS]
  const list = Array.isArray(baseUrl) ? baseUrl : [baseUrl as string | URL]
  return list.map((base) => {
    const url = new URL(String(base))
    return url.origin + url.pathname.replace(/\/+$/, '')
  })
}

type Resolver = Parameters<typeof http.post>[1]

/**
 * An msw `http.post` handler for the issue endpoint, v3 path (`/api/:serviceId/backchannel/authentication/issue`)
 * and v2 path (`/api/backchannel/authentication/issue`), on the given base URLs. The resolver's
 * `params.serviceId` is the v3 service ID. Build your own answers on it.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueHandler(resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler {
  const bases = normalizeBases(options.baseUrl)
  return http.post(
    ({ request }) => {
      const match = matchIssueUrl(request.url, bases)
      return match ? { matches: true, params: match.serviceId ? { serviceId: match.serviceId } : {} } : false
    },
    resolver,
    { once: options.once ?? false },
  )
}

/**
 * The body of an `OK` answer, consistent with itself: `responseContent` agrees with the fields.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function okAnswer(options: MockOkOptions = {}) {
  const authReqId =
    typeof options.authReqId === 'function'
      ? options.authReqId()
      : (options.authReqId ?? randomBytes(32).toString('base64url'))
  const expiresIn = options.expiresIn ?? 600
  const interval = options.interval ?? 5
  return {
    resultCode: 'A183001',
    resultMessage: '[A183001] An auth_req_id was issued successfully.',
    action: 'OK' as const,
    responseContent: JSON.stringify({ auth_req_id: authReqId, interval, expires_in: expiresIn }),
    authReqId,
    expiresIn,
    interval,
  }
}

function failureAnswer(action: string, resultCode: string, message: string) {
  const resultMessage = `[${resultCode}] ${message}`
  return {
    resultCode,
    resultMessage,
    action,
    responseContent: JSON.stringify({
      error: 'server_error',
      error_description: resultMessage,
      error_uri: `https://docs.authlete.com/#${resultCode}`,
    }),
  }
}

/**
 * The body of an `INVALID_TICKET` answer.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function invalidTicketAnswer() {
  return failureAnswer('INVALID_TICKET', 'A184301', 'The ticket is invalid or has expired.')
}

/**
 * The body of an `INTERNAL_SERVER_ERROR` answer.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function internalServerErrorAnswer() {
  return failureAnswer('INTERNAL_SERVER_ERROR', 'A183101', 'An error occurred on the Authlete server.')
}

/**
 * Authlete's result body for a non-2xx status.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function resultBody(resultCode: string, message: string) {
  return { resultCode, resultMessage: `[${resultCode}] ${message}` }
}

/**
 * `action: OK` with a fresh random `authReqId` per call (unless fixed in `options`).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueOk(options: MockOkOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(okAnswer(options)), options)
}

/**
 * `action: INVALID_TICKET`: the ticket is unknown or expired.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueInvalidTicket(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(invalidTicketAnswer()), options)
}

/**
 * `action: INTERNAL_SERVER_ERROR`: a fault inside Authlete, answered with HTTP 200.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueInternalServerError(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(internalServerErrorAnswer()), options)
}

/**
 * An `action` Authlete may add in the future; your code must treat it as a failure.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueUnknownAction(action = 'FUTURE_ACTION', options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.json(failureAnswer(action, 'A999999', 'A new action.')), options)
}

/**
 * A non-2xx answer from Authlete itself, e.g. `(401, 'A001202', 'Authorization header is missing.')`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueApiError(
  status: number,
  resultCode: string,
  resultMessage = 'Mocked error.',
  options: MockHandlerOptions = {},
): HttpHandler {
  return issueHandler(() => HttpResponse.json(resultBody(resultCode, resultMessage), { status }), options)
}

/**
 * HTTP 429 with `Retry-After` (seconds, or a `Date`). Default `1` second.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueRateLimited(
  options: MockHandlerOptions & { retryAfter?: number | Date } = {},
): HttpHandler {
  const retryAfter = options.retryAfter ?? 1
  const value = retryAfter instanceof Date ? retryAfter.toUTCString() : String(retryAfter)
  return issueHandler(
    () =>
      HttpResponse.json(resultBody('A001301', 'Too many requests.'), {
        status: 429,
        headers: { 'retry-after': value },
      }),
    options,
  )
}

/**
 * The connection fails (the client sees a network error).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueNetworkError(options: MockHandlerOptions = {}): HttpHandler {
  return issueHandler(() => HttpResponse.error(), options)
}

/**
 * Answers `OK` (or `then`'s answer) after a delay in milliseconds, or never (`'infinite'`): for
 * timeout and abort paths.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueDelayed(
  duration: number | DelayMode,
  options: MockOkOptions & { then?: Resolver } = {},
): HttpHandler {
  return issueHandler(async (info) => {
    await delay(duration)
    return options.then ? options.then(info) : HttpResponse.json(okAnswer(options))
  }, options)
}

/**
 * The default handler: checks the request as Authlete would, then answers `OK`.
 *
 * - no `Authorization` header: 401 `A001202`; a scheme that does not fit the path (Bearer for v3,
 *   Basic for v2): 401 `A001203`;
 * - a body that is neither form-encoded nor JSON: 400 `A001204`; no `ticket`: 400 `A183201`
 *   (the 400 codes are this stand-in's: Authlete does not document its codes for these cases);
 * - with `options.tickets`, a ticket it does not hold: `INVALID_TICKET`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function issueAsAuthlete(options: AuthleteHandlersOptions = {}): HttpHandler {
  return issueHandler(async ({ request, params }) => {
    const authorization = request.headers.get('authorization')
    if (!authorization) {
      return HttpResponse.json(resultBody('A001202', 'Authorization header is missing.'), { status: 401 })
    }
    const scheme = params.serviceId === undefined ? 'Basic ' : 'Bearer '
    if (!authorization.startsWith(scheme) || authorization.length === scheme.length) {
      return HttpResponse.json(resultBody('A001203', 'Authorization header is invalid.'), { status: 401 })
    }
    const ticket = await readTicket(request)
    if (ticket === undefined) {
      return HttpResponse.json(resultBody('A001204', 'The request body could not be parsed.'), {
        status: 400,
      })
    }
    if (ticket === null || ticket === '') {
      return HttpResponse.json(resultBody('A183201', "The request does not contain a 'ticket' parameter."), {
        status: 400,
      })
    }
    if (options.tickets && !options.tickets.has(ticket)) return HttpResponse.json(invalidTicketAnswer())
    return HttpResponse.json(okAnswer(options))
  }, options)
}

/** The ticket of a form or JSON body; `null` when absent, `undefined` when the body is neither. */
async function readTicket(request: Request): Promise<string | null | undefined> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const text = await request.text()
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(text).get('ticket')
  if (type === 'application/json') {
    try {
      const json = JSON.parse(text) as { ticket?: unknown } | null
      return typeof json?.ticket === 'string' ? json.ticket : null
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The default handler set: {@link issueAsAuthlete} for the issue endpoint on the Authlete hosts (or
 * `options.baseUrl`). `setupAuthleteServer(...authleteHandlers())` is the whole setup.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function authleteHandlers(options: AuthleteHandlersOptions = {}): HttpHandler[] {
  return [issueAsAuthlete(options)]
}
