/**
 * The generic Authlete handler factory every operation's mocks build on: which URLs are Authlete's
 * (v3 and v2 paths on the Authlete hosts or a given `baseUrl`), the authentication checks Authlete
 * makes before it reads a request, and request body reading.
 *
 * @module
 */

import { randomBytes } from 'node:crypto'
import { type HttpHandler, HttpResponse, http } from 'msw'
import { registerAuthleteBases } from './scope.js'

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

/**
 * Whether `url` is Authlete's `operationPath` (e.g. `/backchannel/authentication/issue`) below one of
 * `bases`, v3 (`/api/{serviceId}{operationPath}`) or v2 (`/api{operationPath}`); `undefined` if not.
 */
export function matchAuthleteUrl(
  url: string,
  operationPath: string,
  bases: readonly string[],
): AuthleteUrlMatch | undefined {
  for (const base of bases) {
    if (!url.startsWith(base)) continue
    const path = url.slice(base.length).split('?')[0] as string
    if (!path.startsWith('/api/') || !path.endsWith(operationPath)) continue
    const middle = path.slice('/api'.length, path.length - operationPath.length)
    if (middle === '') return { apiVersion: 'v2' }
    if (/^\/[^/]+$/.test(middle)) return { apiVersion: 'v3', serviceId: decodeURIComponent(middle.slice(1)) }
  }
  return undefined
}

/** An msw resolver, as `http.post` takes it. */
export type Resolver = Parameters<typeof http.post>[1]

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
  const bases = normalizeBases(options.baseUrl)
  const handler = http.post(
    ({ request }) => {
      const match = matchAuthleteUrl(request.url, operationPath, bases)
      return match ? { matches: true, params: match.serviceId ? { serviceId: match.serviceId } : {} } : false
    },
    resolver,
    { once: options.once ?? false },
  )
  // setupAuthleteServer guards these bases: an unanswered request to them fails, never reaching a network.
  registerAuthleteBases(handler, bases)
  return handler
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
      fields[key] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
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
 * The checks Authlete makes before it reads a request ({@link checkAuthorization}, then a body that
 * is form-encoded or JSON): the request's fields, or the answer that refuses it.
 */
export async function acceptRequest(
  request: Request,
  params: Record<string, unknown>,
): Promise<Record<string, unknown> | Response> {
  const refused = checkAuthorization(request, params.serviceId === undefined ? 'v2' : 'v3')
  if (refused) return refused
  return (await readFields(request)) ?? unparsableBody()
}

/** 400 `A001204`: the body could not be parsed (this stand-in's code: Authlete documents none). */
export function unparsableBody(): Response {
  return HttpResponse.json(resultBody('A001204', 'The request body could not be parsed.'), { status: 400 })
}

/**
 * A handler for `operationPath` that answers `body` (a JSON object, or a function making one per
 * request) with HTTP 200.
 */
export function answerWith(
  operationPath: string,
  body: object | (() => object),
  options: MockHandlerOptions = {},
): HttpHandler {
  return authleteHandler(
    operationPath,
    () => HttpResponse.json(typeof body === 'function' ? body() : body),
    options,
  )
}

/**
 * A handler for `operationPath` that answers Authlete's error status and result body, e.g.
 * `(401, 'A001202', 'Authorization header is missing.')`.
 */
export function apiErrorWith(
  operationPath: string,
  status: number,
  resultCode: string,
  resultMessage: string,
  options: MockHandlerOptions = {},
): HttpHandler {
  return authleteHandler(
    operationPath,
    () => HttpResponse.json(resultBody(resultCode, resultMessage), { status }),
    options,
  )
}

/** 400 with Authlete's result body: a required request field is missing. */
export function missingField(resultCode: string, field: string): Response {
  return HttpResponse.json(resultBody(resultCode, `The request does not contain a '${field}' parameter.`), {
    status: 400,
  })
}

/** A 43-character random base64url string, as Authlete's tickets and `auth_req_id`s look. */
export function randomId(): string {
  return randomBytes(32).toString('base64url')
}

/** The `responseContent` of an error answer: `{"error":…,"error_description":…}`. */
export function errorContent(error: string, description?: string): string {
  return JSON.stringify(description === undefined ? { error } : { error, error_description: description })
}
