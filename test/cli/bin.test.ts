// The bin as a process, from its sources (scripts/ts-loader.mjs strips the types and maps
// `authlete-ciba/mocks` to its sources, as the package's own export resolves in the built package).
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BIN, run, runNode } from '../helpers/cli.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const loader = join(root, 'scripts/ts-loader.mjs')

describe('the authlete-ciba bin', { timeout: 30_000 }, () => {
  it('--stand-in loads the mocks entry by the package name and calls it: USER_IDENTIFICATION, exit 0', async () => {
    const result = await runNode(BIN, [
      'backchannel-authentication',
      'scope=openid&login_hint=john',
      '--stand-in',
      '--json',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).action).toBe('USER_IDENTIFICATION')
  })

  it('a usage error: exit 1, one line and the way to help', async () => {
    expect(await runNode(BIN, ['backchannel-issue', '--jsn'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'authlete-ciba: unknown option --jsn (did you mean "--json"?)\nUsage: authlete-ciba backchannel-issue <ticket>\nRun "authlete-ciba --help" for every command and option.\n',
    })
  })

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stand-in serves until %s, then closes and exits 0',
    async (signal) => {
      const child = spawn(process.execPath, ['--import', loader, BIN, 'stand-in'], {
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text
      })
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
        child.once('exit', (code, sig) => done([code, sig])),
      )
      try {
        const url = await new Promise<string>((found, failed) => {
          child.stdout.setEncoding('utf8').on('data', (text: string) => {
            stdout += text
            const match = /^Authlete stand-in at (http:\/\/127\.0\.0\.1:\d+):/m.exec(stdout)
            if (match?.[1]) found(match[1])
          })
          child.once('exit', () => failed(new Error(`exited before its URL: ${stdout}${stderr}`)))
        })
        const issue = await run(['backchannel-issue', 'unknown-ticket', '--json', '--base-url', url], {
          AUTHLETE_SERVICE_ID: '715948317',
          AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
        })
        expect(JSON.parse(issue.stdout).action).toBe('INVALID_TICKET')
        child.kill(signal)
        expect(await exited).toEqual([0, null])
        expect(stderr).toBe('authlete-ciba: stand-in stopped\n')
      } finally {
        child.kill('SIGKILL')
      }
    },
  )
})

/** The relative imports of a TypeScript file, as written, with whether each is type-only. */
function imports(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = readFileSync(file, 'utf8')
  const found: Array<{ specifier: string; typeOnly: boolean }> = []
  for (const match of source.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
    found.push({ specifier: match[3] as string, typeOnly: match[2] !== undefined })
  }
  for (const match of source.matchAll(/\bimport\('(\.[^']+)'\)/g)) {
    const before = source.slice(Math.max(0, (match.index ?? 0) - 7), match.index)
    found.push({ specifier: match[1] as string, typeOnly: before.includes('typeof') })
  }
  return found
}

const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, dir, name))

describe('the layers around the bin', () => {
  it('src/ imports nothing outside src/', () => {
    const outside = files('src').flatMap((file) =>
      imports(file)
        .map(({ specifier }) => relative(join(root, 'src'), resolve(dirname(file), specifier)))
        .filter((target) => target.startsWith('..'))
        .map((target) => `${relative(root, file)} → ${target}`),
    )
    expect(outside).toEqual([])
  })

  it('cli/ loads the mocks only by the package name (types aside)', () => {
    const mocks = files('cli').flatMap((file) =>
      imports(file)
        .filter(({ specifier, typeOnly }) => !typeOnly && specifier.includes('mocks'))
        .map(({ specifier }) => `${relative(root, file)} → ${specifier}`),
    )
    expect(mocks).toEqual([])
    expect(readFileSync(join(root, 'cli/stand-in.ts'), 'utf8')).toContain(
      "const MOCKS = 'authlete-ciba/mocks'",
    )
  })
})

describe('the stand-in ends with its parent', () => {
  it('a parent killed (as npx is) leaves no stand-in running', async () => {
    // The parent: spawns the bin's stand-in, prints the child's pid, and waits to be killed.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process')
         const child = spawn(process.execPath, ['--import', ${JSON.stringify(loader)}, ${JSON.stringify(BIN)}, 'stand-in'], { stdio: ['ignore', 'pipe', 'inherit'] })
         child.stdout.on('data', (text) => { if (/stand-in at/.test(String(text))) process.stdout.write(child.pid + '\\n') })
         setInterval(() => {}, 1000)`,
      ],
      { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const pid = await new Promise<number>((found) =>
      parent.stdout.setEncoding('utf8').on('data', (text: string) => found(Number(text.trim()))),
    )
    const alive = () => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }
    try {
      expect(alive()).toBe(true)
      parent.kill('SIGKILL')
      await expect.poll(alive, { timeout: 10_000, interval: 100 }).toBe(false)
    } finally {
      // Should the stand-in outlive its parent after all, it must not outlive the test too.
      if (alive()) process.kill(pid, 'SIGKILL')
      parent.kill('SIGKILL')
    }
  })
})
