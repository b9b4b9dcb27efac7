/**
 * What the token endpoint remembers on its own: when each `auth_req_id` was last polled and whether it
 * was redeemed, the tokens it issued (a refresh token's grant, an access token's DPoP binding), and the
 * DPoP proofs it accepted. The simulator forgets it all on `reset()`.
 *
 * @module
 */

import type { TokenClient, TokenDecision } from './types.js'

/** An access token the simulator issued. */
export interface IssuedAccessToken {
  readonly client: TokenClient
  /** The user (`/complete`'s `subject`). */
  readonly subject: string
  /** The `sub` of the user's claims, when it is not `subject` (pairwise). */
  readonly sub: string | undefined
  readonly scopes: readonly string[]
  /** Milliseconds of the simulator's clock. */
  readonly issuedAt: number
  readonly expiresAt: number
  /** `cnf.jkt`: the thumbprint of the DPoP key it is bound to (RFC 9449 §6.1). */
  readonly jkt: string | undefined
  /** The grant it came from: its refresh tokens and access tokens share it (RFC 7009 §2.1). */
  readonly grantId: string
  /** How it was obtained, in Authlete's names. */
  readonly grantType: 'CIBA' | 'REFRESH_TOKEN'
  /** Seconds since the epoch, when the user authenticated. */
  readonly authTime: number | undefined
  readonly acr: string | undefined
}

/** A refresh token the simulator issued, with what a refresh needs to mint again. */
export interface IssuedRefreshToken {
  readonly client: TokenClient
  readonly decision: TokenDecision
  readonly scopes: readonly string[]
  readonly issuedAt: number
  readonly expiresAt: number
  readonly grantId: string
}

/** @internal */
export class TokenLedger {
  /** `auth_req_id` → the simulator's clock at its last token request. */
  readonly lastPollAt = new Map<string, number>()
  readonly redeemed = new Set<string>()
  readonly accessTokens = new Map<string, IssuedAccessToken>()
  readonly refreshTokens = new Map<string, IssuedRefreshToken>()
  /** `jkt` + `jti` of the DPoP proofs accepted, with their `iat` (seconds): a replay is refused. */
  readonly #proofs = new Map<string, number>()

  /**
   * Records a DPoP proof's `jti` for its key; `false` if that key already used it. Proofs older than
   * `oldest` (seconds) are forgotten first: they would be refused for their `iat` anyway.
   */
  acceptProof(jkt: string, jti: string, iat: number, oldest: number): boolean {
    for (const [key, at] of this.#proofs) if (at < oldest) this.#proofs.delete(key)
    const key = `${jkt} ${jti}`
    if (this.#proofs.has(key)) return false
    this.#proofs.set(key, iat)
    return true
  }

  /**
   * Revokes a grant: its refresh tokens and the access tokens issued from it (RFC 7009 §2.1: "SHOULD
   * also invalidate all access tokens based on the same authorization grant").
   */
  revokeGrant(grantId: string): void {
    for (const [token, issued] of this.refreshTokens)
      if (issued.grantId === grantId) this.refreshTokens.delete(token)
    for (const [token, issued] of this.accessTokens)
      if (issued.grantId === grantId) this.accessTokens.delete(token)
  }

  /** Whether the grant still has a live refresh token at `now`. */
  refreshable(grantId: string, now: number): boolean {
    for (const issued of this.refreshTokens.values()) {
      if (issued.grantId === grantId && now < issued.expiresAt) return true
    }
    return false
  }

  reset(): void {
    this.lastPollAt.clear()
    this.redeemed.clear()
    this.accessTokens.clear()
    this.refreshTokens.clear()
    this.#proofs.clear()
  }
}
