/**
 * `createCibaSimulator`: a stateful stand-in for Authlete's CIBA API, for testing an authorization
 * server (AS) end to end: the calls of its table (`table.ts`) answer as one Authlete service would,
 * one after the other, and a test plays the user on the authentication device.
 *
 * The design is in the doc comment of {@link createCibaSimulator}, which the published types carry.
 *
 * @module
 */

import type { HttpHandler } from 'msw'
import type { JsonWebKeyAnswer as JsonWebKey } from '../../src/index.js'
import type { AuthleteCallName } from '../../src/operations/table.js'
import type { WaitOptions } from '../arrivals.js'
import type { MockHandlerOptions } from '../authlete.js'
import { simulatorHandlers } from './handlers.js'
import type { CibaSimulatorClient } from './request.js'
import { type Authentication, SimulatorState } from './state.js'
import type {
  CibaApproval,
  CibaAuthentication,
  CibaAuthenticationFilter,
  CibaCompletion,
  CibaDenial,
  CibaSimulatorOptions,
  CibaSimulatorRequest,
  CibaSimulatorUser,
  CibaUserDecision,
  UserIdentification,
} from './types.js'

export type * from './types.js'

/**
 * The simulator (see `createCibaSimulator` for its design).
 */
export interface CibaSimulator {
  /**
   * msw handlers for the calls of its table (the four CIBA calls, `/auth/token`, `/auth/token/issue`,
   * `/auth/token/fail`, `/auth/userinfo`, `/auth/userinfo/issue`, `/auth/introspection`,
   * `/auth/introspection/standard`, `/auth/revocation`, `/service/configuration`,
   * `/service/jwks/get`), on `options.baseUrl`: give them to `setupAuthleteServer` or `server.use`.
   */
  readonly handlers: HttpHandler[]
  /** The same calls on other base URLs (e.g. a stand-in's `url`), on the same state. */
  handlersFor(baseUrl: MockHandlerOptions['baseUrl']): HttpHandler[]
  /** Registers a client application (replacing one with the same `clientId`). */
  addClient(client: CibaSimulatorClient): void
  /** Registers a user. */
  addUser(user: CibaSimulatorUser): void
  /**
   * The registered user a `USER_IDENTIFICATION` answer's hint names (`{ hintType, hint, sub }`):
   * `login_hint` and `login_hint_token` by `loginHints` or subject, `id_token_hint` by `sub`.
   */
  findUser(identification: UserIdentification): CibaSimulatorUser | undefined
  /** Every authentication since the last `reset`, in `/issue` order. */
  readonly authentications: readonly CibaAuthentication[]
  /** The authentications the user has not answered yet. */
  readonly pendingAuthentications: readonly CibaAuthentication[]
  /** The authentication of `authReqId`. */
  authentication(authReqId: string): CibaAuthentication | undefined
  /**
   * The next authentication matching `filter` that no earlier call took: one issued already, or the
   * next one `/issue` creates. Each authentication is handed out once.
   */
  nextAuthentication(filter?: CibaAuthenticationFilter, options?: WaitOptions): Promise<CibaAuthentication>
  /**
   * The user approves on the device. Resolves with the decision once every `onDecision` listener
   * has settled (rejects if one rejects, or if the authentication is not pending).
   */
  approve(authReqId: string, approval?: CibaApproval): Promise<CibaUserDecision>
  /** The user refuses on the device; as `approve`, with `ACCESS_DENIED`. */
  deny(authReqId: string, denial?: CibaDenial): Promise<CibaUserDecision>
  /** The request's lifetime runs out now (the user never answered). */
  expire(authReqId: string): void
  /** Calls `listener` with each decision of the user: the device telling the AS. Returns the unsubscribe. */
  onDecision(listener: (decision: CibaUserDecision) => unknown): () => void
  /** What the AS reported to `/complete` for `authReqId`: for a poll-mode token endpoint of the test's. */
  completionOf(authReqId: string): CibaCompletion | undefined
  /**
   * The public JWK Set of the key that signs its ID tokens, as `/service/jwks/get` answers it: verify
   * an ID token against it. (Reading it makes the key if no ID token did yet.)
   */
  readonly jwks: { keys: JsonWebKey[] }
  /**
   * The calls received since the last `reset`, one list per call, by the client method's name:
   * `backchannelAuthentication`, `backchannelIssue`, `backchannelFail`, `backchannelComplete`,
   * `token`, `tokenIssue`, `tokenFail`, `userinfo`, `userinfoIssue`, `introspection`,
   * `introspectionStandard`, `revocation`, `serviceConfiguration`, `serviceJwks`.
   */
  readonly requests: { readonly [call in AuthleteCallName]: readonly CibaSimulatorRequest[] } & {
    /** @deprecated Renamed `backchannelAuthentication`: the client method's name. */
    readonly authentication: readonly CibaSimulatorRequest[]
    /** @deprecated Renamed `backchannelIssue`. */
    readonly issue: readonly CibaSimulatorRequest[]
    /** @deprecated Renamed `backchannelFail`. */
    readonly fail: readonly CibaSimulatorRequest[]
    /** @deprecated Renamed `backchannelComplete`. */
    readonly complete: readonly CibaSimulatorRequest[]
  }
  /**
   * Forgets tickets, authentications, requests and what the token endpoint remembers (polls,
   * redemptions, tokens, DPoP proofs); waits in progress reject. Keeps clients, users and the key.
   */
  reset(): void
}

/**
 * Creates a simulator of Authlete's CIBA API: one Authlete service, in memory, for testing an
 * authorization server end to end.
 *
 * Design
 *
 * - State: one simulator is one Authlete service, in memory. It holds a registry of client
 *   applications (credentials, delivery mode, notification endpoint, user code requirement) and of
 *   users, and a table of tickets. A ticket is born at `/backchannel/authentication` (a valid
 *   request), gets its `auth_req_id` at `/issue` (which also creates the *authentication*: the
 *   request as the user's device sees it), and ends at `/fail` (refused), at `/complete` (reported)
 *   or when its lifetime runs out (the `now` clock, or `expire()`). Ended tickets stay in the table
 *   so that a later call gets the answer Authlete gives for a used ticket. `reset()` forgets tickets,
 *   authentications and recorded requests, and keeps the registry.
 * - The user's side: in CIBA the user answers on a device, the device tells the AS, and the AS tells
 *   Authlete (`/complete`) and the client. The simulator plays the device only. `approve(authReqId)`
 *   and `deny(authReqId)` record the user's decision and hand it to the AS code through
 *   `onDecision(listener)`; the AS code calls `/complete` and delivers the notification as it would in
 *   production. They resolve once every listener has settled, so `await simulator.approve(id)`
 *   returns when the AS is done. The authentication to answer is found from the `auth_req_id` the
 *   client received, with `nextAuthentication(filter)` (waits for the next `/issue`), or in
 *   `pendingAuthentications`.
 * - The token endpoint: `/auth/token` plays the CIBA grant (CIBA Core §10.1, §11) and the refresh
 *   token grant, from the tickets: client authentication first, then the `auth_req_id` (unknown or
 *   another client's: `invalid_grant`; a push client: `unauthorized_client`; no `/complete` yet:
 *   `authorization_pending`, or `slow_down` sooner than `interval` after the last poll; denied:
 *   `access_denied`; `TRANSACTION_FAILED` or expired: `expired_token`; redeemed: `invalid_grant`).
 *   The tokens come with an ID token signed with the simulator's key (`signingKey`, RS256 unless
 *   `idTokenSigningAlg` says otherwise; its public JWK Set is `simulator.jwks` and `/service/jwks/get`),
 *   and are bound to a DPoP key when a valid proof came. A push-mode `/complete` mints the same way.
 *   `/service/configuration` answers the discovery document of `issuer` and the endpoints given.
 *   It never answers `PASSWORD`: `/auth/token/issue` and `/auth/token/fail` answer as for a ticket
 *   Authlete does not hold (`INTERNAL_SERVER_ERROR`).
 * - The tokens at work, from the tokens it issued (their subject, scopes, client, expiry, grant and
 *   DPoP key): `/auth/userinfo` answers the claim names of the scopes (OpenID Connect Core §5.4),
 *   `FORBIDDEN` without `openid`; `/auth/introspection` answers `usable` and `sufficient` for the
 *   scopes and subject asked; both want a DPoP-bound token with a proof of its key for the request
 *   (`htm`, `htu`, `ath`; a `jti` once), `userinfoEndpoint` being the `htu` at `/auth/userinfo` when
 *   the call gives none. `/auth/userinfo/issue` answers the claims passed with the token's `sub`;
 *   `/auth/introspection/standard` RFC 7662 for access and refresh tokens (`{"active":false}` for any
 *   other), signed (RFC 9701) when the caller accepts it; `/auth/revocation` revokes a token of the
 *   caller's own client, a refresh token with its grant's access tokens, and answers `OK` for
 *   another client's token without revoking it.
 *
 * What `/complete` answers, by the ticket's state:
 *
 * | ticket | POLL | PING, PUSH |
 * |---|---|---|
 * | issued, live | `NO_ACTION` | `NOTIFICATION`: ping `{"auth_req_id"}`; push the tokens, or `access_denied` / `expired_token` (TRANSACTION_FAILED) |
 * | issued, expired | `SERVER_ERROR` | `NOTIFICATION` with `"error":"expired_token"` |
 * | issued, then failed or completed | `SERVER_ERROR` | `NOTIFICATION` with `"error":"server_error"` |
 * | unknown, or never issued | `SERVER_ERROR` | `SERVER_ERROR` |
 *
 * ```ts
 * const simulator = createCibaSimulator({
 *   clients: [{ clientId: 'rp', clientSecret: 's', deliveryMode: 'PING', clientNotificationEndpoint: rp.url }],
 *   users: [{ subject: 'john', loginHints: ['john@example.com'] }],
 * })
 * const server = setupAuthleteServer(...simulator.handlers)
 * ```
 */
export function createCibaSimulator(options: CibaSimulatorOptions = {}): CibaSimulator {
  const state = new SimulatorState(options)
  const listeners = new Set<(decision: CibaUserDecision) => unknown>()

  function pending(authReqId: string, verb: string): Authentication {
    const authentication = state.byAuthReqId.get(authReqId)
    if (authentication === undefined)
      throw new Error(`${verb}: no authentication has auth_req_id ${authReqId}`)
    if (authentication.status !== 'pending') {
      throw new Error(`${verb}: the authentication ${authReqId} is ${authentication.status}, not pending`)
    }
    return authentication
  }

  const defaultSubject = (authentication: Authentication) =>
    authentication.user?.subject ?? authentication.sub ?? authentication.hint

  /** The user decides on the pending authentication of `authReqId`; the device tells the AS. */
  async function decide(
    authReqId: string,
    result: CibaUserDecision['result'],
    subject: string | undefined,
    details: Pick<CibaUserDecision, 'authTime' | 'acr' | 'errorDescription'>,
  ): Promise<CibaUserDecision> {
    const authentication = pending(authReqId, result === 'AUTHORIZED' ? 'approve' : 'deny')
    const decision: CibaUserDecision = {
      authReqId,
      ticket: authentication.ticket,
      result,
      subject: subject ?? defaultSubject(authentication),
      ...details,
    }
    authentication.decision = Object.freeze(decision)
    // Each listener is the AS's code, which calls /complete. Settling after all of them is what
    // lets `await simulator.approve(id)` mean "the AS is done".
    await Promise.all([...listeners].map(async (listener) => listener(decision)))
    return decision
  }

  const handlersFor = (baseUrl: MockHandlerOptions['baseUrl']) => simulatorHandlers(state, baseUrl)

  return {
    handlers: handlersFor(options.baseUrl),
    handlersFor,
    addClient: (client) => state.addClient(client),
    addUser: (user) => state.addUser(user),
    findUser: (identification) => state.findUser(identification),
    get authentications() {
      return [...state.authentications]
    },
    get pendingAuthentications() {
      return state.authentications.filter((authentication) => authentication.status === 'pending')
    },
    authentication: (authReqId) => state.byAuthReqId.get(authReqId),
    nextAuthentication(filter = {}, waitOptions = {}) {
      const matches = (authentication: Authentication) =>
        (filter.clientId === undefined || authentication.client.clientId === filter.clientId) &&
        (filter.hint === undefined || authentication.hint === filter.hint) &&
        (filter.subject === undefined ||
          (authentication.user?.subject ?? authentication.sub) === filter.subject)
      return state.arrivals.next(matches, waitOptions)
    },
    approve: (authReqId, approval = {}) =>
      decide(authReqId, 'AUTHORIZED', approval.subject, {
        authTime: approval.authTime ?? Math.floor(state.now() / 1000),
        ...(approval.acr === undefined ? {} : { acr: approval.acr }),
      }),
    deny: (authReqId, denial = {}) =>
      decide(
        authReqId,
        'ACCESS_DENIED',
        denial.subject,
        denial.errorDescription === undefined ? {} : { errorDescription: denial.errorDescription },
      ),
    expire(authReqId) {
      const authentication = state.byAuthReqId.get(authReqId)
      const ticket = authentication && state.tickets.get(authentication.ticket)
      if (ticket === undefined) throw new Error(`expire: no authentication has auth_req_id ${authReqId}`)
      ticket.expiresAt = Math.min(ticket.expiresAt, state.now())
    },
    onDecision(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    completionOf: (authReqId) => state.byAuthReqId.get(authReqId)?.completion,
    get jwks() {
      return state.token.jwks()
    },
    requests: state.requests as unknown as CibaSimulator['requests'],
    reset: () => state.reset(),
  }
}
