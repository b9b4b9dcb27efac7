// Where code generation from strings is refused (`--disallow-code-generation-from-strings`, as some
// hardened hosts run), the package falls back to loops: the same requests sent, the same answers read.
import { describe, expect, it } from 'vitest'
import { runFixture } from '../helpers/child.js'

describe('without code generation from strings', () => {
  it('the encoders and the answers’ tests fall back: the same requests and results', async () => {
    const [generated, looped] = await Promise.all([
      runFixture('code-generation.ts'),
      runFixture('code-generation.ts', ['--disallow-code-generation-from-strings']),
    ])
    expect(generated.stderr).toBe('')
    expect(looped.stderr).toBe('')
    const a = JSON.parse(generated.stdout)
    const b = JSON.parse(looped.stdout)
    expect([a.generates, b.generates]).toEqual([true, false])
    expect(b.sent).toEqual(a.sent)
    expect(b.results).toEqual(a.results)
    expect(a.sent).toEqual([
      '/api/1/auth/introspection application/json {"token":"at-1","scopes":["openid","a\\"b"]}',
      '/api/1/auth/introspection application/x-www-form-urlencoded token=at-1',
      '/api/1/auth/introspection application/json {"token":"at-2","scopes":["openid"],"subject":"john"}',
    ])
    expect(
      a.results.map((result: { valid?: boolean; status?: number }) => result.status ?? result.valid),
    ).toEqual([true, true, 500, undefined])
    // The model's null field is dropped, an unknown one kept as it came.
    expect(a.results[3]).toMatchObject({ action: 'OK', extra: null })
    expect(a.results[3]).not.toHaveProperty('clientIdAlias')
  })
})
