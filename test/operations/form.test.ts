// The encoding of a request (src/operations/form.ts, request-fields.ts): each form value exactly as
// encodeURIComponent encodes it, only the defined fields, in their declared order; JSON once a value
// is not text.
import { describe, expect, it } from 'vitest'
import { AuthleteInputError } from '../../src/errors.js'
import { formValue } from '../../src/operations/form.js'
import { requestFields, strings, text } from '../../src/operations/request-fields.js'

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

  it('join the defined fields only, in their declared order, whatever order the caller wrote', () => {
    const fields = requestFields('the test request', {
      ticket: text(),
      reason: text(),
      errorUri: text(),
      errorDescription: text(),
    })
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

describe('a request with a value that is not text', () => {
  const fields = requestFields('the test request', {
    ticket: text(),
    count: strings(),
    reason: text(),
  })

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
    expect(requestFields('r', { ticket: text() }, { json: true }).encode({ ticket: 't' })).toEqual({
      json: '{"ticket":"t"}',
    })
  })

  it('names an unknown field', () => {
    expect(() => fields.encode({ tikcet: 't' } as never)).toThrow(AuthleteInputError)
  })
})
