/**
 * What every Authlete call's mocks build on: the shape of a call (`AuthleteCall`: method, v3 and v2
 * paths, required fields), which URLs are Authlete's (on the Authlete hosts or a given `baseUrl`),
 * the checks Authlete makes before it reads a request, and the answer shapes all calls share. What
 * is one call's own (its codes, its answers) lives in `calls/`, one module per call.
 *
 * @module
 */

import { randomBytes } from 'node:crypto'
import { type HttpHandler, HttpResponse, http } from 'msw'
import { AUTHLETE_CALL, type AuthleteCallName } from '../src/operations/table.js'
import { registerAuthleteBases } from './traffic.js'

/**
 * The hosts the handlers match when no `baseUrl` is given: Authlete's v3 clusters and the v2 host.
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
 */
export interface MockHandlerOptions {
  /**
   * The base URL(s) to answer on, path prefix included, as given to `AuthleteClient`'s `baseUrl`.
   * @default AUTHLETE_HOSTS
   */
  baseUrl?: string | URL | ReadonlyArray<string | URL> | undefined
  /**
   * Answer one request only, then fall through to the next handler (msw's `once`).
   * @default false
   */
  once?: boolean | undefined
}

/**
 * Which Authlete API a request went to, as the handlers parsed its URL.
 */
export interface AuthleteUrlMatch {
  apiVersion: 'v3' | 'v2'
  /** The service ID of a v3 path. */
  serviceId?: string
}

/**
 * One Authlete call as the mocks play it: how it is reached (from the table of calls) and what a
 * request must carry. Each call's module in `calls/` makes one with {@link mockedCall}; the default
 * handlers and the simulator both read it.
 *
 * @internal
 */
export interface AuthleteCall {
  /** The client method's name: the call's name everywhere. */
  readonly name: AuthleteCallName
  /** `POST` (a form-encoded or JSON body) or `GET` (no body: the fields are the query's). */
  readonly method: 'GET' | 'POST'
  /** The v3 path (`{serviceId}` stands for its service ID segment) and the v2 path. */
  readonly paths: { readonly v3: string; readonly v2: string }
  /** The fields that must be non-empty strings, and the 400 result code when one is missing. */
  readonly required?: { readonly fields: readonly string[]; readonly code: string } | undefined
}

/** The paths of an operation's `path` (e.g. `/backchannel/authentication/issue`), v3 and v2. */
function pathsOf(operationPath: string): AuthleteCall['paths'] {
  return { v3: `/api/{serviceId}${operationPath}`, v2: `/api${operationPath}` }
}

/**
 * The call `name` of the table of calls, as the mocks reach it, with the fields a request must
 * carry (and the 400 result code when one is missing).
 *
 * @internal
 */
export function mockedCall(name: AuthleteCallName, required?: AuthleteCall['required']): AuthleteCall {
  const { method, path } = AUTHLETE_CALL[name]
  return { name, method, paths: pathsOf(path), required }
}

/**
 * `{prefix}` of each base, normalised as the client normalises its `baseUrl`.
 *
 * @internal
 */
export function normalizeBases(baseUrl: MockHandlerOptions['baseUrl']): string[] {
  if (baseUrl === undefined) return [...AUTHLETE_HOSTS]
  const list = Array.isArray(baseUrl) ? baseUrl : [baseUrl as string | URL]
  return list.map((base) => {
    const url = new URL(String(base))
    return url.origin + url.pathname.replace(/\/+$/, '')
  })
}

/** Whether `url` is one of `paths` below one of `bases`; `undefined` if not. */
function matchPaths(url: string, paths: AuthleteCall['paths'], bases: readonly string[]) {
  const [head = '', tail = ''] = paths.v3.split('{serviceId}')
  for (const base of bases) {
    if (!url.startsWith(base)) continue
    const path = url.slice(base.length).split('?')[0] as string
    if (path === paths.v2) return { apiVersion: 'v2' } as const
    if (path.length <= head.length + tail.length || !path.startsWith(head) || !path.endsWith(tail)) continue
    const serviceId = path.slice(head.length, path.length - tail.length)
    if (!serviceId.includes('/'))
      return { apiVersion: 'v3', serviceId: decodeURIComponent(serviceId) } as const
  }
  return undefined
}

/**
 * Whether `url` is Authlete's `operationPath` (e.g. `/backchannel/authentication/issue`) below one of
 * `bases`, v3 (`/api/{serviceId}{operationPath}`) or v2 (`/api{operationPath}`); `undefined` if not.
 */
export function matchAuthleteUrl(
  url: string,
  operationPath: string,
  bases: readonly string[],
): AuthleteUrlMatch | undefined {
  return matchPaths(url, pathsOf(operationPath), bases)
}

/** An msw resolver, as `http.post` takes it. */
export type Resolver = Parameters<typeof http.post>[1]

/**
 * An msw handler for `call` (its method, on its v3 and v2 paths), on the given base URLs. The
 * resolver's `params.serviceId` is the v3 service ID.
 *
 * @internal
 */
export function callHandler(
  call: Pick<AuthleteCall, 'method' | 'paths'>,
  resolver: Resolver,
  options: MockHandlerOptions = {},
): HttpHandler {
  const bases = normalizeBases(options.baseUrl)
  const route = call.method === 'GET' ? http.get : http.post
  const handler = route(
    ({ request }) => {
      const match = matchPaths(request.url, call.paths, bases)
      return match
        ? { matches: true, params: match.apiVersion === 'v3' ? { serviceId: match.serviceId } : {} }
        : false
    },
    resolver,
    { once: options.once ?? false },
  )
  // setupAuthleteServer guards these bases: an unanswered request to them fails, never reaching a network.
  registerAuthleteBases(handler, bases)
  return handler
}

/**
 * An msw `http.post` handler for one Authlete operation (`operationPath`, e.g.
 * `/backchannel/authentication/complete`), on its v3 and v2 paths, on the given base URLs. The
 * resolver's `params.serviceId` is the v3 service ID. Build your own answers on it.
 */
export function authleteHandler(
  operationPath: string,
  resolver: Resolver,
  options: MockHandlerOptions = {},
): HttpHandler {
  return callHandler({ method: 'POST', paths: pathsOf(operationPath) }, resolver, options)
}

/**
 * Authlete's result body for a non-2xx status: `{ resultCode, resultMessage: '[code] message' }`.
 */
export function resultBody(resultCode: string, message: string) {
  return { resultCode, resultMessage: `[${resultCode}] ${message}` }
}

/**
 * Authlete's answer to a request whose `Authorization` header is missing (401 `A001202`) or does
 * not fit the path (Bearer for v3, Basic for v2: 401 `A001203`); `undefined` when it passes.
 */
export function checkAuthorization(request: Request, apiVersion: 'v3' | 'v2'): Response | undefined {
  const authorization = request.headers.get('authorization')
  if (!authorization) {
    return HttpResponse.json(resultBody('A001202', 'Authorization header is missing.'), { status: 401 })
  }
  const scheme = apiVersion === 'v3' ? 'Bearer ' : 'Basic '
  if (!authorization.startsWith(scheme) || authorization.length === scheme.length) {
    return HttpResponse.json(resultBody('A001203', 'Authorization header is invalid.'), { status: 401 })
  }
  return undefined
}

/**
 * The fields of a form-encoded or JSON request body (a form field given twice becomes an array);
 * `undefined` when the body is neither.
 */
export async function readFields(request: Request): Promise<Record<string, unknown> | undefined> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const text = await request.text()
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of new URLSearchParams(text)) {
      const previous = fields[key]
      // Grows the array in place: a body repeating one field many times costs linear time.
      if (previous === undefined) fields[key] = value
      else if (Array.isArray(previous)) previous.push(value)
      else fields[key] = [previous, value]
    }
    return fields
  }
  if (type === 'application/json') {
    try {
      const json = JSON.parse(text) as unknown
      return typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * A request as the mocks received it: the API it went to and its fields (`undefined` when the
 * request was refused before they were read).
 *
 * @internal
 */
export interface ReceivedCall {
  apiVersion: 'v3' | 'v2'
  serviceId: string | undefined
  fields: Record<string, unknown> | undefined
}

/**
 * The checks Authlete makes before it acts on a request to `call`: {@link checkAuthorization}, a
 * body that is form-encoded or JSON (400 `A001204` otherwise; a `GET` reads its query), then the
 * call's required fields. The request as received, and the answer that refuses it, if any.
 *
 * @internal
 */
export async function receiveCall(
  call: AuthleteCall,
  { request, params }: Parameters<Resolver>[0],
): Promise<{ received: ReceivedCall; refused: Response | undefined }> {
  const serviceId = typeof params.serviceId === 'string' ? params.serviceId : undefined
  const received: ReceivedCall = {
    apiVersion: serviceId === undefined ? 'v2' : 'v3',
    serviceId,
    fields: undefined,
  }
  const unauthorized = checkAuthorization(request, received.apiVersion)
  if (unauthorized) return { received, refused: unauthorized }
  const fields =
    call.method === 'GET' ? Object.fromEntries(new URL(request.url).searchParams) : await readFields(request)
  received.fields = fields
  // 400 A001204 is this stand-in's code: Authlete documents none for a body it cannot parse.
  if (fields === undefined) {
    const refused = HttpResponse.json(resultBody('A001204', 'The request body could not be parsed.'), {
      status: 400,
    })
    return { received, refused }
  }
  const missing = call.required?.fields.find((field) => !isText(fields[field]))
  if (missing === undefined || call.required === undefined) return { received, refused: undefined }
  const refused = HttpResponse.json(missingFieldBody(call.required.code, missing), { status: 400 })
  return { received, refused }
}

/**
 * The result body (`resultCode`) of the 400 for a request without its required `field`.
 *
 * @internal
 */
export function missingFieldBody(resultCode: string, field: string) {
  return resultBody(resultCode, `The request does not contain a '${field}' parameter.`)
}

/**
 * The first parameter, in request order, that is given more than once; `undefined` if none. One
 * pass to count, one over the counts: linear in the number of parameters.
 */
export function repeatedParameter(parameters: URLSearchParams): string | undefined {
  const counts = new Map<string, number>()
  for (const name of parameters.keys()) counts.set(name, (counts.get(name) ?? 0) + 1)
  for (const [name, count] of counts) if (count > 1) return name
  return undefined
}

/** Whether `value` is a non-empty string. */
export function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

/** `value` when it is a string, else `undefined`. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** 400 with Authlete's result body: a request field is missing or wrong. */
export function badField(resultCode: string, message: string): Response {
  return HttpResponse.json(resultBody(resultCode, message), { status: 400 })
}

/** 400 with Authlete's result body: the value of `field` is not one Authlete takes. */
export function invalidField(resultCode: string, field: string): Response {
  return badField(resultCode, `The '${field}' parameter is invalid.`)
}

/** The result code of {@link unknownActionAnswer}: no Authlete answer has it. */
export const UNKNOWN_ACTION_CODE = 'A999999'

/** An answer with an `action` Authlete may add later. */
export function unknownActionAnswer(action: string): Record<string, unknown> {
  return { resultCode: UNKNOWN_ACTION_CODE, action }
}

/**
 * An answer whose `responseContent` is a `server_error`, as Authlete words it for a fault or a ticket
 * it cannot use: `{"error":"server_error","error_description":"[code] message","error_uri":…}`.
 */
export function serverErrorAnswer(action: string, resultCode: string, message: string) {
  const { resultMessage } = resultBody(resultCode, message)
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
 * A handler for `call` that answers `body` (a JSON object, or a function making one per request)
 * with HTTP 200.
 *
 * @internal
 */
export function answerWith(
  call: AuthleteCall,
  body: object | (() => object),
  options: MockHandlerOptions = {},
): HttpHandler {
  return callHandler(call, () => HttpResponse.json(typeof body === 'function' ? body() : body), options)
}

/**
 * A handler for `call` that answers Authlete's error status and result body, e.g.
 * `(401, 'A001202', 'Authorization header is missing.')`.
 *
 * @internal
 */
export function apiErrorWith(
  call: AuthleteCall,
  status: number,
  resultCode: string,
  resultMessage: string,
  options: MockHandlerOptions = {},
): HttpHandler {
  return callHandler(
    call,
    () => HttpResponse.json(resultBody(resultCode, resultMessage), { status }),
    options,
  )
}

/**
 * The helpers each call offers under its own names (`issueHandler`, `failApiError`, …), made for
 * `call`: `handler` runs your own resolver on the call's paths; `unknownAction` answers an `action`
 * Authlete may add later (your code must treat it as a failure); `apiError` answers a non-2xx
 * status from Authlete itself, e.g. `(401, 'A001202', 'Authorization header is missing.')`.
 *
 * @internal
 */
export function callHelpers(call: AuthleteCall) {
  return {
    handler: (resolver: Resolver, options: MockHandlerOptions = {}): HttpHandler =>
      callHandler(call, resolver, options),
    unknownAction: (action = 'FUTURE_ACTION', options: MockHandlerOptions = {}): HttpHandler =>
      answerWith(call, unknownActionAnswer(action), options),
    apiError: (
      status: number,
      resultCode: string,
      resultMessage = 'Mocked error.',
      options: MockHandlerOptions = {},
    ): HttpHandler => apiErrorWith(call, status, resultCode, resultMessage, options),
  }
}

/** A 43-character random base64url string, as Authlete's tickets and `auth_req_id`s look. */
export function randomId(): string {
  return randomBytes(32).toString('base64url')
}

/** The `responseContent` of an error answer: `{"error":…,"error_description":…}`. */
export function errorContent(error: string, description?: string): string {
  return JSON.stringify(description === undefined ? { error } : { error, error_description: description })
}

/** Drops the fields whose value is `undefined`, as Authlete omits absent fields. */
export function defined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))
}
