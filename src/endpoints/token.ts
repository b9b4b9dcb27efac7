/**
 * The authorization server's token endpoint in one call: the client's request in, the answer to
 * send out, `/auth/token` and the implementer's hooks in between, in the order of Authlete's Java
 * reference (`TokenRequestHandler`). Authlete handles the CIBA grant itself: in poll and ping modes
 * this is where the client application gets its tokens.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10.1
 * @module
 */

import type { AuthleteClient } from '../client.js'
import { isAuthleteError } from '../errors.js'
import type { TokenAnswer, TokenPassword } from '../operations/token.js'
import type { TokenFailReason } from '../operations/token-fail.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import { endOf, FAIL_AFTER_END_TIMEOUT_MS, flowTimeoutOf, startFlow, untilEnd } from './flow.js'
import { type Report as ReportOf, reporterOf } from './report.js'
import { type FormBody, readClientRequest, readWebRequestBody } from './request-input.js'
import { type EndpointResponse, NULL_BODY_STATUSES, toWebResponse } from './response.js'
import type { GrantHook, TokenRequestHooks, TokenRequestStage } from './token-hooks.js'
import { toTokenResponse, UNSUPPORTED_GRANT_TYPE_BODY } from './token-response.js'

/** The Authlete calls the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type TokenEndpointClient = Pick<AuthleteClient, 'token' | 'tokenIssue' | 'tokenFail'>

/** The client application's token request, as the endpoint received it. */
export interface TokenRequestInput {
  /**
   * The request body: the raw `application/x-www-form-urlencoded` text, `URLSearchParams`, or the
   * object a body parser made of it (`express.urlencoded()`; array values are repeated parameters).
   */
  body: FormBody
  /**
   * The `Authorization` header (`client_secret_basic`), `undefined` when there is none: a field to
   * give even then, so that a request object cannot stand for the input. Empty reads as absent.
   */
  authorization: string | null | undefined
  /** The `DPoP` header (RFC 9449), `undefined` when there is none; empty reads as absent. */
  dpop: string | null | undefined
  /** The client's certificate (PEM), with mutual TLS. */
  clientCertificate?: string | undefined
  /** The certificate chain below the client's certificate (PEMs), with mutual TLS. */
  clientCertificatePath?: readonly string[] | undefined
}

/** Options of {@link handleTokenRequest}: the per-call options of each Authlete call, and `htu`. */
export interface TokenRequestOptions extends AuthleteCallOptions {
  /**
   * The token endpoint's public URL, checked against a DPoP proof's `htu`. Give it only if the
   * service's `tokenEndpoint` setting is not that URL; never the URL the request arrived at, which
   * behind a proxy is not the public one.
   * @default undefined (Authlete uses the service's `tokenEndpoint`)
   */
  htu?: string | undefined
  /**
   * The flow's own deadline, in milliseconds, from the call to the answer. It bounds your hooks
   * (`authenticateUser`, `tokenExchange`, `jwtBearer`, `nativeSso`) and the Authlete calls after
   * one; `signal` ends them too. When either ends while a hook is pending, the answer is a 500
   * `server_error` at once, reported to `onError` as an `AuthleteAbortError` with the hook's stage;
   * a password grant's ticket not yet issued nor failed is then failed (`/auth/token/fail`
   * `UNKNOWN`) on a budget of its own of 2000 ms, since the flow's signal has fired. A hook that
   * settles later changes nothing. A grant no hook of yours runs for (the CIBA grant) starts no
   * deadline: `signal` and `timeoutMs` bound its one call to `/auth/token`.
   * @default 20000
   */
  flowTimeoutMs?: number | undefined
}

const INVALID_CLIENT = '{"error":"invalid_client"}'
const INVALID_REQUEST = '{"error":"invalid_request"}'
const INVALID_DPOP_PROOF = '{"error":"invalid_dpop_proof"}'
/** Fields of `/auth/token` that come from the client's request: a refusal there is the client's fault. */
const CLIENT_FIELDS: ReadonlySet<string> = new Set(['parameters', 'clientId', 'clientSecret'])

/** The fields of {@link TokenRequestInput}: any other is refused. */
const TOKEN_INPUT_FIELDS: ReadonlySet<string> = new Set([
  'body',
  'authorization',
  'dpop',
  'clientCertificate',
  'clientCertificatePath',
])

type Report = ReportOf<TokenRequestStage>

/**
 * Runs the token endpoint for one client request and resolves to the answer to send (`{ status,
 * headers, body }`, as `toTokenResponse`). It never rejects.
 *
 * 1. A malformed `Authorization` header (not Basic, not base64, no colon, not UTF-8) is answered
 *    401 `invalid_client`, as Authlete answers a failed client authentication, without calling
 *    Authlete or any hook.
 * 2. `/auth/token`, with the `DPoP` header as `dpop` (`htm` `POST`, and `options.htu` if given).
 * 3. `PASSWORD`: `authenticateUser`, then `/auth/token/issue` with the subject, or
 *    `/auth/token/fail` `INVALID_RESOURCE_OWNER_CREDENTIALS` (no user, or no hook).
 *    `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`: the hook's own answer, or 400
 *    `unsupported_grant_type`. Any other action is mapped by `toTokenResponse` (the CIBA grant's
 *    tokens, or its `authorization_pending`, `slow_down`, …).
 *
 * Errors: `authenticateUser` throwing refuses the request with `/auth/token/fail` `UNKNOWN` (a 500);
 * a grant hook throwing, or answering something that is not `{ status, headers, body }`, is a 500;
 * Authlete unreachable at any step is a 500 `server_error`. Each error goes to
 * `onError(error, stage)`; no detail reaches the client.
 *
 * A hook runs on the flow's deadline (`flowTimeoutMs`) and `signal`: when either ends while it is
 * pending, the answer is a 500 `server_error` at once; see {@link TokenRequestOptions.flowTimeoutMs}.
 */
export async function handleTokenRequest(
  authlete: TokenEndpointClient,
  input: TokenRequestInput,
  hooks: TokenRequestHooks = {},
  options?: TokenRequestOptions,
): Promise<EndpointResponse> {
  const report = reporterOf(hooks)
  try {
    return await run(authlete, input, hooks ?? {}, options ?? {}, report)
  } catch (error) {
    // Only a broken argument (no input object, a stand-in client answering nonsense) gets here.
    report(error, 'request')
    return toTokenResponse(undefined)
  }
}

async function run(
  authlete: TokenEndpointClient,
  input: TokenRequestInput,
  hooks: TokenRequestHooks,
  options: TokenRequestOptions,
  report: Report,
): Promise<EndpointResponse> {
  // The flow's deadline counts from here, but is started only when a hook is about to run: the
  // CIBA grant, which runs none, pays for no timer.
  const startedAt = Date.now()
  if (options.flowTimeoutMs !== undefined) flowTimeoutOf(options)
  const client = readClientRequest(input, TOKEN_INPUT_FIELDS)
  if ('refused' in client) {
    report(client.error, client.stage)
    if (client.refused === 'invalid_client') {
      return toTokenResponse({ action: 'INVALID_CLIENT', responseContent: INVALID_CLIENT }, { basic: true })
    }
    return client.refused === 'invalid_request'
      ? toTokenResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
      : toTokenResponse(undefined)
  }
  const basic = client.clientId !== undefined
  const dpop = input.dpop || undefined

  let answer: TokenAnswer
  try {
    answer = await authlete.token(
      {
        parameters: client.parameters,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientCertificate: client.clientCertificate,
        clientCertificatePath: client.clientCertificatePath,
        // htm and htu serve only the proof's check: sent with a proof, never without.
        dpop,
        htm: dpop === undefined ? undefined : 'POST',
        htu: dpop === undefined ? undefined : options.htu,
      },
      callOptionsOf(options),
    )
  } catch (error) {
    report(error, 'token')
    // What the client sent and the client alone can fix (an empty body, a huge header) is refused
    // before any I/O: the client's fault, not the server's.
    if (isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && error.field !== undefined) {
      if (error.field === 'dpop')
        return toTokenResponse({ action: 'BAD_REQUEST', responseContent: INVALID_DPOP_PROOF })
      if (CLIENT_FIELDS.has(error.field)) {
        return toTokenResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
      }
    }
    return toTokenResponse(undefined)
  }

  switch (answer.action) {
    case 'PASSWORD':
      return password(authlete, answer, hooks, options, startedAt, report)
    case 'TOKEN_EXCHANGE':
      return own(answer, hooks.tokenExchange, 'tokenExchange', options, startedAt, report)
    case 'JWT_BEARER':
      return own(answer, hooks.jwtBearer, 'jwtBearer', options, startedAt, report)
    case 'NATIVE_SSO':
      return own(answer, hooks.nativeSso, 'nativeSso', options, startedAt, report)
    default:
      return toTokenResponse(answer, { basic })
  }
}

const TOKEN_OPTION_NAMES: ReadonlySet<string> = new Set(['signal', 'timeoutMs', 'htu', 'flowTimeoutMs'])

/**
 * The per-call options among the endpoint's (a stand-in client sees no endpoint option). A name of
 * neither kind is passed on, for the call to refuse it by name.
 */
function callOptionsOf(options: TokenRequestOptions): AuthleteCallOptions {
  for (const key in options) {
    if (!TOKEN_OPTION_NAMES.has(key)) {
      const { htu: _htu, flowTimeoutMs: _flowTimeoutMs, ...callOptions } = options
      return callOptions
    }
  }
  // Only what was given: a stand-in's own defaults (`{ timeoutMs: 3000, ...options }`) still apply.
  const callOptions: { signal?: AbortSignal; timeoutMs?: number } = {}
  if (options.signal !== undefined) callOptions.signal = options.signal
  if (options.timeoutMs !== undefined) callOptions.timeoutMs = options.timeoutMs
  return callOptions
}

/** The password grant: the user's credentials checked by the hook, then `/issue` or `/fail`. */
async function password(
  authlete: TokenEndpointClient,
  answer: TokenPassword,
  hooks: TokenRequestHooks,
  options: TokenRequestOptions,
  startedAt: number,
  report: Report,
): Promise<EndpointResponse> {
  const authenticate = hooks.authenticateUser
  if (authenticate === undefined) {
    const { signal, timeoutMs } = options
    return settle(
      authlete,
      answer,
      undefined,
      'INVALID_RESOURCE_OWNER_CREDENTIALS',
      { signal, timeoutMs },
      report,
    )
  }
  const flow = startFlow(options, Date.now() - startedAt)
  try {
    let subject: string | undefined
    let reason: TokenFailReason = 'INVALID_RESOURCE_OWNER_CREDENTIALS'
    try {
      const found = await untilEnd(flow, () =>
        authenticate(
          { username: answer.username ?? '', password: answer.password ?? '', clientId: answer.clientId },
          answer,
        ),
      )
      if (found !== undefined && found !== null) {
        if (typeof found !== 'string' || found === '') {
          throw new TypeError('authenticateUser returned something other than a subject (a non-empty string)')
        }
        subject = found
      }
    } catch (error) {
      report(error, 'authenticateUser')
      reason = 'UNKNOWN'
    }
    if (flow.signal.aborted) {
      // The flow ended before the ticket was used: answer now, and free the ticket with a /fail of
      // its own, since any call on the flow's signal would be refused.
      if (reason !== 'UNKNOWN') report(endOf(flow.signal), subject === undefined ? 'tokenFail' : 'tokenIssue')
      failAfterEnd(authlete, answer.ticket, report)
      return toTokenResponse(undefined)
    }
    return await settle(authlete, answer, subject, reason, flow.call, report)
  } finally {
    flow.end()
  }
}

/** `/auth/token/issue` with the subject, or `/auth/token/fail` with the reason when there is none. */
async function settle(
  authlete: TokenEndpointClient,
  answer: TokenPassword,
  subject: string | undefined,
  reason: TokenFailReason,
  options: AuthleteCallOptions,
  report: Report,
): Promise<EndpointResponse> {
  const context = { dpopNonce: answer.dpopNonce }
  if (subject === undefined) {
    try {
      return toTokenResponse(await authlete.tokenFail({ ticket: answer.ticket, reason }, options), context)
    } catch (error) {
      report(error, 'tokenFail')
      return toTokenResponse(undefined)
    }
  }
  try {
    return toTokenResponse(await authlete.tokenIssue({ ticket: answer.ticket, subject }, options), context)
  } catch (error) {
    report(error, 'tokenIssue')
    return toTokenResponse(undefined)
  }
}

/**
 * `/auth/token/fail` `UNKNOWN` for a ticket the flow ended without using, on a budget of its own
 * and without the flow's signal (it has fired). Not awaited: the answer goes out now; its failure
 * is only reported.
 */
function failAfterEnd(authlete: TokenEndpointClient, ticket: string, report: Report): void {
  try {
    authlete
      .tokenFail({ ticket, reason: 'UNKNOWN' }, { timeoutMs: FAIL_AFTER_END_TIMEOUT_MS })
      .then(undefined, (error: unknown) => report(error, 'tokenFail'))
  } catch (error) {
    report(error, 'tokenFail')
  }
}

/** A grant Authlete leaves to the server: the hook's answer, or 400 `unsupported_grant_type`. */
async function own<Response extends TokenAnswer>(
  answer: Response,
  hook: GrantHook<Response> | undefined,
  stage: TokenRequestStage,
  options: TokenRequestOptions,
  startedAt: number,
  report: Report,
): Promise<EndpointResponse> {
  if (hook === undefined) return toTokenResponse(answer)
  const flow = startFlow(options, Date.now() - startedAt)
  try {
    // Ended (the deadline, the caller's signal): a 500 at once, whatever the hook does later.
    const result = await untilEnd(flow, () => hook(answer))
    if (result === undefined || result === null) {
      return toTokenResponse({ action: 'BAD_REQUEST', responseContent: UNSUPPORTED_GRANT_TYPE_BODY })
    }
    if (!isEndpointAnswer(result)) {
      throw new TypeError(`${stage} returned something other than { status, headers, body }`)
    }
    return result
  } catch (error) {
    report(error, stage)
    return toTokenResponse(undefined)
  } finally {
    flow.end()
  }
}

/**
 * Whether a hook's answer is one a server can send as it is: a status the Fetch API accepts, no
 * body with a status that has none, header names that are RFC 9110 tokens and values Node's
 * `res.setHeader` and `new Response` both accept (no CR, LF, NUL or other control but tab; no
 * character beyond Latin-1).
 */
function isEndpointAnswer(value: unknown): value is EndpointResponse {
  if (typeof value !== 'object' || value === null) return false
  const { status, headers, body } = value as Record<string, unknown>
  if (
    typeof status !== 'number' ||
    !Number.isInteger(status) ||
    status < 200 ||
    status > 599 ||
    typeof body !== 'string' ||
    (body !== '' && NULL_BODY_STATUSES.has(status)) ||
    typeof headers !== 'object' ||
    headers === null ||
    Array.isArray(headers)
  ) {
    return false
  }
  for (const [name, header] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof header !== 'string' || !HEADER_VALUE.test(header)) return false
  }
  return true
}

/** A field name: an RFC 9110 token (§5.1). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** A field value as Node sends it: tab, visible ASCII, space, obs-text (RFC 9110 §5.5). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Options of {@link handleTokenWebRequest}: {@link TokenRequestOptions}, and what a `Request` does not carry. */
export interface TokenWebRequestOptions extends TokenRequestOptions {
  /**
   * The client's certificate (PEM), when your server terminates mutual TLS.
   * @default undefined
   */
  clientCertificate?: string | undefined
  /**
   * The certificate chain below it (PEMs).
   * @default undefined
   */
  clientCertificatePath?: readonly string[] | undefined
}

/**
 * {@link handleTokenRequest} on the Fetch API, for Hono, Next.js route handlers and the like: reads
 * the body text and the `Authorization` and `DPoP` headers of `request`, and resolves to the
 * `Response` to return. It never rejects.
 *
 * The body is read before the client is authenticated, so its read is bounded: at most 1 MiB
 * (`MAX_PARAMETERS_LENGTH`; a larger body or declared `Content-Length` is a 400 `invalid_request`,
 * not read further), for at most 10 s (then a 400 too), and `options.signal` ends it at once (a 500).
 *
 * @example
 * ```ts
 * app.post('/token', (c) => handleTokenWebRequest(authlete, c.req.raw))
 * ```
 */
export async function handleTokenWebRequest(
  authlete: TokenEndpointClient,
  request: Request,
  hooks: TokenRequestHooks = {},
  options: TokenWebRequestOptions = {},
): Promise<Response> {
  let input: TokenRequestInput
  let callOptions: TokenRequestOptions
  try {
    const { clientCertificate, clientCertificatePath, ...rest } = options ?? {}
    callOptions = rest
    // The body is read before the client is authenticated: at most 1 MiB, for at most 10 s, and not
    // past the caller's signal.
    const read = await readWebRequestBody(request, rest.signal)
    if ('error' in read) {
      // Too large, broken, too slow (or this is no Request): the answer is the client's. The caller's
      // signal is the server's own decision.
      reporterOf(hooks)(read.error, 'request')
      return toWebResponse(
        read.callerAborted
          ? toTokenResponse(undefined)
          : toTokenResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST }),
      )
    }
    input = {
      body: read.text,
      authorization: request.headers.get('authorization'),
      dpop: request.headers.get('dpop'),
      clientCertificate,
      clientCertificatePath,
    }
  } catch (error) {
    // Options that cannot be read.
    reporterOf(hooks)(error, 'request')
    return toWebResponse(toTokenResponse(undefined))
  }
  const answer = await handleTokenRequest(authlete, input, hooks, callOptions)
  try {
    return toWebResponse(answer)
  } catch (error) {
    // isEndpointAnswer refuses what a Response cannot carry; this keeps "never rejects" true all
    // the same (an answer changed after it was checked).
    reporterOf(hooks)(error, 'request')
    return toWebResponse(toTokenResponse(undefined))
  }
}
