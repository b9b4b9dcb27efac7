/**
 * The two grants the simulated token endpoint plays, after the client is authenticated: the CIBA
 * grant (CIBA Core §10.1, with the errors of §11 in the order of the simulator's checks) and the
 * refresh token grant (RFC 6749 §6). Each answers `/auth/token`'s body.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.11
 * @module
 */

import {
  type ClientAuthMethod,
  tokenBadRequestAnswer as tokenBadRequest,
  tokenOkBody as tokenOk,
} from './answers.js'
import type { TokenLedger } from './ledger.js'
import { type MintContext, mintTokens } from './mint.js'
import type { CibaGrantRequest, TokenClient } from './types.js'

type Body = Record<string, unknown>

/** The authenticated request a grant answers. */
export interface GrantRequest {
  parameters: URLSearchParams
  client: TokenClient
  presentedClientId: string
  clientAuthMethod: ClientAuthMethod
  /** The DPoP key's thumbprint, when a valid proof came. */
  jkt: string | undefined
}

/** Where an `auth_req_id` stands for its client's next token request. */
export type CibaGrantStatus = 'pending' | 'authorized' | 'denied' | 'failed' | 'expired' | 'redeemed'

/**
 * The status of `request` at `now` (milliseconds): `pending` while no result came and it lives;
 * a result stands as reported (`ACCESS_DENIED` → `denied`, `TRANSACTION_FAILED` → `failed`) until it
 * expires, except a redeemed grant.
 */
export function cibaGrantStatus(
  request: CibaGrantRequest,
  ledger: TokenLedger,
  now: number,
): CibaGrantStatus {
  const expired = now >= request.expiresAt
  switch (request.result) {
    case undefined:
      return expired ? 'expired' : 'pending'
    case 'ACCESS_DENIED':
      return 'denied'
    case 'TRANSACTION_FAILED':
      return 'failed'
    default:
      if (expired) return 'expired'
      return ledger.redeemed.has(request.authReqId) ? 'redeemed' : 'authorized'
  }
}

/** What the CIBA grant reads besides the request. */
export interface CibaGrantContext extends MintContext {
  findCibaRequest(authReqId: string): CibaGrantRequest | undefined
  /** Seconds. */
  readonly interval: number
}

/**
 * The CIBA grant: an unknown or another client's `auth_req_id` → `invalid_grant`; a push-mode client →
 * `unauthorized_client`; pending → `authorization_pending`, or `slow_down` when polled sooner than
 * `interval` after the previous poll; denied → `access_denied`; failed or expired → `expired_token`;
 * redeemed → `invalid_grant`; else the tokens, once.
 */
export function cibaGrant(context: CibaGrantContext, grant: GrantRequest): Body {
  const authReqId = grant.parameters.get('auth_req_id')
  if (authReqId === null || authReqId === '') {
    return tokenBadRequest('invalid_request', 'The auth_req_id parameter is missing.')
  }
  const request = context.findCibaRequest(authReqId)
  // By numeric ID: a client may present its alias or its number.
  if (request === undefined || request.client.numericId !== grant.client.numericId) {
    return tokenBadRequest('invalid_grant', 'The auth_req_id is invalid.')
  }
  if (grant.client.deliveryMode === 'PUSH') {
    return tokenBadRequest('unauthorized_client', 'A client in push mode must not use the CIBA grant.')
  }
  const now = context.now()
  const { ledger } = context
  const previousPoll = ledger.lastPollAt.get(authReqId)
  ledger.lastPollAt.set(authReqId, now)
  const status = cibaGrantStatus(request, ledger, now)
  switch (status) {
    case 'pending':
      return previousPoll !== undefined && now - previousPoll < context.interval * 1000
        ? tokenBadRequest('slow_down', 'The client polls too often: it must slow down.')
        : tokenBadRequest('authorization_pending', 'The end-user has not been authenticated yet.')
    case 'denied':
      return tokenBadRequest('access_denied', 'The end-user denied the authorization request.')
    case 'failed':
      return tokenBadRequest('expired_token', 'The authorization request could not be completed.')
    case 'expired':
      return tokenBadRequest('expired_token', 'The auth_req_id has expired.')
    case 'redeemed':
      return tokenBadRequest('invalid_grant', 'The auth_req_id has already been used.')
  }
  if (request.result !== 'AUTHORIZED') throw new Error('unreachable: authorized without AUTHORIZED')
  const { decision } = request
  ledger.redeemed.add(authReqId)
  const scopes = decision.scopes ?? request.scopes
  const tokens = mintTokens(context, {
    client: grant.client,
    decision,
    scopes,
    authReqId,
    jkt: grant.jkt,
  })
  return tokenOk(tokens, {
    client: grant.client,
    presentedClientId: grant.presentedClientId,
    clientAuthMethod: grant.clientAuthMethod,
    grantType: 'CIBA',
    subject: decision.subject,
  })
}

/**
 * The refresh token grant: an unknown, expired or another client's refresh token → `invalid_grant`;
 * a `scope` beyond the original → `invalid_scope`; else new tokens (no ID token), and the old refresh
 * token is spent (rotation).
 */
export function refreshGrant(context: MintContext, grant: GrantRequest): Body {
  const refreshToken = grant.parameters.get('refresh_token')
  if (refreshToken === null || refreshToken === '') {
    return tokenBadRequest('invalid_request', 'The refresh_token parameter is missing.')
  }
  const { ledger } = context
  const issued = ledger.refreshTokens.get(refreshToken)
  if (
    issued === undefined ||
    issued.client.numericId !== grant.client.numericId ||
    context.now() >= issued.expiresAt
  ) {
    return tokenBadRequest('invalid_grant', 'The refresh token is invalid or has expired.')
  }
  const requested = grant.parameters.get('scope')
  const scopes = requested === null ? issued.scopes : requested.split(' ').filter(Boolean)
  if (!scopes.every((scope) => issued.scopes.includes(scope))) {
    return tokenBadRequest('invalid_scope', 'The scope exceeds the scope of the refresh token.')
  }
  ledger.refreshTokens.delete(refreshToken)
  const tokens = mintTokens(context, {
    client: grant.client,
    decision: issued.decision,
    scopes,
    jkt: grant.jkt,
    grantId: issued.grantId,
    idToken: false,
  })
  return tokenOk(tokens, {
    client: grant.client,
    presentedClientId: grant.presentedClientId,
    clientAuthMethod: grant.clientAuthMethod,
    grantType: 'REFRESH_TOKEN',
    subject: issued.decision.subject,
  })
}
