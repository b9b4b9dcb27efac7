/**
 * The simulator's token endpoint, as modules the simulator plugs in: `createTokenEndpoint` on the
 * port `TokenSimulatorState` (see types.ts), and the pieces it is made of.
 *
 * @module
 */

export { CIBA_GRANT_TYPE, type ClientAuthMethod, type SimulatedGrantType } from './answers.js'
export { serviceConfiguration } from './discovery.js'
export { DPOP_IAT_WINDOW, type DpopProof, type DpopVerification, verifyDpopProof } from './dpop.js'
export { createTokenEndpoint, type TokenEndpoint } from './endpoint.js'
export { type CibaGrantStatus, cibaGrantStatus } from './grants.js'
export {
  decodeJws,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  jwkThumbprint,
  publicKeyFromJwk,
  signJws,
  verifyJws,
} from './jws.js'
export { createSigningKey, jwkSet, type SigningKey } from './keys.js'
export type { IssuedAccessToken, IssuedRefreshToken, TokenLedger } from './ledger.js'
export { halfHash, mintTokens } from './mint.js'
export type {
  CibaGrantFacts,
  CibaGrantRequest,
  MintedTokens,
  TokenClient,
  TokenDecision,
  TokenEndpointOptions,
  TokenGrant,
  TokenSimulatorState,
} from './types.js'
