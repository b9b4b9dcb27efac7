/**
 * What an Authlete operation is to the transport: a small declarative description. An operation
 * file says where the call goes, how its input is checked and encoded, and how its answer is
 * validated; it never touches undici, timers or retries (those are `http/`'s).
 *
 * @internal
 * @module
 */

import type { AuthleteResponseIssue } from '../errors.js'
import type { RequestBody } from '../http/request.js'

export type { RequestBody }

/** Outcome of a model's parse. */
export type ParseResult<Result> =
  | { readonly success: true; readonly data: Result }
  | { readonly success: false; readonly issues: readonly AuthleteResponseIssue[] }

/** @internal */
export interface Operation<Input, Result> {
  /** The client method's name (`backchannelIssue`): for messages and tracing. */
  readonly name: string
  /**
   * The HTTP method: `GET` for the calls that only read the service (its configuration, its JWK
   * Set), which send no body.
   */
  readonly method: 'GET' | 'POST'
  /** The path below `/api` (v2) or `/api/{serviceId}` (v3), e.g. `/backchannel/authentication/issue`. */
  readonly path: string
  /**
   * The request's own secrets, redacted from every error of the call (in every form the
   * credentials are) along with Authlete's credentials: fields of the body by name
   * (`clientSecret`), and parameters of a field that is itself form-encoded
   * (`parameters.client_secret`). Read only when an error is built.
   * @default none
   */
  readonly secretFields?: readonly string[] | undefined
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

/**
 * How a caller reads its call's outcome, when the call's promise is to resolve with that reading
 * rather than with the answer: read as the call ends, which saves the caller a promise and a
 * microtask turn of its own (a resource server's token check, on every request to it). Neither
 * method may throw; the promise never rejects.
 */
export interface CallReading<Result, Reading> {
  answered(answer: Result): Reading
  failed(error: unknown): Reading
}

/**
 * `reading` applied to `answer` (an answer, a promise or a stand-in's thenable) once it settles:
 * for a call that does not read its own outcome (a client's public method, a traced call).
 */
export function readAnswer<Result, Verdict>(
  answer: Result | PromiseLike<Result>,
  reading: CallReading<Result, Verdict>,
): Promise<Verdict> {
  return Promise.resolve(answer).then(
    (value) => reading.answered(value),
    (error: unknown) => reading.failed(error),
  )
}
