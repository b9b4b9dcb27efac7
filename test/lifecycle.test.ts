import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, type Loopback, OK_BODY, startLoopback } from './helpers/loopback.js'

const loader = fileURLToPath(new URL('../scripts/ts-loader.mjs', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/call-and-forget.ts', import.meta.url))

let server: Loopback
beforeAll(async () => {
  server = await startLoopback((request, res) => {
    const ticket = new URLSearchParams(request.body).get('ticket')
    if (ticket === 'broken-json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"action":')
    } else if (ticket === 'reset') {
      request.socket.resetAndDestroy()
    } else if (ticket !== 'slow') {
      json(res, 200, OK_BODY)
    }
  })
  // Keep idle connections open far longer than the test: an exit must not wait for the server.
  server.server.keepAliveTimeout = 60_000
})
afterAll(() => server.close())

function run(mode: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--unhandled-rejections=strict', '--import', loader, fixture, server.url, mode],
      { timeout: 20_000 },
      (_error, stdout, stderr) =>
        resolve({ code: child.exitCode, stdout, stderr, ms: performance.now() - started }),
    )
  })
}

describe('process lifecycle', () => {
  it('a process that calls and never closes the client exits by itself', async () => {
    const { code, stdout, stderr } = await run('ok')
    expect(stderr).toBe('')
    expect(stdout.trim()).toBe('OK,OK')
    expect(code).toBe(0)
  }, 25_000)

  it('failures reject the call only: no unhandled rejection, no crash, the process still exits', async () => {
    const { code, stdout, stderr } = await run('faults')
    expect(stderr).toBe('')
    expect(stdout.trim()).toBe('AUTHLETE_RESPONSE_INVALID,AUTHLETE_TIMEOUT,AUTHLETE_NETWORK,OK')
    expect(code).toBe(0)
  }, 25_000)
})
