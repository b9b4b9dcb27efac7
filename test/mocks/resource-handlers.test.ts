// The default handlers of the five calls of the tokens at work (userinfoAsAuthlete,
// userinfoIssueAsAuthlete, introspectionAsAuthlete, introspectionStandardAsAuthlete,
// revocationAsAuthlete) and their scenario helpers: each answers what its TSDoc says, after
// Authlete's own checks, and every answer agrees with the vendor's resource documents (v3 and v2),
// through Prism's validator; the answers parse as the SDK's models.
import type { HttpHandler } from 'msw'
import { HttpResponse } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  authleteHandlers,
  introspectionApiError,
  introspectionForbidden,
  introspectionHandler,
  introspectionOk,
  introspectionStandardBadRequest,
  introspectionStandardJwt,
  introspectionStandardOk,
  introspectionStandardUnknownAction,
  introspectionUnauthorized,
  introspectionUnknownAction,
  revocationApiError,
  revocationBadRequest,
  revocationInvalidClient,
  revocationOk,
  revocationUnknownAction,
  setupAuthleteServer,
  userinfoApiError,
  userinfoBadRequest,
  userinfoForbidden,
  userinfoInternalServerError,
  userinfoIssueApiError,
  userinfoIssueJson,
  userinfoIssueJwt,
  userinfoIssueUnauthorized,
  userinfoIssueUnknownAction,
  userinfoOk,
  userinfoUnauthorized,
  userinfoUnknownAction,
} from '../../mocks/index.js'
import { AuthleteApiError, AuthleteClient } from '../../src/index.js'
import type { AuthleteCallName } from '../../src/operations/table.js'
import { checkCallResponse, type Spec } from '../helpers/prism.js'
import { EMAIL_CLAIMS, PROFILE_CLAIMS } from '../helpers/scope-claims.js'

const server = setupAuthleteServer(...authleteHandlers())
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const BASE: Record<Spec, string> = {
  v3: 'https://us.authlete.com/api/715948317',
  v2: 'https://api.authlete.com/api',
}
const AUTHORIZATION: Record<Spec, string> = { v3: 'Bearer t', v2: `Basic ${btoa('k:s')}` }
const PATH = {
  userinfo: '/auth/userinfo',
  userinfoIssue: '/auth/userinfo/issue',
  introspection: '/auth/introspection',
  introspectionStandard: '/auth/introspection/standard',
  revocation: '/auth/revocation',
} as const satisfies Partial<Record<AuthleteCallName, string>>
type Call = keyof typeof PATH

const TOKEN = 'Ntm9MDb8WXQAevqrBkd84KTTHbYHVQrTjgUZCOWqEUI'

/** A raw call to `name`, a form (`fields`) or JSON (`json`). */
async function call(spec: Spec, name: Call, body: { form: Record<string, string> } | { json: unknown }) {
  const response = await fetch(`${BASE[spec]}${PATH[name]}`, {
    method: 'POST',
    headers: {
      authorization: AUTHORIZATION[spec],
      'content-type': 'form' in body ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: 'form' in body ? new URLSearchParams(body.form) : JSON.stringify(body.json),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** The answer, once Prism found no violation of `spec`'s resource document in it. */
async function checked(spec: Spec, name: Call, body: { form: Record<string, string> } | { json: unknown }) {
  const answer = await call(spec, name, body)
  expect(await checkCallResponse(spec, name, answer.status, answer.body), JSON.stringify(answer)).toEqual([])
  return answer
}

const form = (fields: Record<string, string>) => ({ form: fields })

describe.each<Spec>(['v3', 'v2'])('the default handlers of the resource calls, %s', (spec) => {
  it('every call: 401 A001202 without Authorization, 400 A001204 for a body that is neither a form nor JSON', async () => {
    for (const name of Object.keys(PATH) as Call[]) {
      const bare = await fetch(`${BASE[spec]}${PATH[name]}`, { method: 'POST', body: 'token=t' })
      expect([name, bare.status, ((await bare.json()) as { resultCode: string }).resultCode]).toEqual([
        name,
        401,
        'A001202',
      ])
      const text = await fetch(`${BASE[spec]}${PATH[name]}`, {
        method: 'POST',
        headers: { authorization: AUTHORIZATION[spec], 'content-type': 'text/plain' },
        body: 'token=t',
      })
      expect([name, text.status]).toEqual([name, 400])
      expect(await text.json()).toEqual({
        resultCode: 'A001204',
        resultMessage: '[A001204] The request body could not be parsed.',
      })
    }
  })

  it('userinfoAsAuthlete: OK for John with openid profile email, the claims of those scopes, the token echoed', async () => {
    const { status, body } = await checked(spec, 'userinfo', form({ token: TOKEN }))
    expect(status).toBe(200)
    expect(body).toEqual({
      resultCode: 'A091001',
      resultMessage: '[A091001] The access token presented at the userinfo endpoint is valid.',
      action: 'OK',
      clientId: 1_000_001,
      clientIdAliasUsed: false,
      subject: 'john',
      scopes: ['openid', 'profile', 'email'],
      claims: [...PROFILE_CLAIMS, ...EMAIL_CLAIMS],
      token: TOKEN,
    })
  })

  it('userinfoAsAuthlete: BAD_REQUEST without a token (no field is required: Authlete answers 200)', async () => {
    for (const fields of [{ htm: 'GET' }, { token: '' }]) {
      expect(await checked(spec, 'userinfo', form(fields))).toEqual({
        status: 200,
        body: {
          resultCode: 'A091201',
          resultMessage: '[A091201] An access token must be sent as a Bearer token.',
          action: 'BAD_REQUEST',
          responseContent:
            'Bearer error="invalid_request",error_description="An access token must be sent as a Bearer token."',
        },
      })
    }
  })

  it('userinfoIssueAsAuthlete: JSON, sub john first, the claims given (a sub among them dropped); the sub given', async () => {
    const json = await checked(spec, 'userinfoIssue', {
      json: { token: TOKEN, claims: '{"sub":"mallory","name":"John Smith"}' },
    })
    expect(json.body).toEqual({
      resultCode: 'A096001',
      resultMessage: '[A096001] An ID token was generated successfully.',
      action: 'JSON',
      responseContent: '{"sub":"john","name":"John Smith"}',
    })
    const pairwise = await checked(spec, 'userinfoIssue', form({ token: TOKEN, sub: 'p-1' }))
    expect(pairwise.body.responseContent).toBe('{"sub":"p-1"}')
  })

  it('userinfoIssueAsAuthlete: BAD_REQUEST for claims that are not a JSON object; 400 A096201 without a token', async () => {
    for (const claims of ['[1]', '{"name":', '"John"']) {
      expect((await checked(spec, 'userinfoIssue', form({ token: TOKEN, claims }))).body).toEqual({
        resultCode: 'A096202',
        resultMessage: '[A096202] The claims parameter is not a JSON object.',
        action: 'BAD_REQUEST',
        responseContent:
          'Bearer error="invalid_request",error_description="The claims parameter is not a JSON object."',
      })
    }
    expect(await checked(spec, 'userinfoIssue', form({ claims: '{}' }))).toEqual({
      status: 400,
      body: {
        resultCode: 'A096201',
        resultMessage: "[A096201] The request does not contain a 'token' parameter.",
      },
    })
  })

  it('introspectionAsAuthlete: OK for John, with the scopes asked for, an hour to live; BAD_REQUEST without a token', async () => {
    const before = Date.now()
    const { body } = await checked(spec, 'introspection', { json: { token: TOKEN, scopes: ['payments'] } })
    expect(body).toMatchObject({
      resultCode: 'A056001',
      action: 'OK',
      responseContent: 'Bearer error="invalid_request"',
      clientId: 1_000_001,
      subject: 'john',
      scopes: ['payments'],
      existent: true,
      usable: true,
      sufficient: true,
      refreshable: true,
    })
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000)
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000)
    expect((await checked(spec, 'introspection', form({ token: TOKEN }))).body.scopes).toEqual(['openid'])
    expect((await checked(spec, 'introspection', form({ subject: 'john' }))).body).toMatchObject({
      action: 'BAD_REQUEST',
      resultCode: 'A056201',
    })
  })

  it('introspectionAsAuthlete: the scopes asked for in a form (one space-separated value) are the scopes answered', async () => {
    const { body } = await checked(spec, 'introspection', form({ token: TOKEN, scopes: 'payments history' }))
    expect(body.scopes).toEqual(['payments', 'history'])
  })

  it('introspectionStandardAsAuthlete: OK {"active":true}; BAD_REQUEST without a token or with one twice; 400 A145201 without parameters', async () => {
    expect(
      (await checked(spec, 'introspectionStandard', form({ parameters: `token=${TOKEN}` }))).body,
    ).toEqual({
      resultCode: 'A145001',
      resultMessage: '[A145001] Introspection was performed successfully (type=access_token, active=true).',
      action: 'OK',
      responseContent: '{"active":true}',
    })
    const missing = await checked(spec, 'introspectionStandard', form({ parameters: 'token_type_hint=x' }))
    expect(missing.body).toEqual({
      resultCode: 'A145202',
      resultMessage: '[A145202] The token parameter is missing.',
      action: 'BAD_REQUEST',
      responseContent: '{"error":"invalid_request","error_description":"The token parameter is missing."}',
    })
    const twice = await checked(spec, 'introspectionStandard', form({ parameters: 'token=a&token=b' }))
    expect(twice.body.resultMessage).toBe("[A145202] The 'token' parameter is included more than once.")
    expect(await checked(spec, 'introspectionStandard', form({ withHiddenProperties: 'true' }))).toEqual({
      status: 400,
      body: {
        resultCode: 'A145201',
        resultMessage: "[A145201] The request does not contain a 'parameters' parameter.",
      },
    })
  })

  it('revocationAsAuthlete: OK without content; BAD_REQUEST without a token; 400 A113201 without parameters', async () => {
    const ok = await checked(
      spec,
      'revocation',
      form({ parameters: `token=${TOKEN}`, clientId: 'c', clientSecret: 's' }),
    )
    expect(ok).toEqual({
      status: 200,
      body: {
        resultCode: 'A113001',
        resultMessage: '[A113001] The token has been revoked successfully.',
        action: 'OK',
      },
    })
    expect((await checked(spec, 'revocation', form({ parameters: 'token_type_hint=x' }))).body).toMatchObject(
      {
        resultCode: 'A113202',
        action: 'BAD_REQUEST',
      },
    )
    expect((await checked(spec, 'revocation', form({ clientId: 'c' }))).status).toBe(400)
  })
})

describe.each<Spec>(['v3', 'v2'])('the scenario helpers of the resource calls, %s', (spec) => {
  /** The answer of `name` once `handler` is in place, checked against the document. */
  async function answerOf(
    handler: HttpHandler,
    name: Call,
    fields: Record<string, string> = { token: TOKEN },
  ) {
    server.use(handler)
    const body =
      name === 'introspectionStandard' || name === 'revocation' ? { parameters: `token=${TOKEN}` } : fields
    return (await checked(spec, name, form(body))).body
  }

  it('userinfoOk: the defaults, or the subject, scopes, claims, client and nonce given', async () => {
    expect(await answerOf(userinfoOk(), 'userinfo')).toMatchObject({
      action: 'OK',
      subject: 'john',
      scopes: ['openid', 'profile', 'email'],
      clientId: 1_000_001,
    })
    expect(
      await answerOf(
        userinfoOk({ subject: 'jane', scopes: ['openid', 'phone'], clientId: 42, dpopNonce: 'n-1' }),
        'userinfo',
      ),
    ).toEqual({
      resultCode: 'A091001',
      resultMessage: '[A091001] The access token presented at the userinfo endpoint is valid.',
      action: 'OK',
      clientId: 42,
      clientIdAliasUsed: false,
      subject: 'jane',
      scopes: ['openid', 'phone'],
      claims: ['phone_number', 'phone_number_verified'],
      dpopNonce: 'n-1',
    })
    expect((await answerOf(userinfoOk({ claims: ['name#ja'] }), 'userinfo')).claims).toEqual(['name#ja'])
  })

  it('the error helpers of userinfo: each action with its RFC 6750 challenge', async () => {
    expect(await answerOf(userinfoBadRequest(), 'userinfo')).toMatchObject({ action: 'BAD_REQUEST' })
    expect(await answerOf(userinfoUnauthorized(), 'userinfo')).toEqual({
      resultCode: 'A091301',
      resultMessage: '[A091301] The access token does not exist or has expired.',
      action: 'UNAUTHORIZED',
      responseContent:
        'Bearer error="invalid_token",error_description="The access token does not exist or has expired."',
    })
    const content = 'DPoP error="invalid_dpop_proof",error_description="Bad proof.",algs="ES256"'
    expect(await answerOf(userinfoUnauthorized({ content }), 'userinfo')).toMatchObject({
      action: 'UNAUTHORIZED',
      resultMessage: '[A091301] Bad proof.',
      responseContent: content,
    })
    expect(await answerOf(userinfoForbidden(), 'userinfo')).toMatchObject({
      action: 'FORBIDDEN',
      responseContent:
        'Bearer error="insufficient_scope",error_description="The access token does not have the openid scope."',
    })
    expect(await answerOf(userinfoInternalServerError(), 'userinfo')).toMatchObject({
      action: 'INTERNAL_SERVER_ERROR',
      responseContent:
        'Bearer error="server_error",error_description="Authlete failed to process the request."',
    })
  })

  it('userinfoIssueJson, userinfoIssueJwt, userinfoIssueUnauthorized', async () => {
    expect(
      await answerOf(userinfoIssueJson({ claims: { name: 'Jane', sub: 'x' }, sub: 'jane' }), 'userinfoIssue'),
    ).toMatchObject({ action: 'JSON', responseContent: '{"sub":"jane","name":"Jane"}' })
    expect((await answerOf(userinfoIssueJson(), 'userinfoIssue')).responseContent).toBe('{"sub":"john"}')
    expect(await answerOf(userinfoIssueJwt('a.b.c'), 'userinfoIssue')).toEqual({
      resultCode: 'A096001',
      resultMessage: '[A096001] An ID token was generated successfully.',
      action: 'JWT',
      responseContent: 'a.b.c',
    })
    expect(await answerOf(userinfoIssueUnauthorized(), 'userinfoIssue')).toMatchObject({
      action: 'UNAUTHORIZED',
      resultCode: 'A096301',
    })
  })

  it('introspectionOk, introspectionUnauthorized, introspectionForbidden', async () => {
    expect(
      await answerOf(
        introspectionOk({
          subject: 'jane',
          scopes: ['a', 'b'],
          clientId: 7,
          expiresAt: 1_700_000_000_000,
          dpopNonce: 'n',
        }),
        'introspection',
      ),
    ).toEqual({
      resultCode: 'A056001',
      resultMessage: '[A056001] The access token is valid.',
      action: 'OK',
      responseContent: 'Bearer error="invalid_request"',
      clientId: 7,
      clientIdAliasUsed: false,
      subject: 'jane',
      scopes: ['a', 'b'],
      existent: true,
      usable: true,
      sufficient: true,
      refreshable: true,
      expiresAt: 1_700_000_000_000,
      dpopNonce: 'n',
    })
    expect(await answerOf(introspectionUnauthorized(), 'introspection')).toMatchObject({
      action: 'UNAUTHORIZED',
      existent: false,
      usable: false,
      sufficient: false,
    })
    expect(
      await answerOf(introspectionForbidden({ scopes: ['payments', 'admin'] }), 'introspection'),
    ).toEqual({
      resultCode: 'A056302',
      resultMessage: '[A056302] The access token does not cover the scopes required.',
      action: 'FORBIDDEN',
      responseContent:
        'Bearer error="insufficient_scope",error_description="The access token does not cover the scopes required.",scope="payments admin"',
      existent: true,
      usable: true,
      sufficient: false,
    })
  })

  it('introspectionStandardOk (the content given), introspectionStandardBadRequest; introspectionStandardJwt (v3 only: v2 has no JWT)', async () => {
    expect(
      await answerOf(introspectionStandardOk({ content: { active: false } }), 'introspectionStandard'),
    ).toMatchObject({
      action: 'OK',
      resultMessage: '[A145001] Introspection was performed successfully (type=access_token, active=false).',
      responseContent: '{"active":false}',
    })
    expect(await answerOf(introspectionStandardBadRequest(), 'introspectionStandard')).toMatchObject({
      action: 'BAD_REQUEST',
      responseContent: '{"error":"invalid_request","error_description":"The token parameter is missing."}',
    })
    server.use(introspectionStandardJwt('h.p.s'))
    const jwt = await call(spec, 'introspectionStandard', form({ parameters: `token=${TOKEN}` }))
    expect(jwt.body).toMatchObject({ action: 'JWT', responseContent: 'h.p.s' })
    const violations = await checkCallResponse(spec, 'introspectionStandard', jwt.status, jwt.body)
    expect(violations.map((v) => [v.location.join('.'), v.code])).toEqual(
      spec === 'v3' ? [] : [['response.body.action', 'enum']],
    )
  })

  it('revocationOk, revocationBadRequest, revocationInvalidClient', async () => {
    expect(await answerOf(revocationOk(), 'revocation')).toMatchObject({ action: 'OK' })
    expect(await answerOf(revocationBadRequest(), 'revocation')).toMatchObject({ action: 'BAD_REQUEST' })
    expect(await answerOf(revocationInvalidClient(), 'revocation')).toEqual({
      resultCode: 'A113301',
      resultMessage: '[A113301] Client authentication failed.',
      action: 'INVALID_CLIENT',
      responseContent: '{"error":"invalid_client","error_description":"Client authentication failed."}',
    })
  })
})

describe('the resource helpers through the SDK: unknown actions, Authlete errors, your own resolver', () => {
  const client = new AuthleteClient({ serviceId: '715948317', accessToken: 't', retry: false })
  afterAll(() => client.close())

  it("each call's unknownAction is returned by the client as it came", async () => {
    server.use(
      userinfoUnknownAction('FUTURE'),
      userinfoIssueUnknownAction('FUTURE'),
      introspectionUnknownAction('FUTURE'),
      introspectionStandardUnknownAction('FUTURE'),
      revocationUnknownAction('FUTURE'),
    )
    const unknown = { resultCode: 'A999999', action: 'FUTURE' }
    expect(await client.userinfo({ token: TOKEN })).toEqual(unknown)
    expect(await client.userinfoIssue({ token: TOKEN })).toEqual(unknown)
    expect(await client.introspection({ token: TOKEN })).toEqual(unknown)
    expect(await client.introspectionStandard({ parameters: `token=${TOKEN}` })).toEqual(unknown)
    expect(await client.revocation({ parameters: `token=${TOKEN}` })).toEqual(unknown)
  })

  it("each call's apiError is an AuthleteApiError with Authlete's status and result", async () => {
    server.use(
      userinfoApiError(500, 'A001101', 'Down.'),
      userinfoIssueApiError(401, 'A001202', 'No.'),
      introspectionApiError(403, 'A001215', 'Forbidden.'),
      revocationApiError(400, 'A001201', 'Bad.'),
    )
    const failure = async (promise: Promise<unknown>) =>
      (await promise.catch((e: unknown) => e)) as AuthleteApiError
    const errors = await Promise.all([
      failure(client.userinfo({ token: TOKEN })),
      failure(client.userinfoIssue({ token: TOKEN })),
      failure(client.introspection({ token: TOKEN })),
      failure(client.revocation({ parameters: `token=${TOKEN}` })),
    ])
    for (const error of errors) expect(error).toBeInstanceOf(AuthleteApiError)
    expect(errors.map((e) => [e.status, e.resultCode])).toEqual([
      [500, 'A001101'],
      [401, 'A001202'],
      [403, 'A001215'],
      [400, 'A001201'],
    ])
  })

  it('introspectionHandler runs your resolver on both paths; the SDK parses what it answers', async () => {
    const seen: string[] = []
    server.use(
      introspectionHandler(({ request, params }) => {
        seen.push(`${new URL(request.url).pathname} ${String(params.serviceId)}`)
        return HttpResponse.json({ action: 'OK', subject: 'jane', usable: true })
      }),
    )
    expect(await client.introspection({ token: TOKEN })).toEqual({
      action: 'OK',
      subject: 'jane',
      usable: true,
    })
    await using v2 = new AuthleteClient({ apiKey: 'k', apiSecret: 's', retry: false })
    expect((await v2.introspection({ token: TOKEN })).action).toBe('OK')
    expect(seen).toEqual(['/api/715948317/auth/introspection 715948317', '/api/auth/introspection undefined'])
  })

  it('the default answers parse as the models: the required fields of OK, JSON and the standard OK are there', async () => {
    const userinfo = await client.userinfo({ token: TOKEN })
    if (userinfo.action !== 'OK') throw new Error(userinfo.action)
    expect(userinfo.subject).toBe('john')
    const issued = await client.userinfoIssue({ token: TOKEN, claims: { name: 'John' } })
    if (issued.action !== 'JSON') throw new Error(issued.action)
    expect(JSON.parse(issued.responseContent)).toEqual({ sub: 'john', name: 'John' })
    const standard = await client.introspectionStandard({ parameters: `token=${TOKEN}` })
    if (standard.action !== 'OK') throw new Error(standard.action)
    expect(JSON.parse(standard.responseContent)).toEqual({ active: true })
    expect((await client.revocation({ parameters: `token=${TOKEN}` })).action).toBe('OK')
  })
})
