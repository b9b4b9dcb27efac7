/**
 * The simulated Authlete of `--stand-in` (one service for one call) and of `authlete-ciba stand-in`
 * (the same service, kept running for a whole login from the terminal).
 *
 * @module
 */

import type { AuthleteStandIn } from '../mocks/index.js'
import { type CommandSpec, type Env, type Flags, UsageError } from './commands.js'
import type { CliIo } from './output.js'

/**
 * The mocks entry, as the package exports it (`authlete-ciba/mocks`, Node.js's self-reference): the
 * bin loads the entry beside it, never a copy, and never the sources from above `src`. A variable,
 * so that neither the bundler nor the type checker follows it; tests map it to the sources.
 */
const MOCKS = 'authlete-ciba/mocks'

/** The stand-in's service and its one client: fixed, so a terminal session can be written down. */
export const STAND_IN = Object.freeze({
  serviceId: '715948317',
  accessToken: 'stand-in-token',
  clientId: 'stand-in-client',
  clientSecret: 'stand-in-secret',
})

/** The variables `--stand-in` replaces with its own service's. */
const REPLACED = [
  'AUTHLETE_SERVICE_ID',
  'AUTHLETE_ACCESS_TOKEN',
  'AUTHLETE_API_KEY',
  'AUTHLETE_API_SECRET',
  'AUTHLETE_BASE_URL',
  'AUTHLETE_REGION',
]

/** `authlete-ciba stand-in`: serves until SIGINT or SIGTERM. */
export const STAND_IN_COMMAND: CommandSpec = {
  name: 'stand-in',
  flags: { port: undefined, 'client-id': undefined, issuer: undefined },
  usage: 'stand-in [--port N] [--client-id ID] [--issuer URL]',
  summary: `serve the simulated Authlete of --stand-in on a loopback port until stopped (Ctrl-C), so
              that every call of a login shares one service: a whole login from the terminal`,
}

/**
 * A simulated Authlete on a loopback port, with the one client the command may authenticate as
 * (poll mode). Loaded only when asked for: the mocks need msw, an optional peer dependency.
 */
export async function startStandIn(flags: Flags, env: Env, port = 0): Promise<AuthleteStandIn> {
  let mocks: typeof import('../mocks/index.js')
  try {
    mocks = await import(MOCKS)
  } catch (cause) {
    throw new UsageError(
      `the stand-in needs the msw package (npm install -D msw): ${(cause as Error).message}`,
    )
  }
  const simulator = mocks.createCibaSimulator({
    // Discovery names it, and the endpoints below it: the URL of the server you run by hand.
    ...(flags.issuer === undefined ? {} : { issuer: issuerOf(flags.issuer) }),
    clients: [
      {
        clientId: flags['client-id'] ?? STAND_IN.clientId,
        clientSecret: env.AUTHLETE_CLIENT_SECRET ?? STAND_IN.clientSecret,
      },
    ],
  })
  try {
    return await mocks.startAuthleteStandIn({ simulator, port })
  } catch (cause) {
    const code = (cause as { code?: unknown }).code
    throw new UsageError(
      `the stand-in cannot listen on 127.0.0.1:${port}${typeof code === 'string' ? ` (${code})` : ''}`,
      'stand-in',
    )
  }
}

/**
 * The flags and environment that point one call at the stand-in at `url`: its URL, its service's
 * credentials, its client. Says on stderr which of the operator's variables it sets aside.
 */
export function standInSettings(
  url: string,
  command: string,
  flags: Flags,
  env: Env,
  io: CliIo,
): { flags: Flags; env: Env } {
  if (flags['base-url'] !== undefined || flags.region !== undefined) {
    throw new UsageError('give --stand-in, or --base-url / --region, not both', command)
  }
  const ignored = REPLACED.filter((name) => env[name])
  if (ignored.length > 0) {
    io.err(`authlete-ciba: --stand-in ignores ${ignored.join(', ')}: it calls its own simulated service\n`)
  }
  return {
    flags:
      // The commands that authenticate the client application: its client by default.
      command === 'backchannel-authentication' || command === 'token'
        ? { ...flags, 'base-url': url, 'client-id': flags['client-id'] ?? STAND_IN.clientId }
        : { ...flags, 'base-url': url },
    env: {
      AUTHLETE_SERVICE_ID: STAND_IN.serviceId,
      AUTHLETE_ACCESS_TOKEN: STAND_IN.accessToken,
      AUTHLETE_CLIENT_SECRET: env.AUTHLETE_CLIENT_SECRET ?? STAND_IN.clientSecret,
    },
  }
}

/** `--issuer`: an absolute http(s) URL, without a query or fragment (OpenID Connect Discovery §3). */
function issuerOf(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if ((url?.protocol !== 'https:' && url?.protocol !== 'http:') || url.search || url.hash) {
    throw new UsageError('--issuer must be an http(s) URL without a query or fragment', 'stand-in')
  }
  return value
}

/** `--port`: a port number, or 0 for any free one. */
function portOf(flags: Flags): number {
  const port = flags.port
  if (port === undefined) return 0
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
    throw new UsageError('--port must be a port number (0 to 65535)', 'stand-in')
  }
  return Number(port)
}

/**
 * Runs `authlete-ciba stand-in`: starts the service, says how to reach it, and serves until
 * `stop` fires; then closes it (connections included) and returns.
 */
export async function serveStandIn(flags: Flags, env: Env, io: CliIo, stop: AbortSignal): Promise<void> {
  const standIn = await startStandIn(flags, env, portOf(flags))
  const clientId = flags['client-id'] ?? STAND_IN.clientId
  // The operator's own secret is never printed: the line says where it comes from instead.
  const secret = env.AUTHLETE_CLIENT_SECRET
    ? 'the secret in AUTHLETE_CLIENT_SECRET'
    : `secret ${STAND_IN.clientSecret}`
  const exported = [
    `AUTHLETE_SERVICE_ID=${STAND_IN.serviceId}`,
    `AUTHLETE_ACCESS_TOKEN=${STAND_IN.accessToken}`,
    ...(env.AUTHLETE_CLIENT_SECRET ? [] : [`AUTHLETE_CLIENT_SECRET=${STAND_IN.clientSecret}`]),
  ]
  io.out(
    [
      `Authlete stand-in at ${standIn.url}: a simulated service with one client, ${clientId} (${secret}, poll mode)`,
      `Give the other commands --base-url ${standIn.url} and any service credentials, e.g.`,
      `  export ${exported.join(' ')}`,
      `  authlete-ciba backchannel-authentication 'scope=openid&login_hint=john' --client-id ${clientId} --base-url ${standIn.url}`,
      'It keeps its state until it stops (Ctrl-C).',
      '',
    ].join('\n'),
  )
  // Ends with its parent too (npx, a shell that is killed): a stand-in nobody can stop must not stay.
  const parent = process.ppid
  const orphaned = new AbortController()
  const watch = setInterval(() => process.ppid !== parent && orphaned.abort(), 250)
  watch.unref()
  const ended = AbortSignal.any([stop, orphaned.signal])
  if (!ended.aborted) await new Promise((resolve) => ended.addEventListener('abort', resolve, { once: true }))
  clearInterval(watch)
  await standIn.close()
  io.err('authlete-ciba: stand-in stopped\n')
}
