/**
 * `createCibaSimulator`: a stateful stand-in for Authlete's CIBA API, for testing an authorization
 * server (AS) end to end: the four calls answer as one Authlete service would, one after the other,
 * and a test plays the user on the authentication device.
 *
 * The design is in the doc comment of {@link createCibaSimulator}, which the published types carry.
 *
 * @module
 */

import type { MockHandlerOptions } from './authlete.js'
import { simulatorHandlers } from './simulator-calls.js'
import { type Authentication, SimulatorState } from './simulator-state.js'
import type { CibaSimulator, CibaSimulatorOptions, CibaUserDecision } from './simulator-types.js'

export type {
  CibaApproval,
  CibaAuthentication,
  CibaAuthenticationFilter,
  CibaAuthenticationStatus,
  CibaCompletion,
  CibaDeliveryMode,
  CibaDenial,
  CibaHintType,
  CibaSimulator,
  CibaSimulatorClient,
  CibaSimulatorOptions,
  CibaSimulatorRequest,
  CibaSimulatorUser,
  CibaUserDecision,
  PushTokens,
  UserIdentification,
} from './simulator-types.js'

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

  async function decide(authentication: Authentication, decision: CibaUserDecision) {
    authentication.decision = Object.freeze(decision)
    // The device tells the AS: each listener is the AS's code, which calls /complete. Settling after
    // all of them is what lets `await simulator.approve(id)` mean "the AS is done".
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
    async approve(authReqId, approval = {}) {
      const authentication = pending(authReqId, 'approve')
      return decide(authentication, {
        authReqId,
        ticket: authentication.ticket,
        result: 'AUTHORIZED',
        subject: approval.subject ?? defaultSubject(authentication),
        authTime: approval.authTime ?? Math.floor(state.now() / 1000),
        ...(approval.acr === undefined ? {} : { acr: approval.acr }),
      })
    },
    async deny(authReqId, denial = {}) {
      const authentication = pending(authReqId, 'deny')
      return decide(authentication, {
        authReqId,
        ticket: authentication.ticket,
        result: 'ACCESS_DENIED',
        subject: denial.subject ?? defaultSubject(authentication),
        ...(denial.errorDescription === undefined ? {} : { errorDescription: denial.errorDescription }),
      })
    },
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
    requests: state.requests,
    reset: () => state.reset(),
  }
}
