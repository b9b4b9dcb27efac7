// Redaction is one pass over the text for all the secrets together: a client controls how many
// secret values its request carries (each repeated `password=` is one), and Authlete or a proxy may
// echo the whole request into an error. Work is counted in steps of the matcher, not by a clock.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { matcherOf, redact, withRequestSecrets } from '../../src/http/redact.js'

afterEach(() => vi.restoreAllMocks())

/** A token request of `count` passwords, each distinct, about `bytes` long in all. */
function passwords(count: number): { parameters: string; values: string[] } {
  const values = Array.from({ length: count }, (_, i) => `pw-${i.toString(36).padStart(6, '0')}`)
  return { parameters: values.map((value) => `password=${value}`).join('&'), values }
}

describe('redaction of many secrets, linear in the text and in the secrets', () => {
  it('1 MiB of echoed request with 64 000 secret values: one pass, every value redacted', () => {
    const { parameters, values } = passwords(64_000)
    const secrets = withRequestSecrets(
      ['the-access-token'],
      { form: `parameters=${encodeURIComponent(parameters)}` },
      ['parameters.password'],
    )
    expect(secrets.length).toBeGreaterThanOrEqual(64_000)
    // An answer that echoes the request, as Authlete's resultMessage may: 1 MiB.
    let text = `[A300301] The token request is invalid: ${parameters}`
    while (text.length < 1_048_576) text += ` ${parameters.slice(0, 1_048_576 - text.length)}`
    expect(text.length).toBeGreaterThanOrEqual(1_048_576)

    // A scan per secret (what made 960 KB take 53 s) would call these once per secret on the whole text.
    const includes = vi.spyOn(String.prototype, 'includes')
    const replaceAll = vi.spyOn(String.prototype, 'replaceAll')
    const matcher = matcherOf(secrets)
    const before = matcher.steps
    const redacted = redact(text, secrets)
    const steps = matcher.steps - before
    expect(includes.mock.calls.length + replaceAll.mock.calls.length).toBeLessThan(10)
    // At most a few transitions per character of the text (and of its one decoded layer).
    expect(steps).toBeLessThan(4 * 2 * text.length)
    for (const value of [values[0], values[31_999], values[63_999]] as string[]) {
      expect(redacted).not.toContain(value)
    }
    expect(
      redacted.startsWith('[A300301] The token request is invalid: password=[REDACTED]&password=[REDACTED]'),
    ).toBe(true)
  })

  it("building the matcher is linear in the secrets' total length", () => {
    // 64 000 secrets that all share a long prefix: a per-candidate check would compare each at each position.
    const shared = 'x'.repeat(40)
    const secrets = Array.from({ length: 64_000 }, (_, i) => `${shared}${i}`)
    const matcher = matcherOf(secrets)
    const text = `${shared}${shared}63999 and ${shared}12345.`
    expect(redact(text, secrets)).toBe(`${shared}[REDACTED] and [REDACTED].`)
    expect(matcher.steps).toBeLessThan(4 * text.length)
  })
})

describe('a short secret stands alone before a period that ends a sentence', () => {
  const secrets = ['pw12']

  it.each([
    ['Wrong password: pw12.', 'Wrong password: [REDACTED].'],
    ['Wrong password: pw12. Try again.', 'Wrong password: [REDACTED]. Try again.'],
    ['pw12', '[REDACTED]'],
    ['(pw12)', '([REDACTED])'],
  ])('%j is printed %j', (text, printed) => {
    expect(redact(text, secrets)).toBe(printed)
  })

  it.each([
    // Part of another word or token: left as it is (a short test value would garble every word).
    'pw12.example.com',
    'xpw12',
    'pw12x',
    'a.pw12',
  ])('%j is left as it is', (text) => {
    expect(redact(text, secrets)).toBe(text)
  })
})
