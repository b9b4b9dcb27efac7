/**
 * A resource server's check of the access token a request presented, in one call: the token read
 * from the request, Authlete's verdict (`/auth/introspection`, with the DPoP proof or certificate
 * and the scopes the resource requires), and either what to act on or the answer to send. Authlete
 * decides every case; this maps them, as Authlete's Java `AccessTokenValidator` does, and never
 * guesses. The authorization server's own API is a resource server too.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 * @module
 */

import { AuthleteClient, introspectionEncoded } from '../client.js'
import { checkTimeout, startDeadline, untilEnd } from '../deadline.js'
import { AuthleteInputError, AuthleteTimeoutError } from '../errors.js'
import { MAX_FIELD_LENGTH } from '../input.js'
import { formValue } from '../operations/form.js'
import type {
  IntrospectionAnswer,
  IntrospectionOk,
  IntrospectionRequest,
} from '../operations/introspection.js'
import { type CallReading, type RequestBody, readAnswer } from '../transport/operation.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import {
  challengeResponse,
  errorStatusOf,
  invalidTokenRequestResponse,
  missingProofResponse,
  missingTokenResponse,
  proofFields,
  readAccessToken,
  serverErrorResponse,
} from './access-token.js'
import { unknownInputField, unknownOption } from './request-input.js'
import { type EndpointResponse, isDpopNonce, unknownActionError } from './response.js'
import { cacheOf } from './token-check-cache.js'

/** The Authlete call it makes: an `AuthleteClient`, or a stand-in of your own. */
export type AccessTokenValidatorClient = Pick<AuthleteClient, 'introspection'>

/** The request to the resource, as the resource server received it. */
export interface AccessTokenRequest {
  /**
   * The `Authorization` header (`Bearer …` or `DPoP …`), `undefined` when there is none: a field to
   * give even then, so that a request object cannot stand for the input.
   */
  authorization: string | null | undefined
  /** The `DPoP` header (RFC 9449), `undefined` when there is none. Read with the `DPoP` scheme only. */
  dpop: string | null | undefined
  /** The request's HTTP method: a DPoP proof's `htm`. */
  method: string
  /**
   * The request's public URL (behind a proxy, the one the client used, not the one the request
   * arrived at): a DPoP proof's `htu`, compared without its query and fragment. A token in its query
   * string (`access_token`, RFC 6750 §2.3) is refused.
   */
  url: string | URL
  /** The client's certificate (PEM), for a certificate-bound token (RFC 8705). @default undefined */
  clientCertificate?: string | undefined
}

/** Options of {@link validateAccessToken}: what the resource requires, and the call's deadline. */
export interface ValidateAccessTokenOptions extends AuthleteCallOptions {
  /**
   * The scopes the resource requires: a token that lacks one is answered 403 `insufficient_scope`
   * with the scopes it needs.
   * @default [] (any scope)
   */
  scopes?: readonly string[] | undefined
  /**
   * The user the resource belongs to: a token of another is answered 403.
   * @default undefined (anyone's)
   */
  subject?: string | undefined
  /**
   * How long a Bearer token's valid result is kept and answered without calling Authlete, in
   * milliseconds: never past the token's expiry, never for a DPoP- or certificate-bound token (their
   * proof is per request), forgotten when a token is revoked through this process
   * (`handleRevocationRequest` with the same client). A token revoked elsewhere stays valid here
   * until its result lapses: keep it short.
   * @default 0 (every check calls Authlete; concurrent checks of one Bearer token share one call)
   */
  cacheMs?: number | undefined
  /**
   * The clock `cacheMs` and a kept result's expiry are read on, in milliseconds since the epoch:
   * your tests' clock, shared with the simulator's (`docs/testing.md`, "One clock").
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/** A token that will do: what to act on. */
export interface ValidAccessToken {
  readonly valid: true
  /** The user the token was issued for (none for a client's own token). */
  readonly subject: string | undefined
  /** The token's scopes. */
  readonly scopes: readonly string[]
  /** The client's numeric ID. */
  readonly clientId: number | undefined
  /** The client's alias, when it has one. */
  readonly clientIdAlias: string | undefined
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresAt: number | undefined
  /** Headers for the resource's answer: `DPoP-Nonce` when Authlete gave one. */
  readonly headers: Readonly<Record<string, string>>
  /** Authlete's whole answer (`authorizationDetails`, `properties`, `acr`, `authTime`, …). */
  readonly answer: IntrospectionOk
}

/**
 * A token that will not do: the answer to send (`WWW-Authenticate` set, no body). A 500 carries the
 * `error` behind it (Authlete unreachable, a bad option), for your logs.
 */
export interface InvalidAccessToken extends EndpointResponse {
  readonly valid: false
  /** Why a 500: the error, to log (the client is told nothing). @default undefined */
  readonly error?: unknown
}

/** What {@link validateAccessToken} resolves to. */
export type AccessTokenValidation = ValidAccessToken | InvalidAccessToken

/** The fields of {@link AccessTokenRequest}: any other is refused. */
const INPUT_FIELDS: ReadonlySet<string> = new Set([
  'authorization',
  'dpop',
  'method',
  'url',
  'clientCertificate',
])
const OPTIONS: ReadonlySet<string> = new Set(['scopes', 'subject', 'cacheMs', 'now', 'signal', 'timeoutMs'])

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/**
 * Checks the access token of `request` for a resource that requires `options.scopes` (and
 * `options.subject`), and resolves to `{ valid: true, subject, scopes, clientId, expiresAt, … }` or
 * to `{ valid: false, status, headers, body }`, the answer to send. It never rejects.
 *
 * - No token: 401 with a bare `WWW-Authenticate: Bearer` (RFC 6750 §3.1: no error code). Two
 *   tokens, another scheme, or a token in the query string: 400 `invalid_request`. Authlete is not
 *   called.
 * - `/auth/introspection`, with the `DPoP` proof, `method` and `url` when the scheme is `DPoP` (a
 *   proof sent with `Bearer` is not passed on, so a DPoP-bound token presented as a bearer token is
 *   refused, RFC 9449 §7.2). Authlete's verdict: `UNAUTHORIZED` 401 (unknown, expired, or not bound
 *   to the proof or certificate presented: `invalid_token`, `invalid_dpop_proof`), `FORBIDDEN` 403
 *   (`insufficient_scope` with the scopes needed, or another subject), `BAD_REQUEST` 400,
 *   `INTERNAL_SERVER_ERROR` 500, each with its challenge from `responseContent`.
 * - Authlete unreachable, an unknown action, a bad option: 500 with no detail; the resource fails
 *   closed. `error` says why.
 *
 * @example
 * ```ts
 * app.get('/api/me', async (req, res) => {
 *   const token = await validateAccessToken(authlete, {
 *     authorization: req.get('authorization'), dpop: req.get('dpop'),
 *     method: req.method, url: `https://api.example.com${req.originalUrl}`,
 *   }, { scopes: ['profile'] })
 *   if (!token.valid) return res.status(token.status).set(token.headers).end(token.body) // no type
 *   if (token.subject === undefined) return res.sendStatus(403) // a client's own token: no user
 *   res.set(token.headers).json(await profiles.get(token.subject))
 * })
 * ```
 */
export function validateAccessToken(
  authlete: AccessTokenValidatorClient,
  request: AccessTokenRequest,
  options: ValidateAccessTokenOptions = {},
): Promise<AccessTokenValidation> {
  // Not `async`: the checks run now, and a check that reaches Authlete costs one continuation on
  // the call's own promise (the hot path of every request to the resource).
  try {
    return validate(authlete, request, options ?? {})
  } catch (error) {
    return Promise.resolve(failClosed(error))
  }
}

/** A bad argument or option, or Authlete unreachable: the resource fails closed. */
function failClosed(error: unknown): InvalidAccessToken {
  return { valid: false, ...serverErrorResponse(), error }
}

function validate(
  authlete: AccessTokenValidatorClient,
  request: AccessTokenRequest,
  options: ValidateAccessTokenOptions,
): Promise<AccessTokenValidation> {
  const unknown =
    unknownInputField(request, INPUT_FIELDS) ?? unknownOption(options, OPTIONS, 'validateAccessToken')
  if (unknown !== undefined) throw unknown
  const { scopes, subject, signal, timeoutMs } = options
  // An empty subject (a missing path parameter, say) would ask Authlete nothing: fail closed.
  if (subject === '')
    throw new AuthleteInputError('subject', 'must be the user the resource belongs to, not empty')
  const cacheMs = options.cacheMs === undefined || options.cacheMs === 0 ? 0 : cacheMsOf(options.cacheMs)
  // Read on every check, not only a DPoP one: a resource server set up wrong learns it at once.
  const method = request.method
  if (method !== 'GET' && method !== 'POST' && (typeof method !== 'string' || !METHOD.test(method))) {
    throw new AuthleteInputError('method', 'must be the request method, e.g. GET')
  }
  const url = request.url
  // The URL checked last, again (a resource's own path, the usual case): known to pass, query-free.
  const known = typeof url === 'string' && url === checkedUrl
  if (
    !known &&
    !(url instanceof URL ? /^https?:$/.test(url.protocol) : typeof url === 'string' && ABSOLUTE_URL.test(url))
  ) {
    throw new AuthleteInputError('url', 'must be the public, absolute http(s) URL of the request')
  }
  if (timeoutMs !== undefined) checkTimeout('timeoutMs', timeoutMs)
  const now = options.now ?? Date.now
  if (typeof now !== 'function')
    throw new AuthleteInputError('now', 'must be a function returning milliseconds')

  const presented = readAccessToken(request.authorization, undefined)
  if ('missing' in presented) {
    return !known && queryToken(url)
      ? refused(invalidTokenRequestResponse(IN_QUERY, 'Bearer'))
      : refused(missingTokenResponse())
  }
  if ('invalid' in presented) {
    return refused(invalidTokenRequestResponse(presented.invalid, presented.scheme))
  }
  if (!known) {
    if (queryToken(url)) return refused(invalidTokenRequestResponse(IN_QUERY, presented.scheme))
    // Only a URL without a query is remembered: one string, holding nothing a query could carry.
    if (typeof url === 'string' && url.indexOf('?') === -1) checkedUrl = url
  }

  const proof = proofFields(presented, request.dpop, method, withoutQuery, url)
  const dpop = proof.dpop
  if (presented.scheme === 'DPoP' && dpop === undefined) return refused(missingProofResponse())
  // A Bearer token without a certificate proves nothing per request: its check can be shared and
  // kept, when what it asks is what the call takes (a subject that is text, scopes that are a list
  // of text). The scopes are copied item by item: the list sent is the one later callers are
  // compared with, whatever the caller's list does afterwards. `null`: the check goes out alone
  // (a proof, a certificate, or what the call will refuse).
  const required =
    dpop === undefined &&
    request.clientCertificate === undefined &&
    (subject === undefined || typeof subject === 'string')
      ? scopes === undefined
        ? undefined
        : copiedStrings(scopes)
      : null
  if (required === null) {
    const alone: IntrospectionRequest = {
      token: presented.token,
      scopes,
      subject,
      clientCertificate: request.clientCertificate,
      dpop,
      htm: proof.htm,
      htu: proof.htu,
    }
    return Promise.resolve(authlete.introspection(alone, { signal, timeoutMs })).then(verdictOf, failClosed)
  }
  // A Bearer token's check (the usual one) names only what it sends: the call reads fewer fields.
  const call: IntrospectionRequest =
    subject === undefined
      ? { token: presented.token, scopes: required }
      : { token: presented.token, scopes: required, subject }
  const cache = cacheOf<IntrospectionAnswer>(authlete)
  // The client's own call with the body written here, when it is the client's own method (not a
  // stand-in's, nor one a test replaced) and the values need no encoding; else the public method.
  // Read when a call is made, once, as `authlete.introspection(call)` reads it: not for a check
  // that joins another or is answered from what was kept.
  const token = presented.token
  const introspect = (
    reading: CallReading<IntrospectionAnswer, AccessTokenValidation>,
  ): Promise<AccessTokenValidation> => {
    const own = authlete.introspection
    const body =
      own === OWN_INTROSPECTION && subject === undefined && authlete instanceof AuthleteClient
        ? encodedBody(token, required)
        : undefined
    return body === undefined
      ? readAnswer(own.call(authlete, call), reading)
      : (authlete as AuthleteClient)[introspectionEncoded](body, reading)
  }
  // The shared call runs on the client's own deadline: each caller, the first included, waits
  // within its own signal and timeoutMs, so that one caller's short deadline fails no other.
  if (cacheMs === 0) {
    return within(
      cache.check(presented.token, call, introspect, false, verdictOf, failClosed),
      signal,
      timeoutMs,
    )
  }
  // The token (a b64token: no space), then the scopes' JSON text (self-delimiting), then the
  // subject: no two questions share a key.
  const key = `${presented.token} ${required === undefined ? '' : JSON.stringify(required)}${subject === undefined ? '' : ` ${subject}`}`
  const kept = cache.get(key, now(), cacheMs)
  if (kept !== undefined) return Promise.resolve(verdictOf(kept))
  const generation = cache.generation
  let started = false
  const checked = cache.check<AccessTokenValidation>(
    presented.token,
    call,
    (reading) => {
      started = true
      return introspect(reading)
    },
    true,
    (answer) => {
      try {
        if (started && answer.action === 'OK' && answer.certificateThumbprint === undefined) {
          cache.set(key, answer, now(), answer.expiresAt ?? Number.POSITIVE_INFINITY, generation)
        }
      } catch (error) {
        return failClosed(error)
      }
      return verdictOf(answer)
    },
    failClosed,
  )
  return within(checked, signal, timeoutMs)
}

/**
 * The caller's `verdict`, unless its `signal` or `timeoutMs` ends the wait first: then it fails
 * closed, and the shared call goes on for the others.
 */
function within(
  verdict: Promise<AccessTokenValidation>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<AccessTokenValidation> {
  // No deadline of the caller's own: the verdict itself, with no promise around it.
  if (timeoutMs === undefined && signal === undefined) return verdict
  return withinDeadline(verdict, signal, timeoutMs).then(undefined, failClosed)
}

async function withinDeadline<T>(
  shared: Promise<T>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<T> {
  if (timeoutMs === undefined) return untilEnd(signal as AbortSignal, () => shared)
  const deadline = startDeadline(timeoutMs, signal)
  try {
    return await untilEnd(deadline, () => shared)
  } catch (error) {
    throw deadline.timedOut() ? new AuthleteTimeoutError(timeoutMs, 'headers', { cause: error }) : error
  } finally {
    deadline.end()
  }
}

/** The last URL a check found well-formed and without a query. */
let checkedUrl: string | undefined

const OWN_INTROSPECTION = AuthleteClient.prototype.introspection
/** A scope that JSON carries as it is (RFC 6749 §3.3: `NQCHAR`, no quote, no backslash). */
const PLAIN_SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/
/** The last scope found plain: a resource asks for the same scope on every check. */
let plainScope: string | undefined

/**
 * The body of a Bearer check as the introspection call's encoder writes it (`{ token, scopes }`);
 * `undefined` for scopes that need the encoder's checks and escapes. The token is a b64token of at
 * most `MAX_TOKEN_LENGTH` characters (`readAccessToken`), which JSON carries as it is.
 */
function encodedBody(token: string, scopes: readonly string[] | undefined): RequestBody | undefined {
  // No list: every field is text, and the encoder sends a form.
  if (scopes === undefined) return { form: `token=${formValue(token)}` }
  let list = ''
  for (let i = 0; i < scopes.length; i++) {
    const scope = scopes[i] as string
    if (scope !== plainScope) {
      if (scope.length > MAX_FIELD_LENGTH || !PLAIN_SCOPE.test(scope)) return undefined
      plainScope = scope
    }
    list += i === 0 ? `"${scope}"` : `,"${scope}"`
  }
  return { json: `{"token":"${token}","scopes":[${list}]}` }
}

/** An HTTP method: an RFC 9110 token. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** An absolute http(s) URL with a host (checked cheaply: every check reads it). */
const ABSOLUTE_URL = /^https?:\/\/[^/?#\s]+(?:[/?#]\S*)?$/i

/** `cacheMs`: 0 (off), or a deadline option's whole milliseconds. */
function cacheMsOf(value: unknown): number {
  try {
    return checkTimeout('cacheMs', value)
  } catch {
    throw new AuthleteInputError(
      'cacheMs',
      'must be 0 (off) or a whole number of milliseconds from 1 to 2147483647',
    )
  }
}

const IN_QUERY = 'An access token in the query string is not accepted.'

/** Whether `url`'s query carries an `access_token` (RFC 6750 §2.3, which this resource refuses). */
function queryToken(url: string | URL): boolean {
  if (url instanceof URL) return url.searchParams.has('access_token')
  if (typeof url !== 'string') throw new AuthleteInputError('url', 'must be the request URL, a string or URL')
  const query = url.indexOf('?')
  if (query === -1) return false
  const fragment = url.indexOf('#', query)
  return new URLSearchParams(url.slice(query + 1, fragment === -1 ? undefined : fragment)).has('access_token')
}

/**
 * `scopes` copied item by item (by index, as the call reads them), or `null` when it is not a list
 * of text: the call refuses it, unshared. Stops at the first item that is not text (a hole too).
 */
function copiedStrings(scopes: unknown): string[] | null {
  if (!Array.isArray(scopes)) return null
  const copy: string[] = []
  for (let i = 0; i < scopes.length; i++) {
    const item: unknown = scopes[i]
    if (typeof item !== 'string') return null
    copy.push(item)
  }
  return copy
}

/** `url` without its query and fragment: a DPoP proof's `htu` (RFC 9449 §4.3). */
function withoutQuery(url: string | URL): string {
  const text = String(url)
  const end = text.search(/[?#]/)
  return end === -1 ? text : text.slice(0, end)
}

function refused(response: EndpointResponse): Promise<InvalidAccessToken> {
  return Promise.resolve({ valid: false, ...response })
}

/** Authlete's verdict as the result; an answer that cannot be read (a stand-in's) fails closed. */
function verdictOf(answer: IntrospectionAnswer): AccessTokenValidation {
  try {
    return verdict(answer)
  } catch (error) {
    return failClosed(error)
  }
}

/** Authlete's verdict as the result. */
function verdict(answer: IntrospectionAnswer): AccessTokenValidation {
  if (answer.action === 'OK') {
    const ok = answer as IntrospectionOk
    return {
      valid: true,
      subject: ok.subject,
      scopes: ok.scopes ?? [],
      clientId: ok.clientId,
      clientIdAlias: ok.clientIdAlias,
      expiresAt: ok.expiresAt,
      headers: isDpopNonce(ok.dpopNonce) ? { 'DPoP-Nonce': ok.dpopNonce } : NO_HEADERS,
      answer: ok,
    }
  }
  const status = errorStatusOf(answer.action)
  if (status === undefined) {
    return {
      valid: false,
      ...serverErrorResponse(),
      error: unknownActionError('introspection', answer.action),
    }
  }
  return { valid: false, ...challengeResponse(status, answer.responseContent, answer.dpopNonce) }
}
