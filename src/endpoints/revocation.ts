/**
 * The authorization server's revocation endpoint in one call (RFC 7009): the client's request in,
 * Authlete's answer (`/auth/revocation`, which authenticates the client and revokes its token) out,
 * as Authlete's Java `RevocationRequestHandler` maps it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 * @module
 */

import type { AuthleteClient } from '../client.js'
import { isAuthleteError } from '../errors.js'
import type { RevocationAnswer } from '../operations/revocation.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import { type Report, reporterOf } from './report.js'
import { type FormBody, readClientRequest, readWebRequestBody } from './request-input.js'
import { type EndpointResponse, toWebResponse, unknownActionError } from './response.js'
import { forgetTokenChecks } from './token-check-cache.js'

/** The Authlete call the endpoint makes: an `AuthleteClient`, or a stand-in of your own. */
export type RevocationEndpointClient = Pick<AuthleteClient, 'revocation'>

/** The client's revocation request, as the endpoint received it. */
export interface RevocationRequestInput {
  /** The request body (`token`, `token_type_hint`): the raw form text, `URLSearchParams`, or the parsed object. */
  body: FormBody
  /**
   * The `Authorization` header (`client_secret_basic`), `undefined` when there is none: a field to
   * give even then, so that a request object cannot stand for the input.
   */
  authorization: string | null | undefined
  /** The client's certificate (PEM), with mutual TLS. @default undefined */
  clientCertificate?: string | undefined
  /** The certificate chain below the client's certificate (PEMs), with mutual TLS. @default undefined */
  clientCertificatePath?: readonly string[] | undefined
}

/** Where the flow was when `onError` is told of an error. */
export type RevocationRequestStage = 'request' | 'clientAuthentication' | 'revocation'

/** What the authorization server may supply. */
export interface RevocationRequestHooks {
  /**
   * Told of every error the endpoint absorbed (Authlete unreachable, a malformed Basic header) and
   * where. Its own errors are ignored.
   * @default undefined
   */
  onError?(error: unknown, stage: RevocationRequestStage): void
}

/** Options of {@link handleRevocationRequest}: the per-call options of `/auth/revocation`. */
export interface RevocationRequestOptions extends AuthleteCallOptions {}

/** The fields of {@link RevocationRequestInput}: any other is refused. */
const INPUT_FIELDS: ReadonlySet<string> = new Set([
  'body',
  'authorization',
  'clientCertificate',
  'clientCertificatePath',
])

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }
/** `RevocationRequestHandler.CHALLENGE`. */
const CHALLENGE = 'Basic realm="revocation"'
const SERVER_ERROR = '{"error":"server_error"}'
/** Fields of `/auth/revocation` that come from the client's request: a refusal there is the client's fault. */
const CLIENT_FIELDS: ReadonlySet<string> = new Set(['parameters', 'clientId', 'clientSecret'])

/**
 * Runs the revocation endpoint for one client request and resolves to the answer to send. It never
 * rejects.
 *
 * 1. A malformed `Authorization` header (not Basic, not base64, no colon, not UTF-8) is 401
 *    `invalid_client` with `WWW-Authenticate: Basic realm="revocation"`, without calling Authlete.
 * 2. `/auth/revocation` with the body as `parameters` and the Basic credentials. `OK`: 200 with an
 *    empty body (RFC 7009 §2.2: the same for a token revoked, unknown, or another client's); with a
 *    JSONP `callback`, Authlete's script as `application/javascript`. `BAD_REQUEST` 400,
 *    `INVALID_CLIENT` 401 with the Basic challenge, `INTERNAL_SERVER_ERROR` 500, each with
 *    Authlete's JSON. Authlete unreachable or an unknown action: 500 `server_error`, told to
 *    `onError`.
 *
 * A token revoked here is forgotten by `validateAccessToken` on the same client (its `cacheMs`).
 *
 * @example
 * ```ts
 * app.post('/revoke', express.urlencoded({ extended: false }), async (req, res) => {
 *   const answer = await handleRevocationRequest(authlete, { body: req.body, authorization: req.get('authorization') })
 *   res.status(answer.status).set(answer.headers).end(answer.body)
 * })
 * ```
 */
export async function handleRevocationRequest(
  authlete: RevocationEndpointClient,
  input: RevocationRequestInput,
  hooks: RevocationRequestHooks = {},
  options: RevocationRequestOptions = {},
): Promise<EndpointResponse> {
  const report = reporterOf<RevocationRequestStage>(hooks)
  try {
    const client = readClientRequest(input, INPUT_FIELDS)
    if ('refused' in client) {
      report(client.error, client.stage)
      if (client.refused === 'invalid_client') return invalidClient('{"error":"invalid_client"}')
      return client.refused === 'invalid_request'
        ? { status: 400, headers: { ...JSON_HEADERS }, body: '{"error":"invalid_request"}' }
        : serverError()
    }
    let answer: RevocationAnswer
    try {
      answer = await authlete.revocation(client, options ?? {})
    } catch (error) {
      report(error, 'revocation')
      // What the client sent and the client alone can fix (an empty body, a huge one) is refused
      // before any I/O: the client's fault, not the server's.
      if (isAuthleteError(error, 'AUTHLETE_INVALID_INPUT') && CLIENT_FIELDS.has(error.field)) {
        return { status: 400, headers: { ...JSON_HEADERS }, body: '{"error":"invalid_request"}' }
      }
      // The token may have been revoked all the same (a deadline that passed as Authlete answered):
      // what this process kept of it is dropped too, so that a check fails closed, not open.
      forgetTokenChecks(authlete)
      return serverError()
    }
    return toRevocationResponse(answer, authlete, report)
  } catch (error) {
    // Only a broken argument (no input object, a stand-in client answering nonsense) gets here.
    report(error, 'request')
    return serverError()
  }
}

/** Authlete's answer as the endpoint's response (`RevocationRequestHandler.process`). */
function toRevocationResponse(
  answer: RevocationAnswer,
  authlete: object,
  report: Report<RevocationRequestStage>,
): EndpointResponse {
  const content = typeof answer.responseContent === 'string' ? answer.responseContent : undefined
  switch (answer.action) {
    case 'OK':
      forgetTokenChecks(authlete)
      return content === undefined || content === ''
        ? { status: 200, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' }, body: '' }
        : {
            status: 200,
            headers: {
              'Content-Type': 'application/javascript;charset=UTF-8',
              'Cache-Control': 'no-store',
              Pragma: 'no-cache',
            },
            body: content,
          }
    case 'BAD_REQUEST':
      return { status: 400, headers: { ...JSON_HEADERS }, body: content ?? '{"error":"invalid_request"}' }
    case 'INVALID_CLIENT':
      return invalidClient(content ?? '{"error":"invalid_client"}')
    case 'INTERNAL_SERVER_ERROR':
      return { status: 500, headers: { ...JSON_HEADERS }, body: content ?? SERVER_ERROR }
    default:
      // A newer Authlete's action: it may have revoked the token, so nothing kept of it is trusted.
      forgetTokenChecks(authlete)
      report(unknownActionError('revocation', answer.action), 'revocation')
      return serverError()
  }
}

function invalidClient(body: string): EndpointResponse {
  return { status: 401, headers: { ...JSON_HEADERS, 'WWW-Authenticate': CHALLENGE }, body }
}

function serverError(): EndpointResponse {
  return { status: 500, headers: { ...JSON_HEADERS }, body: SERVER_ERROR }
}

/** Options of {@link handleRevocationWebRequest}: {@link RevocationRequestOptions}, and what a `Request` does not carry. */
export interface RevocationWebRequestOptions extends RevocationRequestOptions {
  /** The client's certificate (PEM), when your server terminates mutual TLS. @default undefined */
  clientCertificate?: string | undefined
  /** The certificate chain below it (PEMs). @default undefined */
  clientCertificatePath?: readonly string[] | undefined
}

/**
 * {@link handleRevocationRequest} on the Fetch API: reads the body (at most 1 MiB, within 10 s, not
 * past `signal`) and the `Authorization` header, and resolves to the `Response` to return. It never
 * rejects. A body that cannot be read is 400 `invalid_request`, reported at `request`.
 */
export async function handleRevocationWebRequest(
  authlete: RevocationEndpointClient,
  request: Request,
  hooks: RevocationRequestHooks = {},
  options: RevocationWebRequestOptions = {},
): Promise<Response> {
  const report = reporterOf<RevocationRequestStage>(hooks)
  let input: RevocationRequestInput
  let callOptions: RevocationRequestOptions
  try {
    const { clientCertificate, clientCertificatePath, ...rest } = options ?? {}
    callOptions = rest
    const read = await readWebRequestBody(request, rest.signal)
    if ('error' in read) {
      report(read.error, 'request')
      return toWebResponse(
        read.callerAborted
          ? serverError()
          : { status: 400, headers: { ...JSON_HEADERS }, body: '{"error":"invalid_request"}' },
      )
    }
    input = {
      body: read.text,
      authorization: request.headers.get('authorization'),
      clientCertificate,
      clientCertificatePath,
    }
  } catch (error) {
    // No Request at all, or options that cannot be read.
    report(error, 'request')
    return toWebResponse(serverError())
  }
  return toWebResponse(await handleRevocationRequest(authlete, input, hooks, callOptions))
}
