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
  readonly clientNumericId: number
  readonly subject: string
  readonly scopes: readonly string[]
  /** Milliseconds of the simulator's clock. */
  readonly expiresAt: number
  /** `cnf.jkt`: the thumbprint of the DPoP key it is bound to (RFC 9449 §6.1). */
  readonly jkt: string | undefined
}

/** A refresh token the simulator issued, with what a refresh needs to mint again. */
export interface IssuedRefreshToken {
  readonly client: TokenClient
  readonly decision: TokenDecision
  readonly scopes: readonly string[]
  readonly expiresAt: number
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

  reset(): void {
    this.lastPollAt.clear()
    this.redeemed.clear()
    this.accessTokens.clear()
    this.refreshTokens.clear()
    this.#proofs.clear()
  }
}
