// The ID token as the demo's client application reads it: its claims, and whether its signature
// verifies with a key of the AS's JWK Set (what a relying party checks; openid-client does it in
// test/interop). node:crypto only: the demo depends on nothing the package does not.
import { constants, createPublicKey, type JsonWebKey, verify } from 'node:crypto'

export interface ReadIdToken {
  /** The header's `alg` and `kid`. */
  alg: string | undefined
  kid: string | undefined
  claims: Record<string, unknown>
  /** `true`: verified; a string: why not. */
  verified: true | string
}

/** How each algorithm verifies: the digest, and the key's options. */
const ALGORITHMS: Record<string, { digest: string; pss?: true; ieee?: true }> = {
  RS256: { digest: 'sha256' },
  RS384: { digest: 'sha384' },
  RS512: { digest: 'sha512' },
  PS256: { digest: 'sha256', pss: true },
  PS384: { digest: 'sha384', pss: true },
  PS512: { digest: 'sha512', pss: true },
  ES256: { digest: 'sha256', ieee: true },
  ES384: { digest: 'sha384', ieee: true },
  ES512: { digest: 'sha512', ieee: true },
}

const json = (part: string | undefined): Record<string, unknown> => {
  const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('not a JSON object')
  return value as Record<string, unknown>
}

/** Reads `idToken` and checks its signature against `keys` (the AS's JWK Set). Never throws. */
export function readIdToken(idToken: string, keys: readonly JsonWebKey[]): ReadIdToken | string {
  const parts = idToken.split('.')
  if (parts.length !== 3) return 'not a signed JWT'
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    header = json(parts[0])
    claims = json(parts[1])
  } catch {
    return 'its header or claims are not JSON'
  }
  const alg = typeof header.alg === 'string' ? header.alg : undefined
  const kid = typeof header.kid === 'string' ? header.kid : undefined
  const how = alg === undefined ? undefined : ALGORITHMS[alg]
  const jwk = keys.find((key) => kid === undefined || key.kid === kid)
  let verified: true | string
  if (how === undefined) verified = `alg ${alg ?? 'missing'} is not one this demo checks`
  else if (jwk === undefined) verified = `no key${kid ? ` with kid ${kid}` : ''} in the JWK Set`
  else {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' })
      const ok = verify(
        how.digest,
        Buffer.from(`${parts[0]}.${parts[1]}`),
        {
          key,
          ...(how.pss
            ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
            : {}),
          ...(how.ieee ? { dsaEncoding: 'ieee-p1363' as const } : {}),
        },
        Buffer.from(parts[2] ?? '', 'base64url'),
      )
      verified = ok || 'the signature does not verify'
    } catch (error) {
      verified = `the key cannot verify it (${(error as Error).message})`
    }
  }
  return { alg, kid, claims, verified }
}
