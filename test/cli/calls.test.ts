import { HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthleteStandIn,
  completeNotification,
  startAuthleteStandIn,
  tokenAsAuthlete,
  tokenFailInvalidTicket,
  tokenHandler,
} from '../../mocks/index.js'
import { expectNoSecret, run, standIn, V3_ENV } from '../helpers/cli.js'

describe('authlete-ciba backchannel-authentication, backchannel-fail and backchannel-complete', () => {
  let family: AuthleteStandIn
  beforeAll(async () => {
    family = await startAuthleteStandIn()
  })
  afterAll(() => family.close())

  it('backchannel-authentication: USER_IDENTIFICATION, exit 0; the client secret from AUTHLETE_CLIENT_SECRET is sent, never printed', async () => {
    const result = await run(
      [
        'backchannel-authentication',
        'scope=openid&login_hint=john&binding_message=W4SCT',
        '--client-id',
        'c1',
        '--base-url',
        family.url,
      ],
      { ...V3_ENV, AUTHLETE_CLIENT_SECRET: 'client-SECRET-xyz' },
    )
    expect(result.code).toBe(0)
    // One column for the values: the longest name (clientIdAliasUsed) and two spaces.
    expect(result.stdout).toContain('  action             USER_IDENTIFICATION\n')
    expect(result.stdout).toContain('  hintType           LOGIN_HINT\n')
    expect(result.stdout).toContain('  hint               john\n')
    expect(result.stdout).toMatch(/ {2}ticket {13}[\w-]{43}\n/)
    expect(result.stdout).toContain('USER_IDENTIFICATION itself is not\nan answer to send the client')
    expect(result.stdout).not.toContain('HTTP 500')
    expect(`${result.stdout}${result.stderr}`).not.toContain('client-SECRET-xyz')
    expectNoSecret(result)
  })

  it('backchannel-authentication: a request without openid is BAD_REQUEST: exit 2, the endpoint answers 400', async () => {
    const result = await run(
      ['backchannel-authentication', 'login_hint=john', '--base-url', family.url],
      V3_ENV,
    )
    expect(result.code).toBe(2)
    expect(result.stdout).toMatch(/^ {2}action +BAD_REQUEST\n/m)
    expect(result.stdout).toContain('  HTTP 400\n')
  })

  it('backchannel-fail: BAD_REQUEST for UNKNOWN_USER_ID is the expected outcome: exit 0, the endpoint answers 400', async () => {
    const result = await run(
      [
        'backchannel-fail',
        'tkt',
        '--reason',
        'UNKNOWN_USER_ID',
        '--error-description',
        'no such user',
        '--json',
        '--base-url',
        family.url,
      ],
      V3_ENV,
    )
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      action: 'BAD_REQUEST',
      responseContent: '{"error":"unknown_user_id","error_description":"no such user"}',
    })
  })

  it('backchannel-fail: SERVER_ERROR gives INTERNAL_SERVER_ERROR: exit 2', async () => {
    const result = await run(
      ['backchannel-fail', 'tkt', '--reason', 'SERVER_ERROR', '--base-url', family.url],
      V3_ENV,
    )
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('  HTTP 500\n')
  })

  it('backchannel-complete: NO_ACTION (poll) exits 0; the scopes and claims flags are sent', async () => {
    const result = await run(
      [
        'backchannel-complete',
        'tkt',
        '--result',
        'AUTHORIZED',
        '--subject',
        'john',
        '--auth-time',
        '1700000000',
        '--claims',
        '{"name":"John"}',
        '--scopes',
        'openid email',
        '--base-url',
        family.url,
      ],
      V3_ENV,
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('  action         NO_ACTION\n')
  })

  it('backchannel-complete: a NOTIFICATION shows where it must go; the notification token is masked', async () => {
    const server = await standIn((baseUrl) =>
      completeNotification({ baseUrl, clientNotificationEndpoint: 'https://rp.example/cb', authReqId: 'r1' }),
    )
    try {
      const result = await run(
        [
          'backchannel-complete',
          'tkt',
          '--result',
          'AUTHORIZED',
          '--subject',
          'john',
          '--base-url',
          server.url,
        ],
        V3_ENV,
      )
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('must POST this to https://rp.example/cb')
      expect(result.stdout).toContain('{"auth_req_id":"r1"}')
      expect(result.stdout).toContain('  clientNotificationToken     (25 characters, not shown)\n')
      expect(result.stdout).not.toContain('client-notification-token')
    } finally {
      await server.close()
    }
  })
})

describe('authlete-ciba token, token-issue and token-fail', () => {
  const CIBA_GRANT = 'grant_type=urn:openid:params:grant-type:ciba&auth_req_id=r1'

  it('token: OK exits 0; the tokens are masked and the token endpoint answers 200 with no-store; the client secret is sent, never printed', async () => {
    const server = await standIn((baseUrl) =>
      tokenAsAuthlete({ baseUrl, accessToken: 'AT-visible-nowhere', refreshToken: 'RT-visible-nowhere' }),
    )
    try {
      const result = await run(['token', CIBA_GRANT, '--client-id', 'c1', '--base-url', server.url], {
        ...V3_ENV,
        AUTHLETE_CLIENT_SECRET: 'client-SECRET-xyz',
      })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^ {2}action +OK\n/m)
      expect(result.stdout).toMatch(/^ {2}accessToken +\(18 characters, not shown\)\n/m)
      expect(result.stdout).toContain('Your token endpoint would answer:\n  HTTP 200\n')
      expect(result.stdout).toContain('  Cache-Control: no-store\n')
      expect(result.stdout).toContain('"access_token":"(18 characters, not shown)"')
      expect(`${result.stdout}${result.stderr}`).not.toContain('visible-nowhere')
      expect(`${result.stdout}${result.stderr}`).not.toContain('client-SECRET-xyz')
      expectNoSecret(result)
    } finally {
      await server.close()
    }
  })

  it("token: a Native SSO answer's device secret is masked like the tokens", async () => {
    const server = await standIn((baseUrl) =>
      tokenHandler(
        () =>
          HttpResponse.json({
            resultCode: 'A300001',
            resultMessage: 'ok',
            action: 'OK',
            accessToken: 'AT-visible-nowhere',
            deviceSecret: 'DEVICE-SECRET-visible-nowhere',
            responseContent:
              '{"access_token":"AT-visible-nowhere","device_secret":"DEVICE-SECRET-visible-nowhere","token_type":"Bearer"}',
          }),
        { baseUrl },
      ),
    )
    try {
      const result = await run(['token', CIBA_GRANT, '--base-url', server.url], V3_ENV)
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^ {2}deviceSecret +\(29 characters, not shown\)\n/m)
      expect(result.stdout).toContain('"device_secret":"(29 characters, not shown)"')
      expect(`${result.stdout}${result.stderr}`).not.toContain('visible-nowhere')
    } finally {
      await server.close()
    }
  })

  it('token: a pending CIBA request is BAD_REQUEST: exit 2, the endpoint answers 400 authorization_pending', async () => {
    const result = await run(['token', CIBA_GRANT, '--client-id', 'stand-in-client', '--stand-in'], {
      AUTHLETE_CLIENT_SECRET: 'stand-in-secret',
    })
    expect(result.code).toBe(2)
    expect(result.stdout).toMatch(/^ {2}action +BAD_REQUEST\n/m)
    expect(result.stdout).toContain('  HTTP 400\n')
  })

  it('token-issue needs --subject; token-fail needs --reason', async () => {
    const issue = await run(['token-issue', 'tkt', '--base-url', 'http://127.0.0.1:9'], V3_ENV)
    expect(issue.code).toBe(1)
    expect(issue.stderr).toContain("token-issue needs --subject (the user's subject)")
    const fail = await run(['token-fail', 'tkt', '--base-url', 'http://127.0.0.1:9'], V3_ENV)
    expect(fail.code).toBe(1)
    expect(fail.stderr).toContain('token-fail needs --reason (e.g. INVALID_RESOURCE_OWNER_CREDENTIALS)')
  })

  it('token-fail: a ticket Authlete does not hold is INTERNAL_SERVER_ERROR: exit 2, the endpoint answers 500', async () => {
    const server = await standIn((baseUrl) => tokenFailInvalidTicket({ baseUrl }))
    try {
      const result = await run(
        ['token-fail', 'tkt', '--reason', 'INVALID_RESOURCE_OWNER_CREDENTIALS', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(2)
      expect(result.stdout).toMatch(/^ {2}action +INTERNAL_SERVER_ERROR\n/m)
      expect(result.stdout).toContain('  HTTP 500\n')
    } finally {
      await server.close()
    }
  })
})

describe('authlete-ciba service-configuration and service-jwks: the two reads, no argument', () => {
  it('service-configuration: the discovery document, exit 0', async () => {
    const result = await run(['service-configuration', '--stand-in', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      issuer: 'https://as.example.com',
      backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    })
  })

  it('service-jwks: the public JWK Set, exit 0; an argument is refused', async () => {
    const result = await run(['service-jwks', '--stand-in', '--json'])
    expect(result.code).toBe(0)
    const { keys } = JSON.parse(result.stdout) as { keys: Array<Record<string, unknown>> }
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' })
    expect(keys[0]).not.toHaveProperty('d')
    const refused = await run(['service-jwks', 'extra', '--stand-in'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('service-jwks takes no argument, got 1: "extra"')
  })
})
