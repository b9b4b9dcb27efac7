/**
 * What the command prints: an answer (readable or `--json`), an error, and the exit code each means.
 * Text that Authlete (or whatever answered) controls is escaped before it reaches the terminal.
 *
 * @module
 */

import {
  AuthleteAbortError,
  AuthleteApiError,
  type AuthleteClient,
  AuthleteError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
} from '../src/index.js'
import type { Answer, CallCommand } from './commands.js'
import { jsonLine, text } from './text.js'

/**
 * Exit codes of the command.
 */
export const EXIT = Object.freeze({
  /** Authlete answered the action that means success for the command (its `success` in the table). */
  ok: 0,
  /** Bad arguments or environment. */
  usage: 1,
  /** Authlete answered another action. */
  action: 2,
  /** Authlete answered a non-2xx status. */
  api: 3,
  /** Authlete could not be reached in time: network failure, timeout, abort. */
  network: 4,
  /** Authlete's 2xx answer could not be used. */
  response: 5,
})

/**
 * Where the command writes.
 */
export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

/** Fields shown only masked: credentials of the client application and of the user, and tokens. */
const MASKED = new Set([
  'clientNotificationToken',
  'accessToken',
  'refreshToken',
  'idToken',
  'jwtAccessToken',
  'password',
  'subjectToken',
  'actorToken',
  'assertion',
  'deviceSecret',
])

/** The readable output of an answer: where it came from, its fields in one aligned column, then the command's own lines. */
export function describe(command: CallCommand, answer: Answer, client: AuthleteClient): string {
  const fields: Array<[string, string]> = []
  for (const [name, value] of Object.entries(answer)) {
    if (name === 'responseContent' || value === undefined) continue
    const shown = MASKED.has(name) ? `(${String(value).length} characters, not shown)` : text(value)
    const unit = name === 'expiresIn' || name === 'interval' ? ' s' : ''
    fields.push([text(name), `${shown}${unit}`])
  }
  const width = Math.max(0, ...fields.map(([label]) => label.length)) + 2
  const lines = [`Authlete ${client.baseUrl} (API ${client.apiVersion})`, '']
  for (const [label, shown] of fields) lines.push(`  ${label.padEnd(width)}${shown}`)
  lines.push(...(command.explain?.(answer) ?? ['']))
  return lines.join('\n')
}

/** What to change, in the operator's terms, for an option the library refused. */
const ADVICE: Readonly<Record<string, string>> = {
  credentials:
    'set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (API v3) or AUTHLETE_API_KEY + AUTHLETE_API_SECRET (API v2): one of the two; or try --stand-in',
  serviceId: 'check AUTHLETE_SERVICE_ID (API v3, with AUTHLETE_ACCESS_TOKEN)',
  accessToken: 'check AUTHLETE_ACCESS_TOKEN',
  apiKey: 'check AUTHLETE_API_KEY (API v2, with AUTHLETE_API_SECRET)',
  apiSecret: 'check AUTHLETE_API_SECRET (API v2, with AUTHLETE_API_KEY)',
  baseUrl:
    'check --base-url or AUTHLETE_BASE_URL (plain http: on a non-loopback host needs --allow-insecure-http)',
  region: 'check --region or AUTHLETE_REGION (us, jp, eu or br; API v3 only; not with a base URL)',
  timeoutMs: 'check --timeout (milliseconds)',
}

/** Prints an error of the call (or of its configuration) and returns its exit code. */
export function report(error: unknown, json: boolean, io: CliIo): number {
  const code = exitCodeOf(error)
  if (json) {
    // AuthleteError's toJSON: name, message, code and the other own properties; never a credential.
    const { name, message } = error as Error
    const body = error instanceof AuthleteError ? error.toJSON() : { name, message }
    io.out(`${jsonLine({ error: body })}\n`)
    return code
  }
  if (error instanceof AuthleteInputError) {
    const advice = ADVICE[error.field]
    io.err(`authlete-ciba: ${advice ?? text(error.message)}\n`)
    // The library's own words, in the operator's terms; the advice says all there is for credentials.
    if (advice && error.field !== 'credentials') {
      const words = error.message.startsWith(`${error.field}: `)
        ? error.message.slice(error.field.length + 2)
        : error.message
      io.err(`  (${text(words.replace('allowInsecureHttp: true', '--allow-insecure-http'))})\n`)
    }
    return code
  }
  const label = error instanceof AuthleteError ? error.code : 'ERROR'
  io.err(`authlete-ciba: ${label}: ${text((error as Error).message)}\n`)
  if (error instanceof AuthleteApiError) {
    if (error.retryAfterMs !== undefined) {
      const at = new Date(Date.now() + error.retryAfterMs).toISOString()
      io.err(`  Authlete asks to retry after ${Math.ceil(error.retryAfterMs / 1000)} s (at ${at})\n`)
    }
    if (error.bodyExcerpt) io.err(`  body: ${text(error.bodyExcerpt)}\n`)
  }
  return code
}

function exitCodeOf(error: unknown): number {
  if (error instanceof AuthleteApiError) return EXIT.api
  if (error instanceof AuthleteResponseError) return EXIT.response
  if (
    error instanceof AuthleteNetworkError ||
    error instanceof AuthleteTimeoutError ||
    error instanceof AuthleteAbortError
  ) {
    return EXIT.network
  }
  return EXIT.usage
}
