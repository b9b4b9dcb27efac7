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
  } catch (error) {
    return new UnusableBody('the body is not valid JSON', jsonSyntaxError(error))
  }
}

/** V8's wording where it names a position: grammar only, e.g. `Expected ',' or '}' after property value`. */
const POSITIONED = /^(.+) JSON at position \d+(?: \(line \d+ column \d+\))?$/
const GRAMMAR_QUOTE = /'[,:}\]]'/g

/**
 * What `JSON.parse` found wrong, without the body's text: V8's message quotes up to 20 characters of
 * the input (`Unexpected token 'P', "PRIVATE…" is not valid JSON`), and a body that is a single
 * word (a token, a password a proxy echoed) is quoted whole. Kept: the kind of error and, where V8
 * gives it, the position.
 */
function jsonSyntaxError(error: unknown): SyntaxError {
  const message = error instanceof Error ? error.message : ''
  if (message === 'Unexpected end of JSON input') return new SyntaxError(message)
  const positioned = POSITIONED.exec(message)
  if (positioned && /^[A-Za-z -]+$/.test((positioned[1] as string).replace(GRAMMAR_QUOTE, ''))) {
    return new SyntaxError(message)
  }
  if (message.startsWith('Unexpected token')) return new SyntaxError('Unexpected token in JSON')
  return new SyntaxError('Invalid JSON')
}
