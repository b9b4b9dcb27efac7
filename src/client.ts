/**
 * The public client: one method per Authlete call, each one line over the transport.
 *
 * @module
 */

import type {
  BackchannelAuthenticationAnswer,
  BackchannelAuthenticationRequest,
} from './operations/backchannel-authentication.js'
import type {
  BackchannelCompleteAnswer,
  BackchannelCompleteRequest,
} from './operations/backchannel-complete.js'
import type { BackchannelFailAnswer, BackchannelFailRequest } from './operations/backchannel-fail.js'
import type { BackchannelIssueAnswer } from './operations/backchannel-issue.js'
import { OPERATIONS } from './operations/index.js'
import type { IntrospectionAnswer, IntrospectionRequest } from './operations/introspection.js'
import type {
  IntrospectionStandardAnswer,
  IntrospectionStandardRequest,
} from './operations/introspection-standard.js'
import type { RevocationAnswer, RevocationRequest } from './operations/revocation.js'
import type { ServiceConfiguration } from './operations/service-configuration.js'
import type { ServiceJwks } from './operations/service-jwks.js'
import type { TokenAnswer, TokenRequest } from './operations/token.js'
import type { TokenFailAnswer, TokenFailRequest } from './operations/token-fail.js'
import type { TokenIssueAnswer, TokenIssueRequest } from './operations/token-issue.js'
import type { UserinfoAnswer, UserinfoRequest } from './operations/userinfo.js'
import type { UserinfoIssueAnswer, UserinfoIssueRequest } from './operations/userinfo-issue.js'
import type { CallReading, RequestBody } from './transport/operation.js'
import type { AuthleteCallOptions, AuthleteClientOptions } from './transport/options.js'
import { Transport } from './transport/transport.js'

/**
 * `validateAccessToken`'s way in: `/auth/introspection` with the body it wrote itself, from a token
 * and scopes it has already checked as the call's encoder does, resolving with its reading of the
 * outcome. A method under a symbol, so that no user sees it.
 * @internal
 */
export const introspectionEncoded: unique symbol = Symbol('authlete-ciba.introspectionEncoded')

/**
 * A client of Authlete's API for a CIBA authorization server and its resources. Safe to share: create one per Authlete service and reuse it; it
 * keeps a keep-alive connection pool.
 *
 * @example
 * ```ts
 * const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: process.env.TOKEN! })
 * const res = await authlete.backchannelIssue(ticket)
 * if (res.action === 'OK') startAuthentication(res.authReqId, res.expiresIn)
 * ```
 */
export class AuthleteClient {
  readonly #transport: Transport

  /** @throws {AuthleteInputError} when the options are invalid (the message names the option). */
  constructor(options: AuthleteClientOptions) {
    this.#transport = new Transport(options)
  }

  /** `v3` (service ID + access token) or `v2` (API key + secret), from the credentials given. */
  get apiVersion(): 'v3' | 'v2' {
    return this.#transport.config.apiVersion
  }

  /** Authlete's base URL the client calls, path prefix included, without `/api` (e.g. `https://us.authlete.com`). */
  get baseUrl(): string {
    return this.#transport.config.baseUrl
  }

  /**
   * Calls `/backchannel/authentication` with the client application's request, as received, and
   * returns Authlete's validated answer: `USER_IDENTIFICATION` (with the `ticket`) when the request
   * is valid, else what to answer the client (see `toBackchannelResponse`).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @throws {AuthleteApiError}, {AuthleteResponseError}, {AuthleteTimeoutError},
   *   {AuthleteAbortError}, {AuthleteNetworkError}: as for every call.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication
   */
  backchannelAuthentication(
    request: BackchannelAuthenticationRequest,
    options?: AuthleteCallOptions,
  ): Promise<BackchannelAuthenticationAnswer> {
    return this.#transport.call(OPERATIONS.backchannelAuthentication, request, options)
  }

  /**
   * Calls `/backchannel/authentication/issue` with the ticket that `/backchannel/authentication`
   * returned (action `USER_IDENTIFICATION`) and returns Authlete's validated answer.
   *
   * An `action` this version does not know is returned as it came, not thrown: treat it as a failure.
   *
   * @param ticket The ticket of the backchannel authentication request.
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad ticket or options.
   * @throws {AuthleteApiError} for a non-2xx answer, after the retries the policy allows.
   * @throws {AuthleteResponseError} for a 2xx answer that is not the documented JSON.
   * @throws {AuthleteTimeoutError} when the deadline passes.
   * @throws {AuthleteAbortError} when `options.signal` fires.
   * @throws {AuthleteNetworkError} when Authlete cannot be reached.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
   */
  backchannelIssue(ticket: string, options?: AuthleteCallOptions): Promise<BackchannelIssueAnswer> {
    return this.#transport.call(OPERATIONS.backchannelIssue, ticket, options)
  }

  /**
   * Calls `/backchannel/authentication/fail`: refuses the request of `ticket` for `reason`. Authlete
   * deletes the ticket and answers the error response for the client (`BAD_REQUEST`, `FORBIDDEN`
   * or `INTERNAL_SERVER_ERROR`, see `toBackchannelResponse`).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/fail
   */
  backchannelFail(
    request: BackchannelFailRequest,
    options?: AuthleteCallOptions,
  ): Promise<BackchannelFailAnswer> {
    return this.#transport.call(OPERATIONS.backchannelFail, request, options)
  }

  /**
   * Calls `/backchannel/authentication/complete` with the end-user's decision. In ping and push
   * modes the answer is `NOTIFICATION`, to deliver to the client (see
   * `completeBackchannelAuthentication`); in poll mode `NO_ACTION`.
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/complete
   */
  backchannelComplete(
    request: BackchannelCompleteRequest,
    options?: AuthleteCallOptions,
  ): Promise<BackchannelCompleteAnswer> {
    return this.#transport.call(OPERATIONS.backchannelComplete, request, options)
  }

  /**
   * Calls `/auth/token` with the client application's token request, as received, and returns
   * Authlete's validated answer: `OK` with the tokens, `BAD_REQUEST` (the CIBA grant's
   * `authorization_pending`, `slow_down`, …), `INVALID_CLIENT`, `PASSWORD` (then `tokenIssue` or
   * `tokenFail`), … (see `handleTokenRequest`, which runs the whole endpoint).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token
   */
  token(request: TokenRequest, options?: AuthleteCallOptions): Promise<TokenAnswer> {
    return this.#transport.call(OPERATIONS.token, request, options)
  }

  /**
   * Calls `/auth/token/issue`: issues the tokens of a `PASSWORD` request for `subject`, once the
   * resource owner's credentials were checked.
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/issue
   */
  tokenIssue(request: TokenIssueRequest, options?: AuthleteCallOptions): Promise<TokenIssueAnswer> {
    return this.#transport.call(OPERATIONS.tokenIssue, request, options)
  }

  /**
   * Calls `/auth/token/fail`: refuses a `PASSWORD` request for `reason`; Authlete answers the error
   * response for the client.
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/token/fail
   */
  tokenFail(request: TokenFailRequest, options?: AuthleteCallOptions): Promise<TokenFailAnswer> {
    return this.#transport.call(OPERATIONS.tokenFail, request, options)
  }

  /**
   * Calls `/auth/userinfo` with the access token a client presented at the UserInfo endpoint:
   * `OK` with the `subject` and the names of the `claims` the token allows, else the challenge to
   * answer with (see `handleUserInfoRequest`, which runs the whole endpoint).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo
   */
  userinfo(request: UserinfoRequest, options?: AuthleteCallOptions): Promise<UserinfoAnswer> {
    return this.#transport.call(OPERATIONS.userinfo, request, options)
  }

  /**
   * Calls `/auth/userinfo/issue` with the values of the claims `/auth/userinfo` named: `JSON` or
   * `JWT`, the UserInfo response to send.
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/userinfo/issue
   */
  userinfoIssue(request: UserinfoIssueRequest, options?: AuthleteCallOptions): Promise<UserinfoIssueAnswer> {
    return this.#transport.call(OPERATIONS.userinfoIssue, request, options)
  }

  /**
   * Calls `/auth/introspection`: a resource server's check of an access token (with its DPoP proof
   * or certificate) against the scopes it requires: `OK` when it is usable and sufficient, else the
   * challenge to answer with (see `validateAccessToken`).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection
   */
  introspection(request: IntrospectionRequest, options?: AuthleteCallOptions): Promise<IntrospectionAnswer> {
    return this.#transport.call(OPERATIONS.introspection, request, options)
  }

  /** @internal See {@link introspectionEncoded}. */
  [introspectionEncoded]<Reading>(
    body: RequestBody,
    reading: CallReading<IntrospectionAnswer, Reading>,
  ): Promise<Reading> {
    return this.#transport.callEncoded(OPERATIONS.introspection, body, undefined, reading)
  }

  /**
   * Calls `/auth/introspection/standard` with an RFC 7662 introspection request's body, as
   * received: `OK` (JSON) or `JWT` (RFC 9701), the response to send (see
   * `handleIntrospectionRequest`).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/introspection/standard
   */
  introspectionStandard(
    request: IntrospectionStandardRequest,
    options?: AuthleteCallOptions,
  ): Promise<IntrospectionStandardAnswer> {
    return this.#transport.call(OPERATIONS.introspectionStandard, request, options)
  }

  /**
   * Calls `/auth/revocation` with a client's RFC 7009 revocation request, as received, and its
   * credentials (see `handleRevocationRequest`).
   *
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad request object.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/revocation
   */
  revocation(request: RevocationRequest, options?: AuthleteCallOptions): Promise<RevocationAnswer> {
    return this.#transport.call(OPERATIONS.revocation, request, options)
  }

  /**
   * Calls `GET /service/configuration`: the service's OpenID Provider metadata, to serve at
   * `/.well-known/openid-configuration`.
   *
   * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/configuration
   */
  serviceConfiguration(options?: AuthleteCallOptions): Promise<ServiceConfiguration> {
    return this.#transport.call(OPERATIONS.serviceConfiguration, undefined, options)
  }

  /**
   * Calls `GET /service/jwks/get`: the service's public JWK Set, to serve at its `jwks_uri`. A
   * service without one (Authlete answers 204) gives `{ keys: [] }`.
   *
   * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/jwks/get
   */
  serviceJwks(options?: AuthleteCallOptions): Promise<ServiceJwks> {
    return this.#transport.call(OPERATIONS.serviceJwks, undefined, options)
  }

  /**
   * Waits for the calls in flight (their retries included), then closes the client's own
   * connection pool. A dispatcher passed in the options is left open. Later calls reject with
   * `AuthleteClientClosedError`. Idempotent: concurrent calls share one promise.
   */
  close(): Promise<void> {
    return this.#transport.close()
  }

  /** `await using client = new AuthleteClient(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
