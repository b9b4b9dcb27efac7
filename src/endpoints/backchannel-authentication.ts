/**
 * The authorization server's backchannel authentication endpoint in one call: the client's request
 * in, the answer to send out, Authlete's four-step flow and the implementer's hooks in between, in
 * the order of Authlete's Java reference (`BackchannelAuthenticationRequestHandler`).
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7
 * @module
 */

import type { AuthleteClient } from '../client.js'
import { isAuthleteError } from '../errors.js'
import type { BackchannelAuthenticationUserIdentification } from '../operations/backchannel-authentication.js'
import type { BackchannelFailReason } from '../operations/backchannel-fail.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import {
  type BackchannelAuthenticationHooks,
  type BackchannelAuthenticationStage,
  type BackchannelUser,
  isPlainBindingMessage,
} from './backchannel-authentication-hooks.js'
import { toBackchannelResponse } from './backchannel-authentication-response.js'
import { endOf, FAIL_AFTER_END_TIMEOUT_MS, type Flow, runFlow, untilEnd } from './flow.js'
import { type Report as ReportOf, reporterOf } from './report.js'
import { type ClientRequestRefusal, type FormBody, readBodyText, readClientRequest } from './request-input.js'
import { type EndpointResponse, toWebResponse } from './response.js'
import { savePending, withdrawPending } from './save-pending.js'

/** The Authlete calls the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type BackchannelEndpointClient = Pick<
  AuthleteClient,
  'backchannelAuthentication' | 'backchannelIssue' | 'backchannelFail'
>

/** The client application's request, as the endpoint received it. */
export interface BackchannelAuthenticationInput {
  /**
   * The request body: the `application/x-www-form-urlencoded` text as received, `URLSearchParams`,
   * or the object a body parser made of it (`express.urlencoded()`; an array value is the
   * parameter repeated, which Authlete refuses as it refuses the raw text).
   */
  body: FormBody
  /**
   * The `Authorization` header (`client_secret_basic`), `undefined` when there is none: a field to
   * give even then, so that a request object cannot stand for the input. Empty reads as absent.
   */
  authorization: string | null | undefined
  /** The client's certificate (PEM), with mutual TLS. */
  clientCertificate?: string | undefined
  /** The certificate chain below the client's certificate (PEMs), with mutual TLS. */
  clientCertificatePath?: readonly string[] | undefined
}

/**
 * Options of {@link handleBackchannelAuthentication}: the flow's deadline and signal, and the
 * per-call deadline of each Authlete call.
 */
export interface BackchannelAuthenticationOptions extends AuthleteCallOptions {
  /**
   * Ends the flow: what is pending (an Authlete call, a hook, reading the body) is given up and the
   * answer goes out at once, as at the deadline (see `flowTimeoutMs`).
   * @default undefined
   */
  signal?: AbortSignal | undefined
  /**
   * The flow's own deadline, in milliseconds, from the call to the answer: reading the request's
   * body (Fetch variant), each Authlete call and each hook. When it passes, or `signal` fires, the
   * answer is a 500 `server_error` at once (a 400 `invalid_request` while the body is still being
   * read at the deadline), reported to `onError` with the stage that was pending; a ticket not yet
   * issued is then failed (`/fail` `SERVER_ERROR`) on a budget of its own of 2000 ms, since the
   * flow's signal has fired. A hook that settles later changes nothing. `timeoutMs` still bounds
   * each Authlete call. The default leaves room for two calls at their default deadline, and
   * answers before the 30 s a client such as openid-client waits.
   * @default 20000
   */
  flowTimeoutMs?: number | undefined
}

const INVALID_CLIENT = '{"error":"invalid_client"}'
/** The fields of {@link BackchannelAuthenticationInput}: any other is refused. */
const INPUT_FIELDS: ReadonlySet<string> = new Set([
  'body',
  'authorization',
  'clientCertificate',
  'clientCertificatePath',
])
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
 * The flow has a deadline of its own (`flowTimeoutMs`) and honours `signal`: when either ends while
 * a hook or an Authlete call is pending, the answer is a 500 `server_error` at once; see
 * {@link BackchannelAuthenticationOptions.flowTimeoutMs}.
 *
 * @param options The flow's `flowTimeoutMs` and `signal`, and the per-call `timeoutMs` of each Authlete call.
 */
export function handleBackchannelAuthentication<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  input: BackchannelAuthenticationInput,
  hooks: BackchannelAuthenticationHooks<User>,
  options?: BackchannelAuthenticationOptions,
): Promise<EndpointResponse> {
  const report = reporterOf(hooks)
  return runFlow(options, report, serverError, (flow) => run(authlete, input, hooks, flow, report))
}

async function run<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  input: BackchannelAuthenticationInput,
  hooks: BackchannelAuthenticationHooks<User>,
  flow: Flow,
  report: Report,
): Promise<EndpointResponse> {
  const client = readClientRequest(input, INPUT_FIELDS)
  if ('refused' in client) {
    report(client.error, client.stage)
    return refusal(client.refused)
  }

  let ba: Awaited<ReturnType<BackchannelEndpointClient['backchannelAuthentication']>>
  try {
    ba = await authlete.backchannelAuthentication(client, flow.call)
  } catch (error) {
    report(error, 'backchannelAuthentication')
    // An empty or oversized body is the client's fault: refused before any I/O.
    const clientFault = isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && error.field === 'parameters'
    return clientFault
      ? toBackchannelResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
      : serverError()
  }
  if (ba.action !== 'USER_IDENTIFICATION') return toBackchannelResponse(ba)
  const request = ba

  const verdict = await checkRequest(request, hooks, flow, report)
  if ('ended' in verdict || flow.signal.aborted) {
    // The flow ended before the ticket was issued: answer now, and free the ticket with a /fail of
    // its own, since any call on the flow's signal would be refused.
    if (!('ended' in verdict))
      report(endOf(flow.signal), 'reason' in verdict ? 'backchannelFail' : 'backchannelIssue')
    failAfterEnd(authlete, request.ticket, report)
    return serverError()
  }
  if ('reason' in verdict) {
    try {
      return toBackchannelResponse(
        await authlete.backchannelFail({ ticket: request.ticket, reason: verdict.reason }, flow.call),
      )
    } catch (error) {
      report(error, 'backchannelFail')
      // Cut off by the flow's end: its answer may never have reached Authlete.
      if (flow.signal.aborted) failAfterEnd(authlete, request.ticket, report)
      return serverError()
    }
  }

  let issued: Awaited<ReturnType<BackchannelEndpointClient['backchannelIssue']>>
  try {
    issued = await authlete.backchannelIssue(request.ticket, flow.call)
  } catch (error) {
    report(error, 'backchannelIssue')
    // Cut off by the flow's end: if Authlete issued it all the same, the client never learns the
    // auth_req_id; a /fail frees the ticket, and is refused harmlessly if it is used up.
    if (flow.signal.aborted) failAfterEnd(authlete, request.ticket, report)
    return serverError()
  }
  if (issued.action !== 'OK') return toBackchannelResponse(issued)
  const { user } = verdict
  if (hooks.pending) {
    // Saved before the device is asked, so that any instance can decide it. Not saved: the
    // auth_req_id exists at Authlete, but nobody could ever decide it; answered as startAuthentication
    // failing (below): a 500, so that the client is not left polling it, and the device never asked.
    const failed = await savePending(hooks.pending, request, user, issued, flow.call)
    if (failed !== undefined) {
      report(failed, 'pending')
      // The save may still land (a store that resumes after a pause): withdrawn behind it.
      withdrawPending(hooks.pending, issued.authReqId, user.subject, report)
      return serverError()
    }
  }
  try {
    await untilEnd(flow, () =>
      hooks.startAuthentication({
        user,
        ticket: request.ticket,
        authReqId: issued.authReqId,
        expiresIn: issued.expiresIn,
        interval: issued.interval,
        request,
      }),
    )
  } catch (error) {
    // The auth_req_id exists, but no device will ever ask the user. A 200 would have the client
    // poll (or wait for a ping) until it expires, for a login nobody can complete; a 500 tells it
    // now. Nothing else is called: /fail no longer applies after /issue, and /complete with
    // TRANSACTION_FAILED would make Authlete notify the client of a request it was never told of.
    // The auth_req_id expires unused. The same when the flow ends while it is pending.
    report(error, 'startAuthentication')
    if (hooks.pending) withdrawPending(hooks.pending, issued.authReqId, user.subject, report)
    return serverError()
  }
  return toBackchannelResponse(issued)
}

/**
 * `/fail` `SERVER_ERROR` for a ticket the flow ended without issuing, on a budget of its own and
 * without the flow's signal (it has fired). Not awaited: the answer goes out now; its failure is
 * only reported.
 */
function failAfterEnd(authlete: BackchannelEndpointClient, ticket: string, report: Report): void {
  try {
    authlete
      .backchannelFail({ ticket, reason: 'SERVER_ERROR' }, { timeoutMs: FAIL_AFTER_END_TIMEOUT_MS })
      .then(undefined, (error: unknown) => report(error, 'backchannelFail'))
  } catch (error) {
    report(error, 'backchannelFail')
  }
}

/**
 * Options of {@link handleBackchannelAuthenticationWebRequest}: the flow's options (its deadline also
 * covers reading the body), and what a WHATWG `Request` does not carry.
 */
export interface BackchannelAuthenticationWebRequestOptions extends BackchannelAuthenticationOptions {
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
 * The body is read no further than 1 MiB (`MAX_PARAMETERS_LENGTH` bytes; a larger declared
 * `Content-Length` is refused before reading): past it, or unreadable, or not all there at the
 * flow's deadline (`flowTimeoutMs`, which covers the read), it is answered 400 `invalid_request`,
 * as `handleBackchannelAuthentication` answers a body over the limit. `signal` ends the read at
 * once (a 500 `server_error`). Each of these is reported at `request`.
 *
 * @example
 * ```ts
 * app.post('/backchannel/authentication', (c) => handleBackchannelAuthenticationWebRequest(authlete, c.req.raw, hooks))
 * ```
 */
export async function handleBackchannelAuthenticationWebRequest<User extends BackchannelUser>(
  authlete: BackchannelEndpointClient,
  request: Request,
  hooks: BackchannelAuthenticationHooks<User>,
  options: BackchannelAuthenticationWebRequestOptions = {},
): Promise<Response> {
  const report = reporterOf(hooks)
  const response = await runFlow(options, report, serverError, async (flow) => {
    let input: BackchannelAuthenticationInput
    try {
      const { clientCertificate, clientCertificatePath } = options ?? {}
      const authorization = request.headers.get('authorization')
      const body = await readBodyText(request, flow.signal)
      input = { body, authorization, clientCertificate, clientCertificatePath }
    } catch (error) {
      // Too large, broken, too slow for the deadline (or this is no Request): the client's fault.
      // The caller's signal is the server's own decision.
      report(error, 'request')
      const callerEnded = flow.signal.aborted && !flow.timedOut()
      return callerEnded ? serverError() : refusal('invalid_request')
    }
    return run(authlete, input, hooks, flow, report)
  })
  return toWebResponse(response)
}

/** The user, or the reason to refuse the request with, or the flow's end (already reported). */
type Verdict<User> = { user: User } | { reason: BackchannelFailReason } | { ended: true }
type Report = ReportOf<BackchannelAuthenticationStage>

/** Steps 3 to 5 of the reference flow: the user, the login hint token, the user code, the binding message. */
async function checkRequest<User extends BackchannelUser>(
  request: BackchannelAuthenticationUserIdentification,
  hooks: BackchannelAuthenticationHooks<User>,
  flow: Flow,
  report: Report,
): Promise<Verdict<User>> {
  let stage: BackchannelAuthenticationStage = 'identifyUser'
  try {
    const user = await untilEnd(flow, () =>
      hooks.identifyUser({ hintType: request.hintType, hint: request.hint, sub: request.sub }, request),
    )
    if (user === undefined || user === null) return { reason: 'UNKNOWN_USER_ID' }
    if (typeof user.subject !== 'string' || user.subject === '') {
      throw new TypeError('identifyUser returned a user without a subject (a non-empty string)')
    }

    stage = 'isLoginHintTokenExpired'
    const expired = hooks.isLoginHintTokenExpired
    if (request.hintType === 'LOGIN_HINT_TOKEN' && expired && request.hint !== undefined) {
      const { hint } = request
      if ((await untilEnd(flow, () => expired(hint, request))) !== false) {
        return { reason: 'EXPIRED_LOGIN_HINT_TOKEN' }
      }
    }

    stage = 'verifyUserCode'
    const verify = hooks.verifyUserCode
    const { userCode } = request
    if (request.userCodeRequired === true || (verify && userCode !== undefined)) {
      // Authlete refuses a missing required code itself; this is the belt to its braces.
      if (userCode === undefined || userCode === '') return { reason: 'MISSING_USER_CODE' }
      if (!verify) throw new TypeError('the client requires a user code, and no verifyUserCode hook is given')
      if ((await untilEnd(flow, () => verify(user, userCode, request))) !== true) {
        return { reason: 'INVALID_USER_CODE' }
      }
    }

    stage = 'validateBindingMessage'
    const message = request.bindingMessage
    if (message !== undefined) {
      const validate = hooks.validateBindingMessage ?? isPlainBindingMessage
      if ((await untilEnd(flow, () => validate(message, request))) !== true) {
        return { reason: 'INVALID_BINDING_MESSAGE' }
      }
    }
    return { user }
  } catch (error) {
    report(error, stage)
    // Ended (the deadline, the caller's signal): answered at once, whatever the hook does later.
    return flow.signal.aborted ? { ended: true } : { reason: 'SERVER_ERROR' }
  }
}

/** `onError` made safe: what it throws or rejects with is dropped. */

function serverError(): EndpointResponse {
  return toBackchannelResponse(undefined)
}

/** The answer to a request refused before any call, as Authlete answers the same fault. */
function refusal(refused: ClientRequestRefusal['refused']): EndpointResponse {
  if (refused === 'invalid_client') {
    return toBackchannelResponse({ action: 'UNAUTHORIZED', responseContent: INVALID_CLIENT })
  }
  if (refused === 'invalid_request') {
    return toBackchannelResponse({ action: 'BAD_REQUEST', responseContent: INVALID_REQUEST })
  }
  return serverError()
}
