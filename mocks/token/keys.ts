/**
 * The simulator's signing key: made with node:crypto when first needed, named by its JWK thumbprint,
 * published as a JWK Set.
 *
 * @module
 */

import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { JsonWebKeyAnswer as JsonWebKey } from '../../src/index.js'
import { type JwsAlgorithm, jwkThumbprint, keyFitsAlgorithm } from './jws.js'

/** A private key with the public JWK that verifies its signatures. */
export interface SigningKey {
  readonly alg: JwsAlgorithm
  /** The public JWK's RFC 7638 thumbprint. */
  readonly kid: string
  readonly privateKey: KeyObject
  /** `kty` and the public members, with `kid`, `alg` and `use: 'sig'`. */
  readonly publicJwk: Readonly<JsonWebKey>
}

function generate(alg: JwsAlgorithm): KeyObject {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  }
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519').privateKey
  const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256' | 'ES384' | 'ES512']
  return generateKeyPairSync('ec', { namedCurve }).privateKey
}

/**
 * A signing key for `alg`: `privateKey` when given (it must fit `alg`), else a new one (RSA 2048,
 * or the algorithm's curve).
 */
export function createSigningKey(alg: JwsAlgorithm = 'RS256', privateKey?: KeyObject): SigningKey {
  const key = privateKey ?? generate(alg)
  if (key.type !== 'private' || !keyFitsAlgorithm(key, alg)) {
    throw new TypeError(`createSigningKey: the key is not a private key for ${alg}`)
  }
  const { kty, n, e, crv, x, y } = key.export({ format: 'jwk' })
  const members = Object.fromEntries(
    Object.entries({ kty, n, e, crv, x, y }).filter(([, value]) => value !== undefined),
  ) as JsonWebKey
  const kid = jwkThumbprint(members) as string
  return Object.freeze({
    alg,
    kid,
    privateKey: key,
    publicJwk: Object.freeze({ ...members, kid, alg, use: 'sig' }),
  })
}

/** The JWK Set of `keys`: public members only, as `/service/jwks/get` answers it. */
export function jwkSet(keys: readonly SigningKey[]): { keys: JsonWebKey[] } {
  return publicJwkSet(keys.map((key) => key.publicJwk))
}

/** A JWK Set of public JWKs, each a copy: what `/service/jwks/get` answers. */
export function publicJwkSet(keys: readonly Readonly<JsonWebKey>[]): { keys: JsonWebKey[] } {
  return { keys: keys.map((key) => ({ ...key })) }
}
