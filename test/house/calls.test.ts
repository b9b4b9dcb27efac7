// The table of calls is the one source of each call: every call in it has its client method, its
// default mock (and the simulator's play), its CLI command and its section in docs/calls.md, all
// under the one name; and each call's path is written in the table alone.
import { type Dirent, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CALLS } from '../../cli/commands.js'
import { MOCKED_CALLS } from '../../mocks/calls/index.js'
import { createCibaSimulator } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import { OPERATIONS } from '../../src/operations/index.js'
import { AUTHLETE_CALLS, kebabCase } from '../../src/operations/table.js'

const root = resolve(import.meta.dirname, '../..')
const DOCS = readFileSync(join(root, 'docs/calls.md'), 'utf8')

/** The code of every .ts file of the entries (comments stripped), by its path. */
function code(): Map<string, string> {
  const files = new Map<string, string>()
  for (const dir of ['src', 'mocks', 'cli', 'redis', 'device']) {
    let entries: Dirent[]
    try {
      entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
      const file = relative(root, join(entry.parentPath, entry.name))
      const text = readFileSync(join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
      files.set(file, text)
    }
  }
  return files
}

describe('the table of calls', () => {
  it('has the calls of a CIBA login, each name once', () => {
    const names = AUTHLETE_CALLS.map((call) => call.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('backchannelIssue')
    expect(names).toContain('token')
  })

  for (const { name, method, path } of AUTHLETE_CALLS) {
    describe(name, () => {
      it('has its client method and its operation, on the table path and method', () => {
        expect(typeof (AuthleteClient.prototype as unknown as Record<string, unknown>)[name]).toBe('function')
        const operation = OPERATIONS[name]
        expect([operation.name, operation.method, operation.path]).toEqual([name, method, path])
      })

      it('has its default mock and its play in the simulator, on the same paths', () => {
        const mocked = MOCKED_CALLS[name]
        expect(mocked.call).toMatchObject({
          name,
          method,
          paths: { v3: `/api/{serviceId}${path}`, v2: `/api${path}` },
        })
        expect(typeof mocked.asAuthlete).toBe('function')
        expect(typeof mocked.play).toBe('function')
        expect(createCibaSimulator().requests[name]).toEqual([])
      })

      it(`has its CLI command, ${kebabCase(name)}`, () => {
        const command = CALLS.find((row) => row.call === name)
        expect(command?.name).toBe(kebabCase(name))
      })

      it('has its section in docs/calls.md', () => {
        expect(DOCS).toMatch(new RegExp(`^## \`${name}\\(`, 'm'))
      })
    })
  }

  it('is the one source file that writes each path', () => {
    const files = code()
    const writers = AUTHLETE_CALLS.map(({ path }) => {
      // A path in a string literal: alone, or after `/api` or `{serviceId}` (not an authorization
      // server's own route, `${issuer}/backchannel/authentication`, which may look the same).
      const escaped = path.replaceAll('/', '\\/')
      const literal = new RegExp(`(['"\`]|\\/api|\\{serviceId\\})${escaped}['"\`?]`)
      return [path, [...files].filter(([, text]) => literal.test(text)).map(([file]) => file)] as const
    })
    // The scan finds the table itself: it reads what it should.
    expect(files.size).toBeGreaterThan(50)
    for (const [path, where] of writers)
      expect({ path, where }).toEqual({ path, where: ['src/operations/table.ts'] })
  })
})
