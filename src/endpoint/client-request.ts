/**
 * The client application's request at an endpoint of the authorization server (backchannel
 * authentication; the token endpoint alike), read into what Authlete is given: the body as form
 * text, and the `client_secret_basic` credentials of the `Authorization` header. What cannot be
 * read is refused here, before any call, with the OAuth error to answer and the stage to report.
 *
 * @internal
 * @module
 */

import { AuthleteAbortError, AuthleteInputError } from '../errors.js'
import { MAX_PARAMETERS_LENGTH } from '../operations/backchannel-authentication.js'
import { parseBasicCredentials } from './basic-credentials.js'

/**
 * A form body as a framework hands it over: the raw `application/x-www-form-urlencoded` text,
 * `URLSearchParams`, or the object a body parser made of it (`express.urlencoded()`: a string per
 * parameter, an array of strings for a repeated one).
 */
export type FormBody = string | URLSearchParams | Readonly<Record<string, string | readonly string[]>>

/** The client's request as Authlete takes it. */
export interface ClientRequest {
  /** The form text, as Authlete parses it (`parameters`). */
  parameters: string
  /** From the `Authorization: Basic` header, if any. */
  clientId: string | undefined
  clientSecret: string | undefined
}

/** A request answered without calling Authlete: the OAuth error to answer, and what to report where. */
export interface ClientRequestRefusal {
  /** `invalid_client` (401 with the Basic challenge), `invalid_request` (400), `server_error` (500). */
  refused: 'invalid_client' | 'invalid_request' | 'server_error'
  error: Error
  stage: 'clientAuthentication' | 'request'
}

/**
 * Reads the client's `body` and `Authorization` header. A malformed or oversized Basic credential
 * is the client's (`invalid_client`), so is a parsed body holding something else than strings
 * (`invalid_request`: a parser that reads `a[b]=c` as nesting); a body of another type (bytes, a
 * number) is the server's own bug (`server_error`). An empty body is left to the call's own check.
 */
export function readClientRequest(
  body: unknown,
  authorization: string | null | undefined,
): ClientRequest | ClientRequestRefusal {
  const credentials = parseBasicCredentials(authorization)
  if (credentials && 'malformed' in credentials) {
    return {
      refused: 'invalid_client',
      stage: 'clientAuthentication',
      error: new AuthleteInputError('authorization', `is not client_secret_basic: ${credentials.malformed}`),
    }
  }
  let parameters: string
  try {
    parameters = formText(body)
  } catch (error) {
    const client = error instanceof AuthleteInputError
    return { refused: client ? 'invalid_request' : 'server_error', stage: 'request', error: error as Error }
  }
  return { parameters, clientId: credentials?.clientId, clientSecret: credentials?.clientSecret }
}

/**
 * The form text of `body`. A parsed object's entries are encoded in their order, an array value as
 * the same parameter repeated, so that Authlete still sees (and refuses) a duplicate.
 *
 * @throws TypeError when `body` is neither text, `URLSearchParams` nor a plain object.
 * @throws AuthleteInputError (`body`) when a value of the object is neither a string nor an array of strings.
 */
export function formText(body: unknown): string {
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  if (!isPlainObject(body)) {
    throw new TypeError('body must be the raw form text, URLSearchParams, or the object a form parser made')
  }
  const form = new URLSearchParams()
  for (const name of Object.keys(body)) {
    const value = body[name]
    if (typeof value === 'string') {
      form.append(name, value)
      continue
    }
    if (!Array.isArray(value)) throw nestedValue()
    // By index, not for…of over a checked copy: a hole is refused, never sent as "undefined".
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item !== 'string') throw nestedValue()
      form.append(name, item)
    }
  }
  return form.toString()
}

function nestedValue(): AuthleteInputError {
  return new AuthleteInputError('body', 'has a value that is neither a string nor a list of strings')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  // querystring.parse (express.urlencoded({ extended: false })) makes objects without a prototype.
  return prototype === Object.prototype || prototype === null
}

/**
 * The text of a Fetch API `Request`'s body (UTF-8, as `request.text()`), read no further than
 * `limit` bytes: a declared `Content-Length` over it is refused before reading, and the read stops
 * at the chunk that crosses it. `signal` ends the read at once; the stream is cancelled either way.
 *
 * @throws AuthleteInputError (`body`) over the limit; AuthleteAbortError (`cause`: the signal's
 *   reason) when `signal` fires; the stream's own error when it breaks.
 */
export async function readBodyText(
  request: Request,
  signal: AbortSignal,
  limit: number = MAX_PARAMETERS_LENGTH,
): Promise<string> {
  const declared = request.headers.get('content-length')
  const body = request.body
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) {
    body?.cancel().catch(() => {})
    throw tooLarge(limit)
  }
  if (body === null) return ''
  if (signal.aborted) {
    body.cancel(signal.reason).catch(() => {})
    throw new AuthleteAbortError(signal.reason)
  }
  const reader = body.getReader()
  // Cancelling settles the pending read ({ done: true }), whatever the stream's source does.
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {})
  }
  signal.addEventListener('abort', onAbort, { once: true })
  let read = false
  try {
    const decoder = new TextDecoder()
    let text = ''
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (signal.aborted) throw new AuthleteAbortError(signal.reason)
      if (done) {
        read = true
        return text + decoder.decode()
      }
      if (!(value instanceof Uint8Array))
        throw new TypeError('the body stream gave something else than bytes')
      size += value.byteLength
      if (size > limit) throw tooLarge(limit)
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    // Whatever stopped the read: the rest of the body is not wanted.
    if (!read) reader.cancel().catch(() => {})
  }
}

function tooLarge(limit: number): AuthleteInputError {
  return new AuthleteInputError('body', `must be at most ${limit} bytes`)
}
