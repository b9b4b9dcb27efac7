/** DPoP proofs for tests, made with node:crypto (RFC 9449 §4.2), each part overridable. */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto'
import type { JwsAlgorithm } from '../../mocks/token/index.js'

export interface ProofKey {
  alg: JwsAlgorithm
  privateKey: KeyObject
  /** The public JWK (no private members). */
  jwk: Record<string, unknown>
}

/** A new ES256 (P-256) or RS256 (RSA 2048) key for proofs. */
export function proofKey(alg: 'ES256' | 'RS256' = 'ES256'): ProofKey {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { alg, privateKey, jwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown> }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * A proof for `POST htu` at `iat` seconds, signed by `key` with its own algorithm (ES256 or RS256)
 * whatever the header says; `header` and `claims` override (undefined removes).
 */
export function dpopProof(
  key: ProofKey,
  htu: string,
  iat: number,
  overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  const header = { typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...overrides.header }
  const claims = { jti: randomUUID(), htm: 'POST', htu, iat, ...overrides.claims }
  const input = `${encode(header)}.${encode(claims)}`
  const options =
    key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey
  return `${input}.${sign('sha256', Buffer.from(input), options).toString('base64url')}`
}
