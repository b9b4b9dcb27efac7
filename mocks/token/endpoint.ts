/**
 * `createTokenEndpoint`: the simulator's token endpoint, on the simulator's state (the port
 * {@link TokenSimulatorState}): `/auth/token` for the CIBA and refresh token grants, the push-mode
 * tokens of `/complete`, `/service/configuration` and `/service/jwks/get`.
 *
 * `/auth/token` checks, in this order: the call's `parameters` (readable, no parameter twice,
 * `grant_type` present); the client's authentication; the grant type (`unsupported_grant_type`); the
 * DPoP proof, if one came (`invalid_dpop_proof`); then the grant's own checks (grants.ts).
 *
 * @module
 */

import type { JsonWebKeyAnswer as JsonWebKey } from '../../src/index.js'
import { missingFieldBody, repeatedParameter } from '../authlete.js'
import {
  CIBA_GRANT_TYPE,
  MISSING_PARAMETERS_CODE,
  tokenBadRequestAnswer as tokenBadRequest,
  tokenInvalidClientAnswer as tokenInvalidClient,
} from './answers.js'
import { authenticateClient } from './client-auth.js'
import { serviceConfiguration } from './discovery.js'
import { DPOP_IAT_WINDOW, verifyDpopProof } from './dpop.js'
import { type CibaGrantContext, cibaGrant, type GrantRequest, refreshGrant } from './grants.js'
import { createSigningKey, jwkSet, type SigningKey } from './keys.js'
import { TokenLedger } from './ledger.js'
import { mintTokens } from './mint.js'
import type { MintedTokens, TokenEndpointOptions, TokenGrant, TokenSimulatorState } from './types.js'

type Body = Record<string, unknown>

/** The simulator's token endpoint. */
export interface TokenEndpoint {
  /** `/auth/token`: the HTTP status and JSON body answering a call whose body fields are `fields`. */
  token(fields: Record<string, unknown>): { status: number; body: Body }
  /** Mints a grant's tokens, signed as `/auth/token`'s: for a push-mode `/complete`. */
  mint(grant: TokenGrant): MintedTokens
  /** `/service/configuration`'s answer: the discovery document. */
  configuration(): Body
  /** `/service/jwks/get`'s answer: the public JWK Set. */
  jwks(): { keys: JsonWebKey[] }
  /** The signing key (made on first use). */
  signingKey(): SigningKey
  /** What the endpoint remembers: polls, redemptions, issued tokens (an access token's `jkt`). */
  readonly ledger: TokenLedger
  readonly issuer: string
  readonly tokenEndpoint: string
  /** The AS's UserInfo endpoint: a proof's `htu` at `/auth/userinfo` when the call gives none. */
  readonly userinfoEndpoint: string
  /** Forgets polls, redemptions, tokens and DPoP proofs; keeps the key. */
  reset(): void
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

/** 400 with Authlete's result body: the call has no `parameters` (as `receiveCall` refuses it). */
function missingParameters(): { status: number; body: Body } {
  return { status: 400, body: missingFieldBody(MISSING_PARAMETERS_CODE, 'parameters') }
}

/** Creates the token endpoint of a simulator whose state is `state`. */
export function createTokenEndpoint(
  state: TokenSimulatorState,
  options: TokenEndpointOptions = {},
): TokenEndpoint {
  const issuer = options.issuer ?? 'https://as.example.com'
  const base = issuer.replace(/\/+$/, '')
  const tokenEndpoint = options.tokenEndpoint ?? `${base}/token`
  const userinfoEndpoint = options.userinfoEndpoint ?? `${base}/userinfo`
  const idTokenSigningAlg = options.idTokenSigningAlg ?? 'RS256'
  const ledger = new TokenLedger()
  let key: SigningKey | undefined
  // Made on first use: an RSA key takes tens of milliseconds, and most simulators never sign.
  const signingKey = () => {
    key ??= createSigningKey(idTokenSigningAlg, options.signingKey)
    return key
  }
  if (options.signingKey !== undefined) signingKey()

  const context: CibaGrantContext = {
    now: () => state.now(),
    signingKey,
    ledger,
    issuer,
    accessTokenDuration: options.accessTokenDuration ?? 3600,
    refreshTokenDuration: options.refreshTokenDuration ?? 86400,
    interval: options.interval ?? 5,
    findCibaRequest: (authReqId) => state.findCibaRequest(authReqId),
  }

  function answer(fields: Record<string, unknown>): Body {
    const parameters = new URLSearchParams(fields.parameters as string)
    const repeated = repeatedParameter(parameters)
    if (repeated !== undefined) {
      return tokenBadRequest('invalid_request', `The '${repeated}' parameter is included more than once.`)
    }
    const grantType = parameters.get('grant_type')
    if (grantType === null || grantType === '') {
      return tokenBadRequest('invalid_request', 'The grant_type parameter is missing.')
    }
    const authentication = authenticateClient(fields, parameters, (id) => state.findClient(id))
    if (!authentication.ok) {
      return authentication.error === 'invalid_client'
        ? tokenInvalidClient(authentication.description)
        : tokenBadRequest(authentication.error, authentication.description)
    }
    if (grantType !== CIBA_GRANT_TYPE && grantType !== 'refresh_token') {
      return tokenBadRequest('unsupported_grant_type', `The grant type '${grantType}' is not supported.`)
    }

    let jkt: string | undefined
    const proof = text(fields.dpop)
    if (proof !== undefined) {
      const now = state.now()
      const verified = verifyDpopProof(proof, {
        htm: text(fields.htm) ?? 'POST',
        htu: text(fields.htu) ?? tokenEndpoint,
        now,
      })
      if (!verified.ok) return tokenBadRequest('invalid_dpop_proof', verified.reason)
      if (!ledger.acceptProof(verified.jkt, verified.jti, verified.iat, now / 1000 - DPOP_IAT_WINDOW)) {
        return tokenBadRequest('invalid_dpop_proof', "The DPoP proof's jti has been used before.")
      }
      jkt = verified.jkt
    }

    const grant: GrantRequest = {
      parameters,
      client: authentication.client,
      presentedClientId: authentication.presentedClientId,
      clientAuthMethod: authentication.method,
      jkt,
    }
    return grantType === CIBA_GRANT_TYPE ? cibaGrant(context, grant) : refreshGrant(context, grant)
  }

  return {
    token(fields) {
      if (text(fields.parameters) === undefined) return missingParameters()
      return { status: 200, body: answer(fields) }
    },
    mint: (grant) => mintTokens(context, grant),
    configuration: () =>
      serviceConfiguration({
        issuer,
        tokenEndpoint,
        backchannelAuthenticationEndpoint:
          options.backchannelAuthenticationEndpoint ?? `${base}/backchannel/authentication`,
        jwksUri: options.jwksUri ?? `${base}/jwks`,
        userinfoEndpoint,
        revocationEndpoint: options.revocationEndpoint ?? `${base}/revoke`,
        introspectionEndpoint: options.introspectionEndpoint ?? `${base}/introspect`,
        idTokenSigningAlg,
        scopes: state.knownScopes,
      }),
    jwks: () => jwkSet([signingKey()]),
    signingKey,
    ledger,
    issuer,
    tokenEndpoint,
    userinfoEndpoint,
    reset: () => ledger.reset(),
  }
}
