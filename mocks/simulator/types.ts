/**
 * The simulator's public types: its options and the records a test inspects (its API,
 * `CibaSimulator`, is beside `createCibaSimulator`).
 *
 * @module
 */

import type { KeyObject } from 'node:crypto'
import type { MockHandlerOptions } from '../authlete.js'
import type { JwsAlgorithm } from '../token/jws.js'
import type { CibaDeliveryMode, CibaHintType, CibaSimulatorClient } from './request.js'

/** The tokens a push notification delivers. */
export interface PushTokens {
  accessToken: string
  accessTokenDuration: number
  refreshToken: string
  refreshTokenDuration: number
  idToken: string
  idTokenDuration: number
}

export type { CibaDeliveryMode, CibaHintType, CibaSimulatorClient }

/**
 * A user of the simulated service.
 */
export interface CibaSimulatorUser {
  /** The user's subject, reported to `/complete`. */
  subject: string
  /**
   * The `login_hint` (or `login_hint_token`) values that identify the user.
   * @default [subject]
   */
  loginHints?: readonly string[] | undefined
  /**
   * The user's code (CIBA Core §7.1 `user_code`), for the AS's check.
   * @default undefined
   */
  userCode?: string | undefined
}

/**
 * Options of {@link createCibaSimulator}.
 */
export interface CibaSimulatorOptions {
  /**
   * The client applications registered with the service (more with `addClient`).
   * @default []
   */
  clients?: readonly CibaSimulatorClient[] | undefined
  /**
   * The users (more with `addUser`).
   * @default []
   */
  users?: readonly CibaSimulatorUser[] | undefined
  /**
   * The scopes the service knows: others are dropped from a request, as Authlete drops scopes
   * that are not registered.
   * @default ['openid', 'profile', 'email', 'address', 'phone', 'offline_access']
   */
  scopes?: readonly string[] | undefined
  /**
   * Lifetime of a ticket and its `auth_req_id`, in seconds, when the request has no `requested_expiry`.
   * @default 600
   */
  expiresIn?: number | undefined
  /**
   * The `interval` of `/issue`'s answer, in seconds; a token request for a pending `auth_req_id`
   * sooner than this after the previous one is answered `slow_down`.
   * @default 5
   */
  interval?: number | undefined
  /**
   * Lifetime of the access and ID tokens (`/auth/token`, and push notifications when `/complete`
   * does not set it), in seconds.
   * @default 3600
   */
  accessTokenDuration?: number | undefined
  /**
   * Lifetime of the refresh tokens (as `accessTokenDuration`), in seconds.
   * @default 86400
   */
  refreshTokenDuration?: number | undefined
  /**
   * The `iss` of the ID tokens it mints, and the discovery document's `issuer`.
   * @default 'https://as.example.com'
   */
  issuer?: string | undefined
  /**
   * The AS's token endpoint: the `htu` a DPoP proof must name when `/auth/token` gets no `htu`, and
   * the discovery document's `token_endpoint`.
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
   * The algorithm of the ID tokens' signatures (`RS256`, `PS256`, `ES256`, `EdDSA`, …).
   * @default 'RS256'
   */
  idTokenSigningAlg?: JwsAlgorithm | undefined
  /**
   * The private key that signs ID tokens (it must fit `idTokenSigningAlg`); its public JWK is in
   * `simulator.jwks`.
   * @default a new key, made when first needed
   */
  signingKey?: KeyObject | undefined
  /**
   * The clock, in milliseconds since the epoch: lifetimes are checked against it.
   * @default Date.now
   */
  now?: (() => number) | undefined
  /**
   * The base URL(s) `handlers` answer on.
   * @default AUTHLETE_HOSTS
   */
  baseUrl?: MockHandlerOptions['baseUrl']
}

/** Where an authentication stands. */
export type CibaAuthenticationStatus = 'pending' | 'decided' | 'completed' | 'expired' | 'failed'

/**
 * The user's decision on the device, as `onDecision` listeners receive it: what the AS needs for
 * `/complete` (`{ ticket, result, subject }`).
 */
export interface CibaUserDecision {
  authReqId: string
  ticket: string
  result: 'AUTHORIZED' | 'ACCESS_DENIED'
  subject: string
  /** When the user authenticated, in seconds (with `AUTHORIZED`). */
  authTime?: number
  acr?: string
  /** Why the user refused (with `ACCESS_DENIED`). */
  errorDescription?: string
}

/**
 * What the AS reported to `/complete` for a live request, and what it answered.
 */
export interface CibaCompletion {
  result: string
  subject: string
  action: 'NO_ACTION' | 'NOTIFICATION'
  /** The notification's body (ping and push). */
  responseContent?: string
  /** The tokens minted (push, `AUTHORIZED`). */
  tokens?: PushTokens
}

/**
 * A backchannel authentication request after `/issue`: what the user's device shows.
 */
export interface CibaAuthentication {
  readonly authReqId: string
  readonly ticket: string
  /** The client application, as registered. */
  readonly client: Readonly<CibaSimulatorClient> & { readonly deliveryMode: CibaDeliveryMode }
  readonly hintType: CibaHintType
  readonly hint: string
  /** The `sub` of an `id_token_hint`. */
  readonly sub: string | undefined
  /** The registered user the hint names, if any. */
  readonly user: CibaSimulatorUser | undefined
  readonly bindingMessage: string | undefined
  readonly userCode: string | undefined
  readonly scopes: readonly string[]
  readonly acrs: readonly string[]
  readonly clientNotificationToken: string | undefined
  /** When the `auth_req_id` expires, in milliseconds of the simulator's clock. */
  readonly expiresAt: number
  readonly status: CibaAuthenticationStatus
  /** The user's decision (`approve`, `deny`). */
  readonly decision: CibaUserDecision | undefined
  /** What the AS reported to `/complete`. */
  readonly completion: CibaCompletion | undefined
}

/**
 * One call the simulator received, parsed, and its answer.
 */
export interface CibaSimulatorRequest {
  apiVersion: 'v3' | 'v2'
  serviceId: string | undefined
  /** The body's fields (no headers: they hold the credentials); `undefined` if unreadable. */
  fields: Record<string, unknown> | undefined
  /** `/backchannel/authentication`: the client's `parameters`, decoded. */
  parameters?: Record<string, string>
  /** The HTTP status answered. */
  status: number
  /** The JSON body answered. */
  answer: Record<string, unknown>
}

/** The hint of a `USER_IDENTIFICATION` answer (the answer itself will do). */
export interface UserIdentification {
  hintType?: string | undefined
  hint?: string | undefined
  sub?: string | undefined
}

/** Which authentication `nextAuthentication` waits for (every given field must match). */
export interface CibaAuthenticationFilter {
  /**
   * The client's `clientId`, as registered.
   * @default any client
   */
  clientId?: string | undefined
  /**
   * The hint's value (`login_hint`, …).
   * @default any hint
   */
  hint?: string | undefined
  /**
   * The subject of the user the hint names (or of the `id_token_hint`).
   * @default any user
   */
  subject?: string | undefined
}

/** What the user approves with. */
export interface CibaApproval {
  /**
   * The user's subject, for `/complete`.
   * @default the registered user the hint names, else the id_token_hint's `sub`, else the hint
   */
  subject?: string | undefined
  /**
   * The ACR the authentication satisfied.
   * @default undefined
   */
  acr?: string | undefined
  /**
   * When the user authenticated, in seconds since the epoch.
   * @default now, on the simulator's clock
   */
  authTime?: number | undefined
}

/** What the user refuses with. */
export interface CibaDenial {
  /**
   * The user's subject (`/complete` requires one even for a refusal).
   * @default as for `approve`
   */
  subject?: string | undefined
  /**
   * Why, for the client's error response.
   * @default undefined
   */
  errorDescription?: string | undefined
}
