/**
 * The device's HTTP: JSON answers with the headers every answer carries, the JSON body of a POST
 * read within a bound, and the check that only the page's own origin can change anything (CSRF).
 *
 * @module
 */

import { readBodyText } from '../src/endpoints/request-input.js'
import { AuthleteAbortError, AuthleteInputError } from '../src/index.js'

/** A handler of the Fetch API: what `createDeviceHandler` and `handleAutomatedApproval` return. */
export type FetchHandler = (request: Request) => Promise<Response>

/** What every answer carries: never cached, never sniffed as another type. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...headers },
  })
}

/** An error answer: `{"error": code}` with a sentence for a person. */
export function refusal(status: number, error: string, message: string): Response {
  return json(status, { error, message })
}

/**
 * The body of a JSON request: a small object, or the answer that refuses it. Read as the endpoints
 * read theirs, within `maxBytes` and `timeoutMs`: a client that trickles its body holds nothing open.
 */
export async function readJson(
  request: Request,
  maxBytes: number,
  timeoutMs: number,
): Promise<Record<string, unknown> | Response> {
  let text: string
  try {
    text = await readBodyText(request, AbortSignal.timeout(timeoutMs), maxBytes)
  } catch (error) {
    if (error instanceof AuthleteInputError)
      return refusal(413, 'invalid_request', `The body is larger than ${maxBytes} bytes`)
    if (error instanceof AuthleteAbortError)
      return refusal(408, 'invalid_request', 'The body came too slowly')
    return refusal(400, 'invalid_request', 'The body could not be read')
  }
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
  } catch {
    // Answered below.
  }
  return refusal(400, 'invalid_request', 'The body must be a JSON object')
}

/**
 * Whether a request that changes something may: it comes from `origin` (browsers send `Origin` with
 * every POST and DELETE) and is `application/json`, which no HTML form can send and no other origin
 * can send without a CORS preflight this server never answers. `undefined` when it may; else the 403.
 *
 * @see https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */
export function refuseCrossSite(request: Request, origin: string): Response | undefined {
  if (request.headers.get('origin') !== origin) {
    return refusal(403, 'forbidden', 'The request does not come from this page')
  }
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') return refusal(403, 'forbidden', 'The request must be application/json')
  return undefined
}
