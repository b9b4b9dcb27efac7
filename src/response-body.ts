/**
 * Reading the body of a 2xx answer of `/backchannel/authentication/issue`: content checks, JSON, the
 * model. Pure and total: it returns the result or says what is wrong, and never throws.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { core } from 'zod'
import { type BackchannelIssueResponse, parseBackchannelIssueResponse } from './model.js'

/**
 * Why a 2xx body cannot be used; the transport turns it into an `AuthleteResponseError`.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class UnusableBody {
  readonly problem: string
  readonly cause: unknown
  readonly issues: core.$ZodIssue[] | undefined

  // No parameter properties: the sources must run under Node's type stripping (CLI tests, demo).
  constructor(problem: string, cause?: unknown, issues?: core.$ZodIssue[]) {
    this.problem = problem
    this.cause = cause
    this.issues = issues
  }
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * `application/json`, `application/problem+json`, with or without parameters.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.startsWith('application/json;') || JSON_MEDIA_TYPE.test(type)
}

/**
 * The validated answer in `body`, or why there is none.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export function readIssueBody(
  headers: IncomingHttpHeaders,
  body: Buffer,
): BackchannelIssueResponse | UnusableBody {
  const encoding = headers['content-encoding']
  if (encoding !== undefined && encoding !== 'identity') {
    return new UnusableBody(`the body is encoded (${encoding}), which this client never asks for`)
  }
  const type = headers['content-type']
  if (type !== undefined && (typeof type !== 'string' || !isJsonMediaType(type))) {
    return new UnusableBody(`the content type is ${String(type).slice(0, 100)}, not JSON`)
  }
  if (body.length === 0) return new UnusableBody('the body is empty')
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch (cause) {
    return new UnusableBody('the body is not valid JSON', cause)
  }
  const parsed = parseBackchannelIssueResponse(json)
  if (parsed.success) return parsed.data
  const fields = parsed.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
  return new UnusableBody(`the body does not fit the model (${fields.join('; ')})`, undefined, parsed.issues)
}
