import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { json, OK_BODY } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const loader = fileURLToPath(new URL('../../scripts/ts-loader.mjs', import.meta.url))
const fixture = fileURLToPath(new URL('../fixtures/call-and-forget.ts', import.meta.url))

const server = useLoopback((request, res) => {
  const ticket = new URLSearchParams(request.body).get('ticket')
  if (ticket === 'broken-json') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"action":')
  } else if (ticket === 'reset') {
    request.socket.resetAndDestroy()
  } else if (ticket === 'trickle') {
    res.writeHead(200, { 'content-type': 'application/json' })
    const timer = setInterval(() => res.write(' '), 10)
    res.on('close', () => clearInterval(timer))
  } else if (ticket === 'too-large') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(' '.repeat(5000))
  } else if (ticket === 'busy') {
    json(res, 503, { resultCode: 'A000503', resultMessage: 'busy' }, { 'retry-after': '0' })
  } else if (ticket !== 'slow' && ticket !== 'abort') {
    json(res, 200, OK_BODY)
  }
})
beforeAll(() => {
  // Keep idle connections open far longer than the test: an exit must not wait for the server.
  server.server.keepAliveTimeout = 60_000
})

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
    expect(stdout.trim()).toBe(
      [
        'AUTHLETE_RESPONSE_INVALID',
        'AUTHLETE_TIMEOUT',
        'AUTHLETE_TIMEOUT',
        'AUTHLETE_NETWORK',
        'AUTHLETE_RESPONSE_INVALID',
        'AUTHLETE_API_ERROR',
        'AUTHLETE_ABORTED',
        'OK',
      ].join(','),
    )
    expect(code).toBe(0)
  }, 25_000)
})
