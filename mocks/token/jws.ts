/**
 * JWS compact serialisation with node:crypto alone: signing the simulator's ID tokens, verifying
 * DPoP proofs, and the JWK thumbprint that names a key.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 * @module
 */

import {
  constants,
  createHash,
  createPublicKey,
  type KeyObject,
  type JsonWebKey as NodeJsonWebKey,
  sign,
  verify,
} from 'node:crypto'

/** The asymmetric JWS algorithms the simulator signs and verifies with (RFC 7518 §3.1, RFC 8037). */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'

/** Every {@link JwsAlgorithm}, in the order metadata lists them. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
])

interface AlgorithmParameters {
  /** The digest, `null` for EdDSA (the curve hashes itself). */
  hash: string | null
  keyType: 'rsa' | 'ec' | 'ed25519'
  /** The curve an EC key must be on (RFC 7518 §3.4). */
  curve?: string
  pss?: boolean
}

const PARAMETERS: Readonly<Record<JwsAlgorithm, AlgorithmParameters>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  PS384: { hash: 'sha384', keyType: 'rsa', pss: true },
  PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1' },
  ES512: { hash: 'sha512', keyType: 'ec', curve: 'secp521r1' },
  EdDSA: { hash: null, keyType: 'ed25519' },
}

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(PARAMETERS, value)
}

/** Whether `key` is of the type (and curve) `alg` needs: an RSA key must not verify an ES256 proof. */
export function keyFitsAlgorithm(key: KeyObject, alg: JwsAlgorithm): boolean {
  const { keyType, curve } = PARAMETERS[alg]
  if (key.asymmetricKeyType !== keyType) return false
  return curve === undefined || key.asymmetricKeyDetails?.namedCurve === curve
}

/** node:crypto's options for `alg`: JWS wants ECDSA signatures as r‖s, PSS with a digest-long salt. */
function keyOptions(key: KeyObject, alg: JwsAlgorithm) {
  const { pss, keyType } = PARAMETERS[alg]
  if (pss) {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
  }
  if (keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' as const }
  return { key }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs `payload` as a JWS compact serialisation, `header.alg` naming the algorithm. */
export function signJws(
  header: { alg: JwsAlgorithm } & Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const signingInput = `${encode(header)}.${encode(payload)}`
  const signature = sign(
    PARAMETERS[header.alg].hash,
    Buffer.from(signingInput),
    keyOptions(privateKey, header.alg),
  )
  return `${signingInput}.${signature.toString('base64url')}`
}

/** A compact JWS split and decoded, its signature unchecked. */
export interface DecodedJws {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

const BASE64URL = /^[A-Za-z0-9_-]*$/

function decodeObject(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Splits and decodes a compact JWS; `undefined` unless it is three base64url parts of two JSON objects. */
export function decodeJws(token: string): DecodedJws | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  const header = decodeObject(headerPart)
  const payload = decodeObject(payloadPart)
  if (header === undefined || payload === undefined) return undefined
  return {
    header,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  }
}

/** Whether `jws`'s signature is `alg`'s, by `publicKey` (a key of another type never verifies). */
export function verifyJws(jws: DecodedJws, alg: JwsAlgorithm, publicKey: KeyObject): boolean {
  if (!keyFitsAlgorithm(publicKey, alg)) return false
  try {
    return verify(
      PARAMETERS[alg].hash,
      Buffer.from(jws.signingInput),
      keyOptions(publicKey, alg),
      jws.signature,
    )
  } catch {
    return false
  }
}

/** The members of each key type that a thumbprint hashes, in lexicographic order (RFC 7638 §3.2). */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
}

/**
 * The JWK SHA-256 thumbprint of a public key, base64url: DPoP's `jkt`, and the simulator's `kid`s.
 * `undefined` for a key type RFC 7638 does not cover or a member that is missing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const members = typeof jwk.kty === 'string' ? THUMBPRINT_MEMBERS[jwk.kty] : undefined
  if (members === undefined) return undefined
  const required: Record<string, unknown> = {}
  for (const member of members) {
    const value = (jwk as Record<string, unknown>)[member]
    if (typeof value !== 'string' || value === '') return undefined
    required[member] = value
  }
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url')
}

/** The JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/**
 * A public key from its JWK; `undefined` if node:crypto cannot read it, or if the JWK carries private
 * members (node:crypto would quietly derive the public half: a proof must never carry them).
 */
export function publicKeyFromJwk(jwk: Record<string, unknown>): KeyObject | undefined {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return undefined
  try {
    return createPublicKey({ key: jwk as NodeJsonWebKey, format: 'jwk' })
  } catch {
    return undefined
  }
}
