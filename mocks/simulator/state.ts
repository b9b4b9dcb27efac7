/**
 * The simulator's state: the registry (clients, users), the tickets, the authentications, the
 * recorded calls. Authlete's side (the calls of `table.ts`) and the device (`index.ts`) share it.
 *
 * @module
 */

import { AUTHLETE_CALLS, type AuthleteCallName } from '../../src/operations/table.js'
import { Arrivals } from '../arrivals.js'
import { createTokenEndpoint, type TokenEndpoint } from '../token/endpoint.js'
import type { CibaGrantRequest, TokenDecision, TokenSimulatorState } from '../token/types.js'
import type { BackchannelRequest, CibaSimulatorClient, RegisteredClient } from './request.js'
import type {
  CibaAuthentication,
  CibaAuthenticationStatus,
  CibaCompletion,
  CibaSimulatorOptions,
  CibaSimulatorRequest,
  CibaSimulatorUser,
  CibaUserDecision,
  UserIdentification,
} from './types.js'

const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access']

/** A ticket from its `/backchannel/authentication` on; kept after it ends. */
export interface Ticket {
  readonly ticket: string
  readonly request: BackchannelRequest
  state: 'identified' | 'issued' | 'failed' | 'completed'
  /** Milliseconds of the simulator's clock; reset by `/issue`. */
  expiresAt: number
  authentication?: Authentication
  /** What `/complete` reported with `AUTHORIZED`: what the token endpoint mints from. */
  decision?: TokenDecision
}

/** An authentication, with the fields the simulator fills in later. */
export interface Authentication extends CibaAuthentication {
  decision: CibaUserDecision | undefined
  completion: CibaCompletion | undefined
}

/** A call's entry in the request log while it is answered: its answer is added when it leaves. */
export type RequestDraft = Omit<CibaSimulatorRequest, 'status' | 'answer'>

/**
 * How the simulator answers one call whose request passed the call's checks (`fields`): an answer
 * body, or a `Response` for an HTTP error. It may add to the request's log entry (`draft`).
 */
export type Play = (
  state: SimulatorState,
  fields: Record<string, unknown>,
  draft: RequestDraft,
) => Response | Record<string, unknown>

/** The names the request log had before the first release, and the call each is now named after. */
const DEPRECATED_LOG_NAMES = {
  authentication: 'backchannelAuthentication',
  issue: 'backchannelIssue',
  fail: 'backchannelFail',
  complete: 'backchannelComplete',
} as const

/**
 * The request log: one list per call of the table, by the call's name; the names of before the
 * first release lead to the same lists, deprecated and left out of `Object.keys`.
 */
function requestLog(): Record<AuthleteCallName, CibaSimulatorRequest[]> {
  const log = Object.fromEntries(AUTHLETE_CALLS.map(({ name }) => [name, []])) as unknown as Record<
    AuthleteCallName,
    CibaSimulatorRequest[]
  >
  for (const [old, name] of Object.entries(DEPRECATED_LOG_NAMES)) {
    Object.defineProperty(log, old, { get: () => log[name], enumerable: false })
  }
  return log
}

function register(client: CibaSimulatorClient, numericId: number): RegisteredClient {
  const mode = client.deliveryMode ?? 'POLL'
  if (typeof client.clientId !== 'string' || client.clientId === '') {
    throw new TypeError('addClient: clientId must be a non-empty string')
  }
  if (typeof client.clientSecret !== 'string' || client.clientSecret === '') {
    throw new TypeError(`addClient: clientSecret of ${client.clientId} must be a non-empty string`)
  }
  if (mode !== 'POLL' && mode !== 'PING' && mode !== 'PUSH') {
    throw new TypeError(`addClient: deliveryMode of ${client.clientId} must be POLL, PING or PUSH`)
  }
  if (mode !== 'POLL' && !URL.canParse(client.clientNotificationEndpoint ?? '')) {
    throw new TypeError(
      `addClient: a ${mode} client (${client.clientId}) needs a clientNotificationEndpoint URL`,
    )
  }
  const numeric = /^[1-9][0-9]{0,14}$/.test(client.clientId)
  return Object.freeze({
    ...client,
    deliveryMode: mode,
    clientName: client.clientName ?? client.clientId,
    numericId: numeric ? Number(client.clientId) : numericId,
    alias: numeric ? undefined : client.clientId,
  })
}

/**
 * The simulator's state. It is also the token endpoint's port (`TokenSimulatorState`): the token
 * endpoint reads the clients, the clock and, through {@link SimulatorState.findCibaRequest}, the
 * tickets; what it adds (polls, redemptions, tokens) stays in its own ledger.
 *
 * @internal
 */
export class SimulatorState implements TokenSimulatorState {
  readonly now: () => number
  readonly knownScopes: ReadonlySet<string>
  /** Seconds. */
  readonly lifetime: number
  readonly interval: number
  readonly issuer: string
  readonly accessTokenDuration: number
  readonly refreshTokenDuration: number

  readonly tickets = new Map<string, Ticket>()
  readonly authentications: Authentication[] = []
  readonly byAuthReqId = new Map<string, Authentication>()
  /** Authentications for `nextAuthentication`, each handed out once. */
  readonly arrivals = new Arrivals<Authentication>()
  /** The request log: one list per call the simulator plays, by its key in `table.ts`. */
  readonly requests: Readonly<Record<AuthleteCallName, CibaSimulatorRequest[]>>
  /** `/auth/token`, the push-mode tokens of `/complete`, the discovery document and the JWK Set. */
  readonly token: TokenEndpoint

  /** By `clientId`, and by numeric ID for a client registered under an alias. */
  readonly #clients = new Map<string, RegisteredClient>()
  readonly #users: CibaSimulatorUser[] = []
  #nextNumericId = 1_000_001

  constructor(options: CibaSimulatorOptions) {
    this.requests = requestLog()
    this.now = options.now ?? Date.now
    this.knownScopes = new Set(options.scopes ?? DEFAULT_SCOPES)
    this.lifetime = options.expiresIn ?? 600
    this.interval = options.interval ?? 5
    this.issuer = options.issuer ?? 'https://as.example.com'
    this.accessTokenDuration = options.accessTokenDuration ?? 3600
    this.refreshTokenDuration = options.refreshTokenDuration ?? 86400
    for (const client of options.clients ?? []) this.addClient(client)
    for (const user of options.users ?? []) this.addUser(user)
    this.token = createTokenEndpoint(this, {
      issuer: this.issuer,
      tokenEndpoint: options.tokenEndpoint,
      backchannelAuthenticationEndpoint: options.backchannelAuthenticationEndpoint,
      jwksUri: options.jwksUri,
      userinfoEndpoint: options.userinfoEndpoint,
      revocationEndpoint: options.revocationEndpoint,
      introspectionEndpoint: options.introspectionEndpoint,
      interval: this.interval,
      accessTokenDuration: this.accessTokenDuration,
      refreshTokenDuration: this.refreshTokenDuration,
      idTokenSigningAlg: options.idTokenSigningAlg,
      signingKey: options.signingKey,
    })
  }

  /**
   * The port's view of the request `/issue` gave `authReqId`: its client, scopes and expiry, and
   * what `/complete` reported (`undefined` until it does: Authlete cannot know the user's answer
   * before). A ticket ended by `/fail` after `/issue` reads as `TRANSACTION_FAILED`.
   */
  findCibaRequest(authReqId: string): CibaGrantRequest | undefined {
    const authentication = this.byAuthReqId.get(authReqId)
    const ticket = authentication && this.tickets.get(authentication.ticket)
    if (authentication === undefined || ticket === undefined) return undefined
    const { client, scopes } = ticket.request
    const facts = { authReqId, client, scopes, expiresAt: ticket.expiresAt }
    if (ticket.state === 'failed') return { ...facts, result: 'TRANSACTION_FAILED' }
    const result = authentication.completion?.result
    if (result === 'AUTHORIZED' && ticket.decision !== undefined) {
      return { ...facts, result, decision: ticket.decision }
    }
    if (result === 'ACCESS_DENIED' || result === 'TRANSACTION_FAILED') return { ...facts, result }
    return { ...facts, result: undefined }
  }

  addClient(client: CibaSimulatorClient): void {
    // Registered again (new settings): the same client, with the numeric ID it had, so that its
    // tokens stay its own and no later client can be given that number.
    let previousId: number | undefined
    for (const [key, registered] of this.#clients) {
      if (registered.clientId === client.clientId) {
        previousId = registered.numericId
        this.#clients.delete(key)
      }
    }
    const taken = (id: number) => [...this.#clients.values()].some((known) => known.numericId === id)
    while (taken(this.#nextNumericId)) this.#nextNumericId++
    const registered = register(client, previousId ?? this.#nextNumericId)
    // Authlete's numeric client IDs are unique: a client registered by number must not take the
    // number another client was given, or either could redeem the other's auth_req_id.
    const holder = this.#clients.get(String(registered.numericId))
    if (holder !== undefined) {
      throw new TypeError(
        `addClient: ${registered.numericId} is already the numeric client ID of ${holder.clientId}: give ${client.clientId} another`,
      )
    }
    this.#clients.set(registered.clientId, registered)
    if (registered.alias !== undefined) {
      this.#clients.set(String(registered.numericId), registered)
      if (previousId === undefined) this.#nextNumericId++
    }
  }

  findClient(clientId: string): RegisteredClient | undefined {
    return this.#clients.get(clientId)
  }

  addUser(user: CibaSimulatorUser): void {
    if (typeof user.subject !== 'string' || user.subject === '') {
      throw new TypeError('addUser: subject must be a non-empty string')
    }
    this.#users.push(Object.freeze({ ...user }))
  }

  findUser({ hintType, hint, sub }: UserIdentification): CibaSimulatorUser | undefined {
    if (hintType === 'ID_TOKEN_HINT') return this.#users.find((user) => user.subject === sub)
    if (hint === undefined) return undefined
    return this.#users.find((user) => user.subject === hint || (user.loginHints ?? []).includes(hint))
  }

  expired(ticket: Ticket): boolean {
    return this.now() >= ticket.expiresAt
  }

  /** A new ticket for a valid request, living for its `requested_expiry` or the default lifetime. */
  identify(ticket: string, request: BackchannelRequest): void {
    const expiresAt = this.now() + (request.requestedExpiry ?? this.lifetime) * 1000
    this.tickets.set(ticket, { ticket, request, state: 'identified', expiresAt })
  }

  /** `/issue`: the ticket gets its `auth_req_id` and lifetime; the authentication begins. */
  issue(ticket: Ticket, authReqId: string, expiresIn: number): Authentication {
    ticket.state = 'issued'
    ticket.expiresAt = this.now() + expiresIn * 1000
    const { request } = ticket
    const status = (): CibaAuthenticationStatus => {
      if (ticket.state === 'failed' || ticket.state === 'completed') return ticket.state
      if (this.expired(ticket)) return 'expired'
      return authentication.decision ? 'decided' : 'pending'
    }
    const authentication: Authentication = {
      authReqId,
      ticket: ticket.ticket,
      client: request.client,
      hintType: request.hintType,
      hint: request.hint,
      sub: request.sub,
      user: this.findUser(request),
      bindingMessage: request.bindingMessage,
      userCode: request.userCode,
      scopes: Object.freeze([...request.scopes]),
      acrs: Object.freeze([...request.acrs]),
      clientNotificationToken: request.clientNotificationToken,
      get expiresAt() {
        return ticket.expiresAt
      },
      get status() {
        return status()
      },
      decision: undefined,
      completion: undefined,
    }
    ticket.authentication = authentication
    this.authentications.push(authentication)
    this.byAuthReqId.set(authReqId, authentication)
    this.arrivals.push(authentication)
    return authentication
  }

  reset(): void {
    this.tickets.clear()
    this.authentications.length = 0
    this.byAuthReqId.clear()
    for (const list of Object.values(this.requests)) list.length = 0
    this.token.reset()
    this.arrivals.clear(new Error('createCibaSimulator: reset() while waiting for an authentication'))
  }
}
