// One source of Authlete's behaviour in the mocks: each result code Authlete (or the stand-in) answers
// is written in one file of mocks/, the module of its call, and read from there by the default
// handlers and the simulator alike.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const RESULT_CODE = /\bA\d{6}\b/g

it('each Authlete result code literal stands in exactly one file of mocks/', () => {
  const filesOf = new Map<string, Set<string>>()
  const files = readdirSync(join(root, 'mocks'), { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts'),
  )
  for (const entry of files) {
    const file = relative(root, join(entry.parentPath, entry.name))
    for (const [code] of readFileSync(join(root, file), 'utf8').matchAll(RESULT_CODE)) {
      const where = filesOf.get(code) ?? new Set()
      where.add(file)
      filesOf.set(code, where)
    }
  }
  // The scan sees the codes: the calls' modules hold dozens.
  expect(filesOf.size).toBeGreaterThan(20)
  const repeated = [...filesOf]
    .filter(([, where]) => where.size > 1)
    .map(([code, where]) => `${code}: ${[...where].join(', ')}`)
  expect(repeated).toEqual([])
})
