import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  authleteHandlers,
  issueApiError,
  issueDelayed,
  issueInvalidTicket,
  issueOk,
  issueUnknownAction,
  startAuthleteStandIn,
} from '../mocks/index.js'
import { closedPort } from './helpers/loopback.js'

const loader = fileURLToPath(new URL('../scripts/ts-loader.mjs', import.meta.url))
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

const TOKEN = 'cli-SECRET-token-8f2k'
const SECRET = 'cli-SECRET-apisecret-3k9'
const V3_ENV = { AUTHLETE_SERVICE_ID: '715948317', AUTHLETE_ACCESS_TOKEN: TOKEN }

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', loader, script, ...args],
      // A clean environment: no AUTHLETE_* variable of the machine leaks in.
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    )
  })
}

function expectNoSecret({ stdout, stderr }: Run) {
  for (const text of [stdout, stderr]) {
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain(SECRET)
  }
}

/** A stand-in answering with the given handler factory on its own URL. */
async function standIn(handler?: (baseUrl: string) => ReturnType<typeof issueOk>): Promise<AuthleteStandIn> {
  return startAuthleteStandIn({
    handlers: (baseUrl) => (handler ? [handler(baseUrl)] : authleteHandlers({ baseUrl })),
  })
}

let ok: AuthleteStandIn
beforeAll(async () => {
  ok = await standIn((baseUrl) => issueOk({ baseUrl, authReqId: 'cli-req-id', expiresIn: 120, interval: 3 }))
})
afterAll(() => ok.close())

describe('authlete-ciba issue', () => {
  it('OK: readable output, exit 0', async () => {
    const result = await run(cli, ['issue', 'tkt', '--base-url', ok.url], V3_ENV)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('  action         OK\n')
    expect(result.stdout).toContain('  authReqId      cli-req-id\n')
    expect(result.stdout).toContain('  expiresIn      120 s\n')
    expect(result.stdout).toContain('  HTTP 200\n')
    expect(result.stdout).toContain('{"auth_req_id":"cli-req-id","interval":3,"expires_in":120}')
    expectNoSecret(result)
  })

  it('--json prints the exact answer', async () => {
    const result = await run(cli, ['issue', 'tkt', '--json', '--base-url', ok.url], V3_ENV)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      resultCode: 'A183001',
      resultMessage: '[A183001] An auth_req_id was issued successfully.',
      action: 'OK',
      responseContent: '{"auth_req_id":"cli-req-id","interval":3,"expires_in":120}',
      authReqId: 'cli-req-id',
      expiresIn: 120,
      interval: 3,
    })
  })

  it('API v2 credentials and AUTHLETE_BASE_URL from the environment', async () => {
    const result = await run(cli, ['issue', 'tkt', '--json'], {
      AUTHLETE_API_KEY: '5593494639',
      AUTHLETE_API_SECRET: SECRET,
      AUTHLETE_BASE_URL: ok.url,
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).action).toBe('OK')
    expectNoSecret(result)
  })

  it.each([
    ['INVALID_TICKET', (baseUrl: string) => issueInvalidTicket({ baseUrl })],
    ['NEW_ACTION', (baseUrl: string) => issueUnknownAction('NEW_ACTION', { baseUrl })],
  ])('an action other than OK (%s): exit 2', async (action, handler) => {
    const server = await standIn(handler)
    try {
      const result = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(2)
      expect(result.stdout).toContain(`  action         ${action}\n`)
      expect(result.stdout).toContain('  HTTP 500\n')
    } finally {
      await server.close()
    }
  })

  it('an API error: exit 3, the message on stderr, no secret', async () => {
    const server = await standIn((baseUrl) =>
      issueApiError(401, 'A001202', 'Authorization header is missing.', { baseUrl }),
    )
    try {
      const result = await run(cli, ['issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(3)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(
        'authlete-ciba: AUTHLETE_API_ERROR: Authlete answered HTTP 401: [A001202] Authorization header is missing.',
      )
      expectNoSecret(result)
      const json = await run(cli, ['issue', 'tkt', '--json', '--base-url', server.url], V3_ENV)
      expect(json.code).toBe(3)
      expect(JSON.parse(json.stdout).error).toMatchObject({
        name: 'AuthleteApiError',
        code: 'AUTHLETE_API_ERROR',
        status: 401,
        resultCode: 'A001202',
      })
      expectNoSecret(json)
    } finally {
      await server.close()
    }
  })

  it('a network failure: exit 4', async () => {
    const port = await closedPort()
    const result = await run(cli, ['issue', 'tkt', '--base-url', `http://127.0.0.1:${port}`], V3_ENV)
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('AUTHLETE_NETWORK')
    expectNoSecret(result)
  })

  it('a timeout: exit 4', async () => {
    const server = await standIn((baseUrl) => issueDelayed(5000, { baseUrl }))
    try {
      const result = await run(cli, ['issue', 'tkt', '--timeout', '200', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(4)
      expect(result.stderr).toContain('AUTHLETE_TIMEOUT')
    } finally {
      await server.close()
    }
  })

  it.each([
    [['issue'], {}, 'expected "issue <ticket>"'],
    [['issue', 'a', 'b'], V3_ENV, 'expected "issue <ticket>"'],
    [['nope', 'x'], V3_ENV, 'expected "issue <ticket>"'],
    [['issue', 't', '--bogus'], V3_ENV, "Unknown option '--bogus'"],
    [['issue', 't'], {}, 'AUTHLETE_INVALID_INPUT: credentials'],
    [['issue', 't', '--region', 'mars'], V3_ENV, 'region: must be one of'],
    [['issue', 't', '--timeout', 'soon'], V3_ENV, 'timeoutMs: must be'],
  ])('usage or configuration error %j: exit 1', async (args, env, words) => {
    const result = await run(cli, args, env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(words)
    expectNoSecret(result)
  })

  it('--help and --version exit 0', async () => {
    const help = await run(cli, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: authlete-ciba issue <ticket>')
    const version = await run(cli, ['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe('npm start (the demo)', () => {
  it('without credentials uses the embedded stand-in over HTTP and says so', async () => {
    const result = await run(demo, [])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('EMBEDDED STAND-IN Authlete')
    expect(result.stdout).toMatch(/Authlete http:\/\/127\.0\.0\.1:\d+ \(API v3\)/)
    expect(result.stdout).toContain('  action         OK\n')
    expect(result.stdout).toContain('  HTTP 200\n')
    expect(result.stdout).toContain('1 request over HTTP')
  })

  it('with credentials calls the configured Authlete instead', async () => {
    const result = await run(demo, ['my-ticket'], { ...V3_ENV, AUTHLETE_BASE_URL: ok.url })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Calling the real Authlete')
    expect(result.stdout).not.toContain('STAND-IN')
    expect(result.stdout).toContain('  authReqId      cli-req-id\n')
    expectNoSecret(result)
  })
})
