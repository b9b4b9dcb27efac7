/**
 * DPoP proof verification, the checks of RFC 9449 §4.3: at the token endpoint, and at a resource
 * (the UserInfo endpoint, a resource server's introspection), where the proof also carries `ath`,
 * the hash of the access token it comes with (§7.1). No `nonce`: the simulator never asks for one.
 * An Ed25519 key's proof may name its algorithm `EdDSA` or `Ed25519` (RFC 9864).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @module
 */

import { createHash } from 'node:crypto'
import {
  decodeJws,
  isJwsAlgorithm,
  type JwsAlgorithm,
  jwkThumbprint,
  publicKeyFromJwk,
  verifyJws,
} from './jws.js'

/** How far a proof's `iat` may be from the clock, either way, in seconds. */
export const DPOP_IAT_WINDOW = 300

/** What the proof must match. */
export interface DpopExpectation {
  /** The request's method. */
  htm: string
  /** The request's URL (its query and fragment are ignored). */
  htu: string
  /** The clock, in milliseconds since the epoch. */
  now: number
  /**
   * The access token the proof comes with, at a resource: the proof's `ath` must be its hash.
   * @default undefined (the token endpoint: no `ath` checked)
   */
  accessToken?: string | undefined
  /**
   * The algorithms accepted.
   * @default every JwsAlgorithm
   */
  algorithms?: readonly JwsAlgorithm[] | undefined
}

/** An accepted proof. */
export interface DpopProof {
  /** The RFC 7638 thumbprint of the proof's key: the bound token's `cnf.jkt`. */
  jkt: string
  jti: string
  /** Seconds. */
  iat: number
}

/** A proof, or why it was refused (the `error_description` of `invalid_dpop_proof`). */
export type DpopVerification = ({ ok: true } & DpopProof) | { ok: false; reason: string }

/** `ath`: the base64url SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url')
}

/** `url` without its query and fragment, normalised; `undefined` if it is not an absolute URL. */
function withoutQuery(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined
  const parsed = new URL(url)
  parsed.search = ''
  parsed.hash = ''
  return parsed.href
}

const refuse = (reason: string): DpopVerification => ({ ok: false, reason })

/**
 * Checks a DPoP proof (the `DPoP` header's value): `typ` `dpop+jwt`, an accepted asymmetric `alg`, a
 * public `jwk` in the header that verifies the signature, and the `jti`, `htm`, `htu` and `iat` claims.
 */
export function verifyDpopProof(proof: string, expected: DpopExpectation): DpopVerification {
  const jws = decodeJws(proof)
  if (jws === undefined) return refuse('The DPoP proof is not a JWS in compact serialisation.')
  const { header, payload } = jws
  if (header.typ !== 'dpop+jwt') return refuse("The DPoP proof's typ is not dpop+jwt.")
  const { jwk } = header
  // RFC 9864's fully-specified name of EdDSA on Ed25519, which oauth4webapi 3 (openid-client 6)
  // writes for an Ed25519 key; Authlete's documents name EdDSA only.
  const alg = header.alg === 'Ed25519' ? 'EdDSA' : header.alg
  if (!isJwsAlgorithm(alg) || !(expected.algorithms ?? [alg]).includes(alg)) {
    return refuse("The DPoP proof's alg is not supported.")
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return refuse('The DPoP proof has no jwk header parameter.')
  }
  const key = publicKeyFromJwk(jwk as Record<string, unknown>)
  const jkt = jwkThumbprint(jwk as Record<string, unknown>)
  if (key === undefined || jkt === undefined) return refuse("The DPoP proof's jwk is not a public key.")
  if (!verifyJws(jws, alg, key)) return refuse("The DPoP proof's signature is invalid.")

  const { jti, htm, htu, iat } = payload
  if (typeof jti !== 'string' || jti === '') return refuse('The DPoP proof has no jti claim.')
  if (htm !== expected.htm) return refuse("The DPoP proof's htm does not match the request's method.")
  const target = withoutQuery(expected.htu)
  if (typeof htu !== 'string' || target === undefined || withoutQuery(htu) !== target) {
    return refuse("The DPoP proof's htu does not match the request's URL.")
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('The DPoP proof has no iat claim.')
  if (Math.abs(iat - expected.now / 1000) > DPOP_IAT_WINDOW) {
    return refuse("The DPoP proof's iat is too far from the current time.")
  }
  if (expected.accessToken !== undefined && payload.ath !== accessTokenHash(expected.accessToken)) {
    return refuse("The DPoP proof's ath does not match the access token.")
  }
  return { ok: true, jkt, jti, iat }
}
