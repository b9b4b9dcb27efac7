/**
 * What an Authlete operation is to the transport: a small declarative description. An operation
 * file says where the call goes, how its input is checked and encoded, and how its answer is
 * validated; it never touches undici, timers or retries (those are `http/`'s).
 *
 * @internal
 * @module
 */

import type { ParseResult } from './model.js'

/** A request body, ready to send. */
export type RequestBody =
  /** `application/x-www-form-urlencoded` */
  | { readonly form: string }
  /** `application/json` */
  | { readonly json: string }

/** @internal */
export interface Operation<Input, Result> {
  /** The client method's name (`backchannelIssue`): for messages and tracing. */
  readonly name: string
  /**
   * The HTTP method: `GET` for the calls that only read the service (its configuration, its JWK
   * Set), which send no body.
   * @default 'POST'
   */
  readonly method?: 'GET' | undefined
  /** The path below `/api` (v2) or `/api/{serviceId}` (v3), e.g. `/backchannel/authentication/issue`. */
  readonly path: string
  /**
   * Whether repeating the request after it was fully sent is safe, that is, idempotent at
   * Authlete. `false` for every CIBA call: see the retry table in the README.
   */
  readonly repeatableAfterSend: boolean
  /**
   * Checks the input (throwing {@link AuthleteInputError} naming the field) and encodes it; `null`
   * for a `GET`, which has no body. No I/O.
   */
  encode(input: Input): RequestBody | null
  /** Validates the JSON of a 2xx answer. Never throws. */
  parse(json: unknown): ParseResult<Result>
  /**
   * The answer to a `204 No Content`, for a call whose documented answers include one (the JWK
   * Set of a service that has none); without it a 204 is an unusable answer, as any empty body.
   */
  readonly noContent?: (() => Result) | undefined
}

/** A character `encodeURIComponent` changes: a value without one is its own encoding. */
const NEEDS_ENCODING = /[^A-Za-z0-9\-_.!~*'()]/

/**
 * `value` percent-encoded as `encodeURIComponent` does. Most values (tickets, reasons, client IDs)
 * need no change, and the test for that is much cheaper than the encoder (a call into the runtime).
 */
export function formValue(value: string): string {
  return NEEDS_ENCODING.test(value) ? encodeURIComponent(value) : value
}

/**
 * `key=value&…` for the defined entries, each percent-encoded as a form decoder expects.
 */
export function formEncode(fields: Record<string, string | undefined>): string {
  let body = ''
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    body += `${body ? '&' : ''}${key}=${formValue(value)}`
  }
  return body
}
