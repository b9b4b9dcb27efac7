// The encoding of a request (src/operations/form.ts, request-fields.ts): each form value exactly as
// encodeURIComponent encodes it, only the defined fields, in their declared order; JSON once a value
// is not text.
import { describe, expect, it } from 'vitest'
import { AuthleteInputError } from '../../src/errors.js'
import { formValue } from '../../src/operations/form.js'
import {
  epochSeconds,
  flag,
  jsonObject,
  oneOf,
  pairs,
  parameters,
  presentedToken,
  properties,
  requestFields,
  seconds,
  strings,
  text,
  ticket,
  upperCase,
} from '../../src/operations/request-fields.js'

describe('form values', () => {
  it('are encoded exactly as encodeURIComponent encodes them, every ASCII character and beyond', () => {
    const values = [
      '',
      'c9bpMTl4R3VXYWZJcVdxdWRfRjJkMGpYcDhfUUhZdFpBZ1lIbkE',
      'UNKNOWN_USER_ID',
      'a b',
      'é',
      '😀',
    ]
    for (let code = 0; code < 128; code++) values.push(`a${String.fromCharCode(code)}b`)
    for (const value of values) expect(formValue(value)).toBe(encodeURIComponent(value))
  })
})

for (const [encoder, generate] of [
  ['the generated encoder', true],
  ['the looped encoder (no code generation)', false],
] as const) {
  describe(`${encoder}: form fields`, () => {
    it('join the defined fields only, in their declared order, whatever order the caller wrote', () => {
      const fields = requestFields(
        'the test request',
        { ticket: text(), reason: text(), errorUri: text(), errorDescription: text() },
        { generate },
      )
      expect(
        fields.encode({
          errorDescription: 'a&b=c',
          errorUri: undefined,
          reason: 'ACCESS_DENIED',
          ticket: 't/1',
        }),
      ).toEqual({ form: 'ticket=t%2F1&reason=ACCESS_DENIED&errorDescription=a%26b%3Dc' })
      expect(fields.encode({})).toEqual({ form: '' })
    })
  })

  describe(`${encoder}: a request with a value that is not text`, () => {
    const fields = requestFields(
      'the test request',
      { ticket: text(), count: strings(), reason: text() },
      { generate },
    )

    it('is JSON, with every defined field in declared order, text read before it included', () => {
      const body = fields.encode({ reason: 'r', count: ['a', 'b'], ticket: 't/1' })
      expect(body).toEqual({ json: '{"ticket":"t/1","count":["a","b"],"reason":"r"}' })
    })

    it('reads each field once, getters included', () => {
      let reads = 0
      const request = {
        get ticket() {
          reads++
          return 't'
        },
        count: ['x'],
      }
      expect(fields.encode(request)).toEqual({ json: '{"ticket":"t","count":["x"]}' })
      expect(reads).toBe(1)
    })

    it('is JSON always for a request declared so', () => {
      expect(
        requestFields('r', { ticket: text() }, { json: true, generate }).encode({ ticket: 't' }),
      ).toEqual({
        json: '{"ticket":"t"}',
      })
    })

    it('names an unknown field', () => {
      expect(() => fields.encode({ tikcet: 't' } as never)).toThrow(AuthleteInputError)
    })
  })
}

describe('the generated and the looped encoder', () => {
  // Every kind of field, each given values of every kind: the two must answer alike, body or error.
  const declaration = () => ({
    ticket: ticket(),
    parameters: parameters(),
    reason: oneOf(['ACCESS_DENIED', 'EXPIRED_LOGIN_HINT_TOKEN']),
    action: upperCase('OK'),
    subject: text(),
    token: presentedToken(),
    scopes: strings(),
    expiresIn: seconds(),
    authTime: epochSeconds(),
    consented: flag(),
    claims: jsonObject(),
    properties: properties(),
    headers: pairs(),
    'x-dash': text(),
  })
  const generated = requestFields('the test request', declaration())
  const looped = requestFields('the test request', declaration(), { generate: false })
  const samples: Record<string, unknown[]> = {
    ticket: ['t-1', '', 7, undefined, 'a'.repeat(1025)],
    parameters: ['scope=openid&login_hint=john', new URLSearchParams({ a: 'b c' }), undefined, 1],
    reason: ['ACCESS_DENIED', 'NOPE', undefined],
    action: ['OK', 'ok', undefined],
    subject: ['john', 'jo hn&=é', '\uD800', 3, undefined],
    token: ['C4SrUTijIj2IxqE1xBASr3dxQWgso3BpY49g8Cy', undefined, null],
    scopes: [['openid', 'email'], [], ['', 'a'], 'openid', [1], undefined],
    expiresIn: [0, 3600, -1, 1.5, '10', undefined],
    authTime: [1_700_000_000, 1_700_000_000_000, undefined],
    consented: [true, false, 'true', undefined],
    claims: ['{"a":1}', { name: 'n' }, '[1]', 'x', new Date(0), undefined],
    properties: [
      [{ key: 'k', value: 'v', hidden: true }],
      [{ key: 'k' }],
      [{ key: 'k', value: 'v', x: 1 }],
      undefined,
    ],
    headers: [[{ key: 'Signature', value: 's' }], [{ key: '', value: 'v' }], undefined],
    'x-dash': ['d', undefined],
  }
  const outcome = (encode: () => unknown) => {
    try {
      return { body: encode() }
    } catch (error) {
      return { error: error instanceof AuthleteInputError ? [error.field, error.message] : String(error) }
    }
  }

  it('encode every request alike, or refuse it with the same field and message', () => {
    let seed = 1
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    const names = Object.keys(samples)
    let bodies = 0
    for (let round = 0; round < 3000; round++) {
      const request: Record<string, unknown> = {}
      for (const name of names) {
        const values = samples[name] as unknown[]
        // Mostly valid values (the first), so that many requests get as far as a body.
        const value = random(names.length) === 0 ? values[random(values.length)] : values[0]
        if (value !== undefined || random(2) === 0) request[name] = value
      }
      if (random(20) === 0) request.tikcet = 't'
      const expected = outcome(() => looped.encode(request as never))
      expect(outcome(() => generated.encode(request as never))).toEqual(expected)
      if ('body' in expected) bodies++
    }
    expect(bodies).toBeGreaterThan(100)
  })

  it('encode a form of text alike', () => {
    const declared = () => ({ ticket: ticket(), reason: text(), description: text() })
    const request = { description: 'a&b', ticket: 't/1' }
    const form = { form: 'ticket=t%2F1&description=a%26b' }
    expect(requestFields('r', declared()).encode(request)).toEqual(form)
    expect(requestFields('r', declared(), { generate: false }).encode(request)).toEqual(form)
  })
})
