import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { completeNotification, issueHandler, issueOk, issueRateLimited } from '../../mocks/index.js'
import { run, standIn, V3_ENV } from '../helpers/cli.js'

// Any control character but the newline that ends each line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('what the CLI prints of text Authlete controls', () => {
  it('escapes control characters (ANSI, OSC) in readable output, and C1 controls in --json', async () => {
    const evil = '\u001b]0;pwned\u0007\u001b[31mred\u009b2J'
    const server = await standIn((baseUrl) => issueOk({ baseUrl, authReqId: evil }))
    try {
      const readable = await run(['backchannel-issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(readable.code).toBe(0)
      expect(readable.stdout).not.toMatch(RAW_CONTROL)
      expect(readable.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[31mred\\u009b2J')
      const json = await run(['backchannel-issue', 'tkt', '--json', '--base-url', server.url], V3_ENV)
      expect(json.stdout).not.toMatch(RAW_CONTROL)
      expect(JSON.parse(json.stdout).authReqId).toBe(evil)
    } finally {
      await server.close()
    }
  })

  it('escapes control characters in field names too', async () => {
    const server = await standIn((baseUrl) =>
      issueHandler(
        () =>
          HttpResponse.json({
            action: 'OK',
            authReqId: 'a',
            expiresIn: 1,
            interval: 1,
            '\u001b]0;x\u0007': 1,
          }),
        { baseUrl },
      ),
    )
    try {
      const result = await run(['backchannel-issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.stdout).not.toMatch(RAW_CONTROL)
      expect(result.stdout).toContain('\\u001b]0;x\\u0007')
    } finally {
      await server.close()
    }
  })

  it('masks the tokens of a push notification body', async () => {
    const server = await standIn((baseUrl) =>
      completeNotification({ baseUrl, deliveryMode: 'PUSH', authReqId: 'r9' }),
    )
    try {
      const result = await run(
        ['backchannel-complete', 't', '--result', 'AUTHORIZED', '--subject', 's', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('"access_token":"(43 characters, not shown)"')
      expect(result.stdout).toMatch(/"id_token":"\(\d+ characters, not shown\)"/)
      expect(result.stdout).toContain('"auth_req_id":"r9"')
    } finally {
      await server.close()
    }
  })

  it('prints the retry time of a 429 whose Retry-After is longer than the deadline', async () => {
    const server = await standIn((baseUrl) => issueRateLimited({ baseUrl, retryAfter: 120 }))
    try {
      const result = await run(
        ['backchannel-issue', 'tkt', '--timeout', '1000', '--base-url', server.url],
        V3_ENV,
      )
      expect(result.code).toBe(3)
      expect(result.stderr).toContain('Authlete asks to retry after 120 s (at 20')
    } finally {
      await server.close()
    }
  })
})

describe('the readable output', () => {
  it('aligns every value in one column, after the longest name', async () => {
    const server = await standIn((baseUrl) =>
      issueHandler(
        () =>
          HttpResponse.json({
            action: 'OK',
            authReqId: 'a',
            expiresIn: 1,
            interval: 1,
            responseContent: '{"auth_req_id":"a","interval":1,"expires_in":1}',
            aFieldNamedLongerThanFifteen: 'x',
          }),
        { baseUrl },
      ),
    )
    try {
      const result = await run(['backchannel-issue', 'tkt', '--base-url', server.url], V3_ENV)
      expect(result.stdout).toBe(
        [
          `Authlete ${server.url} (API v3)`,
          '',
          '  action                        OK',
          '  authReqId                     a',
          '  expiresIn                     1 s',
          '  interval                      1 s',
          '  aFieldNamedLongerThanFifteen  x',
          '',
          'Your backchannel authentication endpoint would answer:',
          '  HTTP 200',
          '  Content-Type: application/json',
          '  Cache-Control: no-store',
          '  Pragma: no-cache',
          '',
          '  {"auth_req_id":"a","interval":1,"expires_in":1}',
          '',
        ].join('\n'),
      )
    } finally {
      await server.close()
    }
  })
})
