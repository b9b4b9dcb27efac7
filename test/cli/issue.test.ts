import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  issueApiError,
  issueDelayed,
  issueInvalidTicket,
  issueOk,
  issueUnknownAction,
} from '../../mocks/index.js'
import { expectNoSecret, run, SECRET, standIn, V3_ENV } from '../helpers/cli.js'
import { closedPort } from '../helpers/loopback.js'

let ok: AuthleteStandIn
beforeAll(async () => {
  ok = await standIn((baseUrl) => issueOk({ baseUrl, authReqId: 'cli-req-id', expiresIn: 120, interval: 3 }))
})
afterAll(() => ok.close())

describe('authlete-ciba issue', () => {
  it('OK: readable output, exit 0', async () => {
    const result = await run(['backchannel-issue', 'tkt', '--base-url', ok.url], V3_ENV)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('  action         OK\n')
    expect(result.stdout).toContain('  authReqId      cli-req-id\n')
    expect(result.stdout).toContain('  expiresIn      120 s\n')
    expect(result.stdout).toContain('  HTTP 200\n')
    expect(result.stdout).toContain('{"auth_req_id":"cli-req-id","interval":3,"expires_in":120}')
    expectNoSecret(result)
  })

  it('--json prints the validated answer', async () => {
    const result = await run(['backchannel-issue', 'tkt', '--json', '--base-url', ok.url], V3_ENV)
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
    const result = await run(['backchannel-issue', 'tkt', '--json'], {
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
      const result = await run(['backchannel-issue', 'tkt', '--base-url', server.url], V3_ENV)
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
      const result = await run(['backchannel-issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(3)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(
        'authlete-ciba: AUTHLETE_API_ERROR: Authlete answered HTTP 401: [A001202] Authorization header is missing.',
      )
      expectNoSecret(result)
      const json = await run(['backchannel-issue', 'tkt', '--json', '--base-url', server.url], V3_ENV)
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
    const result = await run(['backchannel-issue', 'tkt', '--base-url', `http://127.0.0.1:${port}`], V3_ENV)
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('AUTHLETE_NETWORK')
    expectNoSecret(result)
  })

  it('a timeout: exit 4', async () => {
    const server = await standIn((baseUrl) => issueDelayed(5000, { baseUrl }))
    try {
      const result = await run(
        ['backchannel-issue', 'tkt', '--timeout', '200', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(4)
      expect(result.stderr).toContain('AUTHLETE_TIMEOUT')
    } finally {
      await server.close()
    }
  })
})
