/**
 * The `authlete-ciba` command: one Authlete CIBA call from a terminal, for operators checking
 * credentials, connectivity and a ticket's fate; or a simulated Authlete kept running for a whole
 * login. Secrets come from the environment only and are never printed.
 *
 * @module
 */

// The package's own redaction and the calls' secret fields: pure code and data, bundled in the bin.
import { redact, type Secrets, withRequestSecrets } from '../src/http/redact.js'
// Only the public entry: the built bin imports it from ./index.js instead of bundling a second copy.
import { AuthleteClient, type AuthleteClientOptions, type AuthleteRegion, VERSION } from '../src/index.js'
import { SECRET_FIELDS } from '../src/operations/secrets.js'
import { readCommandLine } from './args.js'
import {
  type Answer,
  CALLS,
  type CallCommand,
  type CommandSpec,
  callOf,
  type Env,
  type Flags,
  UsageError,
} from './commands.js'
import { type CliIo, describe, EXIT, report } from './output.js'
import { STAND_IN_COMMAND, serveStandIn, standInSettings, startStandIn } from './stand-in.js'
import { jsonLine } from './text.js'
import { VAPID_KEYS_COMMAND, vapidKeyLines } from './vapid-keys.js'

export type { CliIo } from './output.js'
export { EXIT } from './output.js'

/** Every command, in the order --help lists them. */
const COMMANDS: readonly CommandSpec[] = [...CALLS, STAND_IN_COMMAND, VAPID_KEYS_COMMAND]

const isCall = (command: CommandSpec): command is CallCommand => CALLS.includes(command as CallCommand)

/** `lines` of a usage or summary, the first after `first`, the others indented by `indent` spaces. */
const indented = (first: string, lines: string, indent: number) =>
  first + lines.replaceAll('\n', `\n${' '.repeat(indent)}`)

/** `text` in lines of at most 100 characters, broken at spaces. */
function wrap(text: string): string {
  const lines = ['']
  for (const word of text.split(' ')) {
    const line = lines.length - 1
    if (lines[line] && `${lines[line]} ${word}`.length > 100) lines.push(word)
    else lines[line] = lines[line] ? `${lines[line]} ${word}` : word
  }
  return lines.join('\n')
}

/**
 * The text of `authlete-ciba --help`.
 */
export const USAGE = `Usage: ${COMMANDS.map((command, i) =>
  indented(`${i === 0 ? '' : '       '}authlete-ciba `, command.usage, 7),
).join('\n')}
       authlete-ciba --help | --version
  common options: [--json] [--region us|jp|eu|br] [--base-url URL] [--allow-insecure-http] [--timeout MS]
                  [--stand-in]

Calls one of Authlete's APIs once and shows the answer (and the response your backchannel
authentication endpoint or token endpoint would send for it):
${COMMANDS.map((command) => `  ${command.name}\n${command.summary.replace(/^\s*/gm, '    ')}`).join('\n')}

Each call command is named after the client method it calls (backchannel-issue: backchannelIssue).
A ticket that starts with "-" goes after "--": authlete-ciba backchannel-issue -- -8v6PSYU9xFX4...

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
                         stand-in-secret, poll mode); a ticket of another run is unknown to it: for a
                         whole login, run \`authlete-ciba stand-in\` and give its --base-url
  --port N               stand-in: the loopback port to listen on (default: any free one)
  --issuer URL           stand-in: the issuer its discovery document names, its endpoints below it
                         (default https://as.example.com): the URL of the server you run by hand
  -h, --help             show this text
  -v, --version          show the version

${wrap(`Exit codes: 0 the expected action (${CALLS.map((call) => `${call.name} ${call.success?.join(' or ') ?? 'any'}`).join(', ')}); 1 usage or configuration; 2 another action; 3 Authlete answered an error status; 4 network failure or timeout; 5 an unusable answer.`)}
`

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/** Fires on SIGINT or SIGTERM; listens only while it is asked for. */
function interrupted(): AbortSignal {
  const controller = new AbortController()
  const stop = () => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    controller.abort()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return controller.signal
}

/**
 * Runs the command with `args` (without `node` and the script) and returns the exit code. A
 * long-running command (`stand-in`) returns when `stop` fires (by default SIGINT or SIGTERM).
 */
export async function main(
  args: readonly string[],
  env: Env = process.env,
  io: CliIo = processIo,
  stop?: AbortSignal,
): Promise<number> {
  let line: ReturnType<typeof readCommandLine>
  try {
    line = readCommandLine(args, COMMANDS, isCall)
  } catch (error) {
    return usageError(error, io)
  }
  const { command, argument, switches } = line
  if (line.deprecatedName !== undefined && command !== undefined) {
    io.err(`authlete-ciba: "${line.deprecatedName}" is deprecated: it is now "${command.name}"\n`)
  }
  if (command === undefined) {
    io.out(switches.has('help') ? USAGE : `${VERSION}\n`)
    return EXIT.ok
  }
  if (command === VAPID_KEYS_COMMAND) {
    io.out(vapidKeyLines())
    return EXIT.ok
  }
  if (!isCall(command)) {
    try {
      await serveStandIn(line.flags, env, io, stop ?? interrupted())
      return EXIT.ok
    } catch (error) {
      return error instanceof UsageError ? usageError(error, io) : report(error, false, io)
    }
  }
  return call(command, argument, line.flags, switches, env, io)
}

async function call(
  command: CallCommand,
  argument: string,
  flags: Flags,
  switches: ReadonlySet<string>,
  env: Env,
  io: CliIo,
): Promise<number> {
  const json = switches.has('json')
  let client: AuthleteClient
  let request: (client: AuthleteClient) => Promise<Answer>
  let standIn: { url: string; close(): Promise<void> } | undefined
  try {
    if (switches.has('stand-in')) {
      standIn = await startStandIn(flags, env)
      ;({ env, flags } = standInSettings(standIn.url, command.name, flags, env, io))
    }
    const input = command.prepare?.(argument, flags, env)
    request = callOf(command, input)
    client = new AuthleteClient(clientOptions(command.name, env, flags, switches))
    // From here on, what Authlete (or whatever answers) sends back may echo the request: whatever is
    // printed is redacted of the call's secrets, a 200 answer's fields as an error's message.
    io = redacting(
      io,
      withRequestSecrets(credentialsOf(env), { json: jsonLine(input ?? {}) }, SECRET_FIELDS[command.call]),
    )
  } catch (error) {
    await standIn?.close()
    return error instanceof UsageError ? usageError(error, io) : report(error, json, io)
  }
  try {
    const answer = await request(client)
    io.out(json ? `${jsonLine(answer)}\n` : describe(command, answer, client))
    const success = command.success
    return success === undefined || success.includes(answer.action as string) ? EXIT.ok : EXIT.action
  } catch (error) {
    return report(error, json, io)
  } finally {
    await client.close()
    await standIn?.close()
  }
}

/** The credentials the command was given: none of them is ever printed. */
function credentialsOf(env: Env): string[] {
  const values = [env.AUTHLETE_ACCESS_TOKEN, env.AUTHLETE_API_SECRET, env.AUTHLETE_CLIENT_SECRET]
  return values.filter((value): value is string => value !== undefined && value !== '')
}

/** `io` with every text it writes redacted of `secrets`. */
function redacting(io: CliIo, secrets: Secrets): CliIo {
  return { out: (text) => io.out(redact(text, secrets)), err: (text) => io.err(redact(text, secrets)) }
}

/** A usage error in three lines at most: what is wrong, the command's usage, where the rest is. */
function usageError(error: unknown, io: CliIo): number {
  if (!(error instanceof UsageError)) throw error
  const command = COMMANDS.find((candidate) => candidate.name === error.command)
  const usage = command ? `Usage: authlete-ciba ${command.usage.replace(/\n\s*/g, ' ')}\n` : ''
  io.err(
    `authlete-ciba: ${error.message}\n${usage}Run "authlete-ciba --help" for every command and option.\n`,
  )
  return EXIT.usage
}

function clientOptions(
  command: string,
  env: Env,
  flags: Flags,
  switches: ReadonlySet<string>,
): AuthleteClientOptions {
  const options: AuthleteClientOptions = {}
  const set = <K extends keyof AuthleteClientOptions>(
    key: K,
    value: AuthleteClientOptions[K] | undefined,
  ) => {
    if (value !== undefined && value !== '') options[key] = value
  }
  if (flags.region !== undefined && flags['base-url'] !== undefined) {
    throw new UsageError('give --region or --base-url, not both', command)
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
  if (switches.has('allow-insecure-http')) options.allowInsecureHttp = true
  if (flags.timeout !== undefined) options.timeoutMs = Number(flags.timeout)
  set('userAgent', 'authlete-ciba-cli')
  return options
}
