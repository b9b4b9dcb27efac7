// DPoP proofs at the token endpoint (RFC 9449 §4.3): what is accepted, and each reason to refuse.
import { generateKeyPairSync } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { DPOP_IAT_WINDOW, jwkThumbprint, signJws, verifyDpopProof } from '../../../mocks/token/index.js'
import { dpopProof, proofKey } from '../../helpers/dpop-proof.js'

const HTU = 'https://as.example.com/token'
const NOW = Date.parse('2026-11-29T00:00:00Z')
const IAT = NOW / 1000
const ES = proofKey('ES256')
const RS = proofKey('RS256')
const expectation = { htm: 'POST', htu: HTU, now: NOW }

const refused = (reason: string) => ({ ok: false, reason })

describe('verifyDpopProof accepts', () => {
  it('an ES256 proof, giving its key thumbprint (the bound token cnf.jkt), jti and iat', () => {
    const proof = dpopProof(ES, HTU, IAT, { claims: { jti: 'j-1' } })
    expect(verifyDpopProof(proof, expectation)).toEqual({
      ok: true,
      jkt: jwkThumbprint(ES.jwk),
      jti: 'j-1',
      iat: IAT,
    })
  })

  it('an RS256 proof', () => {
    expect(verifyDpopProof(dpopProof(RS, HTU, IAT), expectation)).toMatchObject({
      ok: true,
      jkt: jwkThumbprint(RS.jwk),
    })
  })

  it('an htu that differs only in query and fragment, or in the case of scheme and host', () => {
    for (const htu of [`${HTU}?a=1`, `${HTU}#f`, 'HTTPS://AS.example.com:443/token']) {
      expect(verifyDpopProof(dpopProof(ES, htu, IAT), expectation)).toMatchObject({ ok: true })
    }
    expect(
      verifyDpopProof(dpopProof(ES, HTU, IAT), { ...expectation, htu: `${HTU}?from=request` }),
    ).toMatchObject({ ok: true })
  })

  it(`an iat up to ${DPOP_IAT_WINDOW} s from the clock either way`, () => {
    for (const iat of [IAT - DPOP_IAT_WINDOW, IAT + DPOP_IAT_WINDOW]) {
      expect(verifyDpopProof(dpopProof(ES, HTU, iat), expectation)).toMatchObject({ ok: true })
    }
  })

  it("the proof oauth4webapi (openid-client's engine) sends with a CIBA grant request", async () => {
    type KeyPair = Parameters<typeof oauth.DPoP>[1]
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as KeyPair
    const headers: Headers[] = []
    await oauth.backchannelAuthenticationGrantRequest(
      { issuer: 'https://as.example.com', token_endpoint: HTU },
      { client_id: 'rp' },
      oauth.ClientSecretPost('s'),
      'auth-req-id',
      {
        DPoP: oauth.DPoP({}, keyPair),
        // Nothing leaves the process: the request is captured here.
        [oauth.customFetch]: async (_url: string, init: { headers: Record<string, string> }) => {
          headers.push(new Headers(init.headers))
          return new Response('{}')
        },
      },
    )
    const proof = headers[0]?.get('dpop') as string
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey)
    expect(verifyDpopProof(proof, { ...expectation, now: Date.now() })).toMatchObject({
      ok: true,
      jkt: jwkThumbprint(jwk as Record<string, unknown>),
    })
  })
})

describe('verifyDpopProof refuses', () => {
  it('what is not a compact JWS', () => {
    expect(verifyDpopProof('not.a.jws!', expectation)).toEqual(
      refused('The DPoP proof is not a JWS in compact serialisation.'),
    )
  })

  it('a typ other than dpop+jwt', () => {
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { header: { typ: 'JWT' } }), expectation)).toEqual(
      refused("The DPoP proof's typ is not dpop+jwt."),
    )
  })

  it('an alg that is not an accepted asymmetric one (none, HS256, or one left out)', () => {
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: ES.jwk })).toString(
      'base64url',
    )
    const payload = Buffer.from(JSON.stringify({ jti: 'j', htm: 'POST', htu: HTU, iat: IAT })).toString(
      'base64url',
    )
    const reason = refused("The DPoP proof's alg is not supported.")
    expect(verifyDpopProof(`${header}.${payload}.`, expectation)).toEqual(reason)
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { header: { alg: 'HS256' } }), expectation)).toEqual(
      reason,
    )
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT), { ...expectation, algorithms: ['RS256'] })).toEqual(
      reason,
    )
  })

  it('a header without a jwk, or with a private one', () => {
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { header: { jwk: undefined } }), expectation)).toEqual(
      refused('The DPoP proof has no jwk header parameter.'),
    )
    const privateJwk = ES.privateKey.export({ format: 'jwk' })
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { header: { jwk: privateJwk } }), expectation)).toEqual(
      refused("The DPoP proof's jwk is not a public key."),
    )
  })

  it('a signature by another key than the jwk, or of another algorithm', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const proof = signJws(
      { typ: 'dpop+jwt', alg: 'ES256', jwk: ES.jwk },
      { jti: 'j', htm: 'POST', htu: HTU, iat: IAT },
      other,
    )
    const reason = refused("The DPoP proof's signature is invalid.")
    expect(verifyDpopProof(proof, expectation)).toEqual(reason)
    expect(verifyDpopProof(dpopProof(RS, HTU, IAT, { header: { alg: 'PS256' } }), expectation)).toEqual(
      reason,
    )
  })

  it('a missing jti', () => {
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { claims: { jti: undefined } }), expectation)).toEqual(
      refused('The DPoP proof has no jti claim.'),
    )
  })

  it("an htm other than the request's method", () => {
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { claims: { htm: 'GET' } }), expectation)).toEqual(
      refused("The DPoP proof's htm does not match the request's method."),
    )
  })

  it("an htu other than the request's URL, or none", () => {
    const reason = refused("The DPoP proof's htu does not match the request's URL.")
    for (const htu of ['https://as.example.com/other', 'http://as.example.com/token', '/token', undefined]) {
      expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { claims: { htu } }), expectation)).toEqual(reason)
    }
  })

  it(`an iat more than ${DPOP_IAT_WINDOW} s from the clock, or none`, () => {
    const reason = refused("The DPoP proof's iat is too far from the current time.")
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT - DPOP_IAT_WINDOW - 1), expectation)).toEqual(reason)
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT + DPOP_IAT_WINDOW + 1), expectation)).toEqual(reason)
    expect(verifyDpopProof(dpopProof(ES, HTU, IAT, { claims: { iat: '1' } }), expectation)).toEqual(
      refused('The DPoP proof has no iat claim.'),
    )
  })
})
