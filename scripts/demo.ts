// `npm start`: one whole CIBA login, printed as a timeline, to the tokens. In this process, on
// 127.0.0.1: the client application (this script's request, and startCibaClientStandIn receiving the
// notification and fetching the tokens) and the authorization server (scripts/demo-as.ts, on
// handleBackchannelAuthentication, completeBackchannelAuthentication and handleTokenRequest);
// without credentials, Authlete and the user's device too.
//
// Without AUTHLETE_* credentials, Authlete is SIMULATED (createCibaSimulator served over HTTP by
// startAuthleteStandIn) and so is the device (simulator.approve). With them, the Authlete calls go to
// that service: its registry of clients applies (AUTHLETE_CLIENT_ID / AUTHLETE_CLIENT_SECRET), there
// is no device (the demo approves at once), and the notification is delivered only if Authlete's
// answer points at the local client stand-in; otherwise the demo prints what it would deliver.
//
// Exit code: 0 when the login succeeded, 1 for a usage or configuration error, 2 when it failed.
import { type JsonWebKey, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import {
  type CibaClientStandIn,
  type CibaSimulator,
  createCibaSimulator,
  startAuthleteStandIn,
  startCibaClientStandIn,
} from '../mocks/index.js'
import {
  AuthleteClient,
  type AuthleteClientOptions,
  type AuthleteRegion,
  isAuthleteError,
} from '../src/index.js'
import {
  API_PATH,
  BACKCHANNEL_PATH,
  type DemoCompletion,
  JWKS_PATH,
  startDemoAuthorizationServer,
  TOKEN_PATH,
  USERINFO_PATH,
} from './demo-as.js'
import { readIdToken } from './demo-id-token.js'
import { masked, maskedNotification, printable, Timeline, traceCalls } from './demo-timeline.js'

const USAGE = `Usage: npm start -- [LOGIN_HINT] [--mode ping|push|poll] [--client-port PORT]

A whole CIBA login on this machine, printed step by step.

  LOGIN_HINT          the user to log in (default: AUTHLETE_LOGIN_HINT, else john)
  --mode MODE         the simulated client's token delivery mode: ping (default), push or poll
  --client-port PORT  where the client stand-in listens (default: any free port)

Without AUTHLETE_* credentials Authlete and the user's device are simulated. To use your Authlete
service, set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (or AUTHLETE_API_KEY + AUTHLETE_API_SECRET),
optionally AUTHLETE_BASE_URL or AUTHLETE_REGION, and:
  AUTHLETE_CLIENT_ID, AUTHLETE_CLIENT_SECRET  a CIBA client registered there (its delivery mode applies)
  AUTHLETE_LOGIN_HINT (or LOGIN_HINT)         required
  AUTHLETE_SUBJECT                            the subject the demo approves as (default: the hint)
The notification is delivered only if the client's registered endpoint is the client stand-in's
(http://127.0.0.1:PORT/ciba/notification, with --client-port PORT); otherwise it is printed.`

type Mode = 'PING' | 'PUSH' | 'POLL'
const BINDING_MESSAGE = 'W4SCT'
const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba'
/** The client stand-in is on plain http on loopback: deliveries to it need both. */
const LOCAL_NOTIFICATION = { allowInsecureHttp: true, allowPrivateNetwork: true } as const

class UsageError extends Error {}

interface Config {
  mode: Mode
  modeGiven: boolean
  clientPort: number
  hint: string | undefined
  /** The Authlete service of the environment, or undefined: simulated. */
  real:
    | {
        options: AuthleteClientOptions
        client: { clientId: string; clientSecret: string }
        subject: string | undefined
      }
    | undefined
}

function configure(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (positionals.length > 1) throw new UsageError(`one login hint at most, not ${positionals.length}`)
  const mode = (values.mode ?? 'ping').toUpperCase()
  if (mode !== 'PING' && mode !== 'PUSH' && mode !== 'POLL') {
    throw new UsageError(`--mode must be ping, push or poll, not ${printable(values.mode)}`)
  }
  const clientPort = values['client-port'] === undefined ? 0 : Number(values['client-port'])
  if (!Number.isInteger(clientPort) || clientPort < 0 || clientPort > 65_535) {
    throw new UsageError('--client-port must be a port number')
  }
  const hint = positionals[0] ?? (env.AUTHLETE_LOGIN_HINT || undefined)
  const config: Config = { mode, modeGiven: values.mode !== undefined, clientPort, hint, real: undefined }
  const credentials = [
    'AUTHLETE_SERVICE_ID',
    'AUTHLETE_ACCESS_TOKEN',
    'AUTHLETE_API_KEY',
    'AUTHLETE_API_SECRET',
  ]
  if (!credentials.some((name) => env[name])) return config

  const missing = ['AUTHLETE_CLIENT_ID', 'AUTHLETE_CLIENT_SECRET'].filter((name) => !env[name])
  if (hint === undefined) missing.push('AUTHLETE_LOGIN_HINT (or the LOGIN_HINT argument)')
  if (missing.length > 0) {
    throw new UsageError(
      `with AUTHLETE_* credentials the demo uses your Authlete service, and needs ${missing.join(', ')}`,
    )
  }
  const options: AuthleteClientOptions = {}
  if (env.AUTHLETE_SERVICE_ID) options.serviceId = env.AUTHLETE_SERVICE_ID
  if (env.AUTHLETE_ACCESS_TOKEN) options.accessToken = env.AUTHLETE_ACCESS_TOKEN
  if (env.AUTHLETE_API_KEY) options.apiKey = env.AUTHLETE_API_KEY
  if (env.AUTHLETE_API_SECRET) options.apiSecret = env.AUTHLETE_API_SECRET
  if (env.AUTHLETE_BASE_URL) options.baseUrl = env.AUTHLETE_BASE_URL
  else if (env.AUTHLETE_REGION) options.region = env.AUTHLETE_REGION as AuthleteRegion
  config.real = {
    options,
    client: { clientId: env.AUTHLETE_CLIENT_ID ?? '', clientSecret: env.AUTHLETE_CLIENT_SECRET ?? '' },
    subject: env.AUTHLETE_SUBJECT || undefined,
  }
  return config
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      'client-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

/** client_secret_basic: each half form-encoded (RFC 6749 §2.3.1). */
function basic({ clientId, clientSecret }: { clientId: string; clientSecret: string }): string {
  const encode = (text: string) => new URLSearchParams([['', text]]).toString().slice(1)
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`
}

async function main(): Promise<number> {
  let config: Config | 'help'
  try {
    config = configure(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`npm start: ${error.message}\n(npm start -- --help tells how to run the demo)`)
    return 1
  }
  if (config === 'help') {
    console.log(USAGE)
    return 0
  }
  const { real } = config

  // A refused AUTHLETE_* configuration is told before anything starts.
  let configured: AuthleteClient | undefined
  if (real) {
    try {
      configured = new AuthleteClient(real.options)
    } catch (error) {
      if (!isAuthleteError(error, 'AUTHLETE_INVALID_INPUT')) throw error
      console.error(`npm start: the AUTHLETE_* configuration is refused: ${error.message}`)
      return 1
    }
  }

  // The parties, closed in reverse order whatever happens.
  const closers: Array<() => Promise<unknown>> = []
  const closeLater = <Party extends { close(): Promise<unknown> }>(party: Party): Party => {
    closers.push(() => party.close())
    return party
  }
  const timeline = new Timeline()
  let untrace = () => {}
  try {
    const rp = closeLater(await startCibaClientStandIn({ port: config.clientPort }))

    const hint = config.hint ?? 'john'
    let simulator: CibaSimulator | undefined
    let authlete!: AuthleteClient
    let authleteLines: string[] = []
    let client!: { clientId: string; clientSecret: string }
    const subject = real ? (real.subject ?? hint) : undefined
    // The AS listens first: its URL is the issuer the simulated service signs ID tokens as.
    const as = await startDemoAuthorizationServer(async (issuer) => {
      if (real && configured) {
        authlete = closeLater(configured)
        client = real.client
        authleteLines = [
          `YOUR SERVICE (AUTHLETE_* variables) at ${authlete.baseUrl}, API ${authlete.apiVersion}`,
        ]
      } else {
        client = { clientId: 'demo-client', clientSecret: randomBytes(24).toString('base64url') }
        simulator = createCibaSimulator({
          issuer,
          tokenEndpoint: issuer + TOKEN_PATH,
          backchannelAuthenticationEndpoint: issuer + BACKCHANNEL_PATH,
          jwksUri: issuer + JWKS_PATH,
          // The least whole second: the poll-mode demo waits it once.
          interval: 1,
          users: [{ subject: 'john', loginHints: ['john', 'john@example.com'] }],
          clients: [
            {
              ...client,
              clientName: 'Demo Client',
              deliveryMode: config.mode,
              clientNotificationEndpoint: config.mode === 'POLL' ? undefined : rp.url,
            },
          ],
        })
        const standIn = closeLater(await startAuthleteStandIn({ simulator }))
        authlete = closeLater(
          new AuthleteClient({
            serviceId: '715948317',
            accessToken: randomBytes(24).toString('base64url'),
            baseUrl: standIn.url,
          }),
        )
        authleteLines = [
          `SIMULATED: createCibaSimulator served over HTTP by startAuthleteStandIn at ${standIn.url};`,
          'not the real service, though it answers as Authlete documents',
        ]
      }
      const users = simulator
      return {
        authlete,
        timeline,
        device: real ? 'none' : 'simulated',
        notification: LOCAL_NOTIFICATION,
        ...(users
          ? {
              identifyUser: (userHint) => users.findUser(userHint),
              userSource: "the simulator's user registry",
            }
          : {
              // No user store here: whoever the hint names is the user, as AUTHLETE_SUBJECT says.
              identifyUser: () => ({ subject: subject ?? hint }),
              userSource: real?.subject ? 'AUTHLETE_SUBJECT' : 'the hint itself: this demo has no user store',
              // The registered endpoint is the client's; only the local stand-in gets a delivery.
              deliverTo: (endpoint) => endpoint === rp.url,
            }),
      }
    })
    closeLater(as)

    let completion: DemoCompletion | undefined
    simulator?.onDecision(async ({ authReqId, result }) => {
      completion = await as.complete(authReqId, result)
    })

    const modeLine = real
      ? `the delivery mode registered for ${printable(client.clientId)} at Authlete${config.modeGiven ? ' (--mode applies to the simulated client only)' : ''}`
      : `${config.mode.toLowerCase()} mode`
    const indent = (lines: string[]) => lines.join(`\n${' '.repeat(24)}`)
    console.log(
      [
        `authlete-ciba demo: a whole CIBA login, ${modeLine}.`,
        real
          ? 'The client and the authorization server run in this process on 127.0.0.1; Authlete is your service.'
          : 'Every party runs in this process on 127.0.0.1: nothing leaves this machine.',
        '',
        `  client application    ${indent([
          `STAND-IN: this script sends the request (as ${printable(client.clientId)}),`,
          `startCibaClientStandIn receives notifications at ${rp.url}`,
          'and fetches the tokens (fetchTokens)',
        ])}`,
        `  authorization server  ${indent([
          `this demo's (scripts/demo-as.ts) at ${as.url}, built on`,
          'handleBackchannelAuthentication, completeBackchannelAuthentication and handleTokenRequest',
        ])}`,
        `  Authlete              ${indent(authleteLines)}`,
        `  user's device         ${
          real
            ? `NONE: the demo approves at once, as subject ${printable(subject)}`
            : 'SIMULATED: simulator.approve(); the user approves at once'
        }`,
        '',
        real
          ? 'The notification goes to the client stand-in only if Authlete names its URL; otherwise it is printed, not sent.'
          : 'Set AUTHLETE_* variables to use your Authlete service instead (npm start -- --help).',
        '',
      ].join('\n'),
    )

    untrace = traceCalls(timeline)
    timeline.begin()

    // The client application asks the AS to start the login.
    const parameters = new URLSearchParams({
      scope: 'openid profile',
      login_hint: hint,
      binding_message: BINDING_MESSAGE,
    })
    if (config.mode !== 'POLL' || real) parameters.set('client_notification_token', rp.token)
    timeline.step(
      'client → AS',
      `POST ${BACKCHANNEL_PATH} (login_hint=${printable(hint)}, binding_message=${BINDING_MESSAGE}${parameters.has('client_notification_token') ? ', client_notification_token' : ''})`,
    )
    const response = await fetch(as.url + BACKCHANNEL_PATH, {
      method: 'POST',
      headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: parameters,
      signal: AbortSignal.timeout(60_000),
    })
    const answer = await response.text()
    timeline.step('AS → client', `${response.status} ${printable(answer)}`)
    const started =
      response.status === 200 ? (JSON.parse(answer) as { auth_req_id?: unknown; interval?: unknown }) : {}
    const authReqId = started.auth_req_id
    if (typeof authReqId !== 'string') {
      console.log(`\nThe authorization server refused the request (HTTP ${response.status}): no login.`)
      if (simulator)
        console.log('The simulated service knows the user john (login hints john, john@example.com).')
      return 2
    }
    // CIBA Core §7.3: the least wait between two polls, 5 s when not given.
    const interval = typeof started.interval === 'number' ? started.interval : 5

    // Poll mode: the client asks for its tokens before the user has answered.
    if (simulator && config.mode === 'POLL') await requestTokens(rp, as.url, client, authReqId, timeline)

    // The user answers on the device; the device tells the AS, which completes and notifies.
    if (simulator) {
      timeline.step('device → AS', 'the user approves (simulated: simulator.approve)')
      await simulator.approve(authReqId)
    } else {
      timeline.step('device → AS', `no device: the demo approves at once, as ${printable(subject)}`)
      completion = await as.complete(authReqId, 'AUTHORIZED')
    }
    if (completion === undefined) throw new Error('the authorization server did not complete the login')

    const summary = await conclude(completion, authReqId, rp, timeline)
    const tokens = await obtainTokens(summary, { rp, as: as.url, client, authReqId, interval, timeline })
    const ok = summary.ok && tokens.ok
    console.log(
      [
        '',
        'Answers',
        `  the client's request   HTTP ${response.status} ${printable(answer)}`,
        ...summary.lines,
        ...tokens.lines,
      ].join('\n'),
    )
    console.log(
      `\n${ok ? 'Login approved' : 'Login NOT completed'}: ${summary.verdict}${tokens.verdict ? ` ${tokens.verdict}` : ''}`,
    )
    return ok ? 0 : 2
  } catch (error) {
    // AuthleteErrors and the demo's own errors carry no credential in their message.
    const detail = isAuthleteError(error) ? `${error.code}: ${error.message}` : String(error)
    console.error(`\nThe demo failed: ${printable(detail)}`)
    return 2
  } finally {
    untrace()
    for (const close of closers.reverse()) await close()
  }
}

interface Summary {
  ok: boolean
  mode: string
  lines: string[]
  verdict: string
  /** Where the client's tokens are: at the token endpoint (poll, ping), in a push notification, or nowhere. */
  tokens: 'token endpoint' | { pushed: string } | undefined
}

/** What /complete and the notification came to, on the timeline and as the answers' summary. */
async function conclude(
  { response, notification }: DemoCompletion,
  authReqId: string,
  rp: CibaClientStandIn,
  timeline: Timeline,
): Promise<Summary> {
  const mode = response.deliveryMode ?? (response.action === 'NO_ACTION' ? 'POLL' : 'unknown')
  const lines = [`  /complete              ${printable(response.action)}, delivery mode ${printable(mode)}`]
  if (response.action === 'NO_ACTION') {
    timeline.step('client', 'poll mode: no notification; the client polls the token endpoint')
    return { ok: true, mode, lines, verdict: 'poll mode, the client polled;', tokens: 'token endpoint' }
  }
  if (response.action !== 'NOTIFICATION') {
    return {
      ok: false,
      mode,
      lines,
      verdict: `/complete answered ${printable(response.action)}.`,
      tokens: undefined,
    }
  }
  const endpoint = printable(response.clientNotificationEndpoint)
  const body = maskedNotification(response.responseContent)
  const tokens = mode === 'PUSH' ? { pushed: response.responseContent } : ('token endpoint' as const)
  if (notification === 'withheld' || notification === undefined) {
    timeline.step('AS', `not delivered: the endpoint ${endpoint} is not this demo's client stand-in`)
    return {
      ok: true,
      mode,
      lines: [
        ...lines,
        `  notification           NOT SENT by this demo. It would POST to ${endpoint}`,
        `                         with Authorization: Bearer ${masked('client_notification_token', response.clientNotificationToken ?? '')}:`,
        `                         ${body}`,
        ...(mode === 'PUSH'
          ? ['                         (push mode: the tokens in it reach no client)']
          : []),
      ],
      verdict: `Authlete completed the login; the ${printable(mode.toLowerCase())} notification was printed, not delivered;`,
      tokens,
    }
  }
  if (!notification.delivered) {
    const { reason, status } = notification.error
    return {
      ok: false,
      mode,
      lines: [
        ...lines,
        `  notification           FAILED: ${reason}${status ? ` ${status}` : ''} at ${endpoint}`,
      ],
      verdict: 'the client was not notified.',
      tokens: undefined,
    }
  }
  const received = await rp.nextNotification({ authReqId, signal: AbortSignal.timeout(5_000) })
  const shown = maskedNotification(received.text)
  timeline.step(
    'client',
    `received the ${mode.toLowerCase()} notification; its bearer token ${received.authorized ? 'matches' : 'DOES NOT MATCH'}`,
  )
  return {
    ok: received.authorized,
    mode,
    lines: [
      ...lines,
      `  notification           delivered to ${endpoint}: HTTP ${notification.status}, ${notification.attempts} attempt${notification.attempts === 1 ? '' : 's'}`,
      `  the client received    ${shown}`,
    ],
    verdict: `${mode.toLowerCase()} mode, the client was notified;`,
    tokens: mode === 'PUSH' ? { pushed: received.text } : tokens,
  }
}

interface TokenContext {
  rp: CibaClientStandIn
  as: string
  client: { clientId: string; clientSecret: string }
  authReqId: string
  /** Seconds between two polls. */
  interval: number
  timeline: Timeline
}

interface Tokens {
  ok: boolean
  lines: string[]
  verdict: string
}

/**
 * The client's tokens: fetched at the token endpoint (poll: after the interval; ping: at once), or
 * read from the push notification; then the ID token's signature checked with the AS's JWK Set and
 * its claims shown.
 */
async function obtainTokens(summary: Summary, context: TokenContext): Promise<Tokens> {
  const { timeline } = context
  if (summary.tokens === undefined) return { ok: true, lines: [], verdict: '' }
  let text: string
  const lines: string[] = []
  if (summary.tokens === 'token endpoint') {
    if (summary.mode === 'POLL') {
      timeline.step('client', `waits the interval (${context.interval} s), then polls again`)
      await new Promise((resolve) => setTimeout(resolve, context.interval * 1000))
    }
    const fetched = await requestTokens(context.rp, context.as, context.client, context.authReqId, timeline)
    text = fetched.text
    lines.push(`  the token request      HTTP ${fetched.status} ${maskedNotification(text)}`)
    if (fetched.status !== 200) {
      return { ok: false, lines, verdict: `the token endpoint answered HTTP ${fetched.status}.` }
    }
  } else {
    text = summary.tokens.pushed
  }
  const idToken = idTokenOf(text)
  if (idToken === undefined) {
    return { ok: false, lines: [...lines, '  ID token               NONE'], verdict: 'no ID token came.' }
  }
  timeline.step('client → AS', `GET ${JWKS_PATH} (the keys that sign ID tokens)`)
  const jwksAnswer = await fetch(context.as + JWKS_PATH, { signal: AbortSignal.timeout(10_000) })
  const jwks = (await jwksAnswer.json().catch(() => ({}))) as { keys?: JsonWebKey[] }
  timeline.step('AS → client', `${jwksAnswer.status} ${jwks.keys?.length ?? 0} key(s)`)
  const read = readIdToken(idToken, jwks.keys ?? [])
  if (typeof read === 'string') {
    return { ok: false, lines: [...lines, `  ID token               UNREADABLE: ${read}`], verdict: '' }
  }
  const signature =
    read.verified === true
      ? `verified (${printable(read.alg)}) with a key of ${context.as}${JWKS_PATH}`
      : `NOT VERIFIED: ${printable(read.verified)}`
  timeline.step(
    'client',
    `the ID token's signature ${read.verified === true ? 'verifies' : 'DOES NOT VERIFY'}`,
  )
  lines.push(`  ID token claims        ${printable(read.claims)}`, `  ID token signature     ${signature}`)
  const used = await useTokens(text, context)
  lines.push(...used.lines)
  return {
    ok: read.verified === true && used.ok,
    lines,
    verdict:
      summary.tokens === 'token endpoint'
        ? `it fetched its tokens at the token endpoint; the ID token ${read.verified === true ? 'verifies' : 'does NOT verify'}.`
        : `the tokens came in the notification; the ID token ${read.verified === true ? 'verifies' : 'does NOT verify'}.`,
  }
}

/**
 * The tokens at work: the client reads the UserInfo endpoint and calls the AS's own API with its
 * access token (Bearer), each answer on the timeline.
 */
async function useTokens(text: string, context: TokenContext): Promise<{ ok: boolean; lines: string[] }> {
  let accessToken: unknown
  try {
    accessToken = (JSON.parse(text) as { access_token?: unknown }).access_token
  } catch {
    accessToken = undefined
  }
  if (typeof accessToken !== 'string') return { ok: false, lines: ['  access token           NONE'] }
  const lines: string[] = []
  let ok = true
  for (const [path, label] of [
    [USERINFO_PATH, 'userinfo'],
    [API_PATH, 'the API (/api/me)'],
  ] as const) {
    context.timeline.step('client → AS', `GET ${path} (Authorization: Bearer <access token>)`)
    const res = await fetch(context.as + path, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(10_000),
    })
    const body = await res.text()
    const shown = res.status === 200 ? body : `${res.headers.get('www-authenticate') ?? ''}`
    context.timeline.step('AS → client', `${res.status} ${printable(shown)}`)
    lines.push(`  ${label.padEnd(22)} HTTP ${res.status} ${printable(shown)}`)
    ok &&= res.status === 200
  }
  return { ok, lines }
}

/**
 * The client's token request (CIBA Core §10.1), sent by the client stand-in as the client
 * application would, on the timeline with its answer's tokens masked.
 */
async function requestTokens(
  rp: CibaClientStandIn,
  as: string,
  client: { clientId: string; clientSecret: string },
  authReqId: string,
  timeline: Timeline,
): Promise<{ status: number; text: string }> {
  timeline.step('client → AS', `POST ${TOKEN_PATH} (grant_type=${CIBA_GRANT_TYPE}, auth_req_id)`)
  const { status, body } = await rp.fetchTokens({
    tokenEndpoint: as + TOKEN_PATH,
    authReqId,
    ...client,
    signal: AbortSignal.timeout(60_000),
  })
  const text = JSON.stringify(body ?? null)
  timeline.step('AS → client', `${status} ${maskedNotification(text)}`)
  return { status, text }
}

function idTokenOf(text: string): string | undefined {
  try {
    const { id_token } = JSON.parse(text) as { id_token?: unknown }
    return typeof id_token === 'string' ? id_token : undefined
  } catch {
    return undefined
  }
}

// A safety net: a demo that hangs says so and ends, instead of holding the terminal.
setTimeout(() => {
  console.error('npm start: the demo did not finish within 90 s')
  process.exit(2)
}, 90_000).unref()

process.exitCode = await main()
