// handleTokenRequest against a loopback stand-in Authlete that records every call: each answer of
// /auth/token mapped as Authlete's Java TokenRequestHandler maps it, each hook path (password, the
// grants left to the server), Authlete and hook errors reported with their stage, malformed client
// credentials and bodies, and the Fetch API variant.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthleteApiError,
  type AuthleteClient,
  AuthleteInputError,
  AuthleteNetworkError,
  handleTokenRequest,
  handleTokenWebRequest,
  type TokenEndpointHooks,
  type TokenFlowStage,
} from '../../src/index.js'
import { basic } from '../helpers/basic.js'
import {
  type EndpointStandIn,
  startEndpointStandIn,
  unreachableAuthlete,
} from '../helpers/endpoint-stand-in.js'

const TOKEN = '/auth/token'
const ISSUE = '/auth/token/issue'
const FAIL = '/auth/token/fail'
const CIBA = 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=r-1'
const TOKENS = '{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"x.y.z"}'
const HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const SERVER_ERROR = '{"error":"server_error"}'

/** The stand-in Authlete, one for the file: each test gives its answers by path (`env.answers`). */
let env: EndpointStandIn
let authlete: AuthleteClient

beforeAll(async () => {
  env = await startEndpointStandIn()
  authlete = env.authlete
})
afterAll(async () => {
  await env.close()
})
beforeEach(() => {
  env.reset()
})

const paths = () => env.paths()
const fieldsOf = (path: string) => env.calls.find((call) => call.path === path)?.fields

/** Hooks that record every error with its stage. */
function recorded(overrides: TokenEndpointHooks = {}) {
  const errors: Array<[unknown, TokenFlowStage]> = []
  const hooks: TokenEndpointHooks = {
    onError: (error, stage) => {
      errors.push([error, stage])
    },
    ...overrides,
  }
  return { hooks, errors, stages: () => errors.map(([, stage]) => stage) }
}

describe('the answers of /auth/token, mapped', () => {
  it('the CIBA grant: 200 with the tokens, no-store, the Basic credentials passed on, no DPoP fields', async () => {
    env.answers[TOKEN] = { action: 'OK', responseContent: TOKENS, accessToken: 'at', grantType: 'CIBA' }
    const answer = await handleTokenRequest(authlete, {
      body: CIBA,
      authorization: basic('c 1', 's:e+c'),
      dpop: undefined,
    })
    expect(answer).toEqual({ status: 200, headers: HEADERS, body: TOKENS })
    expect(paths()).toEqual([TOKEN])
    expect(fieldsOf(TOKEN)).toEqual({ parameters: CIBA, clientId: 'c 1', clientSecret: 's:e+c' })
  })

  it('DPoP-Nonce when Authlete gives one; a nonce that is no header value is dropped', async () => {
    env.answers[TOKEN] = { action: 'OK', responseContent: TOKENS, accessToken: 'at', dpopNonce: 'n-1' }
    expect(
      (await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined })).headers,
    ).toEqual({
      ...HEADERS,
      'DPoP-Nonce': 'n-1',
    })
    env.answers[TOKEN] = {
      action: 'BAD_REQUEST',
      responseContent: '{"error":"use_dpop_nonce"}',
      dpopNonce: 'n-2',
    }
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined }),
    ).toEqual({
      status: 400,
      headers: { ...HEADERS, 'DPoP-Nonce': 'n-2' },
      body: '{"error":"use_dpop_nonce"}',
    })
    env.answers[TOKEN] = {
      action: 'OK',
      responseContent: TOKENS,
      accessToken: 'at',
      dpopNonce: 'n\r\nSet-Cookie: x',
    }
    expect(
      (await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined })).headers,
    ).toEqual(HEADERS)
  })

  it('ID_TOKEN_REISSUABLE: 200 with its responseContent (no ID token reissued, as Java)', async () => {
    env.answers[TOKEN] = { action: 'ID_TOKEN_REISSUABLE', responseContent: TOKENS }
    expect(
      await handleTokenRequest(authlete, {
        body: 'grant_type=refresh_token&refresh_token=rt',
        authorization: undefined,
        dpop: undefined,
      }),
    ).toEqual({
      status: 200,
      headers: HEADERS,
      body: TOKENS,
    })
  })

  it.each([
    'authorization_pending',
    'slow_down',
    'expired_token',
    'access_denied',
    'invalid_grant',
    'unauthorized_client',
  ])('BAD_REQUEST %s: 400 with the body as Authlete wrote it', async (error) => {
    env.answers[TOKEN] = { action: 'BAD_REQUEST', responseContent: `{"error":"${error}"}` }
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined }),
    ).toEqual({
      status: 400,
      headers: HEADERS,
      body: `{"error":"${error}"}`,
    })
  })

  it('INVALID_CLIENT with Basic: 401 with WWW-Authenticate: Basic realm="token"', async () => {
    env.answers[TOKEN] = { action: 'INVALID_CLIENT', responseContent: '{"error":"invalid_client"}' }
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: basic('c', 'wrong'), dpop: undefined }),
    ).toEqual({
      status: 401,
      headers: { ...HEADERS, 'WWW-Authenticate': 'Basic realm="token"' },
      body: '{"error":"invalid_client"}',
    })
  })

  it('INVALID_CLIENT without an Authorization header (client_secret_post, private_key_jwt): 400, no challenge', async () => {
    env.answers[TOKEN] = { action: 'INVALID_CLIENT', responseContent: '{"error":"invalid_client"}' }
    const body = `${CIBA}&client_id=c&client_secret=wrong`
    expect(await handleTokenRequest(authlete, { body, authorization: '', dpop: undefined })).toEqual({
      status: 400,
      headers: HEADERS,
      body: '{"error":"invalid_client"}',
    })
    expect(fieldsOf(TOKEN)).toEqual({ parameters: body })
  })

  it('INTERNAL_SERVER_ERROR: 500 with its responseContent', async () => {
    env.answers[TOKEN] = { action: 'INTERNAL_SERVER_ERROR', responseContent: SERVER_ERROR }
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined }),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
  })

  it('an action this version does not know: 500 server_error, not its content', async () => {
    env.answers[TOKEN] = { action: 'SOMETHING_NEW', responseContent: '{"secret":"x"}' }
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined }),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
  })
})

describe('DPoP and mutual TLS', () => {
  beforeEach(() => {
    env.answers[TOKEN] = { action: 'OK', responseContent: TOKENS, accessToken: 'at' }
  })

  it('the DPoP header goes as dpop with htm POST; no htu unless configured', async () => {
    await handleTokenRequest(authlete, { body: CIBA, dpop: 'ey.proof.sig', authorization: undefined })
    expect(fieldsOf(TOKEN)).toEqual({ parameters: CIBA, dpop: 'ey.proof.sig', htm: 'POST' })
  })

  it('htu as configured, with a proof only', async () => {
    const options = { htu: 'https://as.example/token' }
    await handleTokenRequest(
      authlete,
      { body: CIBA, dpop: 'ey.proof.sig', authorization: undefined },
      {},
      options,
    )
    expect(fieldsOf(TOKEN)).toEqual({ parameters: CIBA, dpop: 'ey.proof.sig', htm: 'POST', htu: options.htu })
    env.calls.length = 0
    await handleTokenRequest(authlete, { body: CIBA, dpop: '', authorization: undefined }, {}, options)
    expect(fieldsOf(TOKEN)).toEqual({ parameters: CIBA })
  })

  it('a DPoP header too long to be a proof: 400 invalid_dpop_proof, Authlete not called, reported', async () => {
    const { hooks, errors } = recorded()
    const answer = await handleTokenRequest(
      authlete,
      { body: CIBA, dpop: 'x'.repeat(70_000), authorization: undefined },
      hooks,
    )
    expect(answer).toEqual({ status: 400, headers: HEADERS, body: '{"error":"invalid_dpop_proof"}' })
    expect(env.calls).toEqual([])
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'token']])
  })

  it('the client certificate and its chain are passed on (as JSON, for the chain)', async () => {
    await handleTokenRequest(authlete, {
      body: CIBA,
      clientCertificate: 'leaf',
      clientCertificatePath: ['ca'],
      authorization: undefined,
      dpop: undefined,
    })
    expect(fieldsOf(TOKEN)).toEqual({
      parameters: CIBA,
      clientCertificate: 'leaf',
      clientCertificatePath: ['ca'],
    })
  })
})

describe('the request body', () => {
  beforeEach(() => {
    env.answers[TOKEN] = { action: 'BAD_REQUEST', responseContent: '{"error":"invalid_request"}' }
  })

  it('URLSearchParams: sent as its text', async () => {
    await handleTokenRequest(authlete, {
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'a b' }),
      authorization: undefined,
      dpop: undefined,
    })
    expect(fieldsOf(TOKEN)?.parameters).toBe('grant_type=refresh_token&refresh_token=a+b')
  })

  it('a parsed object (express.urlencoded): form text again, an array as repeated parameters so duplicates are still refused', async () => {
    const body = Object.assign(Object.create(null) as Record<string, unknown>, {
      grant_type: 'urn:openid:params:grant-type:ciba',
      auth_req_id: ['r-1', 'r-2'],
      ignored: undefined,
    })
    await handleTokenRequest(authlete, {
      body: body as Record<string, string>,
      authorization: undefined,
      dpop: undefined,
    })
    expect(fieldsOf(TOKEN)?.parameters).toBe(
      'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=r-1&auth_req_id=r-2',
    )
  })

  it('a nested object (an "extended" parser on a[b]=c): 400 invalid_request, Authlete not called, reported', async () => {
    const { hooks, errors } = recorded()
    const body = { grant_type: 'refresh_token', refresh_token: { a: 'b' } } as unknown as Record<
      string,
      string
    >
    expect(
      await handleTokenRequest(authlete, { body, authorization: undefined, dpop: undefined }, hooks),
    ).toEqual({
      status: 400,
      headers: HEADERS,
      body: '{"error":"invalid_request"}',
    })
    expect(env.calls).toEqual([])
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
  })

  it('anything else (a Buffer from a raw parser, a number): 500, reported as the server bug it is', async () => {
    for (const body of [Buffer.from(CIBA), 42, null]) {
      const { hooks, errors } = recorded()
      expect(
        await handleTokenRequest(
          authlete,
          { body: body as never, authorization: undefined, dpop: undefined },
          hooks,
        ),
      ).toEqual({
        status: 500,
        headers: HEADERS,
        body: SERVER_ERROR,
      })
      expect(errors).toEqual([[expect.any(TypeError), 'request']])
    }
    expect(env.calls).toEqual([])
  })

  it.each([
    ['empty', ''],
    [
      'none at all (Express 5 leaves req.body undefined for a Content-Type its parser does not take)',
      undefined,
    ],
  ])('%s: 400 invalid_request, Authlete not called', async (_what, body) => {
    const { hooks, stages } = recorded()
    expect(await handleTokenRequest(authlete, { body } as never, hooks)).toEqual({
      status: 400,
      headers: HEADERS,
      body: '{"error":"invalid_request"}',
    })
    expect(env.calls).toEqual([])
    expect(stages()).toEqual(['token'])
  })
})

describe('client_secret_basic', () => {
  it.each([
    ['another scheme', 'Bearer abc'],
    ['not base64', 'Basic !!!'],
    ['no colon', `Basic ${Buffer.from('client').toString('base64')}`],
  ])(
    '%s: 401 invalid_client with the challenge, as Authlete would, without Authlete or a hook',
    async (_, header) => {
      const { hooks, errors } = recorded({ authenticateUser: () => 'john' })
      expect(
        await handleTokenRequest(authlete, { body: CIBA, authorization: header, dpop: undefined }, hooks),
      ).toEqual({
        status: 401,
        headers: { ...HEADERS, 'WWW-Authenticate': 'Basic realm="token"' },
        body: '{"error":"invalid_client"}',
      })
      expect(env.calls).toEqual([])
      expect(errors).toEqual([[expect.any(AuthleteInputError), 'clientAuthentication']])
      expect(errors[0]?.[0]).toMatchObject({ field: 'authorization' })
    },
  )
})

describe('the password grant', () => {
  const PASSWORD = {
    action: 'PASSWORD',
    ticket: 'pt-1',
    username: 'john',
    password: 'p@ss',
    clientId: 57,
    dpopNonce: 'n-9',
  }
  const body = 'grant_type=password&username=john&password=p%40ss'
  beforeEach(() => {
    env.answers[TOKEN] = PASSWORD
    env.answers[ISSUE] = { action: 'OK', responseContent: TOKENS, accessToken: 'at' }
    env.answers[FAIL] = { action: 'BAD_REQUEST', responseContent: '{"error":"invalid_grant"}' }
  })

  it('authenticateUser finds the user: /auth/token/issue with the subject, 200 with the DPoP-Nonce of /auth/token', async () => {
    const seen: unknown[] = []
    const answer = await handleTokenRequest(
      authlete,
      { body, authorization: undefined, dpop: undefined },
      {
        authenticateUser: (credentials, response) => {
          seen.push(credentials, response.ticket)
          return 'subject-john'
        },
      },
    )
    expect(answer).toEqual({ status: 200, headers: { ...HEADERS, 'DPoP-Nonce': 'n-9' }, body: TOKENS })
    expect(seen).toEqual([{ username: 'john', password: 'p@ss', clientId: 57 }, 'pt-1'])
    expect(paths()).toEqual([TOKEN, ISSUE])
    expect(fieldsOf(ISSUE)).toEqual({ ticket: 'pt-1', subject: 'subject-john' })
  })

  it.each([
    ['no user (undefined)', () => undefined],
    ['no user (null)', async () => null],
  ])(
    '%s: /auth/token/fail INVALID_RESOURCE_OWNER_CREDENTIALS, its answer mapped',
    async (_, authenticateUser) => {
      const answer = await handleTokenRequest(
        authlete,
        { body, authorization: undefined, dpop: undefined },
        { authenticateUser },
      )
      expect(answer).toEqual({
        status: 400,
        headers: { ...HEADERS, 'DPoP-Nonce': 'n-9' },
        body: '{"error":"invalid_grant"}',
      })
      expect(paths()).toEqual([TOKEN, FAIL])
      expect(fieldsOf(FAIL)).toEqual({ ticket: 'pt-1', reason: 'INVALID_RESOURCE_OWNER_CREDENTIALS' })
    },
  )

  it('no authenticateUser hook: refused the same way, never issued', async () => {
    await handleTokenRequest(authlete, { body, authorization: undefined, dpop: undefined })
    expect(paths()).toEqual([TOKEN, FAIL])
    expect(fieldsOf(FAIL)?.reason).toBe('INVALID_RESOURCE_OWNER_CREDENTIALS')
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('directory down')
      },
    ],
    ['rejects', () => Promise.reject(new Error('directory down'))],
    ['answers an empty subject', () => ''],
    ['answers no string', () => ({ subject: 'john' }) as unknown as string],
  ])(
    'authenticateUser %s: /auth/token/fail UNKNOWN, reported at authenticateUser',
    async (_, authenticateUser) => {
      env.answers[FAIL] = { action: 'INTERNAL_SERVER_ERROR', responseContent: SERVER_ERROR }
      const { hooks, stages } = recorded({ authenticateUser })
      const answer = await handleTokenRequest(
        authlete,
        { body, authorization: undefined, dpop: undefined },
        hooks,
      )
      expect(answer.status).toBe(500)
      expect(answer.body).toBe(SERVER_ERROR)
      expect(fieldsOf(FAIL)).toEqual({ ticket: 'pt-1', reason: 'UNKNOWN' })
      expect(stages()).toEqual(['authenticateUser'])
    },
  )

  it('/auth/token/issue failing: 500 server_error, onError(AuthleteApiError, tokenIssue)', async () => {
    env.answers[ISSUE] = [500, { resultCode: 'A001', resultMessage: 'boom' }]
    const { hooks, errors } = recorded({ authenticateUser: () => 'john' })
    expect(
      await handleTokenRequest(authlete, { body, authorization: undefined, dpop: undefined }, hooks),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(AuthleteApiError), 'tokenIssue']])
  })

  it('/auth/token/issue answering INTERNAL_SERVER_ERROR: mapped (500, its content)', async () => {
    env.answers[ISSUE] = {
      action: 'INTERNAL_SERVER_ERROR',
      responseContent: '{"error":"server_error","x":1}',
    }
    const answer = await handleTokenRequest(
      authlete,
      { body, authorization: undefined, dpop: undefined },
      { authenticateUser: () => 'john' },
    )
    expect([answer.status, answer.body]).toEqual([500, '{"error":"server_error","x":1}'])
  })

  it('/auth/token/fail failing: 500 server_error, onError(AuthleteApiError, tokenFail)', async () => {
    env.answers[FAIL] = [400, { resultCode: 'A001', resultMessage: 'bad ticket' }]
    const { hooks, errors } = recorded()
    expect(
      await handleTokenRequest(authlete, { body, authorization: undefined, dpop: undefined }, hooks),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(AuthleteApiError), 'tokenFail']])
  })
})

/** Answers shaped as `{ status, headers, body }` that no server can send. */
const JUNK_ANSWERS = [
  ['204 with a body', { status: 204, headers: {}, body: '{}' }],
  ['205 with a body', { status: 205, headers: {}, body: 'x' }],
  ['304 with a body', { status: 304, headers: {}, body: 'x' }],
  ['a header value with CR LF', { status: 200, headers: { 'X-A': 'a\r\nSet-Cookie: x=1' }, body: '{}' }],
  ['a header value with a lone LF', { status: 200, headers: { 'X-A': 'a\nb' }, body: '{}' }],
  ['a header value with NUL', { status: 200, headers: { 'X-A': 'a\u0000b' }, body: '{}' }],
  [
    'a header value with another control character',
    { status: 200, headers: { 'X-A': 'a\u0001b' }, body: '{}' },
  ],
  ['a header value beyond Latin-1', { status: 200, headers: { 'X-A': '\u20ac' }, body: '{}' }],
  ['a header name with a space', { status: 200, headers: { 'Bad Name': 'v' }, body: '{}' }],
  ['a header name with a colon', { status: 200, headers: { 'X-A:': 'v' }, body: '{}' }],
  ['an empty header name', { status: 200, headers: { '': 'v' }, body: '{}' }],
  ['headers as an array', { status: 200, headers: ['X-A', 'v'], body: '{}' }],
] as const

describe.each([
  ['TOKEN_EXCHANGE', 'tokenExchange'],
  ['JWT_BEARER', 'jwtBearer'],
  ['NATIVE_SSO', 'nativeSso'],
] as const)('%s: a grant left to the server', (action, hook) => {
  const UNSUPPORTED = { status: 400, headers: HEADERS, body: '{"error":"unsupported_grant_type"}' }
  beforeEach(() => {
    env.answers[TOKEN] = { action, subjectToken: 'st', assertion: 'a', clientId: 3 }
  })

  it('no hook: 400 unsupported_grant_type', async () => {
    expect(
      await handleTokenRequest(authlete, { body: 'grant_type=x', authorization: undefined, dpop: undefined }),
    ).toEqual(UNSUPPORTED)
    expect(paths()).toEqual([TOKEN])
  })

  it('the hook answers: its answer as it is, given the whole response', async () => {
    const own = {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'X-Own': '1' },
      body: '{"access_token":"mine"}',
    }
    let given: unknown
    const answer = await handleTokenRequest(
      authlete,
      { body: 'grant_type=x', authorization: undefined, dpop: undefined },
      {
        [hook]: (response: unknown) => {
          given = response
          return own
        },
      },
    )
    expect(answer).toBe(own)
    expect(given).toEqual(env.answers[TOKEN])
  })

  it('the hook answers 204 without a body, tab and Latin-1 in a header value: its answer as it is', async () => {
    for (const own of [
      { status: 204, headers: {}, body: '' },
      { status: 200, headers: { 'X-Own': 'a\tb', "x-Ok!#$%&'*+.^_`|~": 'caf\u00e9' }, body: '{}' },
    ]) {
      expect(
        await handleTokenRequest(
          authlete,
          { body: 'grant_type=x', authorization: undefined, dpop: undefined },
          { [hook]: () => own },
        ),
      ).toBe(own)
    }
  })

  it('the hook answers nothing: 400 unsupported_grant_type, as Java', async () => {
    expect(
      await handleTokenRequest(
        authlete,
        { body: 'grant_type=x', authorization: undefined, dpop: undefined },
        { [hook]: async () => undefined },
      ),
    ).toEqual(UNSUPPORTED)
  })

  it.each<[string, () => unknown, ErrorConstructor]>([
    [
      'throws',
      () => {
        throw new Error('boom')
      },
      Error,
    ],
    ['answers no { status, headers, body }', () => ({ status: 200, body: 1 }), TypeError],
    ['answers a status out of range', () => ({ status: 99, headers: {}, body: '' }), TypeError],
    // What a server refuses to send (new Response, Node's res.setHeader): refused here, not there.
    ...JUNK_ANSWERS.map(([name, answer]): [string, () => unknown, ErrorConstructor] => [
      `answers ${name}`,
      () => answer,
      TypeError,
    ]),
  ])(`the hook %s: 500 server_error, reported at ${hook}`, async (_, fn, kind) => {
    const { hooks, errors } = recorded({ [hook]: fn as never })
    expect(
      await handleTokenRequest(
        authlete,
        { body: 'grant_type=x', authorization: undefined, dpop: undefined },
        hooks,
      ),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(kind), hook]])
  })
})

describe('Authlete failing, and arguments that are not what they should be', () => {
  it('the framework’s whole request object: 500 server_error, onError(AuthleteInputError naming its first other field, request), no call to Authlete', async () => {
    const { hooks, errors } = recorded()
    const req = { method: 'POST', body: CIBA, headers: { authorization: basic('c1', 's1') } }
    expect(await handleTokenRequest(authlete, req as never, hooks)).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
    expect(errors[0]?.[0]).toMatchObject({ field: 'method' })
    expect(paths()).toEqual([])
  })

  it('/auth/token answering an error status: 500 server_error, onError(AuthleteApiError, token)', async () => {
    env.answers[TOKEN] = [401, { resultCode: 'A001202', resultMessage: 'Authorization header is missing.' }]
    const { hooks, errors } = recorded()
    expect(
      await handleTokenRequest(authlete, { body: CIBA, authorization: undefined, dpop: undefined }, hooks),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: SERVER_ERROR,
    })
    expect(errors).toEqual([[expect.any(AuthleteApiError), 'token']])
  })

  it('Authlete unreachable: 500 server_error, onError(AuthleteNetworkError, token)', async () => {
    await using down = await unreachableAuthlete()
    const { hooks, errors } = recorded()
    expect(
      (await handleTokenRequest(down, { body: CIBA, authorization: undefined, dpop: undefined }, hooks))
        .status,
    ).toBe(500)
    expect(errors).toEqual([[expect.any(AuthleteNetworkError), 'token']])
  })

  it('the per-call options reach Authlete: an aborted signal is a 500, reported', async () => {
    const { hooks, stages } = recorded()
    const answer = await handleTokenRequest(
      authlete,
      { body: CIBA, authorization: undefined, dpop: undefined },
      hooks,
      { signal: AbortSignal.abort() },
    )
    expect(answer.status).toBe(500)
    expect(stages()).toEqual(['token'])
    expect(env.calls).toEqual([])
  })

  it("an option that is neither the endpoint's nor a per-call one is refused by name: a 500, reported", async () => {
    const errors: unknown[][] = []
    const answer = await handleTokenRequest(
      authlete,
      { body: CIBA, authorization: undefined, dpop: undefined },
      { onError: (error, stage) => errors.push([error, stage]) },
      { htu: 'https://as.example.com/token', timeoutMS: 5 } as never,
    )
    expect(answer.status).toBe(500)
    expect(errors).toEqual([
      [expect.objectContaining({ code: 'AUTHLETE_INVALID_INPUT', field: 'timeoutMS' }), 'token'],
    ])
    expect(env.calls).toEqual([])
  })

  it('a stand-in client is given only the per-call options the caller gave', async () => {
    const seen: unknown[] = []
    const standIn = {
      token: async (_request: unknown, options: unknown) => {
        seen.push(options)
        return { action: 'OK', responseContent: '{}' }
      },
    }
    const signal = new AbortController().signal
    await handleTokenRequest(standIn as never, { body: CIBA, authorization: undefined, dpop: undefined })
    await handleTokenRequest(
      standIn as never,
      { body: CIBA, authorization: undefined, dpop: undefined },
      {},
      { htu: 'https://as.example.com/token', flowTimeoutMs: 5_000, timeoutMs: 3_000 },
    )
    await handleTokenRequest(
      standIn as never,
      { body: CIBA, authorization: undefined, dpop: undefined },
      {},
      { signal },
    )
    expect(seen).toStrictEqual([{}, { timeoutMs: 3_000 }, { signal }])
  })

  it('an onError that throws, or rejects, is swallowed: the answer still comes', async () => {
    env.answers[TOKEN] = [500, {}]
    for (const onError of [
      () => {
        throw new Error('x')
      },
      () => Promise.reject(new Error('x')),
    ]) {
      expect(
        (
          await handleTokenRequest(
            authlete,
            { body: CIBA, authorization: undefined, dpop: undefined },
            { onError },
          )
        ).status,
      ).toBe(500)
    }
  })

  it('no input, no hooks, a client that is none: a 500, never a rejection', async () => {
    // /auth/token answers 404, as the file's own stand-in answered every call no test played before
    // the shared stand-in (whose defaults answer OK): the flow run without hooks ends in a 500.
    env.answers[TOKEN] = [404, { resultCode: 'A000', resultMessage: 'not played' }]
    const { hooks, stages } = recorded()
    expect((await handleTokenRequest(authlete, undefined as never, hooks)).status).toBe(500)
    expect(
      (
        await handleTokenRequest(
          authlete,
          { body: CIBA, authorization: undefined, dpop: undefined },
          null as never,
        )
      ).status,
    ).toBe(500)
    expect(
      (
        await handleTokenRequest(
          {} as never,
          { body: CIBA, authorization: undefined, dpop: undefined },
          hooks,
        )
      ).status,
    ).toBe(500)
    // A client without the calls fails at the call, like one that rejects.
    expect(stages()).toEqual(['request', 'token'])
  })
})

describe('handleTokenWebRequest: the Fetch API variant', () => {
  const request = (init: RequestInit & { headers?: Record<string, string> }) =>
    new Request('https://as.example/token', { method: 'POST', ...init })

  it('reads the body, Authorization and DPoP, answers a Response with the mapped status and headers', async () => {
    env.answers[TOKEN] = { action: 'OK', responseContent: TOKENS, accessToken: 'at', dpopNonce: 'n-1' }
    const response = await handleTokenWebRequest(
      authlete,
      request({ body: CIBA, headers: { authorization: basic('c', 's'), dpop: 'ey.p.s' } }),
      {},
      { htu: 'https://as.example/token', clientCertificate: 'leaf' },
    )
    expect(response.status).toBe(200)
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-store',
      'content-type': 'application/json',
      'dpop-nonce': 'n-1',
      pragma: 'no-cache',
    })
    expect(await response.text()).toBe(TOKENS)
    expect(fieldsOf(TOKEN)).toEqual({
      parameters: CIBA,
      clientId: 'c',
      clientSecret: 's',
      clientCertificate: 'leaf',
      dpop: 'ey.p.s',
      htm: 'POST',
      htu: 'https://as.example/token',
    })
  })

  it('INVALID_CLIENT with Basic: 401 with the challenge', async () => {
    env.answers[TOKEN] = { action: 'INVALID_CLIENT', responseContent: '{"error":"invalid_client"}' }
    const response = await handleTokenWebRequest(
      authlete,
      request({ body: CIBA, headers: { authorization: basic('c', 'x') } }),
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="token"')
  })

  it.each(JUNK_ANSWERS)(
    'a grant hook answering %s: a 500 Response, reported at the hook, never a rejection',
    async (_, own) => {
      env.answers[TOKEN] = { action: 'TOKEN_EXCHANGE' }
      const { hooks, errors } = recorded({ tokenExchange: () => own as never })
      const response = await handleTokenWebRequest(authlete, request({ body: 'grant_type=x' }), hooks)
      expect(response.status).toBe(500)
      expect(await response.json()).toEqual({ error: 'server_error' })
      expect(errors).toEqual([[expect.any(TypeError), 'tokenExchange']])
    },
  )

  it('a grant hook answering 204 without a body: a 204 Response', async () => {
    env.answers[TOKEN] = { action: 'TOKEN_EXCHANGE' }
    const response = await handleTokenWebRequest(authlete, request({ body: 'grant_type=x' }), {
      tokenExchange: () => ({ status: 204, headers: { 'X-Own': '1' }, body: '' }),
    })
    expect([response.status, response.headers.get('x-own'), response.body]).toEqual([204, '1', null])
  })

  it('an answer no Response can carry, whatever slipped through: a 500 Response, reported at request', async () => {
    env.answers[TOKEN] = { action: 'TOKEN_EXCHANGE' }
    // Checked once, then changed under the endpoint: the Response is the last line of defence.
    let reads = 0
    const shifty = {
      status: 200,
      body: '{}',
      get headers() {
        reads += 1
        return reads === 1 ? { 'X-A': 'ok' } : { 'X-A': 'a\r\nb' }
      },
    }
    const { hooks, errors } = recorded({ tokenExchange: () => shifty })
    const response = await handleTokenWebRequest(authlete, request({ body: 'grant_type=x' }), hooks)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'server_error' })
    expect(errors).toEqual([[expect.any(TypeError), 'request']])
  })

  it('a body that cannot be read: 400 invalid_request, reported', async () => {
    const { hooks, stages } = recorded()
    const used = request({ body: CIBA })
    await used.text()
    const response = await handleTokenWebRequest(authlete, used, hooks)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_request' })
    expect(stages()).toEqual(['request'])
    expect(env.calls).toEqual([])
  })
})

describe('handleTokenWebRequest never rejects', () => {
  it('options that cannot be read: a 500 server_error, reported at request', async () => {
    const errors: string[] = []
    const options = {
      get signal(): never {
        throw new Error('getter')
      },
    }
    const response = await handleTokenWebRequest(
      authlete,
      new Request('https://as.example.com/token', { method: 'POST', body: CIBA }),
      { onError: (_error, stage) => errors.push(stage) },
      options as never,
    )
    expect(response.status).toBe(500)
    expect(errors).toEqual(['request'])
    expect(paths()).toEqual([])
  })
})
