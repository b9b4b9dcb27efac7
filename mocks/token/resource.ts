/**
 * An access token presented at a resource (the UserInfo endpoint, a resource server calling
 * `/auth/introspection`), as the simulator checks it: known and live, and presented as it is
 * bound. A DPoP-bound token needs a proof of its key for this request, `ath` included (RFC 9449
 * §7.1); a token bound to no key comes with no proof. What fails is answered as Authlete does, with
 * an RFC 6750 / RFC 9449 challenge for `WWW-Authenticate`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @module
 */

import { DPOP_IAT_WINDOW, verifyDpopProof } from './dpop.js'
import { JWS_ALGORITHMS } from './jws.js'
import type { IssuedAccessToken, TokenLedger } from './ledger.js'

/** The algorithms a DPoP challenge names (`algs`). */
const DPOP_ALGS = JWS_ALGORITHMS.join(' ')

/** What the call passed of the presented token. */
export interface PresentedToken {
  token: string
  dpop: string | undefined
  htm: string | undefined
  htu: string | undefined
}

/** The token, or why not: a challenge for `WWW-Authenticate` (`UNAUTHORIZED`). */
export type PresentedTokenCheck =
  | { ok: true; issued: IssuedAccessToken; scheme: 'Bearer' | 'DPoP' }
  | { ok: false; challenge: string; existent: boolean }

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

/** The presented token of a call's fields (`token`, `dpop`, `htm`, `htu`). */
export function presentedToken(fields: Record<string, unknown>): PresentedToken {
  return {
    token: typeof fields.token === 'string' ? fields.token : '',
    dpop: text(fields.dpop),
    htm: text(fields.htm),
    htu: text(fields.htu),
  }
}

/** An RFC 6750 §3 / RFC 9449 §7.1 challenge: `Bearer error="…",error_description="…"`. */
export function challenge(
  scheme: 'Bearer' | 'DPoP',
  error: string,
  description: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const parameters = { error, error_description: description, ...extra }
  if (scheme === 'DPoP') Object.assign(parameters, { algs: DPOP_ALGS })
  return `${scheme} ${Object.entries(parameters)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',')}`
}

/**
 * An error answer: `action`, this stand-in's `resultCode`, and an RFC 6750 challenge as
 * `responseContent` (its `error_description` is the result message).
 */
export function resourceErrorAnswer(
  action: string,
  resultCode: string,
  content: string,
): Record<string, unknown> {
  const description = /error_description="([^"]*)"/.exec(content)?.[1] ?? action
  return { resultCode, resultMessage: `[${resultCode}] ${description}`, action, responseContent: content }
}

/**
 * Checks a presented access token at `now` (milliseconds): known, live, and presented with a proof
 * of its key when it is DPoP-bound (for `htm` and `htu`, `htu` defaulting to `defaultHtu`), or with
 * none when it is not. An accepted proof's `jti` is spent.
 */
export function checkPresentedToken(
  ledger: TokenLedger,
  presented: PresentedToken,
  now: number,
  defaultHtu: string | undefined,
): PresentedTokenCheck {
  const scheme = presented.dpop === undefined ? 'Bearer' : 'DPoP'
  const issued = ledger.accessTokens.get(presented.token)
  if (issued === undefined || now >= issued.expiresAt) {
    return {
      ok: false,
      existent: issued !== undefined,
      challenge: challenge(scheme, 'invalid_token', 'The access token does not exist or has expired.'),
    }
  }
  if (issued.jkt === undefined) {
    if (presented.dpop === undefined) return { ok: true, issued, scheme }
    return {
      ok: false,
      existent: true,
      challenge: challenge('DPoP', 'invalid_token', 'The access token is not bound to a DPoP key.'),
    }
  }
  // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
  if (presented.dpop === undefined) {
    return {
      ok: false,
      existent: true,
      challenge: challenge(
        'DPoP',
        'invalid_token',
        'The access token is bound to a DPoP key: a DPoP proof is required.',
      ),
    }
  }
  const htu = presented.htu ?? defaultHtu
  const verified =
    presented.htm === undefined || htu === undefined
      ? { ok: false as const, reason: 'The htm and htu of the request are needed to check the DPoP proof.' }
      : verifyDpopProof(presented.dpop, { htm: presented.htm, htu, now, accessToken: presented.token })
  if (!verified.ok) {
    return { ok: false, existent: true, challenge: challenge('DPoP', 'invalid_dpop_proof', verified.reason) }
  }
  if (verified.jkt !== issued.jkt) {
    return {
      ok: false,
      existent: true,
      challenge: challenge(
        'DPoP',
        'invalid_dpop_proof',
        "The DPoP proof's key is not the one the access token is bound to.",
      ),
    }
  }
  if (!ledger.acceptProof(verified.jkt, verified.jti, verified.iat, now / 1000 - DPOP_IAT_WINDOW)) {
    return {
      ok: false,
      existent: true,
      challenge: challenge('DPoP', 'invalid_dpop_proof', "The DPoP proof's jti has been used before."),
    }
  }
  return { ok: true, issued, scheme: 'DPoP' }
}

/**
 * The claims each scope of OpenID Connect Core §5.4 allows (the simulator's `claimNames` too).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

/** The claim names `scopes` allow (OpenID Connect Core §5.4), in the order of that section. */
export function claimNamesOf(scopes: readonly string[]): string[] {
  return Object.entries(SCOPE_CLAIMS).flatMap(([scope, claims]) => (scopes.includes(scope) ? claims : []))
}
