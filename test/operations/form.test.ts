// The form encoding of a request (src/operations/form.ts): each value exactly as encodeURIComponent
// encodes it, and only the defined fields, in their order.
import { describe, expect, it } from 'vitest'
import { formEncode, formValue } from '../../src/operations/form.js'

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

  it('join the defined fields only, in their order', () => {
    expect(
      formEncode({ ticket: 't/1', reason: 'ACCESS_DENIED', errorUri: undefined, errorDescription: 'a&b=c' }),
    ).toBe('ticket=t%2F1&reason=ACCESS_DENIED&errorDescription=a%26b%3Dc')
  })
})
