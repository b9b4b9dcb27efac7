/**
 * The simulator's state: the registry (clients, users), the tickets, the authentications, the
 * recorded calls. Authlete's side (the calls of `table.ts`) and the device (`index.ts`) share it.
 *
 * @module
 */

import { Arrivals } from '../arrivals.js'
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
 * @internal
 */
export class SimulatorState {
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
  readonly requests: Readonly<Record<string, CibaSimulatorRequest[]>>

  /** By `clientId`, and by numeric ID for a client registered under an alias. */
  readonly #clients = new Map<string, RegisteredClient>()
  readonly #users: CibaSimulatorUser[] = []
  #nextNumericId = 1_000_001

  constructor(options: CibaSimulatorOptions, logKeys: readonly string[]) {
    this.requests = Object.fromEntries(logKeys.map((key) => [key, []]))
    this.now = options.now ?? Date.now
    this.knownScopes = new Set(options.scopes ?? DEFAULT_SCOPES)
    this.lifetime = options.expiresIn ?? 600
    this.interval = options.interval ?? 5
    this.issuer = options.issuer ?? 'https://as.example.com'
    this.accessTokenDuration = options.accessTokenDuration ?? 3600
    this.refreshTokenDuration = options.refreshTokenDuration ?? 86400
    for (const client of options.clients ?? []) this.addClient(client)
    for (const user of options.users ?? []) this.addUser(user)
  }

  addClient(client: CibaSimulatorClient): void {
    for (const [key, registered] of this.#clients) {
      if (registered.clientId === client.clientId) this.#clients.delete(key)
    }
    const taken = (id: number) => [...this.#clients.values()].some((known) => known.numericId === id)
    while (taken(this.#nextNumericId)) this.#nextNumericId++
    const registered = register(client, this.#nextNumericId)
    this.#clients.set(registered.clientId, registered)
    if (registered.alias !== undefined) {
      this.#clients.set(String(registered.numericId), registered)
      this.#nextNumericId++
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
    this.arrivals.clear(new Error('createCibaSimulator: reset() while waiting for an authentication'))
  }
}
