// How a resource reads the access token of a request (RFC 6750 §2, RFC 9449 §7.1): the scheme in
// any case, one way only, a b64token. The UserInfo endpoint and validateAccessToken share it.
import { describe, expect, it } from 'vitest'
import { proofFields, readAccessToken } from '../../src/endpoints/access-token.js'
import { MAX_TOKEN_LENGTH } from '../../src/operations/request-fields.js'

const SCHEME = { invalid: 'The Authorization header must use the Bearer or DPoP scheme.', scheme: 'Bearer' }
const MALFORMED = { invalid: 'The access token is malformed.', scheme: 'Bearer' }
/** A malformed token sent with the DPoP scheme is refused in that scheme (RFC 9449 §7.1). */
const MALFORMED_DPOP = { ...MALFORMED, scheme: 'DPoP' }

describe('readAccessToken', () => {
  it.each([
    ['Bearer at-1', { token: 'at-1', scheme: 'Bearer' }],
    ['bearer at-1', { token: 'at-1', scheme: 'Bearer' }],
    ['BEARER at-1', { token: 'at-1', scheme: 'Bearer' }],
    ['Bearer\tat-1', { token: 'at-1', scheme: 'Bearer' }],
    ['  Bearer   at-1  ', { token: 'at-1', scheme: 'Bearer' }],
    ['DPoP at-2', { token: 'at-2', scheme: 'DPoP' }],
    ['dpop at-2', { token: 'at-2', scheme: 'DPoP' }],
    ['DPOP\t at-2=', { token: 'at-2=', scheme: 'DPoP' }],
    ['Bearer \u00a0at-1', { token: 'at-1', scheme: 'Bearer' }],
    ['Bearer \nat-1', { token: 'at-1', scheme: 'Bearer' }],
    ['Bearer  at-1', { token: 'at-1', scheme: 'Bearer' }],
  ])('%j: the token and its scheme', (authorization, expected) => {
    expect(readAccessToken(authorization, undefined)).toStrictEqual(expected)
  })

  it.each([
    ['Basic dXNlcjpwdw==', SCHEME],
    ['Bearerat-1', SCHEME],
    ['DPoPat-2', SCHEME],
    ['Bear at-1', SCHEME],
    ['Bearers at-1', SCHEME],
    ['B', SCHEME],
    ['MAC at-1', SCHEME],
    ['Bearer', MALFORMED],
    ['DPoP', MALFORMED_DPOP],
    ['DPoP a b', MALFORMED_DPOP],
    ['dpop  at"2', MALFORMED_DPOP],
    ['Bearer a b', MALFORMED],
    ['Bearer at"1', MALFORMED],
    ['Bearer =at', MALFORMED],
  ])('%j: refused as %j', (authorization, expected) => {
    expect(readAccessToken(authorization, undefined)).toStrictEqual(expected)
  })

  it('reads every header as the plain rule does: trimmed, the scheme up to the first blank, the rest trimmed', () => {
    // The rule as written in RFC 6750 terms, with no shortcut: what the reader's fast path must match.
    const rule = (authorization: string) => {
      const header = authorization.trim()
      if (header === '') return { missing: true }
      const blank = header.search(/[ \t]/)
      const scheme = blank === -1 ? header : header.slice(0, blank)
      const name = /^bearer$/i.test(scheme) ? 'Bearer' : /^dpop$/i.test(scheme) ? 'DPoP' : undefined
      if (name === undefined) return SCHEME
      const token = blank === -1 ? '' : header.slice(blank).trim()
      return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? { token, scheme: name } : { ...MALFORMED, scheme: name }
    }
    const pieces = ['Bearer', 'bEaReR', 'DPoP', 'Bear', 'x', ' ', '\t', '\u00a0', '\n', 'at-1', '=', '"', 'é']
    let seed = 7
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff
      return seed
    }
    for (let i = 0; i < 3000; i++) {
      let header = ''
      for (let n = random() % 6; n >= 0; n--) header += pieces[random() % pieces.length]
      expect(readAccessToken(header, undefined), JSON.stringify(header)).toStrictEqual(rule(header))
    }
  })

  it('a token is a b64token by RFC 6750 §2.1’s grammar: every UTF-16 code unit, at each place, as the pattern says', () => {
    const grammar = /^[A-Za-z0-9\-._~+/]+=*$/
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code)
      for (const token of [`${c}ab`, `a${c}b`, `ab${c}`, `ab${c}=`, `${c}`]) {
        const expected = grammar.test(token) ? { token, scheme: 'Bearer' } : MALFORMED
        // The usual header (read in place) and one read the general way (a second space).
        if (code > 32 && code < 127) {
          expect(readAccessToken(`Bearer ${token}`, undefined), JSON.stringify(token)).toStrictEqual(expected)
        }
        expect(readAccessToken(undefined, token), JSON.stringify(token)).toStrictEqual(expected)
      }
    }
    expect(readAccessToken('Bearer ab==', undefined)).toStrictEqual({ token: 'ab==', scheme: 'Bearer' })
    expect(readAccessToken('Bearer a=b', undefined)).toStrictEqual(MALFORMED)
    expect(readAccessToken('Bearer ==', undefined)).toStrictEqual(MALFORMED)
  })

  it('a token of MAX_TOKEN_LENGTH characters is read; one more is malformed, either way it came', () => {
    const longest = 'a'.repeat(MAX_TOKEN_LENGTH)
    expect(readAccessToken(`Bearer ${longest}`, undefined)).toStrictEqual({
      token: longest,
      scheme: 'Bearer',
    })
    expect(readAccessToken(`Bearer  ${longest}`, undefined)).toStrictEqual({
      token: longest,
      scheme: 'Bearer',
    })
    expect(readAccessToken(`Bearer ${longest}a`, undefined)).toStrictEqual(MALFORMED)
    expect(readAccessToken(`Bearer  ${longest}a`, undefined)).toStrictEqual(MALFORMED)
    expect(readAccessToken(undefined, `${longest}a`)).toStrictEqual(MALFORMED)
  })

  it('no header, an empty one or blanks only: missing; a form token alone is a Bearer token', () => {
    expect(readAccessToken(undefined, undefined)).toStrictEqual({ missing: true })
    expect(readAccessToken(null, undefined)).toStrictEqual({ missing: true })
    expect(readAccessToken(' \t', undefined)).toStrictEqual({ missing: true })
    expect(readAccessToken(undefined, 'at-3')).toStrictEqual({ token: 'at-3', scheme: 'Bearer' })
  })

  it('a header and a form token at once: one way only', () => {
    expect(readAccessToken('Bearer at-1', 'at-1')).toStrictEqual({
      invalid: 'The access token must be sent one way only.',
      scheme: 'Bearer',
    })
  })
})

describe('proofFields', () => {
  const htuOf = (url: string) => `${url}#htu`

  it('the DPoP scheme with a proof: the proof, htm and the htu made from what is given', () => {
    expect(proofFields({ token: 't', scheme: 'DPoP' }, 'p.r.oof', 'GET', htuOf, 'https://rs')).toStrictEqual({
      dpop: 'p.r.oof',
      htm: 'GET',
      htu: 'https://rs#htu',
    })
  })

  it('a Bearer token, or an empty proof: no proof field, and htu is never made', () => {
    const never = () => {
      throw new Error('htu asked without a proof')
    }
    const none = { dpop: undefined, htm: undefined, htu: undefined }
    expect(proofFields({ token: 't', scheme: 'Bearer' }, 'p.r.oof', 'GET', never, 'x')).toStrictEqual(none)
    expect(proofFields({ token: 't', scheme: 'DPoP' }, '', 'GET', never, 'x')).toStrictEqual(none)
    expect(proofFields({ token: 't', scheme: 'DPoP' }, null, 'GET', never, 'x')).toStrictEqual(none)
  })
})
