/**
 * Minting a grant's tokens: an opaque access token and refresh token, recorded in the ledger, and an
 * ID token signed with the simulator's key. `/auth/token` mints with it, and so does a push-mode
 * `/complete`.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 * @module
 */

import { createHash, randomBytes } from 'node:crypto'
import type { JwsAlgorithm } from './jws.js'
import { signJws } from './jws.js'
import type { SigningKey } from './keys.js'
import type { TokenLedger } from './ledger.js'
import type { MintedTokens, TokenGrant } from './types.js'

/** What minting needs: the clock, the key, the ledger and the defaults. */
export interface MintContext {
  /** Milliseconds since the epoch. */
  now(): number
  signingKey(): SigningKey
  readonly ledger: TokenLedger
  readonly issuer: string
  /** Seconds. */
  readonly accessTokenDuration: number
  readonly refreshTokenDuration: number
}

/** A 43-character random base64url string, as Authlete's tokens look. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The digest whose left half makes `at_hash` for `alg` (OpenID Connect Core §3.1.3.6). */
function hashOf(alg: JwsAlgorithm): string {
  if (alg === 'EdDSA' || alg.endsWith('512')) return 'sha512'
  return alg.endsWith('384') ? 'sha384' : 'sha256'
}

/** The left half of `token`'s digest, base64url: `at_hash`, CIBA's `rt_hash`. */
export function halfHash(token: string, alg: JwsAlgorithm): string {
  const digest = createHash(hashOf(alg)).update(token).digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

/**
 * Mints the tokens of `grant`, records them in the ledger, and signs its ID token: `iss`, `sub` (the
 * decision's `sub`, else its subject), `aud` (the client), `iat`, `exp`, `auth_time` and `acr` when
 * decided, `at_hash`; in push mode also `urn:openid:params:jwt:claim:rt_hash` and `…:auth_req_id`
 * (CIBA Core §10.3.1). The decision's claims come first: the registered ones above win.
 */
export function mintTokens(context: MintContext, grant: TokenGrant): MintedTokens {
  const now = context.now()
  const issuedAt = Math.floor(now / 1000)
  const accessTokenDuration = grant.accessTokenDuration ?? context.accessTokenDuration
  const refreshTokenDuration = grant.refreshTokenDuration ?? context.refreshTokenDuration
  const { client, decision, scopes } = grant
  const accessToken = randomToken()
  const refreshToken = randomToken()
  const accessTokenExpiresAt = now + accessTokenDuration * 1000
  const refreshTokenExpiresAt = now + refreshTokenDuration * 1000

  const grantId = grant.grantId ?? randomToken()
  context.ledger.accessTokens.set(accessToken, {
    client,
    subject: decision.subject,
    sub: decision.sub,
    scopes,
    issuedAt: now,
    expiresAt: accessTokenExpiresAt,
    jkt: grant.jkt,
    grantId,
    grantType: grant.grantId === undefined ? 'CIBA' : 'REFRESH_TOKEN',
    authTime: decision.authTime,
    acr: decision.acr,
  })
  context.ledger.refreshTokens.set(refreshToken, {
    client,
    decision,
    scopes,
    issuedAt: now,
    expiresAt: refreshTokenExpiresAt,
    grantId,
  })

  let idToken: string | undefined
  if (grant.idToken !== false) {
    const key = context.signingKey()
    const push = grant.push === true
    idToken = signJws(
      { alg: key.alg, typ: 'JWT', kid: key.kid },
      {
        ...decision.claims,
        iss: context.issuer,
        sub: decision.sub ?? decision.subject,
        aud: client.clientId,
        iat: issuedAt,
        exp: issuedAt + accessTokenDuration,
        auth_time: decision.authTime,
        acr: decision.acr,
        at_hash: halfHash(accessToken, key.alg),
        'urn:openid:params:jwt:claim:rt_hash': push ? halfHash(refreshToken, key.alg) : undefined,
        'urn:openid:params:jwt:claim:auth_req_id': push ? grant.authReqId : undefined,
      },
      key.privateKey,
    )
  }

  return {
    accessToken,
    accessTokenDuration,
    accessTokenExpiresAt,
    refreshToken,
    refreshTokenDuration,
    refreshTokenExpiresAt,
    ...(idToken === undefined ? {} : { idToken }),
    idTokenDuration: accessTokenDuration,
    scopes,
    tokenType: grant.jkt === undefined ? 'Bearer' : 'DPoP',
  }
}
