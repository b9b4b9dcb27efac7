/**
 * An access token as a resource receives it (the UserInfo endpoint, a resource server's API): in
 * the `Authorization` header with the `Bearer` or `DPoP` scheme, or (a form `POST` only) as the
 * body's `access_token`; never from the query string. And the answers a resource gives when the
 * token will not do: the status with an RFC 6750 / RFC 9449 challenge, no body, never cached.
 *
 * @internal
 * @module
 */

import { MAX_TOKEN_LENGTH } from '../operations/request-fields.js'
import { type EndpointResponse, isDpopNonce } from './response.js'

/** An access token, how it came, and the DPoP proof that goes with it. */
export interface PresentedAccessToken {
  readonly token: string
  /** `DPoP`: the proof is passed on with `htm` and `htu`; `Bearer` (or the body): no proof is. */
  readonly scheme: 'Bearer' | 'DPoP'
}

/**
 * Why no token can be read: none at all (a bare challenge), or a request that breaks RFC 6750,
 * answered in `scheme` (the request's own, when it used one this reads: `Bearer` else).
 */
type NoAccessToken =
  | { readonly missing: true }
  | { readonly invalid: string; readonly scheme: 'Bearer' | 'DPoP' }

// RFC 6750 §2.1 b64token: what a token is made of.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * The access token of `authorization` (`Bearer x` or `DPoP x`, the scheme in any case), or of the
 * form body's `access_token`. Two at once, another scheme, or a token that is not a `b64token` is
 * `invalid` (RFC 6750 §2: one method only); none is `missing`.
 */
export function readAccessToken(
  authorization: string | null | undefined,
  formToken: string | undefined,
): PresentedAccessToken | NoAccessToken {
  // The usual header, `Bearer ` and a visible token with nothing after it: read with no trim and no
  // scheme scan. Anything else takes the general way below, which reads it the same.
  if (
    formToken === undefined &&
    typeof authorization === 'string' &&
    authorization.startsWith('Bearer ') &&
    isVisible(authorization.charCodeAt(7)) &&
    isVisible(authorization.charCodeAt(authorization.length - 1))
  ) {
    return checkToken(authorization.slice(7), 'Bearer')
  }
  const header = authorization?.trim() ?? ''
  if (header === '') {
    if (formToken === undefined) return MISSING
    return checkToken(formToken, 'Bearer')
  }
  if (formToken !== undefined) {
    return { invalid: 'The access token must be sent one way only.', scheme: 'Bearer' }
  }
  // The scheme read in place, with no copy of it: this runs on every request to a resource.
  const end = schemeEnd(header)
  const scheme =
    end === 6 && BEARER.test(header) ? 'Bearer' : end === 4 && DPOP.test(header) ? 'DPoP' : undefined
  if (scheme === undefined) {
    return { invalid: 'The Authorization header must use the Bearer or DPoP scheme.', scheme: 'Bearer' }
  }
  if (end === header.length) return checkToken('', scheme)
  // One space then a visible character (the usual header): the token is the rest as it is, since
  // the header was trimmed. Else the blanks are trimmed off.
  return checkToken(
    header.charCodeAt(end) === 32 && isVisible(header.charCodeAt(end + 1))
      ? header.slice(end + 1)
      : header.slice(end).trim(),
    scheme,
  )
}

/** A visible ASCII character (`NaN`, past the end, is not). */
function isVisible(code: number): boolean {
  return code > 32 && code < 127
}

/**
 * Where the scheme ends: at the first space or tab, or the end of `header`. Only its first seven
 * characters are looked at: a longer scheme is neither `Bearer` nor `DPoP` (7 then stands for it).
 */
function schemeEnd(header: string): number {
  const last = Math.min(header.length, 7)
  for (let i = 0; i < last; i++) {
    const c = header.charCodeAt(i)
    if (c === 32 || c === 9) return i
  }
  return last
}

const BEARER = /^bearer/i
const DPOP = /^dpop/i

const MISSING: NoAccessToken = Object.freeze({ missing: true })

function checkToken(token: string, scheme: 'Bearer' | 'DPoP'): PresentedAccessToken | NoAccessToken {
  if (token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    return { invalid: 'The access token is malformed.', scheme }
  }
  return { token, scheme }
}

/** The headers of every resource answer: never cached (RFC 6750 §5.3, RFC 9110 §5.2.2.5). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const

/**
 * An error answer of a resource: `status`, `WWW-Authenticate: challenge` (Authlete's
 * `responseContent`, when it has one), no body; `DPoP-Nonce` when Authlete gave one.
 */
export function challengeResponse(
  status: number,
  challenge: string | undefined,
  dpopNonce: string | undefined,
): EndpointResponse {
  const headers: Record<string, string> = { ...NO_STORE }
  if (isHeaderValue(challenge)) headers['WWW-Authenticate'] = challenge
  if (isDpopNonce(dpopNonce)) headers['DPoP-Nonce'] = dpopNonce
  return { status, headers, body: '' }
}

/** A request with no token at all: 401 with a bare challenge (RFC 6750 §3.1: no error code). */
export function missingTokenResponse(): EndpointResponse {
  return challengeResponse(401, 'Bearer', undefined)
}

/**
 * A request that breaks RFC 6750 (two tokens, another scheme, a malformed token): 400
 * `invalid_request`, in the scheme the request used.
 */
export function invalidTokenRequestResponse(
  description: string,
  scheme: 'Bearer' | 'DPoP',
): EndpointResponse {
  return challengeResponse(
    400,
    `${scheme} error="invalid_request",error_description="${description}"`,
    undefined,
  )
}

/** A 500 with no detail: a resource fails closed. */
export function serverErrorResponse(): EndpointResponse {
  return challengeResponse(500, undefined, undefined)
}

/** The headers of a successful answer: `Content-Type`, never cached, `DPoP-Nonce` if given. */
export function okHeaders(contentType: string, dpopNonce: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType, ...NO_STORE }
  if (isDpopNonce(dpopNonce)) headers['DPoP-Nonce'] = dpopNonce
  return headers
}

const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Text a header can carry: visible Latin-1, spaces and tabs; no CR, LF or other controls. */
export function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && HEADER_VALUE.test(value)
}

/** The status each error action of a token check is answered with (`ResponseUtil.bearerError`). */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL_SERVER_ERROR: 500,
}

/** The status of an error action of `/auth/userinfo` or `/auth/introspection`; `undefined`: not one. */
export function errorStatusOf(action: string): number | undefined {
  return Object.hasOwn(ERROR_STATUS, action) ? ERROR_STATUS[action] : undefined
}

/**
 * RFC 9449 §7.1: the DPoP scheme comes with a proof; without one, Authlete would take the token as
 * a bearer token. The 401 to answer.
 */
export function missingProofResponse(): EndpointResponse {
  return challengeResponse(
    401,
    'DPoP error="invalid_dpop_proof",error_description="The DPoP scheme needs a DPoP proof."',
    undefined,
  )
}

/** The proof fields of a token check without a proof: none. */
const NO_PROOF = Object.freeze({ dpop: undefined, htm: undefined, htu: undefined })

/**
 * The proof fields of a token check: the `DPoP` header with the DPoP scheme only, and `htm` and
 * `htu`, which serve only the proof's check, with a proof only (`htuOf(from)` is asked only then:
 * no function is made per request for it).
 */
export function proofFields<From>(
  presented: PresentedAccessToken,
  dpopHeader: string | null | undefined,
  htm: string,
  htuOf: (from: From) => string | undefined,
  from: From,
): { readonly dpop: string | undefined; readonly htm: string | undefined; readonly htu: string | undefined } {
  const dpop = presented.scheme === 'DPoP' ? dpopHeader || undefined : undefined
  return dpop === undefined ? NO_PROOF : { dpop, htm, htu: htuOf(from) }
}
