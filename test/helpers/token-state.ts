/**
 * A stand-in for the simulator's state behind the token endpoint's port (mocks/token/types.ts): a
 * settable clock, registered clients, and `auth_req_id`s a test sets to any status.
 */
import type {
  CibaGrantRequest,
  TokenClient,
  TokenDecision,
  TokenSimulatorState,
} from '../../mocks/token/index.js'

export const T0 = Date.parse('2026-11-29T00:00:00Z')

export const POLL: TokenClient = {
  clientId: 'poll-client',
  clientSecret: 'poll-secret',
  deliveryMode: 'POLL',
  numericId: 1_000_001,
  alias: 'poll-client',
}
export const PING: TokenClient = {
  clientId: '2000002',
  clientSecret: 'ping-secret',
  deliveryMode: 'PING',
  numericId: 2_000_002,
  alias: undefined,
}
export const PUSH: TokenClient = {
  clientId: 'push-client',
  clientSecret: 'push-secret',
  deliveryMode: 'PUSH',
  numericId: 1_000_003,
  alias: 'push-client',
}

export const DECISION: TokenDecision = {
  subject: 'john',
  authTime: T0 / 1000 - 10,
  acr: 'urn:example:acr:mfa',
  claims: { email: 'john@example.com', iss: 'https://forged.example' },
}

export class FakeTokenState implements TokenSimulatorState {
  clock = T0
  readonly knownScopes = ['openid', 'email', 'offline_access']
  readonly clients = new Map<string, TokenClient>()
  readonly requests = new Map<string, CibaGrantRequest>()

  constructor(clients: readonly TokenClient[] = [POLL, PING, PUSH]) {
    for (const client of clients) {
      this.clients.set(client.clientId, client)
      this.clients.set(String(client.numericId), client)
    }
  }

  now = () => this.clock

  findClient(clientId: string): TokenClient | undefined {
    return this.clients.get(clientId)
  }

  findCibaRequest(authReqId: string): CibaGrantRequest | undefined {
    return this.requests.get(authReqId)
  }

  /** Adds an `auth_req_id` of `client`, living 600 s from now, pending unless `fields` say otherwise. */
  issue(
    authReqId: string,
    client: TokenClient = POLL,
    fields: Partial<Pick<CibaGrantRequest, 'result' | 'decision' | 'expiresAt' | 'scopes'>> = {},
  ): void {
    this.requests.set(authReqId, {
      authReqId,
      client,
      scopes: ['openid', 'email'],
      expiresAt: this.clock + 600_000,
      result: undefined,
      ...fields,
    } as CibaGrantRequest)
  }

  /** `/complete` reported `result` for `authReqId`. */
  complete(
    authReqId: string,
    result: 'AUTHORIZED' | 'ACCESS_DENIED' | 'TRANSACTION_FAILED',
    decision: TokenDecision = DECISION,
  ): void {
    const request = this.requests.get(authReqId)
    if (request === undefined) throw new Error(`no ${authReqId}`)
    this.requests.set(
      authReqId,
      (result === 'AUTHORIZED'
        ? { ...request, result, decision }
        : { ...request, result, decision: undefined }) as CibaGrantRequest,
    )
  }
}

/** `/auth/token`'s fields for a client_secret_basic client (as the AS passes Basic credentials). */
export function basicFields(client: TokenClient, parameters: string, extra: Record<string, unknown> = {}) {
  return { parameters, clientId: client.clientId, clientSecret: client.clientSecret, ...extra }
}

/** `grant_type=…ciba&auth_req_id=…`, form-encoded. */
export function cibaParameters(authReqId: string, extra = ''): string {
  return `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${authReqId}${extra}`
}
