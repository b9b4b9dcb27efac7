// JWS compact serialisation with node:crypto: signatures of every algorithm verify, a tampered token
// or a key of the wrong type does not, and a key is named by its RFC 7638 thumbprint.
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createSigningKey,
  decodeJws,
  JWS_ALGORITHMS,
  jwkSet,
  jwkThumbprint,
  publicKeyFromJwk,
  signJws,
  verifyJws,
} from '../../../mocks/token/index.js'

const RFC_7638_JWK = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const KEYS = {
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  PS256: rsa,
  PS384: rsa,
  PS512: rsa,
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey,
  EdDSA: generateKeyPairSync('ed25519').privateKey,
}

describe('jwkThumbprint', () => {
  it('gives the RFC 7638 §3.1 example its published thumbprint, whatever the optional members', () => {
    expect(jwkThumbprint(RFC_7638_JWK)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  })

  it('is undefined for a key type RFC 7638 does not cover, or a missing member', () => {
    expect(jwkThumbprint({ kty: 'oct', k: 'AAAA' })).toBeUndefined()
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AAAA' })).toBeUndefined()
  })
})

describe('signJws and verifyJws', () => {
  for (const alg of JWS_ALGORITHMS) {
    it(`${alg}: the signature verifies with the public key, and no longer once the payload changes`, () => {
      const privateKey = KEYS[alg]
      const token = signJws({ alg, kid: 'k' }, { sub: 'john', n: 1 }, privateKey)
      const jws = decodeJws(token)
      expect(jws?.header).toEqual({ alg, kid: 'k' })
      expect(jws?.payload).toEqual({ sub: 'john', n: 1 })
      const publicKey = publicKeyFromJwk(privateKey.export({ format: 'jwk' }) as Record<string, unknown>)
      expect(publicKey).toBeUndefined() // a private JWK is never taken as a public key
      const {
        d: _d,
        p: _p,
        q: _q,
        dp: _dp,
        dq: _dq,
        qi: _qi,
        ...members
      } = privateKey.export({ format: 'jwk' })
      const key = publicKeyFromJwk(members as Record<string, unknown>)
      if (jws === undefined || key === undefined) throw new Error('unreadable')
      expect(verifyJws(jws, alg, key)).toBe(true)
      const [header, , signature] = token.split('.')
      const forged = decodeJws(
        `${header}.${Buffer.from('{"sub":"eve","n":1}').toString('base64url')}.${signature}`,
      )
      expect(forged && verifyJws(forged, alg, key)).toBe(false)
    })
  }

  it('never verifies with a key of another type or curve than the algorithm names', () => {
    const p384 = KEYS.ES384
    const jws = decodeJws(signJws({ alg: 'ES384' }, { a: 1 }, p384))
    if (jws === undefined) throw new Error('unreadable')
    const p384Public = publicKeyFromJwk(
      (({ d: _d, ...rest }) => rest)(p384.export({ format: 'jwk' })) as Record<string, unknown>,
    )
    if (p384Public === undefined) throw new Error('unreadable')
    expect(verifyJws(jws, 'ES384', p384Public)).toBe(true)
    expect(verifyJws(jws, 'ES256', p384Public)).toBe(false)
    expect(verifyJws(jws, 'RS256', p384Public)).toBe(false)
  })

  it('decodes only three base64url parts of two JSON objects', () => {
    expect(decodeJws('a.b')).toBeUndefined()
    expect(decodeJws('a.b.c.d')).toBeUndefined()
    expect(
      decodeJws(`${Buffer.from('[1]').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`),
    ).toBeUndefined()
    expect(decodeJws(`e30.e30.a+b`)).toBeUndefined()
    expect(decodeJws('e30.e30.')).toMatchObject({ header: {}, payload: {}, signingInput: 'e30.e30' })
  })
})

describe('createSigningKey and jwkSet', () => {
  it('names the key by its thumbprint and publishes only its public members', () => {
    const key = createSigningKey('ES256', KEYS.ES256)
    const { x, y } = KEYS.ES256.export({ format: 'jwk' })
    expect(key.kid).toBe(jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }))
    expect(jwkSet([key])).toEqual({
      keys: [{ kty: 'EC', crv: 'P-256', x, y, kid: key.kid, alg: 'ES256', use: 'sig' }],
    })
  })

  it('makes an RSA 2048 key for RS256 by default', () => {
    const key = createSigningKey()
    expect(key.alg).toBe('RS256')
    expect(key.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use'])
  })

  it('refuses a key that does not fit the algorithm, or a public key', () => {
    expect(() => createSigningKey('RS256', KEYS.ES256)).toThrow(
      'createSigningKey: the key is not a private key for RS256',
    )
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(() => createSigningKey('ES256', publicKey)).toThrow(
      'createSigningKey: the key is not a private key for ES256',
    )
  })
})
