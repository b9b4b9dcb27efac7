// The documentation speaks the new names only: every name kept as a deprecated alias for this
// release (the main entry's and the mocks' `deprecated.ts`), the simulator's old request keys, the
// completion's `response`, the old `onError` stages and CLI commands appear nowhere in README.md or
// docs/, in prose or in code. CHANGELOG.md lists them; that is the one place for them.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

/** The names a `deprecated.ts` exports (`export const x`, `export type X`, `export function x`). */
function exportedNames(file: string): string[] {
  return [...read(file).matchAll(/^export (?:const|type|function|interface) ([A-Za-z_$][\w$]*)/gm)].map(
    (match) => match[1] as string,
  )
}

const PAGES = ['README.md', ...readdirSync(path.join(root, 'docs')).map((page) => `docs/${page}`)]

/** Old words that are also plain English: found only as code (`issue`) or in their own syntax. */
const OLD_CODE = [
  // onError stages and the simulator's request keys
  /`(?:authentication|issue|fail|complete)`/,
  /requests\.(?:authentication|issue|fail|complete)\b/,
  // CLI commands
  /authlete-ciba (?:authenticate|issue|fail|complete)\b/,
  // the completion's answer
  /(?<!http)\.response\b(?!Content)/,
]

describe('the docs speak the new names only', () => {
  const deprecated = [...exportedNames('src/deprecated.ts'), ...exportedNames('mocks/deprecated.ts')]

  it('finds the deprecated aliases it checks for', () => {
    expect(deprecated).toContain('handleBackchannelAuthenticationRequest')
    expect(deprecated).toContain('issueHandler')
    expect(deprecated.length).toBeGreaterThan(40)
  })

  for (const page of PAGES) {
    it(`${page}: no deprecated alias, old stage, key or command`, () => {
      const text = read(page)
      const found = deprecated.filter((name) => new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(text))
      for (const pattern of OLD_CODE) {
        const match = pattern.exec(text)
        if (match) found.push(match[0])
      }
      expect(found).toEqual([])
    })
  }
})
