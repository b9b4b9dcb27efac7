// An answer's Content-Length against maxResponseBytes, read from its digits (the pure rule behind
// errors.test.ts's "a Content-Length above maxResponseBytes is refused before reading").
import { describe, expect, it } from 'vitest'
import { exceeds } from '../../src/http/attempt.js'

describe('a Content-Length compared with the limit', () => {
  it.each([
    // Plain digits, read here.
    ['0', false],
    ['', false],
    ['999', false],
    ['1000', false],
    ['0001000', false],
    ['1001', true],
    ['0001001', true],
    ['99999999999999999999999999', true],
    // Anything else, read by Number().
    [' 1001', true],
    ['1e9', true],
    ['0x3e8', false],
    ['0x3e9', true],
    ['abc', false],
    ['-5', false],
    ['1001, 1001', false],
  ])('%j against 1000: %s, as Number() reads it', (text, expected) => {
    expect(exceeds(text, 1000)).toBe(expected)
    expect(exceeds(text, 1000)).toBe(Number(text) > 1000)
  })
})
