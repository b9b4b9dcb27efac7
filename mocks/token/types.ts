/**
 * What the token endpoint's logic needs from the simulator (the port, {@link TokenSimulatorState}),
 * its options, and the tokens it mints. The simulator provides the port with a thin adapter over its
 * registry and tickets; everything the token endpoint adds (polls, redemptions, issued tokens, DPoP
 * `jti`s) lives in its own ledger.
 *
 * @module
 */

import type { KeyObject } from 'node:crypto'
import type { TokenAnswerTokens } from './answers.js'
import type { JwsAlgorithm } from './jws.js'

/** A registered client, as the token endpoint needs it. */
export interface TokenClient {
  /** The client ID it authenticates with (a numeric ID, or an alias). */
  readonly clientId: string
  readonly clientSecret: string
  readonly deliveryMode: 'POLL' | 'PING' | 'PUSH'
  /** Authlete's numeric client ID (`clientId` in answers): two lookups of one client agree on it. */
  readonly numericId: number
  /** The alias, when `clientId` is not numeric. */
  readonly alias: string | undefined
}

/** What `/complete` reported with `AUTHORIZED`: what the tokens are minted from. */
export interface TokenDecision {
  /** `/complete`'s `subject`: the user. */
  readonly subject: string
  /**
   * `/complete`'s `sub`: the ID token's `sub`, when it differs from the subject (pairwise).
   * @default subject
   */
  readonly sub?: string | undefined
  /** When the user authenticated, in seconds since the epoch (`auth_time`). */
  readonly authTime?: number | undefined
  /** The ACR the authentication satisfied (`acr`). */
  readonly acr?: string | undefined
  /** More claims for the ID token (`/complete`'s `claims`, parsed). The registered claims win. */
  readonly claims?: Readonly<Record<string, unknown>> | undefined
  /**
   * The scopes `/complete` granted, replacing the requested ones.
   * @default the request's scopes
   */
  readonly scopes?: readonly string[] | undefined
}

/**
 * A backchannel authentication request, as the token endpoint sees it (`auth_req_id` → this).
 * Its status is derived here, from these facts and the clock (`cibaGrantStatus`).
 */
export type CibaGrantRequest = CibaGrantFacts &
  (
    | { readonly result: 'AUTHORIZED'; readonly decision: TokenDecision }
    | {
        /**
         * What the AS reported to `/complete`; `undefined` while it has not (Authlete cannot know the
         * user's answer before). A ticket ended by `/fail` after `/issue` reads as `TRANSACTION_FAILED`.
         */
        readonly result: 'ACCESS_DENIED' | 'TRANSACTION_FAILED' | undefined
        readonly decision?: undefined
      }
  )

/** What every {@link CibaGrantRequest} has. */
export interface CibaGrantFacts {
  readonly authReqId: string
  /** The client the `auth_req_id` was issued to. */
  readonly client: TokenClient
  /** The scopes of the request, as kept at `/backchannel/authentication`. */
  readonly scopes: readonly string[]
  /** When the `auth_req_id` expires, in milliseconds of the simulator's clock. */
  readonly expiresAt: number
}

/**
 * The port: what the token endpoint reads from the simulator's state. Nothing here is written to.
 */
export interface TokenSimulatorState {
  /** The clock, in milliseconds since the epoch. */
  now(): number
  /** The client registered under `clientId` (its ID or alias, or the numeric ID of an aliased one). */
  findClient(clientId: string): TokenClient | undefined
  /** The request that `/issue` gave `authReqId`. */
  findCibaRequest(authReqId: string): CibaGrantRequest | undefined
  /** The scopes the service knows (`scopes_supported`). */
  readonly knownScopes: Iterable<string>
}

/**
 * Options of the token endpoint; those the simulator already has (`issuer`, `interval`, durations)
 * are passed through from its options.
 */
export interface TokenEndpointOptions {
  /**
   * `iss` of the ID tokens, and the discovery document's `issuer`.
   * @default 'https://as.example.com'
   */
  issuer?: string | undefined
  /**
   * The AS's token endpoint: the `htu` a DPoP proof must name when `/auth/token` gets no `htu`, and the
   * discovery document's `token_endpoint`.
   * @default `${issuer}/token`
   */
  tokenEndpoint?: string | undefined
  /**
   * The discovery document's `backchannel_authentication_endpoint`.
   * @default `${issuer}/backchannel/authentication`
   */
  backchannelAuthenticationEndpoint?: string | undefined
  /**
   * The discovery document's `jwks_uri`.
   * @default `${issuer}/jwks`
   */
  jwksUri?: string | undefined
  /**
   * The AS's UserInfo endpoint: the `htu` a DPoP proof at `/auth/userinfo` must name when the call
   * gives none, and the discovery document's `userinfo_endpoint`.
   * @default `${issuer}/userinfo`
   */
  userinfoEndpoint?: string | undefined
  /**
   * The discovery document's `revocation_endpoint`.
   * @default `${issuer}/revoke`
   */
  revocationEndpoint?: string | undefined
  /**
   * The discovery document's `introspection_endpoint`.
   * @default `${issuer}/introspect`
   */
  introspectionEndpoint?: string | undefined
  /**
   * The least time between two polls of one `auth_req_id`, in seconds: a poll sooner is `slow_down`.
   * @default 5
   */
  interval?: number | undefined
  /**
   * Lifetime of the access and ID tokens, in seconds.
   * @default 3600
   */
  accessTokenDuration?: number | undefined
  /**
   * Lifetime of a refresh token, in seconds.
   * @default 86400
   */
  refreshTokenDuration?: number | undefined
  /**
   * The algorithm of the ID tokens' signatures.
   * @default 'RS256'
   */
  idTokenSigningAlg?: JwsAlgorithm | undefined
  /**
   * The private key that signs ID tokens (it must fit `idTokenSigningAlg`).
   * @default a new key, made when first needed
   */
  signingKey?: KeyObject | undefined
}

/** The tokens of one grant (the field names of `/complete`'s push answer); times on the simulator's clock. */
export interface MintedTokens extends TokenAnswerTokens {
  /** Seconds: the access token's. */
  idTokenDuration: number
}

/** What tokens are minted for. */
export interface TokenGrant {
  client: TokenClient
  decision: TokenDecision
  /** The scopes the tokens cover. */
  scopes: readonly string[]
  /** The `auth_req_id`, for a push notification's ID token (CIBA Core §10.3.1). */
  authReqId?: string | undefined
  /**
   * Put `urn:openid:params:jwt:claim:auth_req_id` and `…:rt_hash` in the ID token (push mode).
   * @default false
   */
  push?: boolean | undefined
  /**
   * The thumbprint of the DPoP key the access token is bound to.
   * @default undefined (a Bearer token)
   */
  jkt?: string | undefined
  /**
   * The grant a refresh continues: its tokens join it, so that revoking one revokes all.
   * @default a new grant
   */
  grantId?: string | undefined
  /**
   * Issue an ID token.
   * @default true
   */
  idToken?: boolean | undefined
  /**
   * Lifetimes, in seconds (e.g. `/complete`'s `accessTokenDuration`).
   * @default the endpoint's options
   */
  accessTokenDuration?: number | undefined
  refreshTokenDuration?: number | undefined
}
