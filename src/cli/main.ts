/**
 * The `authlete-ciba` command: checks credentials and connectivity by calling
 * `/backchannel/authentication/issue` once. Secrets come from the environment only and are never
 * printed.
 *
 * @module
 */

import { parseArgs } from 'node:util'
// Only the public entry: the built bin imports it from ./index.js instead of bundling a second copy.
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClient,
  type AuthleteClientOptions,
  AuthleteError,
  AuthleteInputError,
  AuthleteNetworkError,
  type AuthleteRegion,
  AuthleteResponseError,
  AuthleteTimeoutError,
  type BackchannelIssueResponse,
  toBackchannelResponse,
  VERSION,
} from '../index.js'

/**
 * Exit codes of the command.

 */
export const EXIT = Object.freeze({
  /** Authlete answered `action: OK`. */
  ok: 0,
  /** Bad arguments or environment. */
  usage: 1,
  /** Authlete answered an action other than `OK`. */
  action: 2,
  /** Authlete answered a non-2xx status. */
  api: 3,
  /** Authlete could not be reached in time: network failure, timeout, abort. */
  network: 4,
  /** Authlete's 2xx answer could not be used. */
  response: 5,
})

/**
 * The text of `authlete-ciba --help`.

 */
export const USAGE = `Usage: authlete-ciba issue <ticket> [--json] [--region us|jp|eu|br] [--base-url URL] [--timeout MS]
       authlete-ciba --help | --version

Calls Authlete's /backchannel/authentication/issue once with <ticket> and shows the answer and the
response your backchannel authentication endpoint would send.

Credentials come from the environment only:
  AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN   API v3
  AUTHLETE_API_KEY + AUTHLETE_API_SECRET         API v2
  AUTHLETE_BASE_URL, AUTHLETE_REGION             optional; --base-url and --region take precedence

Options:
  --json          print Authlete's answer (or the error) as exact JSON on stdout
  --region R      us (default), jp, eu or br (API v3)
  --base-url URL  Authlete's base URL (dedicated cluster, proxy, stand-in)
  --timeout MS    deadline of the call in milliseconds (default 10000)
  -h, --help      show this text
  -v, --version   show the version

Exit codes: 0 OK; 1 usage or configuration; 2 an action other than OK; 3 Authlete answered an error
status; 4 network failure or timeout; 5 an unusable answer.
`

/**
 * Where the command writes.

 */
export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/**
 * Runs the command with `args` (without `node` and the script) and returns the exit code.

 */
export async function main(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: CliIo = processIo,
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    io.err(`authlete-ciba: ${(error as Error).message}\n\n${USAGE}`)
    return EXIT.usage
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(USAGE)
    return EXIT.ok
  }
  if (values.version) {
    io.out(`${VERSION}\n`)
    return EXIT.ok
  }
  const [command, ticket, ...extra] = positionals
  if (command !== 'issue' || ticket === undefined || extra.length > 0) {
    io.err(`authlete-ciba: expected "issue <ticket>"\n\n${USAGE}`)
    return EXIT.usage
  }

  let client: AuthleteClient
  try {
    client = new AuthleteClient(optionsFromEnv(env, values))
  } catch (error) {
    return report(error, values.json === true, io)
  }
  try {
    const result = await client.backchannelIssue(ticket)
    if (values.json) io.out(`${JSON.stringify(result)}\n`)
    else io.out(describe(result, client))
    return result.action === 'OK' ? EXIT.ok : EXIT.action
  } catch (error) {
    return report(error, values.json === true, io)
  } finally {
    await client.close()
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      region: { type: 'string' },
      'base-url': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
}

type Flags = ReturnType<typeof parse>['values']

function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  flags: Flags,
): AuthleteClientOptions {
  const options: AuthleteClientOptions = {}
  const set = <K extends keyof AuthleteClientOptions>(
    key: K,
    value: AuthleteClientOptions[K] | undefined,
  ) => {
    if (value !== undefined && value !== '') options[key] = value
  }
  set('serviceId', env.AUTHLETE_SERVICE_ID)
  set('accessToken', env.AUTHLETE_ACCESS_TOKEN)
  set('apiKey', env.AUTHLETE_API_KEY)
  set('apiSecret', env.AUTHLETE_API_SECRET)
  const baseUrl = flags['base-url'] ?? (flags.region === undefined ? env.AUTHLETE_BASE_URL : undefined)
  set('baseUrl', baseUrl)
  if (baseUrl === undefined || baseUrl === '')
    set('region', (flags.region ?? env.AUTHLETE_REGION) as AuthleteRegion)
  if (flags.timeout !== undefined) options.timeoutMs = Number(flags.timeout)
  set('userAgent', 'authlete-ciba-cli')
  return options
}

function describe(result: BackchannelIssueResponse, client: AuthleteClient): string {
  const lines = [`Authlete ${client.baseUrl} (API ${client.apiVersion})`, '']
  const row = (name: string, value: unknown, unit = '') => {
    if (value !== undefined) lines.push(`  ${name.padEnd(15)}${String(value)}${unit}`)
  }
  row('action', result.action)
  row('authReqId', result.authReqId)
  row('expiresIn', result.expiresIn, ' s')
  row('interval', result.interval, ' s')
  row('resultCode', result.resultCode)
  row('resultMessage', result.resultMessage)
  const answer = toBackchannelResponse(result)
  lines.push('', 'Your backchannel authentication endpoint would answer:', `  HTTP ${answer.status}`)
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`  ${name}: ${value}`)
  lines.push('', `  ${answer.body}`, '')
  return lines.join('\n')
}

function report(error: unknown, json: boolean, io: CliIo): number {
  const code = exitCodeOf(error)
  if (json) {
    // AuthleteError's toJSON: name, message, code and the other own properties; never a credential.
    const { name, message } = error as Error
    const body = error instanceof AuthleteError ? error.toJSON() : { name, message }
    io.out(`${JSON.stringify({ error: body })}\n`)
  } else {
    const label = error instanceof AuthleteError ? error.code : 'ERROR'
    io.err(`authlete-ciba: ${label}: ${(error as Error).message}\n`)
    if (error instanceof AuthleteApiError && error.bodyExcerpt) io.err(`  body: ${error.bodyExcerpt}\n`)
  }
  return code
}

function exitCodeOf(error: unknown): number {
  if (error instanceof AuthleteInputError) return EXIT.usage
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
