// The CLI rows of the five calls of the tokens at work: userinfo, userinfo-issue, introspection,
// introspection-standard and revocation. Each: its argument and flags as the request on the wire,
// the actions that exit 0 and those that exit 2 (with the challenge the endpoint would answer with),
// its usage errors; and what it prints never shows the access token, the DPoP proof or the client's
// secret, even when the answer quotes the request back (readable and --json, API v3 and v2).
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN as AUTHLETE_TOKEN, expectNoSecret, run, SECRET, standIn, V3_ENV } from '../helpers/cli.js'
import { json, type Loopback, type ReceivedRequest, startLoopback } from '../helpers/loopback.js'

const ACCESS_TOKEN = 'at-SECRET-Ntm9MDb8WXQAevqrBkd84KTTHbYHVQr'
const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ.PROOF-SECRET-sig'
const CLIENT_SECRET = 'client-SECRET-rv7q2'

let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(() => server.close())

/** Answers every request with `body` (200) and runs `args` against it; the request it got. */
async function against(
  body: Record<string, unknown>,
  args: string[],
  env: Record<string, string> = V3_ENV,
): Promise<{ code: number | null; stdout: string; stderr: string; sent: ReceivedRequest }> {
  server.handle((_request, res) => json(res, 200, body))
  const before = server.requests.length
  const result = await run([...args, '--base-url', server.url], env)
  const sent = server.requests.slice(before)
  expect(sent).toHaveLength(1)
  expectNoSecret(result)
  return { ...result, sent: sent[0] as ReceivedRequest }
}

const fieldsOf = (request: ReceivedRequest) =>
  request.headers['content-type'] === 'application/json'
    ? (JSON.parse(request.body) as Record<string, unknown>)
    : Object.fromEntries(new URLSearchParams(request.body))

describe('authlete-ciba userinfo', () => {
  it('OK exits 0: whose token it is and the claims it allows; the token it echoes is shown [REDACTED]', async () => {
    const family = await standIn()
    try {
      const result = await run(['userinfo', ACCESS_TOKEN, '--base-url', family.url], V3_ENV)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('  action             OK\n')
      expect(result.stdout).toContain('  subject            john\n')
      expect(result.stdout).toContain('  claims             ["name","family_name",')
      expect(result.stdout).toContain('  token              [REDACTED]\n')
      expect(result.stdout + result.stderr).not.toContain(ACCESS_TOKEN)
      const asJson = await run(['userinfo', ACCESS_TOKEN, '--json', '--base-url', family.url], V3_ENV)
      expect(asJson.code).toBe(0)
      expect(JSON.parse(asJson.stdout)).toMatchObject({ action: 'OK', subject: 'john', token: '[REDACTED]' })
      expect(asJson.stdout).not.toContain(ACCESS_TOKEN)
      expectNoSecret(result)
    } finally {
      await family.close()
    }
  })

  it('--dpop, --htm and --htu go with the token; UNAUTHORIZED exits 2 and names the challenge to answer with', async () => {
    const challenge =
      'DPoP error="invalid_dpop_proof",error_description="The DPoP proof\'s htu does not match."'
    const result = await against(
      {
        resultCode: 'A091301',
        resultMessage: '[A091301] Bad proof.',
        action: 'UNAUTHORIZED',
        responseContent: challenge,
      },
      ['userinfo', ACCESS_TOKEN, '--dpop', PROOF, '--htm', 'GET', '--htu', 'https://as.example/userinfo'],
    )
    expect(result.sent.url).toBe('/api/715948317/auth/userinfo')
    expect(fieldsOf(result.sent)).toEqual({
      token: ACCESS_TOKEN,
      dpop: PROOF,
      htm: 'GET',
      htu: 'https://as.example/userinfo',
    })
    expect(result.code).toBe(2)
    expect(result.stdout).toContain(`Your endpoint would answer with:\n  WWW-Authenticate: ${challenge}\n`)
  })

  it.each([
    ['FORBIDDEN', 'Bearer error="insufficient_scope"'],
    ['BAD_REQUEST', 'Bearer error="invalid_request"'],
    ['INTERNAL_SERVER_ERROR', 'Bearer error="server_error"'],
  ])('%s exits 2 with its challenge', async (action, challenge) => {
    const result = await against({ action, responseContent: challenge }, ['userinfo', ACCESS_TOKEN])
    expect(result.code).toBe(2)
    expect(result.stdout).toContain(`  WWW-Authenticate: ${challenge}\n`)
  })

  it('without a token: exit 1, nothing sent, the usage line', async () => {
    const result = await run(['userinfo', '--base-url', 'http://127.0.0.1:9'], V3_ENV)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'authlete-ciba: userinfo needs <token> (the access token, as the client presented it)\n' +
        'Usage: authlete-ciba userinfo <token> [--dpop PROOF --htm METHOD [--htu URL]]\n' +
        'Run "authlete-ciba --help" for every command and option.\n',
    )
  })
})

describe('authlete-ciba userinfo-issue', () => {
  it('--claims and --sub are sent (the claims as JSON text); JSON exits 0', async () => {
    const result = await against({ action: 'JSON', responseContent: '{"sub":"p-1","name":"John"}' }, [
      'userinfo-issue',
      ACCESS_TOKEN,
      '--claims',
      '{"name":"John"}',
      '--sub',
      'p-1',
    ])
    expect(result.sent.url).toBe('/api/715948317/auth/userinfo/issue')
    expect(fieldsOf(result.sent)).toEqual({ token: ACCESS_TOKEN, claims: '{"name":"John"}', sub: 'p-1' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('  action  JSON\n')
    expect(result.stdout).toContain(
      'Your UserInfo endpoint would answer:\n  HTTP 200\n  Content-Type: application/json;charset=UTF-8\n\n  {"sub":"p-1","name":"John"}\n',
    )
  })

  it('JWT exits 0; UNAUTHORIZED exits 2 with its challenge', async () => {
    expect(
      (await against({ action: 'JWT', responseContent: 'h.p.s' }, ['userinfo-issue', ACCESS_TOKEN])).code,
    ).toBe(0)
    const expired = await against(
      { action: 'UNAUTHORIZED', responseContent: 'Bearer error="invalid_token"' },
      ['userinfo-issue', ACCESS_TOKEN],
    )
    expect(expired.code).toBe(2)
    expect(expired.stdout).toContain('  WWW-Authenticate: Bearer error="invalid_token"\n')
  })

  it('--claims that are not a JSON object: exit 1 before any request, naming claims', async () => {
    const before = server.requests.length
    const result = await run(
      ['userinfo-issue', ACCESS_TOKEN, '--claims', '["name"]', '--base-url', server.url],
      V3_ENV,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('authlete-ciba: claims: must be a JSON object or its JSON text\n')
    expect(server.requests.length).toBe(before)
  })
})

describe('authlete-ciba introspection', () => {
  it('--scopes (space-separated) go as a list, --subject as given; OK exits 0', async () => {
    const result = await against(
      { action: 'OK', subject: 'john', scopes: ['payments', 'history'], usable: true, sufficient: true },
      ['introspection', ACCESS_TOKEN, '--scopes', ' payments  history ', '--subject', 'john'],
    )
    expect(result.sent.url).toBe('/api/715948317/auth/introspection')
    expect(result.sent.headers['content-type']).toBe('application/json')
    expect(fieldsOf(result.sent)).toEqual({
      token: ACCESS_TOKEN,
      scopes: ['payments', 'history'],
      subject: 'john',
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('  sufficient  true\n')
  })

  it('FORBIDDEN exits 2 and names the scope the resource needs', async () => {
    const challenge = 'Bearer error="insufficient_scope",scope="payments"'
    const result = await against(
      { action: 'FORBIDDEN', responseContent: challenge, usable: true, sufficient: false },
      [
        'introspection',
        ACCESS_TOKEN,
        '--scopes',
        'payments',
        '--dpop',
        PROOF,
        '--htm',
        'GET',
        '--htu',
        'https://api.example/p',
      ],
    )
    expect(fieldsOf(result.sent)).toMatchObject({ dpop: PROOF, htm: 'GET', htu: 'https://api.example/p' })
    expect(result.code).toBe(2)
    expect(result.stdout).toContain(`  WWW-Authenticate: ${challenge}\n`)
  })
})

describe('authlete-ciba introspection-standard', () => {
  it('the body, --rs-uri and --accept are sent; OK exits 0, and so does JWT', async () => {
    const parameters = `token=${ACCESS_TOKEN}&token_type_hint=access_token`
    const result = await against({ action: 'OK', responseContent: '{"active":true}' }, [
      'introspection-standard',
      parameters,
      '--rs-uri',
      'https://rs.example',
      '--accept',
      'application/json',
    ])
    expect(result.sent.url).toBe('/api/715948317/auth/introspection/standard')
    expect(fieldsOf(result.sent)).toEqual({
      parameters,
      rsUri: 'https://rs.example',
      httpAcceptHeader: 'application/json',
    })
    expect(result.code).toBe(0)
    const jwt = await against({ action: 'JWT', responseContent: 'h.p.s' }, [
      'introspection-standard',
      parameters,
      '--accept',
      'application/token-introspection+jwt',
    ])
    expect(jwt.code).toBe(0)
    expect(result.stdout).toContain(
      'Your introspection endpoint would answer:\n  HTTP 200\n  Content-Type: application/json\n\n  {"active":true}\n',
    )
    expect(jwt.stdout).toContain('  Content-Type: application/token-introspection+jwt\n\n  h.p.s\n')
  })

  it('BAD_REQUEST exits 2', async () => {
    const result = await against({ action: 'BAD_REQUEST', responseContent: '{"error":"invalid_request"}' }, [
      'introspection-standard',
      'token_type_hint=access_token',
    ])
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('  action  BAD_REQUEST\n')
  })
})

describe('authlete-ciba revocation', () => {
  it('the body, --client-id and AUTHLETE_CLIENT_SECRET are sent; OK exits 0; the secret is never printed', async () => {
    const parameters = `token=${ACCESS_TOKEN}&token_type_hint=refresh_token`
    const result = await against(
      {
        resultCode: 'A113001',
        resultMessage: '[A113001] The token has been revoked successfully.',
        action: 'OK',
      },
      ['revocation', parameters, '--client-id', 'c1'],
      { ...V3_ENV, AUTHLETE_CLIENT_SECRET: CLIENT_SECRET },
    )
    expect(result.sent.url).toBe('/api/715948317/auth/revocation')
    expect(fieldsOf(result.sent)).toEqual({ parameters, clientId: 'c1', clientSecret: CLIENT_SECRET })
    expect(result.code).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET)
  })

  it('INVALID_CLIENT exits 2; the stand-in answers it for a body that names another client', async () => {
    const result = await against(
      { action: 'INVALID_CLIENT', responseContent: '{"error":"invalid_client"}' },
      ['revocation', 'token=x'],
    )
    expect(result.code).toBe(2)
    // The stand-in registers the client of --client-id with AUTHLETE_CLIENT_SECRET: the Basic
    // credentials pass, and a client_id of another client in the body is refused.
    const standIn = await run(
      ['revocation', 'token=x&client_id=someone-else', '--client-id', 'stand-in-client', '--stand-in'],
      { AUTHLETE_CLIENT_SECRET: CLIENT_SECRET },
    )
    expect(standIn.code).toBe(2)
    expect(standIn.stdout).toMatch(/^ {2}action +INVALID_CLIENT\n/m)
    expect(standIn.stdout + standIn.stderr).not.toContain(CLIENT_SECRET)
  })

  it('against the stand-in with its own client: an unknown token is OK (RFC 7009 §2.2), exit 0', async () => {
    const result = await run(
      ['revocation', 'token=never-issued', '--client-id', 'stand-in-client', '--stand-in'],
      {
        AUTHLETE_CLIENT_SECRET: 'stand-in-secret',
      },
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^ {2}action +OK\n/m)
  })
})

// Authlete's 200 answer (an action that is not the command's success) quoting the request it got in
// resultMessage and responseContent: the answer is printed, the secrets it quotes are not.
const quoting =
  (action: string) =>
  (request: ReceivedRequest, res: ServerResponse): void => {
    const quoted = `The request is invalid: ${request.body} / ${decodeURIComponent(request.body)}`
    json(res, 200, { resultCode: 'A000000', resultMessage: quoted, action, responseContent: quoted })
  }

const ROWS: Array<[string, string[], string[], string]> = [
  [
    'userinfo',
    ['userinfo', ACCESS_TOKEN, '--dpop', PROOF, '--htm', 'GET'],
    [ACCESS_TOKEN, PROOF],
    'UNAUTHORIZED',
  ],
  [
    'userinfo-issue',
    ['userinfo-issue', ACCESS_TOKEN, '--claims', '{"name":"John"}'],
    [ACCESS_TOKEN],
    'UNAUTHORIZED',
  ],
  [
    'introspection',
    ['introspection', ACCESS_TOKEN, '--dpop', PROOF, '--scopes', 'a b'],
    [ACCESS_TOKEN, PROOF],
    'FORBIDDEN',
  ],
  [
    'introspection-standard',
    ['introspection-standard', `token=${ACCESS_TOKEN}&token_type_hint=access_token`],
    [ACCESS_TOKEN],
    'BAD_REQUEST',
  ],
  [
    'revocation',
    ['revocation', `token=${ACCESS_TOKEN}&token_type_hint=refresh_token`, '--client-id', 'c1'],
    [ACCESS_TOKEN, CLIENT_SECRET],
    'BAD_REQUEST',
  ],
]

const CREDENTIALS: Array<[string, Record<string, string>]> = [
  ['v3', { AUTHLETE_SERVICE_ID: '715948317', AUTHLETE_ACCESS_TOKEN: AUTHLETE_TOKEN }],
  ['v2', { AUTHLETE_API_KEY: '5593494639', AUTHLETE_API_SECRET: SECRET }],
]

describe.each(ROWS)(
  "%s: an answer quoting the request shows none of the call's secrets",
  (_name, args, secrets, action) => {
    it.each(
      CREDENTIALS.flatMap(([api, env]) => [
        [api, 'readable', env, []],
        [api, '--json', env, ['--json']],
      ]) as Array<[string, string, Record<string, string>, string[]]>,
    )('API %s, %s', async (_api, _output, env, flags) => {
      server.handle(quoting(action))
      const before = server.requests.length
      const result = await run([...args, ...flags, '--base-url', server.url], {
        ...env,
        AUTHLETE_CLIENT_SECRET: CLIENT_SECRET,
      })
      const sent = server.requests.slice(before)
      expect(sent).toHaveLength(1)
      // The secrets went to Authlete, and the answer that came back quoted them.
      for (const secret of secrets)
        expect(decodeURIComponent((sent[0] as ReceivedRequest).body)).toContain(secret)
      expect(result.code).toBe(2)
      expect(result.stdout).toContain(action)
      expect(result.stdout).toContain('[REDACTED]')
      for (const secret of secrets) {
        expect(result.stdout + result.stderr).not.toContain(secret)
        expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(secret))
      }
      expect(result.stdout + result.stderr).not.toContain('SECRET')
      expectNoSecret(result)
    })
  },
)
