/**
 * The authorization server's introspection endpoint in one call (RFC 7662): the caller
 * authenticated by your hook first (RFC 7662 §2.1 requires it), then Authlete's answer
 * (`/auth/introspection/standard`), as Authlete's Java `IntrospectionRequestHandler` maps it;
 * signed (RFC 9701) when the caller accepts `application/token-introspection+jwt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @module
 */

import type { AuthleteClient } from '../client.js'
import { isAuthleteError } from '../errors.js'
import type { IntrospectionStandardAnswer } from '../operations/introspection-standard.js'
import { type Flow, type FlowOptions, runFlow, untilEnd } from './flow.js'
import { type Report, reporterOf } from './report.js'
import { type FormBody, formText, readWebRequestBody, unknownInputField } from './request-input.js'
import { type EndpointResponse, toWebResponse, unknownActionError } from './response.js'

/** The Authlete call the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type IntrospectionEndpointClient = Pick<AuthleteClient, 'introspectionStandard'>

/** The caller's introspection request, as the endpoint received it. */
export interface IntrospectionRequestInput {
  /** The request body (`token`, `token_type_hint`): the raw form text, `URLSearchParams`, or the parsed object. */
  body: FormBody
  /**
   * The `Authorization` header (the caller's credentials, for your `authenticateCaller`),
   * `undefined` when there is none: a field to give even then.
   */
  authorization: string | null | undefined
  /**
   * The `Accept` header: `application/token-introspection+jwt` asks for a signed answer (RFC 9701).
   * @default undefined (JSON)
   */
  accept?: string | null | undefined
}

/** What `authenticateCaller` is given. */
export interface IntrospectionCaller {
  /** The request's `Authorization` header, as given. */
  authorization: string | null | undefined
  /** The request body as form text (a caller may authenticate in it, `client_secret_post`). */
  parameters: string
}

/** Where the flow was when `onError` is told of an error. */
export type IntrospectionRequestStage = 'request' | 'authenticateCaller' | 'introspectionStandard'

/** What the authorization server supplies: who may introspect. */
export interface IntrospectionRequestHooks {
  /**
   * Whether the caller (a resource server) may introspect: `true`, or `{ rsUri }` naming it (its
   * URI, which Authlete checks the token's audience against); `false` refuses it with 401, and
   * Authlete is not called.
   */
  authenticateCaller(
    caller: IntrospectionCaller,
  ): boolean | { rsUri?: string | undefined } | PromiseLike<boolean | { rsUri?: string | undefined }>
  /**
   * Told of every error the endpoint absorbed and where. Its own errors are ignored.
   * @default undefined
   */
  onError?(error: unknown, stage: IntrospectionRequestStage): void
}

/** Options of {@link handleIntrospectionRequest}. */
export interface IntrospectionRequestOptions extends FlowOptions {
  /**
   * The flow's own deadline, in milliseconds, over `authenticateCaller` and the Authlete call: when
   * it passes, or `signal` fires, the answer is a 500 at once, reported to `onError`.
   * @default 20000
   */
  flowTimeoutMs?: number | undefined
}

const INPUT_FIELDS: ReadonlySet<string> = new Set(['body', 'authorization', 'accept'])
const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const SERVER_ERROR = '{"error":"server_error"}'
const INVALID_REQUEST = '{"error":"invalid_request"}'

/**
 * Runs the introspection endpoint for one request and resolves to the answer to send. It never
 * rejects.
 *
 * 1. `authenticateCaller`: `false` is 401 `invalid_client` with `WWW-Authenticate: Basic
 *    realm="introspection"`, and Authlete is not called. A hook that throws or outlives the deadline
 *    is 500.
 * 2. `/auth/introspection/standard` with the body as `parameters`, the caller's `rsUri` and
 *    `Accept`. `OK`: 200 `application/json` (`{"active":…}`); `JWT`: 200
 *    `application/token-introspection+jwt`; `BAD_REQUEST` 400 and `INTERNAL_SERVER_ERROR` 500 with
 *    Authlete's JSON; Authlete unreachable or an unknown action: 500 `server_error`, told to
 *    `onError`.
 *
 * @example
 * ```ts
 * app.post('/introspect', express.urlencoded({ extended: false }), async (req, res) => {
 *   const answer = await handleIntrospectionRequest(
 *     authlete,
 *     { body: req.body, authorization: req.get('authorization'), accept: req.get('accept') },
 *     { authenticateCaller: ({ authorization }) => resourceServers.check(authorization) },
 *   )
 *   res.status(answer.status).set(answer.headers).end(answer.body)
 * })
 * ```
 */
export function handleIntrospectionRequest(
  authlete: IntrospectionEndpointClient,
  input: IntrospectionRequestInput,
  hooks: IntrospectionRequestHooks,
  options?: IntrospectionRequestOptions,
): Promise<EndpointResponse> {
  const report = reporterOf<IntrospectionRequestStage>(hooks)
  return runFlow(options, report, serverError, (flow) => run(authlete, input, hooks, flow, report))
}

async function run(
  authlete: IntrospectionEndpointClient,
  input: IntrospectionRequestInput,
  hooks: IntrospectionRequestHooks,
  flow: Flow,
  report: Report<IntrospectionRequestStage>,
): Promise<EndpointResponse> {
  const unknown = unknownInputField(input, INPUT_FIELDS)
  if (unknown !== undefined) {
    report(unknown, 'request')
    return serverError()
  }
  const parameters = formText(input.body)
  if (typeof parameters !== 'string') {
    report(new TypeError(parameters.problem), 'request')
    return parameters.unusable === 'client' ? invalidRequest() : serverError()
  }

  let verdict: boolean | { rsUri?: string | undefined }
  try {
    verdict = await untilEnd(flow, () =>
      hooks.authenticateCaller({ authorization: input.authorization, parameters }),
    )
    if (verdict !== true && verdict !== false && !isCallerObject(verdict)) {
      throw new TypeError('authenticateCaller returned something other than a boolean or { rsUri }')
    }
  } catch (error) {
    report(error, 'authenticateCaller')
    return serverError()
  }
  if (verdict === false) {
    return {
      status: 401,
      headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Basic realm="introspection"' },
      body: '{"error":"invalid_client"}',
    }
  }

  let answer: IntrospectionStandardAnswer
  try {
    answer = await authlete.introspectionStandard(
      {
        parameters,
        rsUri: verdict === true ? undefined : verdict.rsUri,
        httpAcceptHeader: input.accept || undefined,
      },
      flow.call,
    )
  } catch (error) {
    report(error, 'introspectionStandard')
    // An empty or huge body is refused before any I/O: the caller's fault.
    if (isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && error.field === 'parameters')
      return invalidRequest()
    return serverError()
  }
  const content = typeof answer.responseContent === 'string' ? answer.responseContent : undefined
  switch (answer.action) {
    case 'OK':
      return { status: 200, headers: { ...JSON_HEADERS }, body: answer.responseContent }
    case 'JWT':
      return {
        status: 200,
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/token-introspection+jwt' },
        body: answer.responseContent,
      }
    case 'BAD_REQUEST':
      return { status: 400, headers: { ...JSON_HEADERS }, body: content ?? INVALID_REQUEST }
    case 'INTERNAL_SERVER_ERROR':
      return { status: 500, headers: { ...JSON_HEADERS }, body: content ?? SERVER_ERROR }
    default:
      report(unknownActionError('introspectionStandard', answer.action), 'introspectionStandard')
      return serverError()
  }
}

/**
 * `{}` or `{ rsUri }` and nothing else: the caller is let in. Anything else (an array, an error, an
 * object with another field, `{ allowed: false }`) may be a refusal the hook meant: fail closed.
 */
function isCallerObject(value: unknown): value is { rsUri?: string | undefined } {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false
  for (const key of Object.keys(value)) if (key !== 'rsUri') return false
  const { rsUri } = value as { rsUri?: unknown }
  return rsUri === undefined || typeof rsUri === 'string'
}

function invalidRequest(): EndpointResponse {
  return { status: 400, headers: { ...JSON_HEADERS }, body: INVALID_REQUEST }
}

function serverError(): EndpointResponse {
  return { status: 500, headers: { ...JSON_HEADERS }, body: SERVER_ERROR }
}

/**
 * {@link handleIntrospectionRequest} on the Fetch API: reads the body (at most 1 MiB, within 10 s,
 * not past `signal`), the `Authorization` and `Accept` headers, and resolves to the `Response` to
 * return. It never rejects. A body that cannot be read is 400 `invalid_request`, reported at
 * `request`.
 */
export async function handleIntrospectionWebRequest(
  authlete: IntrospectionEndpointClient,
  request: Request,
  hooks: IntrospectionRequestHooks,
  options: IntrospectionRequestOptions = {},
): Promise<Response> {
  const report = reporterOf<IntrospectionRequestStage>(hooks)
  let input: IntrospectionRequestInput
  try {
    const read = await readWebRequestBody(request, options?.signal)
    if ('error' in read) {
      report(read.error, 'request')
      return toWebResponse(read.callerAborted ? serverError() : invalidRequest())
    }
    input = {
      body: read.text,
      authorization: request.headers.get('authorization'),
      accept: request.headers.get('accept'),
    }
  } catch (error) {
    // No Request at all, or options that cannot be read.
    report(error, 'request')
    return toWebResponse(serverError())
  }
  return toWebResponse(await handleIntrospectionRequest(authlete, input, hooks, options))
}
