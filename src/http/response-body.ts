/**
 * Reading the body of a 2xx answer: content checks, then JSON. Pure and total: it returns the
 * parsed JSON or says what is wrong, and never throws. The operation's model validates the JSON.
 *
 * @internal
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'

/** Why a 2xx body cannot be used; the call turns it into an `AuthleteResponseError`. */
export class UnusableBody {
  readonly problem: string
  readonly cause: unknown

  // No parameter properties: the sources must run under Node's type stripping (CLI tests, demo).
  constructor(problem: string, cause?: unknown) {
    this.problem = problem
    this.cause = cause
  }
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/** `application/json`, `application/problem+json`, with or without parameters. */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.startsWith('application/json;') || JSON_MEDIA_TYPE.test(type)
}

/** The JSON value in `body`, or why there is none. */
export function readJsonBody(headers: IncomingHttpHeaders, body: Buffer): unknown {
  const encoding = headers['content-encoding']
  if (encoding !== undefined && encoding !== 'identity') {
    return new UnusableBody(`the body is encoded (${encoding}), which this client never asks for`)
  }
  const type = headers['content-type']
  if (type !== undefined && (typeof type !== 'string' || !isJsonMediaType(type))) {
    return new UnusableBody(`the content type is ${String(type).slice(0, 100)}, not JSON`)
  }
  if (body.length === 0) return new UnusableBody('the body is empty')
  try {
    return JSON.parse(body.toString('utf8'))
  } catch (cause) {
    return new UnusableBody('the body is not valid JSON', cause)
  }
}
