import { describe, expect, it } from 'vitest'
import { retryAfterMs } from '../../src/http/retry.js'

describe('9. Retry-After as an HTTP date: the three forms of RFC 9110, always UTC, nothing else', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 35) // two seconds before the dates below
  const zones = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']

  function inZone<T>(zone: string, run: () => T): T {
    const saved = process.env.TZ
    process.env.TZ = zone // Node applies a new TZ at once
    try {
      return run()
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  }

  it.each(
    zones.flatMap((zone) => [
      [zone, 'IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
      [zone, 'obsolete RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
      [zone, 'asctime', 'Sun Nov  6 08:49:37 1994'],
    ]),
  )('TZ=%s: %s is two seconds away', (zone, _form, date) => {
    expect(inZone(zone, () => retryAfterMs(date, undefined, now))).toBe(2000)
  })

  it('asctime with a two-digit day, and a date in the past, which means no wait', () => {
    expect(retryAfterMs('Thu Nov 10 08:49:37 1994', undefined, now)).toBe(4 * 86_400_000 + 2000)
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:30 GMT', undefined, now)).toBe(0)
  })

  it('RFC 850 two-digit years: more than 50 years ahead means the past century', () => {
    const in2026 = Date.UTC(2026, 0, 1)
    expect(retryAfterMs('Wednesday, 01-Jan-76 00:00:00 GMT', undefined, in2026)).toBe(
      Date.UTC(2076, 0, 1) - in2026,
    )
    expect(retryAfterMs('Friday, 01-Jan-77 00:00:00 GMT', undefined, in2026)).toBe(0) // 1977
    expect(retryAfterMs('Thursday, 01-Jan-26 00:00:10 GMT', undefined, in2026)).toBe(10_000)
  })

  it.each([
    'a 1',
    'soon',
    '1 a',
    '2026-01-01T00:00:00Z',
    'Sun, 06 Nov 1994 08:49:37',
    'Sun, 06 Nov 1994 08:49:37 PST',
    'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun 06 Nov 1994 08:49:37 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nox 1994 08:49:37 GMT',
    'Sunday, 06-Nov-1994 08:49:37 GMT',
    'Sun Nov 6 08:49:37 1994',
    'Nov  6 08:49:37 1994',
    '1.5',
    '-1',
  ])('%j is no hint: the backoff (or RateLimit-Reset) applies', (value) => {
    for (const zone of zones) {
      expect(inZone(zone, () => retryAfterMs(value, undefined, now))).toBeUndefined()
      expect(inZone(zone, () => retryAfterMs(value, '3', now))).toBe(3000)
    }
  })
})
