/**
 * What the authorization server supplies to {@link handleTokenRequest}: the hooks of the token
 * endpoint, as the SPI of Authlete's Java reference (`TokenRequestHandlerSpi`). A CIBA-only server
 * needs none: Authlete handles the CIBA grant (and `refresh_token`) itself.
 *
 * @module
 */

import type {
  TokenJwtBearer,
  TokenNativeSso,
  TokenPassword,
  TokenTokenExchange,
} from '../operations/token.js'
import type { EndpointResponse } from './response.js'

/**
 * Where in the flow an error happened, as {@link TokenRequestHooks.onError} is told. `request` is
 * reading the client's request; `clientAuthentication` a malformed `Authorization` header; `token`,
 * `tokenIssue` and `tokenFail` the Authlete calls; the others the hooks of the same names.
 */
export type TokenRequestStage =
  | 'request'
  | 'clientAuthentication'
  | 'token'
  | 'authenticateUser'
  | 'tokenIssue'
  | 'tokenFail'
  | 'tokenExchange'
  | 'jwtBearer'
  | 'nativeSso'

/** The resource owner's credentials of a password grant, as Authlete parsed them. */
export interface ResourceOwnerCredentials {
  /** The request's `username` (empty when absent). */
  username: string
  /** The request's `password` (empty when absent). Never log it. */
  password: string
  /** The client's numeric ID at Authlete. */
  clientId: number | undefined
}

type MaybePromise<T> = T | Promise<T>

/**
 * A hook for a grant Authlete leaves to the authorization server: the answer to send, or
 * `undefined` (or `null`) for 400 `unsupported_grant_type`, as Java's `useOrUnsupported`.
 */
export type GrantHook<Answer> = (answer: Answer) => MaybePromise<EndpointResponse | undefined | null>

/**
 * The hooks of the token endpoint, each optional; each may be synchronous or asynchronous. A hook
 * that throws or rejects never escapes: see {@link handleTokenRequest}.
 */
export interface TokenRequestHooks {
  /**
   * Checks a password grant's credentials: the user's subject, or `undefined` (or `null`) when they
   * are wrong, which refuses the request with `/auth/token/fail`
   * `INVALID_RESOURCE_OWNER_CREDENTIALS` (400 `invalid_grant`).
   * @default every password grant refused so
   */
  authenticateUser?:
    | ((
        credentials: ResourceOwnerCredentials,
        response: TokenPassword,
      ) => MaybePromise<string | undefined | null>)
    | undefined
  /**
   * Answers a token exchange (RFC 8693).
   * @default 400 unsupported_grant_type
   */
  tokenExchange?: GrantHook<TokenTokenExchange> | undefined
  /**
   * Answers a JWT bearer grant (RFC 7523).
   * @default 400 unsupported_grant_type
   */
  jwtBearer?: GrantHook<TokenJwtBearer> | undefined
  /**
   * Answers a Native SSO token exchange (OpenID Connect Native SSO for Mobile Apps).
   * @default 400 unsupported_grant_type
   */
  nativeSso?: GrantHook<TokenNativeSso> | undefined
  /**
   * Told of every error the flow absorbed, with where it happened: for logs. Its own errors are
   * ignored. The `error` may hold your hooks' own details; none of it reaches the client.
   * @default errors are not reported
   */
  onError?: ((error: unknown, stage: TokenRequestStage) => unknown) | undefined
}
