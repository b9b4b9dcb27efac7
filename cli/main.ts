/**
 * The `authlete-ciba` command: one Authlete CIBA call from a terminal, for operators checking
 * credentials, connectivity and a ticket's fate. Secrets come from the environment only and are
 * never printed.
 *
 * @module
 */

import { readFileSync } from 'node:fs'
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
  toBackchannelResponse,
  VERSION,
} from '../index.js'

/**
 * Exit codes of the command.
 */
export const EXIT = Object.freeze({
  /** Authlete answered the action that means success for the command (see {@link SUCCESS}). */
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

/** The actions that mean the call did what the operator asked, per command. */
const SUCCESS: Readonly<Record<Command, readonly string[]>> = {
  authenticate: ['USER_IDENTIFICATION'],
  issue: ['OK'],
  // The refusal was recorded and an error response built for the client.
  fail: ['BAD_REQUEST', 'FORBIDDEN'],
  complete: ['NOTIFICATION', 'NO_ACTION'],
}

type Command = 'authenticate' | 'issue' | 'fail' | 'complete'
const COMMANDS: ReadonlySet<string> = new Set<Command>(['authenticate', 'issue', 'fail', 'complete'])

/**
 * The text of `authlete-ciba --help`.
 */
export const USAGE = `Usage: authlete-ciba authenticate <parameters> [--client-id ID] [--client-certificate FILE]
       authlete-ciba issue <ticket>
       authlete-ciba fail <ticket> --reason REASON [--error-description TEXT] [--error-uri URI]
       authlete-ciba complete <ticket> --result RESULT --subject SUBJECT [--auth-time S] [--acr ACR]
                     [--claims JSON] [--scopes "a b"] [--error-description TEXT] [--error-uri URI]
       authlete-ciba --help | --version
  common options: [--json] [--region us|jp|eu|br] [--base-url URL] [--allow-insecure-http] [--timeout MS]
                  [--stand-in]

Calls one of Authlete's CIBA APIs once and shows the answer (and, for authenticate, issue and
fail, the response your backchannel authentication endpoint would send):
  authenticate  /backchannel/authentication with the client's request body, e.g.
                'scope=openid&login_hint=john'; the client secret comes from AUTHLETE_CLIENT_SECRET
  issue         /backchannel/authentication/issue: the ticket's auth_req_id
  fail          /backchannel/authentication/fail: refuse the ticket's request (reason e.g. UNKNOWN_USER_ID)
  complete      /backchannel/authentication/complete: the user's decision (AUTHORIZED, ACCESS_DENIED,
                TRANSACTION_FAILED); shows the notification to deliver, without delivering it

A ticket that starts with "-" goes after "--": authlete-ciba issue -- -8v6PSYU9xFX4...

Credentials come from the environment only:
  AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN   API v3
  AUTHLETE_API_KEY + AUTHLETE_API_SECRET         API v2
  AUTHLETE_BASE_URL or AUTHLETE_REGION           optional; --base-url and --region take precedence

Options:
  --json                 print Authlete's answer (or the error) as JSON on stdout; the answer is the
                         validated one: fields Authlete sent as null are left out, and tokens are
                         printed as they came (the readable output masks them)
  --region R             us (default), jp, eu or br (API v3); not with --base-url
  --base-url URL         Authlete's base URL (dedicated cluster, proxy, stand-in)
  --allow-insecure-http  allow a plain http: base URL on a non-loopback host (credentials in clear text)
  --timeout MS           deadline of the call in milliseconds (default 10000)
  --stand-in             call an embedded simulator of Authlete on a loopback port instead (needs the
                         msw package; no credentials): a fresh simulated service each run, with one
                         client (--client-id or stand-in-client, AUTHLETE_CLIENT_SECRET or
                         stand-in-secret, poll mode); a ticket of another run is unknown to it
  -h, --help             show this text
  -v, --version          show the version

Exit codes: 0 the expected action (authenticate USER_IDENTIFICATION, issue OK, fail BAD_REQUEST or
FORBIDDEN, complete NOTIFICATION or NO_ACTION); 1 usage or configuration; 2 another action;
3 Authlete answered an error status; 4 network failure or timeout; 5 an unusable answer.
`

/**
 * Where the command writes, and whether that is a terminal (control characters are escaped there).
 */
export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/** Every variable the command reads. */
type Env = Readonly<Record<string, string | undefined>>

/**
 * Runs the command with `args` (without `node` and the script) and returns the exit code.
 */
export async function main(
  args: readonly string[],
  env: Env = process.env,
  io: CliIo = processIo,
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    io.err(`authlete-ciba: ${(error as Error).message}\n\n${USAGE}`)
    return EXIT.usage
  }
  let { values } = parsed
  const { positionals } = parsed
  if (values.help) {
    io.out(USAGE)
    return EXIT.ok
  }
  if (values.version) {
    io.out(`${VERSION}\n`)
    return EXIT.ok
  }
  const [command, argument, ...extra] = positionals
  if (command === undefined || !COMMANDS.has(command) || argument === undefined || extra.length > 0) {
    io.err(
      `authlete-ciba: expected a command and its argument: authenticate <parameters>, issue <ticket>, fail <ticket> or complete <ticket>\n\n${USAGE}`,
    )
    return EXIT.usage
  }
  const json = values.json === true

  let client: AuthleteClient
  let call: (client: AuthleteClient) => Promise<{ action: string }>
  let standIn: { url: string; close(): Promise<void> } | undefined
  try {
    if (values['stand-in']) {
      standIn = await startStandIn(values, env)
      ;({ env, values } = standInSettings(standIn.url, command as Command, values, env))
    }
    call = request(command as Command, argument, values, env)
    client = new AuthleteClient(clientOptions(env, values))
  } catch (error) {
    await standIn?.close()
    return report(error, json, io)
  }
  try {
    const result = await call(client)
    if (json) io.out(`${jsonLine(result)}\n`)
    else io.out(describe(command as Command, result, client))
    return SUCCESS[command as Command].includes(result.action) ? EXIT.ok : EXIT.action
  } catch (error) {
    return report(error, json, io)
  } finally {
    await client.close()
    await standIn?.close()
  }
}

const STAND_IN_CLIENT = { clientId: 'stand-in-client', clientSecret: 'stand-in-secret' }

/**
 * An embedded simulator of Authlete on a loopback port, with the one client the command may
 * authenticate as. Loaded only for --stand-in: the mocks need msw, an optional peer dependency.
 */
async function startStandIn(flags: Flags, env: Env): Promise<{ url: string; close(): Promise<void> }> {
  let mocks: typeof import('../../mocks/index.js')
  try {
    mocks = await import('../../mocks/index.js')
  } catch (cause) {
    throw new UsageError(`--stand-in needs the msw package (npm install -D msw): ${(cause as Error).message}`)
  }
  const simulator = mocks.createCibaSimulator({
    clients: [
      {
        clientId: flags['client-id'] ?? STAND_IN_CLIENT.clientId,
        clientSecret: env.AUTHLETE_CLIENT_SECRET ?? STAND_IN_CLIENT.clientSecret,
      },
    ],
  })
  return mocks.startAuthleteStandIn({ simulator })
}

/** The settings that point the command at the stand-in: its URL, a stand-in token, its client. */
function standInSettings(url: string, command: Command, flags: Flags, env: Env): { values: Flags; env: Env } {
  if (flags['base-url'] !== undefined || flags.region !== undefined) {
    throw new UsageError('give --stand-in, or --base-url / --region, not both')
  }
  return {
    values:
      command === 'authenticate'
        ? { ...flags, 'base-url': url, 'client-id': flags['client-id'] ?? STAND_IN_CLIENT.clientId }
        : { ...flags, 'base-url': url },
    env: {
      AUTHLETE_SERVICE_ID: '715948317',
      AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
      AUTHLETE_CLIENT_SECRET: env.AUTHLETE_CLIENT_SECRET ?? STAND_IN_CLIENT.clientSecret,
    },
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
      'allow-insecure-http': { type: 'boolean' },
      'stand-in': { type: 'boolean' },
      timeout: { type: 'string' },
      'client-id': { type: 'string' },
      'client-certificate': { type: 'string' },
      reason: { type: 'string' },
      'error-description': { type: 'string' },
      'error-uri': { type: 'string' },
      result: { type: 'string' },
      subject: { type: 'string' },
      'auth-time': { type: 'string' },
      acr: { type: 'string' },
      claims: { type: 'string' },
      scopes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
}

type Flags = ReturnType<typeof parse>['values']

/** A usage error: printed with its message, exit code 1. */
class UsageError extends Error {}

/** The call the command makes, its argument and flags checked (by the client, before any I/O). */
function request(
  command: Command,
  argument: string,
  flags: Flags,
  env: Env,
): (client: AuthleteClient) => Promise<{ action: string }> {
  const only = (allowed: readonly (keyof Flags)[]) => {
    const commandFlags: (keyof Flags)[] = [
      'client-id',
      'client-certificate',
      'reason',
      'error-description',
      'error-uri',
      'result',
      'subject',
      'auth-time',
      'acr',
      'claims',
      'scopes',
    ]
    for (const flag of commandFlags) {
      if (flags[flag] !== undefined && !allowed.includes(flag)) {
        throw new UsageError(`--${flag} does not apply to "${command}"`)
      }
    }
  }
  const given = <T>(value: T | undefined) => (value === undefined ? {} : value)
  switch (command) {
    case 'authenticate': {
      only(['client-id', 'client-certificate'])
      const certificate = flags['client-certificate']
      let pem: string | undefined
      if (certificate) {
        try {
          pem = readFileSync(certificate, 'utf8')
        } catch (error) {
          const why = (error as { code?: unknown }).code
          throw new UsageError(
            `--client-certificate: cannot read ${certificate}${why ? ` (${String(why)})` : ''}`,
          )
        }
      }
      const secret = env.AUTHLETE_CLIENT_SECRET
      return (client) =>
        client.backchannelAuthentication({
          parameters: argument,
          ...given(flags['client-id'] && { clientId: flags['client-id'] }),
          ...given(secret && { clientSecret: secret }),
          ...given(pem && { clientCertificate: pem }),
        })
    }
    case 'issue':
      only([])
      return (client) => client.backchannelIssue(argument)
    case 'fail': {
      only(['reason', 'error-description', 'error-uri'])
      if (flags.reason === undefined) throw new UsageError('fail needs --reason (e.g. UNKNOWN_USER_ID)')
      return (client) =>
        client.backchannelFail({
          ticket: argument,
          reason: flags.reason as string,
          ...given(flags['error-description'] && { errorDescription: flags['error-description'] }),
          ...given(flags['error-uri'] && { errorUri: flags['error-uri'] }),
        })
    }
    case 'complete': {
      only(['result', 'subject', 'auth-time', 'acr', 'claims', 'scopes', 'error-description', 'error-uri'])
      if (flags.result === undefined)
        throw new UsageError('complete needs --result (AUTHORIZED, ACCESS_DENIED or TRANSACTION_FAILED)')
      if (flags.subject === undefined) throw new UsageError("complete needs --subject (the user's subject)")
      const authTime = flags['auth-time']
      if (authTime !== undefined && !/^\d+$/.test(authTime)) {
        throw new UsageError('--auth-time must be a number of seconds since the epoch')
      }
      return (client) =>
        client.backchannelComplete({
          ticket: argument,
          result: flags.result as string,
          subject: flags.subject as string,
          ...given(authTime && { authTime: Number(authTime) }),
          ...given(flags.acr && { acr: flags.acr }),
          ...given(flags.claims && { claims: flags.claims }),
          ...given(flags.scopes && { scopes: flags.scopes.split(/\s+/).filter(Boolean) }),
          ...given(flags['error-description'] && { errorDescription: flags['error-description'] }),
          ...given(flags['error-uri'] && { errorUri: flags['error-uri'] }),
        })
    }
  }
}

function clientOptions(env: Env, flags: Flags): AuthleteClientOptions {
  const options: AuthleteClientOptions = {}
  const set = <K extends keyof AuthleteClientOptions>(
    key: K,
    value: AuthleteClientOptions[K] | undefined,
  ) => {
    if (value !== undefined && value !== '') options[key] = value
  }
  if (flags.region !== undefined && flags['base-url'] !== undefined) {
    throw new UsageError('give --region or --base-url, not both')
  }
  set('serviceId', env.AUTHLETE_SERVICE_ID)
  set('accessToken', env.AUTHLETE_ACCESS_TOKEN)
  set('apiKey', env.AUTHLETE_API_KEY)
  set('apiSecret', env.AUTHLETE_API_SECRET)
  // A flag overrides the environment; --region overrides AUTHLETE_BASE_URL, and --base-url AUTHLETE_REGION.
  const baseUrl = flags['base-url'] ?? (flags.region === undefined ? env.AUTHLETE_BASE_URL : undefined)
  set('baseUrl', baseUrl)
  if (baseUrl === undefined || baseUrl === '')
    set('region', (flags.region ?? env.AUTHLETE_REGION) as AuthleteRegion)
  if (flags['allow-insecure-http']) options.allowInsecureHttp = true
  if (flags.timeout !== undefined) options.timeoutMs = Number(flags.timeout)
  set('userAgent', 'authlete-ciba-cli')
  return options
}

/** Fields shown only masked: credentials of the client application, and tokens. */
const MASKED = new Set([
  'clientNotificationToken',
  'accessToken',
  'refreshToken',
  'idToken',
  'jwtAccessToken',
])

function describe(
  command: Command,
  result: { action: string } & Record<string, unknown>,
  client: AuthleteClient,
): string {
  const lines = [`Authlete ${client.baseUrl} (API ${client.apiVersion})`, '']
  for (const [name, value] of Object.entries(result)) {
    if (name === 'responseContent' || value === undefined) continue
    const shown = MASKED.has(name) ? `(${String(value).length} characters, not shown)` : text(value)
    const unit = name === 'expiresIn' || name === 'interval' ? ' s' : ''
    const label = text(name)
    lines.push(`  ${label.length < 15 ? label.padEnd(15) : `${label} `}${shown}${unit}`)
  }
  if (command === 'complete') {
    if (result.action === 'NOTIFICATION') {
      lines.push('', `Your authorization server must POST this to ${text(result.clientNotificationEndpoint)}`)
      lines.push('(with Authorization: Bearer <clientNotificationToken>; this command does not deliver it):')
      lines.push('', `  ${text(maskTokens(String(result.responseContent ?? '')))}`, '')
    } else {
      lines.push('')
    }
    return lines.join('\n')
  }
  if (result.action === 'USER_IDENTIFICATION') {
    lines.push(
      '',
      'The request is valid: your endpoint goes on (identify the user from the hint, then `issue` or',
      '`fail` with this ticket); USER_IDENTIFICATION itself is not an answer to send the client.',
      '',
    )
    return lines.join('\n')
  }
  const answer = toBackchannelResponse(result)
  lines.push('', 'Your backchannel authentication endpoint would answer:', `  HTTP ${answer.status}`)
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`  ${name}: ${value}`)
  lines.push('', `  ${text(answer.body)}`, '')
  return lines.join('\n')
}

/** A push notification's body with its tokens masked (the CLI shows no token). */
function maskTokens(json: string): string {
  try {
    const body = JSON.parse(json) as Record<string, unknown>
    if (typeof body !== 'object' || body === null) return json
    for (const field of ['access_token', 'refresh_token', 'id_token']) {
      const value = body[field]
      if (value !== undefined) body[field] = `(${String(value).length} characters, not shown)`
    }
    return JSON.stringify(body)
  } catch {
    return json
  }
}

/**
 * A value as terminal text: objects as JSON, and every control character (C0, DEL, C1) escaped, so
 * that text Authlete (or whatever answered) controls cannot move the cursor, retitle the window or
 * write a hyperlink into the operator's terminal.
 */
function text(value: unknown): string {
  const raw = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return raw.replace(CONTROL, escapeControl)
}

/** JSON on one line; C1 controls and DEL escaped too (JSON.stringify leaves them raw). */
function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(CONTROL, escapeControl)
}

// C0, DEL and C1: exactly the characters to escape.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

function escapeControl(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
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

function report(error: unknown, json: boolean, io: CliIo): number {
  const code = exitCodeOf(error)
  if (json) {
    // AuthleteError's toJSON: name, message, code and the other own properties; never a credential.
    const { name, message } = error as Error
    const body = error instanceof AuthleteError ? error.toJSON() : { name, message }
    io.out(`${jsonLine({ error: body })}\n`)
    return code
  }
  if (error instanceof UsageError) {
    io.err(`authlete-ciba: ${error.message}\n`)
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
  if (error instanceof UsageError || error instanceof AuthleteInputError) return EXIT.usage
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
