/**
 * The authorization server's UserInfo endpoint in one call (OpenID Connect Core §5.3): the access
 * token in, Authlete's check (`/auth/userinfo`), your claims for the names it allows, and the
 * response it issues (`/auth/userinfo/issue`), as Authlete's Java `UserInfoRequestHandler` does.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 * @module
 */

import type { AuthleteClient } from '../client.js'
import type { UserinfoAnswer, UserinfoOk } from '../operations/userinfo.js'
import type { UserinfoIssueAnswer } from '../operations/userinfo-issue.js'
import {
  challengeResponse,
  errorStatusOf,
  invalidTokenRequestResponse,
  missingProofResponse,
  missingTokenResponse,
  okHeaders,
  type PresentedAccessToken,
  proofFields,
  readAccessToken,
  serverErrorResponse,
} from './access-token.js'
import { type Flow, type FlowOptions, runFlow, untilEnd } from './flow.js'
import { type Report as ReportOf, reporterOf } from './report.js'
import { type FormBody, formText, readWebRequestBody, unknownInputField } from './request-input.js'
import { type EndpointResponse, isAnswer, toWebResponse, unknownActionError } from './response.js'

/** The Authlete calls the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type UserInfoEndpointClient = Pick<AuthleteClient, 'userinfo' | 'userinfoIssue'>

/** The client's request to the UserInfo endpoint, as the endpoint received it. */
export interface UserInfoRequestInput {
  /** The HTTP method: `GET` or `POST` (OpenID Connect Core §5.3.1); a DPoP proof's `htm`. */
  method: string
  /**
   * The `Authorization` header (`Bearer …` or `DPoP …`), `undefined` when there is none: a field to
   * give even then, so that a request object cannot stand for the input.
   */
  authorization: string | null | undefined
  /** The `DPoP` header (RFC 9449), `undefined` when there is none. Read with the `DPoP` scheme only. */
  dpop: string | null | undefined
  /**
   * The body of a form `POST` (raw text, `URLSearchParams` or a parsed object), whose `access_token`
   * is read when there is no `Authorization` header (RFC 6750 §2.2). A query string is never read.
   * @default undefined
   */
  body?: FormBody | undefined
  /** The client's certificate (PEM), for a certificate-bound token (RFC 8705). @default undefined */
  clientCertificate?: string | undefined
}

/** What the `claims` hook is given: whose claims, and which. */
export interface UserInfoClaimsContext {
  /** The user the token was issued for. */
  subject: string
  /**
   * The names of the claims the token allows (from its scopes and the `claims` request), each
   * perhaps with a language tag (`name#ja`). Only these are sent, whatever the hook returns.
   */
  claimNames: string[]
  /** The token's scopes. */
  scopes: string[]
  /** The client's numeric ID. */
  clientId: number | undefined
  /** The language tags `claimNames` carry (`name#ja` → `ja`), in their order, each once. */
  claimsLocales: string[]
  /** Authlete's whole answer. */
  answer: UserinfoOk
}

/** The claims' values by name; `undefined` or `null` values (and names not allowed) are left out. */
export type UserInfoClaims = Readonly<Record<string, unknown>>

/** Where the flow was when `onError` is told of an error. */
export type UserInfoRequestStage = 'request' | 'userinfo' | 'claims' | 'userinfoIssue'

/** What the authorization server supplies: the users' claims. */
export interface UserInfoRequestHooks {
  /**
   * The values of the claims `context.claimNames` names, for `context.subject`: an object by claim
   * name (`{ name: 'John Smith', email: 'john@example.com' }`), or `undefined` for none. `sub` is
   * never yours to set: Authlete writes the token's.
   */
  claims(
    context: UserInfoClaimsContext,
  ): UserInfoClaims | undefined | null | PromiseLike<UserInfoClaims | undefined | null>
  /**
   * Told of every error the endpoint absorbed (an unreachable Authlete, a hook that threw or ran past
   * the deadline) and where; the client gets a 500 with no detail. Its own errors are ignored.
   * @default undefined
   */
  onError?(error: unknown, stage: UserInfoRequestStage): void
}

/** Options of {@link handleUserInfoRequest}. */
export interface UserInfoRequestOptions extends FlowOptions {
  /**
   * The UserInfo endpoint's public URL, checked against a DPoP proof's `htu`. Give it only if the
   * service's `userInfoEndpoint` setting is not that URL; never the URL the request arrived at,
   * which behind a proxy is not the public one.
   * @default undefined (Authlete uses the service's `userInfoEndpoint`)
   */
  htu?: string | undefined
  /**
   * The flow's own deadline, in milliseconds, over both Authlete calls and the `claims` hook: when
   * it passes, or `signal` fires, the answer is a 500 at once, reported to `onError`.
   * @default 20000
   */
  flowTimeoutMs?: number | undefined
}

/** The fields of {@link UserInfoRequestInput}: any other is refused. */
const INPUT_FIELDS: ReadonlySet<string> = new Set([
  'method',
  'authorization',
  'dpop',
  'body',
  'clientCertificate',
])

type Report = ReportOf<UserInfoRequestStage>

/**
 * Runs the UserInfo endpoint for one request and resolves to the answer to send (`{ status,
 * headers, body }`). It never rejects.
 *
 * 1. The access token: `Authorization: Bearer` or `DPoP`, else a form `POST`'s `access_token`. None:
 *    401 with a bare `WWW-Authenticate: Bearer` (RFC 6750 §3.1); two, or another scheme: 400
 *    `invalid_request`. Authlete is not called.
 * 2. `/auth/userinfo`, with the `DPoP` proof, `htm` and `htu` when the scheme is `DPoP` (a proof
 *    sent with `Bearer` is not passed on: a DPoP-bound token presented as a bearer token is refused,
 *    RFC 9449 §7.2). `BAD_REQUEST` 400, `UNAUTHORIZED` 401, `FORBIDDEN` 403,
 *    `INTERNAL_SERVER_ERROR` 500, each with `WWW-Authenticate` from `responseContent` and no body.
 * 3. `OK`: your `claims` hook, for the names Authlete allows; then `/auth/userinfo/issue` with
 *    those of them that have a value. `JSON`: 200 `application/json`; `JWT`: 200 `application/jwt`.
 *
 * Every answer has `Cache-Control: no-store`, and `DPoP-Nonce` when Authlete gives one. Authlete
 * unreachable, an unknown action, a hook that throws or outlives `flowTimeoutMs`: 500 with no
 * detail, told to `onError`.
 *
 * @example
 * ```ts
 * app.all('/userinfo', express.urlencoded({ extended: false }), async (req, res) => {
 *   const answer = await handleUserInfoRequest(
 *     authlete,
 *     { method: req.method, authorization: req.get('authorization'), dpop: req.get('dpop'), body: req.body },
 *     { claims: ({ subject, claimNames }) => users.claims(subject, claimNames) },
 *   )
 *   res.status(answer.status).set(answer.headers).end(answer.body)
 * })
 * ```
 */
export function handleUserInfoRequest(
  authlete: UserInfoEndpointClient,
  input: UserInfoRequestInput,
  hooks: UserInfoRequestHooks,
  options?: UserInfoRequestOptions,
): Promise<EndpointResponse> {
  const report = reporterOf<UserInfoRequestStage>(hooks)
  return runFlow(options, report, serverErrorResponse, (flow) =>
    run(authlete, input, hooks, options?.htu, flow, report),
  )
}

async function run(
  authlete: UserInfoEndpointClient,
  input: UserInfoRequestInput,
  hooks: UserInfoRequestHooks,
  htu: string | undefined,
  flow: Flow,
  report: Report,
): Promise<EndpointResponse> {
  const unknown = unknownInputField(input, INPUT_FIELDS)
  if (unknown !== undefined) {
    report(unknown, 'request')
    return serverErrorResponse()
  }
  const method = typeof input.method === 'string' ? input.method.toUpperCase() : ''
  // OpenID Connect Core §5.3.1: GET or POST.
  if (method !== 'GET' && method !== 'POST') return methodNotAllowed()
  const form = method === 'POST' ? formToken(input.body) : undefined
  if (form !== undefined && 'invalid' in form) return invalidTokenRequestResponse(form.invalid, 'Bearer')
  const presented = readAccessToken(input.authorization, form?.token)
  if ('missing' in presented) return missingTokenResponse()
  if ('invalid' in presented) return invalidTokenRequestResponse(presented.invalid, presented.scheme)
  if (presented.scheme === 'DPoP' && !input.dpop) return missingProofResponse()

  let answer: UserinfoAnswer
  try {
    answer = await authlete.userinfo(userinfoRequest(presented, input, method, htu), flow.call)
  } catch (error) {
    report(error, 'userinfo')
    return serverErrorResponse()
  }
  if (answer.action !== 'OK') return errorResponse(answer, answer.dpopNonce, report, 'userinfo')

  let values: Record<string, unknown> | undefined
  try {
    const claims = await untilEnd(flow, () => hooks.claims(claimsContext(answer as UserinfoOk)))
    if (claims !== undefined && claims !== null && (typeof claims !== 'object' || Array.isArray(claims))) {
      throw new TypeError('claims returned something other than an object (or Map) of claims by name')
    }
    values = allowedClaims(claims, answer.claims)
  } catch (error) {
    report(error, 'claims')
    return serverErrorResponse()
  }

  let issued: UserinfoIssueAnswer
  try {
    issued = await authlete.userinfoIssue(
      { token: presented.token, ...(values === undefined ? {} : { claims: values }) },
      flow.call,
    )
  } catch (error) {
    report(error, 'userinfoIssue')
    return serverErrorResponse()
  }
  switch (issued.action) {
    case 'JSON':
      return {
        status: 200,
        headers: okHeaders('application/json;charset=UTF-8', answer.dpopNonce),
        body: issued.responseContent,
      }
    case 'JWT':
      return {
        status: 200,
        headers: okHeaders('application/jwt', answer.dpopNonce),
        body: issued.responseContent,
      }
    default:
      return errorResponse(issued, answer.dpopNonce, report, 'userinfoIssue')
  }
}

/**
 * The form body's `access_token`: `undefined` when the body has none, `invalid` when it has it more
 * than once or cannot be read as a form (RFC 6750 §2.2: one token, in a form body).
 */
function formToken(body: FormBody | undefined): { token: string } | { invalid: string } | undefined {
  if (body === undefined) return undefined
  const text = formText(body)
  if (typeof text !== 'string') return { invalid: 'The request body is not a form.' }
  if (text === '') return undefined
  const tokens = new URLSearchParams(text).getAll('access_token')
  if (tokens.length > 1) return { invalid: 'The access token must be sent one way only.' }
  return tokens.length === 1 ? { token: tokens[0] as string } : undefined
}

/** A method other than GET or POST: 405 with `Allow`. */
function methodNotAllowed(): EndpointResponse {
  const response = challengeResponse(405, undefined, undefined)
  response.headers.Allow = 'GET, POST'
  return response
}

/** The `htu` option as given: Authlete's own UserInfo endpoint URL when `undefined`. */
function asGiven(htu: string | undefined): string | undefined {
  return htu
}

function userinfoRequest(
  presented: PresentedAccessToken,
  input: UserInfoRequestInput,
  method: string,
  htu: string | undefined,
) {
  return {
    token: presented.token,
    clientCertificate: input.clientCertificate,
    ...proofFields(presented, input.dpop, method, asGiven, htu),
  }
}

function claimsContext(answer: UserinfoOk): UserInfoClaimsContext {
  const claimNames = answer.claims ?? []
  const claimsLocales = [
    ...new Set(claimNames.flatMap((name) => (name.includes('#') ? [name.slice(name.indexOf('#') + 1)] : []))),
  ]
  return {
    subject: answer.subject,
    claimNames: [...claimNames],
    scopes: [...(answer.scopes ?? [])],
    clientId: answer.clientId,
    claimsLocales,
    answer,
  }
}

/**
 * The values of `claims` that Authlete allows (`names`), none `undefined` or `null`, never `sub`:
 * a plain object's or a class instance's properties (getters included), or a `Map`'s entries.
 */
function allowedClaims(
  claims: UserInfoClaims | ReadonlyMap<string, unknown> | undefined | null,
  names: readonly string[] | undefined,
): Record<string, unknown> | undefined {
  if (claims === undefined || claims === null || names === undefined) return undefined
  const values: Record<string, unknown> = {}
  let any = false
  for (const name of names) {
    if (name === 'sub') continue
    let value: unknown
    if (claims instanceof Map) value = claims.get(name)
    // Not a name Object.prototype has (constructor, toString): a claim is data, never inherited from it.
    else if (name in claims && !(name in Object.prototype)) value = (claims as Record<string, unknown>)[name]
    if (value === undefined || value === null || typeof value === 'function') continue
    values[name] = value
    any = true
  }
  return any ? values : undefined
}

/**
 * An error action of either call: its status and challenge; an action this version does not know:
 * 500, and `onError` told at the call's stage.
 */
function errorResponse(
  answer: { action: string; responseContent?: string },
  dpopNonce: string | undefined,
  report: Report,
  stage: 'userinfo' | 'userinfoIssue',
) {
  const status = errorStatusOf(answer.action)
  if (status === undefined || !isAnswer(answer)) {
    report(unknownActionError(stage, (answer as { action?: unknown } | null)?.action), stage)
    return serverErrorResponse()
  }
  return challengeResponse(status, answer.responseContent, dpopNonce)
}

/** Options of {@link handleUserInfoWebRequest}: {@link UserInfoRequestOptions}, and what a `Request` does not carry. */
export interface UserInfoWebRequestOptions extends UserInfoRequestOptions {
  /**
   * The client's certificate (PEM), when your server terminates mutual TLS.
   * @default undefined
   */
  clientCertificate?: string | undefined
}

/**
 * {@link handleUserInfoRequest} on the Fetch API: reads the method, the `Authorization` and `DPoP`
 * headers, and a form `POST`'s body (at most 1 MiB, within 10 s, not past `signal`), and resolves
 * to the `Response` to return. It never rejects. A body that cannot be read is 400
 * `invalid_request`, reported at `request`.
 *
 * @example
 * ```ts
 * app.on(['GET', 'POST'], '/userinfo', (c) => handleUserInfoWebRequest(authlete, c.req.raw, hooks))
 * ```
 */
export async function handleUserInfoWebRequest(
  authlete: UserInfoEndpointClient,
  request: Request,
  hooks: UserInfoRequestHooks,
  options: UserInfoWebRequestOptions = {},
): Promise<Response> {
  const report = reporterOf<UserInfoRequestStage>(hooks)
  let input: UserInfoRequestInput
  let callOptions: UserInfoRequestOptions
  try {
    const { clientCertificate, ...rest } = options ?? {}
    callOptions = rest
    let body: string | undefined
    const type = request.headers.get('content-type') ?? ''
    if (request.method.toUpperCase() === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(type)) {
      const read = await readWebRequestBody(request, rest.signal)
      if ('error' in read) {
        report(read.error, 'request')
        return toWebResponse(
          read.callerAborted
            ? serverErrorResponse()
            : invalidTokenRequestResponse('The request body could not be read.', 'Bearer'),
        )
      }
      body = read.text
    }
    input = {
      method: request.method,
      authorization: request.headers.get('authorization'),
      dpop: request.headers.get('dpop'),
      body,
      clientCertificate,
    }
  } catch (error) {
    // No Request at all, or options that cannot be read.
    report(error, 'request')
    return toWebResponse(serverErrorResponse())
  }
  return toWebResponse(await handleUserInfoRequest(authlete, input, hooks, callOptions))
}
