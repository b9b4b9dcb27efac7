/**
 * What an Authlete operation is to the transport: a small declarative description. An operation
 * file says where the call goes, how its input is checked and encoded, and how its answer is
 * validated; it never touches undici, timers or retries (those are `http/`'s).
 *
 * @internal
 * @module
 */

import type { z } from 'zod'
import type { AuthleteResponseIssue } from '../errors.js'

/** A request body, ready to send. */
export type RequestBody =
  /** `application/x-www-form-urlencoded` */
  | { readonly form: string }
  /** `application/json` */
  | { readonly json: string }

/** Outcome of {@link Operation.parse}. */
export type ParseResult<Result> =
  | { readonly success: true; readonly data: Result }
  | { readonly success: false; readonly issues: readonly AuthleteResponseIssue[] }

/** @internal */
export interface Operation<Input, Result> {
  /** The client method's name (`backchannelIssue`): for messages and tracing. */
  readonly name: string
  /** The path below `/api` (v2) or `/api/{serviceId}` (v3), e.g. `/backchannel/authentication/issue`. */
  readonly path: string
  /**
   * Whether repeating the request after it was fully sent is safe, that is, idempotent at
   * Authlete. `false` for every CIBA call: see the retry table in the README.
   */
  readonly repeatableAfterSend: boolean
  /** Checks the input (throwing {@link AuthleteInputError} naming the field) and encodes it. No I/O. */
  encode(input: Input): RequestBody
  /** Validates the JSON of a 2xx answer. Never throws. */
  parse(json: unknown): ParseResult<Result>
}

/**
 * A `parse` for {@link Operation} from a zod object schema compiled once. `null` in one of the
 * model's top-level fields is read as absent (Authlete's schemas mark fields optional without saying
 * whether an absent one is omitted or sent as `null`), so that `field?: T` holds after parsing.
 */
export function modelParser<Result>(schema: z.ZodObject): (json: unknown) => ParseResult<Result> {
  // Only the model's own fields: an unknown field is kept as it came, `null` included.
  const fields = Object.keys(schema.shape)
  return (json) => {
    const result = schema.safeParse(json)
    if (!result.success) {
      return {
        success: false,
        issues: result.error.issues.map((issue) => ({
          path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
          message: issue.message,
        })),
      }
    }
    const data = result.data as Record<string, unknown>
    for (const field of fields) if (data[field] === null) delete data[field]
    return { success: true, data: data as Result }
  }
}

/**
 * `key=value&…` for the defined entries, each percent-encoded as a form decoder expects.
 */
export function formEncode(fields: Record<string, string | undefined>): string {
  let body = ''
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    body += `${body ? '&' : ''}${key}=${encodeURIComponent(value)}`
  }
  return body
}
