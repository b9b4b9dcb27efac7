/**
 * The authorization server's backchannel authentication endpoint in one call: the client's request
 * in, the answer to send out, Authlete's four-step flow and the implementer's hooks in between, in
 * the order of Authlete's Java reference (`BackchannelAuthenticationRequestHandler`).
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7
 * @module
 */

import type { AuthleteClient } from '../client.js'
import {
  type BackchannelEndpointResponse,
  toBackchannelResponse,
  toBackchannelWebResponse,
} from '../endpoint/backchannel-response.js'
import { AuthleteInputError, isAuthleteError } from '../errors.js'
import type { AuthleteCallOptions } from '../http/options.js'
import type { BackchannelAuthenticationUserIdentification } from '../operations/backchannel-authentication.js'
import type { BackchannelFailReason } from '../operations/backchannel-fail.js'
import { parseBasicCredentials } from './basic-credentials.js'
import {
  type BackchannelAuthenticationHooks,
  type BackchannelFlowStage,
  type BackchannelUser,
  isPlainBindingMessage,
} from './hooks.js'
import { savePending } from './save-pending.js'

/** The Authlete calls the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type BackchannelEndpointClient = Pick<
  AuthleteClient,
  'backchannelAuthentication' | 'backchannelIssue' | 'backchannelFail'
>

/** The client application's request, as the endpoint received it. */
export interface BackchannelAuthenticationInput {
  /** The request body, exactly as received (`application/x-www-form-urlencoded` text). */
  body: string | URLSearchParams
  /** The `Authorization` header, if any (`client_secret_basic`). Empty reads as absent. */
  authorization?: string | null | undefined
  /** The client's certificate (PEM), with mutual TLS. */
  clientCertificate?: string | undefined
  /** The certificate chain below the client's certificate (PEMs), with mutual TLS. */
  clientCertificatePath?: readonly string[] | undefined
}

const INVALID_CLIENT = '{"error":"invalid_client"}'
const INVALID_REQUEST = '{"error":"invalid_request"}'

/**
 * Runs the backchannel authentication endpoint for one client request and resolves to the answer
 * to send (`{ status, headers, body }`, as `toBackchannelResponse`). It never rejects.
 *
 * 1. A malformed `Authorization` header (not Basic, not base64, no colon, not UTF-8) is answered
 *    401 `invalid_client`, as Authlete answers a failed client authentication, without calling
 *    Authlete or any hook.
 * 2. `/backchannel/authentication`; any action but `USER_IDENTIFICATION` is answered as mapped.
 * 3. `identifyUser` (none: `/fail` `UNKNOWN_USER_ID`); `isLoginHintTokenExpired` for a login hint
 *    token (`EXPIRED_LOGIN_HINT_TOKEN`); the user code (`INVALID_USER_CODE`, see
 *    `verifyUserCode`); the binding message (`INVALID_BINDING_MESSAGE`). Each `/fail` answer is
 *    mapped to the client's response (400, 403 or 500, as Authlete says).
 * 4. `/issue`; only on `OK`, `startAuthentication`; then 200 with the issue's `responseContent`.
 *
 * Errors: a hook that throws before `/issue` refuses the request with `/fail` `SERVER_ERROR` (a 500);
 * Authlete unreachable at any step is a 500 `server_error`; `startAuthentication` throwing is a 500
 * too (see below). Each error goes to `onError(error, stage)`; no detail reaches the client.
 *
 * @param options Per-call options (`signal`, `timeoutMs`) for each Authlete call.
 */
export async function handleBackchannelAuthentication<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  input: BackchannelAuthenticationInput,
  hooks: BackchannelAuthenticationHooks<User>,
  options?: AuthleteCallOptions,
): Promise<BackchannelEndpointResponse> {
  const report = reporterOf(hooks)
  try {
    return await run(authlete, input, hooks, options, report)
  } catch (error) {
    // Only a broken argument (no input object, a stand-in client answering nonsense) gets here.
    report(error, 'request')
    return serverError()
  }
}

async function run<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  input: BackchannelAuthenticationInput,
  hooks: BackchannelAuthenticationHooks<User>,
  options: AuthleteCallOptions | undefined,
  report: Report,
): Promise<BackchannelEndpointResponse> {
  const credentials = parseBasicCredentials(input.authorization)
  if (credentials && 'malformed' in credentials) {
    const error = new AuthleteInputError(
      'authorization',
      `is not client_secret_basic: ${credentials.malformed}`,
    )
    report(error, 'clientAuthentication')
    return toBackchannelResponse({ action: 'UNAUTHORIZED', responseContent: INVALID_CLIENT })
  }
  const { body } = input
  if (typeof body !== 'string' && !(body instanceof URLSearchParams)) {
    // The framework handed over something else (a parsed object): the server's bug, not the client's.
    report(new TypeError('body must be the raw request text or URLSearchParams'), 'request')
    return serverError()
  }

  let ba: Awaited<ReturnType<BackchannelEndpointClient['backchannelAuthentication']>>
  try {
    ba = await authlete.backchannelAuthentication(
      {
        parameters: body,
        clientId: credentials?.clientId,
        clientSecret: credentials?.clientSecret,
        clientCertificate: input.clientCertificate,
        clientCertificatePath: input.clientCertificatePath,
      },
      options,
    )
  } catch (error) {
    report(error, 'authentication')
    // An empty or oversized body is the client's fault: refused before any I/O.
    const clientFault = isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && error.field === 'parameters'
    return clientFault
      ? toBackchannelResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
      : serverError()
  }
  if (ba.action !== 'USER_IDENTIFICATION') return toBackchannelResponse(ba)
  const request = ba

  const verdict = await checkRequest(request, hooks, report)
  if ('reason' in verdict) {
    try {
      return toBackchannelResponse(
        await authlete.backchannelFail({ ticket: request.ticket, reason: verdict.reason }, options),
      )
    } catch (error) {
      report(error, 'fail')
      return serverError()
    }
  }

  let issued: Awaited<ReturnType<BackchannelEndpointClient['backchannelIssue']>>
  try {
    issued = await authlete.backchannelIssue(request.ticket, options)
  } catch (error) {
    report(error, 'issue')
    return serverError()
  }
  if (issued.action !== 'OK') return toBackchannelResponse(issued)
  if (hooks.pending) {
    // Saved before the device is asked, so that any instance can decide it. Not saved: the
    // auth_req_id exists at Authlete, but nobody could ever decide it; answered as startAuthentication
    // failing (below): a 500, so that the client is not left polling it, and the device never asked.
    const failed = await savePending(hooks.pending, request, verdict.user, issued, options)
    if (failed !== undefined) {
      report(failed, 'pending')
      return serverError()
    }
  }
  try {
    await hooks.startAuthentication({
      user: verdict.user,
      ticket: request.ticket,
      authReqId: issued.authReqId,
      expiresIn: issued.expiresIn,
      interval: issued.interval,
      request,
    })
  } catch (error) {
    // The auth_req_id exists, but no device will ever ask the user. A 200 would have the client
    // poll (or wait for a ping) until it expires, for a login nobody can complete; a 500 tells it
    // now. Nothing else is called: /fail no longer applies after /issue, and /complete with
    // TRANSACTION_FAILED would make Authlete notify the client of a request it was never told of.
    // The auth_req_id expires unused.
    report(error, 'startAuthentication')
    return serverError()
  }
  return toBackchannelResponse(issued)
}

/**
 * Options of {@link handleBackchannelAuthenticationRequest}: the per-call options of each Authlete
 * call, and what a WHATWG `Request` does not carry.
 */
export interface BackchannelRequestOptions extends AuthleteCallOptions {
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
 * {@link handleBackchannelAuthentication} on the Fetch API, for Hono, Next.js route handlers and
 * the like: reads the body text and the `Authorization` header of `request`, and resolves to the
 * `Response` to return. It never rejects.
 *
 * @example
 * ```ts
 * app.post('/backchannel/authentication', (c) => handleBackchannelAuthenticationRequest(authlete, c.req.raw, hooks))
 * ```
 */
export async function handleBackchannelAuthenticationRequest<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  request: Request,
  hooks: BackchannelAuthenticationHooks<User>,
  options: BackchannelRequestOptions = {},
): Promise<Response> {
  let body: string
  let authorization: string | null
  let input: Pick<BackchannelRequestOptions, 'clientCertificate' | 'clientCertificatePath'>
  let callOptions: AuthleteCallOptions
  try {
    const { clientCertificate, clientCertificatePath, ...rest } = options ?? {}
    input = { clientCertificate, clientCertificatePath }
    callOptions = rest
    authorization = request.headers.get('authorization')
    body = await request.text()
  } catch (error) {
    // The client went away or sent a broken body (or this is no Request): the answer is theirs.
    reporterOf(hooks)(error, 'request')
    return toBackchannelWebResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
  }
  const answer = await handleBackchannelAuthentication(
    authlete,
    { body, authorization, ...input },
    hooks,
    callOptions,
  )
  return new Response(answer.body, {
    status: answer.status,
    headers: answer.headers as Record<string, string>,
  })
}

type Verdict<User> = { user: User } | { reason: BackchannelFailReason }
type Report = (error: unknown, stage: BackchannelFlowStage) => void

/** Steps 3 to 5 of the reference flow: the user, the login hint token, the user code, the binding message. */
async function checkRequest<User extends BackchannelUser>(
  request: BackchannelAuthenticationUserIdentification,
  hooks: BackchannelAuthenticationHooks<User>,
  report: Report,
): Promise<Verdict<User>> {
  let stage: BackchannelFlowStage = 'identifyUser'
  try {
    const user = await hooks.identifyUser(
      { hintType: request.hintType, hint: request.hint, sub: request.sub },
      request,
    )
    if (user === undefined || user === null) return { reason: 'UNKNOWN_USER_ID' }
    if (typeof user.subject !== 'string' || user.subject === '') {
      throw new TypeError('identifyUser returned a user without a subject (a non-empty string)')
    }

    stage = 'isLoginHintTokenExpired'
    const expired = hooks.isLoginHintTokenExpired
    if (request.hintType === 'LOGIN_HINT_TOKEN' && expired && request.hint !== undefined) {
      if ((await expired(request.hint, request)) !== false) return { reason: 'EXPIRED_LOGIN_HINT_TOKEN' }
    }

    stage = 'verifyUserCode'
    const verify = hooks.verifyUserCode
    const { userCode } = request
    if (request.userCodeRequired === true || (verify && userCode !== undefined)) {
      // Authlete refuses a missing required code itself; this is the belt to its braces.
      if (userCode === undefined || userCode === '') return { reason: 'MISSING_USER_CODE' }
      if (!verify) throw new TypeError('the client requires a user code, and no verifyUserCode hook is given')
      if ((await verify(user, userCode, request)) !== true) return { reason: 'INVALID_USER_CODE' }
    }

    stage = 'validateBindingMessage'
    if (request.bindingMessage !== undefined) {
      const validate = hooks.validateBindingMessage ?? isPlainBindingMessage
      if ((await validate(request.bindingMessage, request)) !== true)
        return { reason: 'INVALID_BINDING_MESSAGE' }
    }
    return { user }
  } catch (error) {
    report(error, stage)
    return { reason: 'SERVER_ERROR' }
  }
}

/** `onError` made safe: what it throws or rejects with is dropped. */
/** A report that never throws, from hooks that may be anything (a throwing getter included). */
function reporterOf(hooks: unknown): Report {
  let onError: unknown
  try {
    onError = (hooks as BackchannelAuthenticationHooks<BackchannelUser> | null | undefined)?.onError
  } catch {
    onError = undefined
  }
  return reporter(onError as BackchannelAuthenticationHooks<BackchannelUser>['onError'])
}

function reporter(onError: BackchannelAuthenticationHooks<BackchannelUser>['onError']): Report {
  return (error, stage) => {
    if (typeof onError !== 'function') return
    try {
      const result = onError(error, stage)
      if (result instanceof Promise) result.catch(() => {})
    } catch {
      // A logger that fails must not turn an answer into a crash.
    }
  }
}

function serverError(): BackchannelEndpointResponse {
  return toBackchannelResponse(undefined)
}
