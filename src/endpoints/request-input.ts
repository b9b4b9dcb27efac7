/**
 * The client application's request as the endpoints (backchannel authentication, token) take it:
 * the body (the raw form text, `URLSearchParams`, or the object a body parser made of it,
 * `express.urlencoded()`) turned back into form text for Authlete, which parses (and checks) it
 * itself; the `client_secret_basic` credentials; and a Fetch API body read within its limit. What
 * cannot be read is refused here, before any call, with the OAuth error to answer.
 *
 * @internal
 * @module
 */

import { startDeadline } from '../deadline.js'
import { AuthleteAbortError, AuthleteInputError } from '../errors.js'
import { MAX_PARAMETERS_LENGTH } from '../operations/request-fields.js'
import { parseBasicCredentials } from './basic-credentials.js'

/** A request body as a framework may hand it over. */
export type FormBody =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>

/** Why a body cannot be turned into form text: the server's setup (`server`) or the client's request (`client`). */
export type UnusableForm = { readonly unusable: 'server' | 'client'; readonly problem: string }

/**
 * `body` as `application/x-www-form-urlencoded` text. A parsed object's array values become
 * repeated parameters (so that Authlete still refuses a duplicated one), `undefined` ones are left
 * out. A nested object (a parser's "extended" syntax, `a[b]=c`) cannot be told back from the text it
 * came from: the client's request is refused. `undefined` is an empty body. Anything else but text,
 * `URLSearchParams` or a plain object is the server's mistake.
 */
export function formText(body: unknown): string | UnusableForm {
  if (typeof body === 'string') return body
  // No body at all: Express 5 leaves `req.body` undefined when the request's Content-Type is not the
  // one its parser takes. The client's doing, so an empty body: a 400, not a 500 any client could
  // cause (a server with no parser mounted sees the same 400 on every request, and onError says why).
  if (body === undefined) return ''
  if (body instanceof URLSearchParams) return body.toString()
  if (typeof body !== 'object' || body === null) {
    return {
      unusable: 'server',
      problem: 'the body must be the raw request text, URLSearchParams or a parsed object',
    }
  }
  const prototype = Object.getPrototypeOf(body)
  if (prototype !== Object.prototype && prototype !== null) {
    return {
      unusable: 'server',
      problem: 'the body must be the raw request text, URLSearchParams or a parsed object',
    }
  }
  const form = new URLSearchParams()
  const fields = body as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value === undefined) continue
    if (typeof value === 'string') {
      form.append(key, value)
      continue
    }
    if (!Array.isArray(value)) return notText(key)
    // By index: a hole is refused, never sent as "undefined" (every() and for…of would let it by).
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item !== 'string') return notText(key)
      form.append(key, item)
    }
  }
  return form.toString()
}

function notText(key: string): UnusableForm {
  return { unusable: 'client', problem: `the parameter ${JSON.stringify(key.slice(0, 64))} is not text` }
}

/** The client's request as Authlete takes it: the fields every call that passes one on has. */
export interface ClientRequest {
  /** The form text (`parameters`). */
  parameters: string
  /** From the `Authorization: Basic` header, if any. */
  clientId: string | undefined
  clientSecret: string | undefined
  /** As the input gave them, with mutual TLS. */
  clientCertificate: string | undefined
  clientCertificatePath: readonly string[] | undefined
}

/** A request answered without calling Authlete: the OAuth error to answer, and what to report where. */
export interface ClientRequestRefusal {
  /**
   * `invalid_client` (401; a malformed or oversized Basic credential), `invalid_request` (400; a
   * parsed body holding something else than text), `server_error` (500; a body of another type).
   */
  refused: 'invalid_client' | 'invalid_request' | 'server_error'
  error: Error
  stage: 'clientAuthentication' | 'request'
}

/**
 * The client's `body` and `Authorization` header, read as both endpoints read them: the input's
 * fields first (a field the endpoint does not read is the server's mistake: most likely the
 * framework's whole request object, whose `body` alone would be read and its headers lost), then
 * the credentials (as Authlete authenticates the client first), then the body. An empty body is
 * left to the call's own check.
 *
 * @param fields The fields the endpoint reads, in the order the message lists them.
 */
export function readClientRequest(
  input: {
    readonly body: unknown
    readonly authorization?: string | null | undefined
    readonly clientCertificate?: string | undefined
    readonly clientCertificatePath?: readonly string[] | undefined
  },
  fields: ReadonlySet<string>,
): ClientRequest | ClientRequestRefusal {
  const unknown = unknownInputField(input, fields)
  if (unknown !== undefined) return { refused: 'server_error', stage: 'request', error: unknown }
  const credentials = parseBasicCredentials(input.authorization)
  if (credentials && 'malformed' in credentials) {
    return {
      refused: 'invalid_client',
      stage: 'clientAuthentication',
      error: new AuthleteInputError('authorization', `is not client_secret_basic: ${credentials.malformed}`),
    }
  }
  const parameters = formText(input.body)
  if (typeof parameters !== 'string') {
    return parameters.unusable === 'client'
      ? {
          refused: 'invalid_request',
          stage: 'request',
          error: new AuthleteInputError('body', parameters.problem),
        }
      : { refused: 'server_error', stage: 'request', error: new TypeError(parameters.problem) }
  }
  return {
    parameters,
    clientId: credentials?.clientId,
    clientSecret: credentials?.clientSecret,
    clientCertificate: input.clientCertificate,
    clientCertificatePath: input.clientCertificatePath,
  }
}

/**
 * The first field of an endpoint's `input` that the endpoint does not read, as an
 * {@link AuthleteInputError} naming it and the fields it reads; `undefined` when there is none.
 * Most likely the framework's whole request object was passed, whose headers would be lost.
 */
export function unknownInputField(
  input: object,
  fields: ReadonlySet<string>,
): AuthleteInputError | undefined {
  const key = unknownName(input, fields)
  return key === undefined
    ? undefined
    : new AuthleteInputError(
        key.slice(0, 64),
        `not a field of the endpoint's input (${[...fields].join(', ')}): pass these, with the headers read from the request, not the framework's request object`,
      )
}

/**
 * The first name in `options` that `of` does not take, as an {@link AuthleteInputError} naming it and
 * the options it takes; `undefined` when there is none. A misspelt option never goes unnoticed.
 */
export function unknownOption(
  options: object,
  names: ReadonlySet<string>,
  of: string,
): AuthleteInputError | undefined {
  const key = unknownName(options, names)
  return key === undefined
    ? undefined
    : new AuthleteInputError(key.slice(0, 64), `not an option of ${of} (${[...names].join(', ')})`)
}

/** The first enumerable name of `object` not among `names`. */
function unknownName(object: object, names: ReadonlySet<string>): string | undefined {
  for (const key in object) if (!names.has(key)) return key
  return undefined
}

/** How long a Fetch API variant waits for the client's body (a client that trickles it). */
const BODY_READ_TIMEOUT_MS = 10_000

/** A Fetch API request's body that could not be read: why, and whether the caller's signal ended it. */
interface UnreadBody {
  readonly error: unknown
  /** The server's own decision (its signal), not the client's doing. */
  readonly callerAborted: boolean
}

/**
 * The body text of a Fetch API variant's `request`: within {@link readBodyText}'s limit, for at
 * most {@link BODY_READ_TIMEOUT_MS}, and not past `signal` (the caller's). Never rejects.
 */
export async function readWebRequestBody(
  request: Request,
  signal: AbortSignal | undefined,
): Promise<{ readonly text: string } | UnreadBody> {
  const caller = signal instanceof AbortSignal ? signal : undefined
  const deadline = startDeadline(BODY_READ_TIMEOUT_MS, caller, { what: 'The body read' })
  try {
    return { text: await readBodyText(request, deadline.signal) }
  } catch (error) {
    return { error, callerAborted: caller?.aborted === true }
  } finally {
    deadline.end()
  }
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
