// On an unsupported Node.js, importing the package and running the CLI fail at once with one line
// naming the version found and the one required (not undici's "Cannot read properties of undefined").
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nodeVersionProblem } from '../../src/node-version.js'

const loader = fileURLToPath(new URL('../../scripts/ts-loader.mjs', import.meta.url))
const fake20 = fileURLToPath(new URL('../fixtures/fake-node-20.mjs', import.meta.url))
const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
const mocks = fileURLToPath(new URL('../../mocks/index.ts', import.meta.url))
const cli = fileURLToPath(new URL('../../cli/bin.ts', import.meta.url))

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { timeout: 20_000 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    )
  })
}

const LINE = 'authlete-ciba needs Node.js 22.19 or later; this is Node.js 20.20.2'

describe('the Node.js version guard', () => {
  it.each([
    ['20.20.2', LINE],
    ['22.18.1', 'authlete-ciba needs Node.js 22.19 or later; this is Node.js 22.18.1'],
    ['18.0.0', 'authlete-ciba needs Node.js 22.19 or later; this is Node.js 18.0.0'],
    ['22.19.0', undefined],
    ['22.23.3', undefined],
    ['23.0.0', undefined],
    ['24.11.1', undefined],
  ])('Node.js %s: %s', (version, problem) => {
    expect(nodeVersionProblem(version)).toBe(problem)
  })

  it.each([
    ['authlete-ciba', index],
    ['authlete-ciba/mocks', mocks],
  ])('importing %s on Node.js 20 throws that one line, with no stack frames', async (_name, entry) => {
    const result = await run([
      '--import',
      loader,
      '--import',
      fake20,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(entry)})`,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Error: ${LINE}`)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.stderr).not.toContain("reading 'bind'")
  })

  it('the CLI on Node.js 20 prints exactly that line and exits 1', async () => {
    const result = await run(['--import', loader, '--import', fake20, cli, 'issue', 't'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`${LINE}\n`)
  })
})
