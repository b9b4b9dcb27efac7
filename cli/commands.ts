/**
 * The Authlete calls the command makes, one row per call of the table of calls: its argument, its
 * flags, its usage line, and what its answer means. A command's name is the kebab case of the
 * client method it calls (`backchannel-issue` calls `backchannelIssue`). A new Authlete call is one
 * row here; parsing, `--help`, the exit code and the output follow from it.
 *
 * @module
 */

import { readFileSync } from 'node:fs'
// Only the public entry: the built bin imports it from ./index.js instead of bundling a second copy.
import {
  type AuthleteClient,
  type BackchannelCompleteResult,
  toBackchannelResponse,
  toTokenResponse,
} from '../src/index.js'
// The table of calls: data, which the bin bundles (no zod, no transport).
import { AUTHLETE_CALLS, type AuthleteCallName, kebabCase } from '../src/operations/table.js'
import { text } from './text.js'

/** Every variable the command reads. */
export type Env = Readonly<Record<string, string | undefined>>

/** The flags of a command as given: each takes a value. */
export type Flags = Readonly<Record<string, string | undefined>>

/** An answer of Authlete, as the client returns it. */
export type Answer = Readonly<Record<string, unknown>> & { readonly action?: string }

/** A usage error: printed with its message and the command's usage line, exit code 1. */
export class UsageError extends Error {
  /** The command whose usage line goes with the message, when it is known. */
  readonly command: string | undefined
  constructor(message: string, command?: string) {
    super(message)
    this.command = command
  }
}

/** A command of the CLI: what `authlete-ciba <name> ...` takes. */
export interface CommandSpec {
  /** As typed: `backchannel-issue`. */
  readonly name: string
  /**
   * Its names of before the first release, still taken for this release: each is run as the
   * command, with a line on stderr naming the new one.
   * @default none
   */
  readonly deprecatedNames?: readonly string[] | undefined
  /** Its one argument, e.g. `{ name: 'ticket', what: "the ticket of authenticate's answer" }`; none: no argument. */
  readonly argument?: { readonly name: string; readonly what: string } | undefined
  /**
   * Its own flags (each takes a value), in the order of its usage line; a required one maps to the
   * words that follow "<command> needs --flag" when it is missing, an optional one to `undefined`.
   */
  readonly flags: Readonly<Record<string, string | undefined>>
  /** Its usage line after `authlete-ciba `; continuation lines start with spaces. */
  readonly usage: string
  /**
   * What it does, for --help: a line or two, continuation lines indented by 14 spaces. A call's row
   * gives what follows its method and path (`: the ticket's auth_req_id`), which the table gives.
   */
  readonly summary: string
}

/** A command that makes one Authlete call. */
export interface CallCommand extends CommandSpec {
  /** The client method it calls: the call's name in the table of calls. */
  readonly call: AuthleteCallName
  /**
   * The actions that mean the call did what the operator asked (exit 0; another action exits 2).
   * @default any answer (a call whose answer has no action)
   */
  readonly success?: readonly string[] | undefined
  /**
   * Reads the argument, flags and environment (a {@link UsageError} when one is wrong), before any
   * I/O, and returns the client method's input.
   * @default no input (a read of the service's settings)
   */
  prepare?(argument: string, flags: Flags, env: Env): unknown
  /**
   * What the readable output shows after the answer's fields (the response the AS's endpoint
   * would send, say), as lines; the last is empty.
   * @default none
   */
  explain?(answer: Answer): string[]
}

/** `{ key: value }` when value is given, else nothing: for optional fields under exactOptionalPropertyTypes. */
const given = <K extends string, V>(key: K, value: V | undefined | '') =>
  (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: V }

/** The response the backchannel authentication endpoint would send for this answer. */
function endpointAnswer(answer: Answer): string[] {
  const response = toBackchannelResponse(answer as Parameters<typeof toBackchannelResponse>[0])
  const lines = ['', 'Your backchannel authentication endpoint would answer:', `  HTTP ${response.status}`]
  for (const [name, value] of Object.entries(response.headers)) lines.push(`  ${name}: ${value}`)
  lines.push('', `  ${text(response.body)}`, '')
  return lines
}

/** A push notification's body with its tokens masked (the CLI shows no token). */
function maskTokens(json: string): string {
  try {
    const body = JSON.parse(json) as Record<string, unknown>
    if (typeof body !== 'object' || body === null) return json
    for (const field of ['access_token', 'refresh_token', 'id_token', 'device_secret']) {
      const value = body[field]
      if (value !== undefined) body[field] = `(${String(value).length} characters, not shown)`
    }
    return JSON.stringify(body)
  } catch {
    return json
  }
}

/** The response the token endpoint would send for this answer, its tokens masked. */
function tokenEndpointAnswer(answer: Answer): string[] {
  const response = toTokenResponse(answer as Parameters<typeof toTokenResponse>[0])
  const lines = ['', 'Your token endpoint would answer:', `  HTTP ${response.status}`]
  for (const [name, value] of Object.entries(response.headers)) lines.push(`  ${name}: ${value}`)
  lines.push('', `  ${text(maskTokens(response.body))}`, '')
  return lines
}

const TICKET = { name: 'ticket', what: "the ticket of backchannel-authentication's answer" }
const ACCESS_TOKEN = { name: 'token', what: 'the access token, as the client presented it' }

/** The response an endpoint would send for an answer whose `responseContent` is its body. */
function bodyOf(endpoint: string, contentTypes: Readonly<Record<string, string>>) {
  return (answer: Answer): string[] => {
    const type = answer.action === undefined ? undefined : contentTypes[answer.action]
    const content = answer.responseContent
    if (type === undefined || typeof content !== 'string') return challengeOf(answer)
    return [
      '',
      `Your ${endpoint} would answer:`,
      '  HTTP 200',
      `  Content-Type: ${type}`,
      '',
      `  ${text(content)}`,
      '',
    ]
  }
}

/** An error answer of a resource call: its challenge, the `WWW-Authenticate` header to answer with. */
function challengeOf(answer: Answer): string[] {
  const content = answer.responseContent
  if (answer.action === 'OK' || answer.action === 'JSON' || answer.action === 'JWT') return ['']
  if (typeof content !== 'string' || content === '') return ['']
  return ['', 'Your endpoint would answer with:', `  WWW-Authenticate: ${text(content)}`, '']
}
const PASSWORD_TICKET = { name: 'ticket', what: "the ticket of token's PASSWORD answer" }

/** What a row says of its call: everything but the name, which comes from the table. */
type CallRow = Omit<CallCommand, 'name' | 'call' | 'usage'> & {
  /** Its usage line after the command's name. */
  readonly usage: string
}

/** The rows, by the call's name. */
const ROWS: { readonly [Name in AuthleteCallName]: CallRow } = {
  backchannelAuthentication: {
    deprecatedNames: ['authenticate'],
    argument: { name: 'parameters', what: "the client's request body, e.g. 'scope=openid&login_hint=john'" },
    flags: { 'client-id': undefined, 'client-certificate': undefined },
    usage: '<parameters> [--client-id ID] [--client-certificate FILE]',
    summary: ` with the client's request body, e.g.
              'scope=openid&login_hint=john'; the client secret comes from AUTHLETE_CLIENT_SECRET`,
    success: ['USER_IDENTIFICATION'],
    prepare(parameters, flags, env) {
      const certificate = flags['client-certificate']
      let pem: string | undefined
      if (certificate) {
        try {
          pem = readFileSync(certificate, 'utf8')
        } catch (error) {
          const why = (error as { code?: unknown }).code
          throw new UsageError(
            `--client-certificate: cannot read ${certificate}${why ? ` (${String(why)})` : ''}`,
            'backchannel-authentication',
          )
        }
      }
      const input = {
        parameters,
        ...given('clientId', flags['client-id']),
        ...given('clientSecret', env.AUTHLETE_CLIENT_SECRET),
        ...given('clientCertificate', pem),
      }
      return input
    },
    explain(answer) {
      if (answer.action !== 'USER_IDENTIFICATION') return endpointAnswer(answer)
      return [
        '',
        'The request is valid: your endpoint goes on (identify the user from the hint, then',
        '`backchannel-issue` or `backchannel-fail` with this ticket); USER_IDENTIFICATION itself is not',
        'an answer to send the client.',
        '',
      ]
    },
  },
  backchannelIssue: {
    deprecatedNames: ['issue'],
    argument: TICKET,
    flags: {},
    usage: '<ticket>',
    summary: ": the ticket's auth_req_id",
    success: ['OK'],
    prepare: (ticket) => ticket,
    explain: endpointAnswer,
  },
  backchannelFail: {
    deprecatedNames: ['fail'],
    argument: TICKET,
    flags: { reason: '(e.g. UNKNOWN_USER_ID)', 'error-description': undefined, 'error-uri': undefined },
    usage: '<ticket> --reason REASON [--error-description TEXT] [--error-uri URI]',
    summary: ": refuse the ticket's request (reason e.g. UNKNOWN_USER_ID)",
    // The refusal was recorded and an error response built for the client.
    success: ['BAD_REQUEST', 'FORBIDDEN'],
    prepare(ticket, flags) {
      const input = {
        ticket,
        reason: flags.reason as string,
        ...given('errorDescription', flags['error-description']),
        ...given('errorUri', flags['error-uri']),
      }
      return input
    },
    explain: endpointAnswer,
  },
  backchannelComplete: {
    deprecatedNames: ['complete'],
    argument: TICKET,
    flags: {
      result: '(AUTHORIZED, ACCESS_DENIED or TRANSACTION_FAILED)',
      subject: "(the user's subject)",
      'auth-time': undefined,
      acr: undefined,
      claims: undefined,
      scopes: undefined,
      'error-description': undefined,
      'error-uri': undefined,
    },
    usage: `<ticket> --result RESULT --subject SUBJECT [--auth-time S] [--acr ACR]
              [--claims JSON] [--scopes "a b"] [--error-description TEXT] [--error-uri URI]`,
    summary: `: the user's decision (AUTHORIZED, ACCESS_DENIED,
              TRANSACTION_FAILED); shows the notification to deliver, without delivering it`,
    success: ['NOTIFICATION', 'NO_ACTION'],
    prepare(ticket, flags) {
      const authTime = flags['auth-time']
      if (authTime !== undefined && !/^\d+$/.test(authTime)) {
        throw new UsageError(
          '--auth-time must be a number of seconds since the epoch',
          'backchannel-complete',
        )
      }
      const input = {
        ticket,
        // Checked by the client: any other result is refused before it is sent.
        result: flags.result as BackchannelCompleteResult,
        subject: flags.subject as string,
        ...given('authTime', authTime === undefined ? undefined : Number(authTime)),
        ...given('acr', flags.acr),
        ...given('claims', flags.claims),
        ...given('scopes', flags.scopes?.split(/\s+/).filter(Boolean)),
        ...given('errorDescription', flags['error-description']),
        ...given('errorUri', flags['error-uri']),
      }
      return input
    },
    explain(answer) {
      if (answer.action !== 'NOTIFICATION') return ['']
      return [
        '',
        `Your authorization server must POST this to ${text(answer.clientNotificationEndpoint)}`,
        '(with Authorization: Bearer <clientNotificationToken>; this command does not deliver it):',
        '',
        `  ${text(maskTokens(String(answer.responseContent ?? '')))}`,
        '',
      ]
    },
  },
  token: {
    argument: {
      name: 'parameters',
      what: "the client's token request body, e.g. 'grant_type=urn:openid:params:grant-type:ciba&auth_req_id=…'",
    },
    flags: { 'client-id': undefined, dpop: undefined, htu: undefined },
    usage: '<parameters> [--client-id ID] [--dpop PROOF] [--htu URL]',
    summary: ` with the client's token request body; the client secret comes from
              AUTHLETE_CLIENT_SECRET; shows what your token endpoint would answer, tokens masked`,
    success: ['OK', 'ID_TOKEN_REISSUABLE'],
    prepare(parameters, flags, env) {
      const dpop = flags.dpop
      const input = {
        parameters,
        ...given('clientId', flags['client-id']),
        ...given('clientSecret', env.AUTHLETE_CLIENT_SECRET),
        ...given('dpop', dpop),
        ...given('htm', dpop ? 'POST' : undefined),
        ...given('htu', flags.htu),
      }
      return input
    },
    explain: tokenEndpointAnswer,
  },
  tokenIssue: {
    argument: PASSWORD_TICKET,
    flags: { subject: "(the user's subject)" },
    usage: '<ticket> --subject SUBJECT',
    summary: ': the tokens for a PASSWORD ticket whose user you authenticated',
    success: ['OK'],
    prepare: (ticket, flags) => ({ ticket, subject: flags.subject as string }),
    explain: tokenEndpointAnswer,
  },
  tokenFail: {
    argument: PASSWORD_TICKET,
    flags: { reason: '(e.g. INVALID_RESOURCE_OWNER_CREDENTIALS)' },
    usage: '<ticket> --reason REASON',
    summary: ': refuse a PASSWORD ticket (reason e.g. INVALID_RESOURCE_OWNER_CREDENTIALS)',
    // The refusal was recorded and an error response built for the client.
    success: ['BAD_REQUEST'],
    prepare: (ticket, flags) => ({ ticket, reason: flags.reason as string }),
    explain: tokenEndpointAnswer,
  },
  userinfo: {
    argument: ACCESS_TOKEN,
    flags: { dpop: undefined, htm: undefined, htu: undefined },
    usage: '<token> [--dpop PROOF --htm METHOD [--htu URL]]',
    summary: `: whether the access token may read the UserInfo endpoint, whose it is
              and the names of the claims it allows`,
    success: ['OK'],
    prepare: (token, flags) => ({
      token,
      ...given('dpop', flags.dpop),
      ...given('htm', flags.htm),
      ...given('htu', flags.htu),
    }),
    explain: challengeOf,
  },
  userinfoIssue: {
    argument: ACCESS_TOKEN,
    flags: { claims: undefined, sub: undefined },
    usage: '<token> [--claims \'{"name":"John"}\'] [--sub SUB]',
    summary: ": the UserInfo response with the claims' values you give",
    success: ['JSON', 'JWT'],
    prepare: (token, flags) => ({ token, ...given('claims', flags.claims), ...given('sub', flags.sub) }),
    explain: bodyOf('UserInfo endpoint', { JSON: 'application/json;charset=UTF-8', JWT: 'application/jwt' }),
  },
  introspection: {
    argument: ACCESS_TOKEN,
    flags: { scopes: undefined, subject: undefined, dpop: undefined, htm: undefined, htu: undefined },
    usage: '<token> [--scopes "a b"] [--subject SUBJECT] [--dpop PROOF --htm METHOD --htu URL]',
    summary: `: a resource server's check of an access token against the scopes
              (and subject) it requires`,
    success: ['OK'],
    prepare: (token, flags) => ({
      token,
      ...given('scopes', flags.scopes?.split(/\s+/).filter(Boolean)),
      ...given('subject', flags.subject),
      ...given('dpop', flags.dpop),
      ...given('htm', flags.htm),
      ...given('htu', flags.htu),
    }),
    explain: challengeOf,
  },
  introspectionStandard: {
    argument: {
      name: 'parameters',
      what: "the caller's request body, e.g. 'token=…&token_type_hint=access_token'",
    },
    flags: { 'rs-uri': undefined, accept: undefined },
    usage: '<parameters> [--rs-uri URI] [--accept application/token-introspection+jwt]',
    summary: `: the RFC 7662 answer to an introspection request body
              (the token's state, or a signed answer with --accept)`,
    success: ['OK', 'JWT'],
    prepare: (parameters, flags) => ({
      parameters,
      ...given('rsUri', flags['rs-uri']),
      ...given('httpAcceptHeader', flags.accept),
    }),
    explain: bodyOf('introspection endpoint', {
      OK: 'application/json',
      JWT: 'application/token-introspection+jwt',
    }),
  },
  revocation: {
    argument: {
      name: 'parameters',
      what: "the client's request body, e.g. 'token=…&token_type_hint=refresh_token'",
    },
    flags: { 'client-id': undefined },
    usage: '<parameters> [--client-id ID]',
    summary: ` with the client's revocation request body; the client secret comes
              from AUTHLETE_CLIENT_SECRET`,
    success: ['OK'],
    prepare: (parameters, flags, env) => ({
      parameters,
      ...given('clientId', flags['client-id']),
      ...given('clientSecret', env.AUTHLETE_CLIENT_SECRET),
    }),
  },
  serviceConfiguration: {
    flags: {},
    usage: '',
    summary: ": the service's OpenID Provider metadata (your discovery document)",
  },
  serviceJwks: {
    flags: {},
    usage: '',
    summary: ": the service's public JWK Set (what your jwks_uri serves)",
  },
}

/** The Authlete calls, in the order of the table of calls (the order --help lists them). */
export const CALLS: readonly CallCommand[] = AUTHLETE_CALLS.map(({ name, method, path }) => {
  const row = ROWS[name]
  const command = kebabCase(name)
  // The call's method and path come from the table; the row's summary says the rest.
  const summary = `${method === 'GET' ? 'GET ' : ''}${path}${row.summary}`
  return {
    ...row,
    name: command,
    call: name,
    summary,
    usage: row.usage ? `${command} ${row.usage}` : command,
  }
})

/**
 * Runs `command`'s call on `client` with what its `prepare` read: the client method its row names.
 */
export function callOf(command: CallCommand, input: unknown): (client: AuthleteClient) => Promise<Answer> {
  const method = command.call
  const args = command.prepare === undefined ? [] : [input]
  return (client) => (client[method] as (...args: unknown[]) => Promise<Answer>)(...args)
}
