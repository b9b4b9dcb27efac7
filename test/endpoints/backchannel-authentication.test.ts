// handleBackchannelAuthentication against a loopback stand-in Authlete that records every call: the
// exact sequence of calls and /fail reasons for each hook outcome, hook errors, Authlete errors and
// malformed client credentials, and the answer the client gets.
import type { AnyHandler } from 'msw'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  authenticationApiError,
  authenticationBadRequest,
  authenticationInternalServerError,
  authenticationUnauthorized,
  authenticationUnknownAction,
  authenticationUserIdentification,
  createCibaSimulator,
  failApiError,
  failForbidden,
  issueApiError,
  issueInvalidTicket,
  type MockUserIdentification,
  startAuthleteStandIn,
} from '../../mocks/index.js'
import { parseBasicCredentials } from '../../src/endpoints/basic-credentials.js'
import {
  AuthleteApiError,
  AuthleteClient,
  AuthleteInputError,
  AuthleteNetworkError,
  type BackchannelAuthenticationHooks,
  type BackchannelAuthenticationUserIdentification,
  type BackchannelFlowStage,
  handleBackchannelAuthentication,
  handleBackchannelAuthenticationRequest,
  isPlainBindingMessage,
} from '../../src/index.js'
import { basic } from '../helpers/basic.js'
import {
  type EndpointStandIn,
  startEndpointStandIn,
  unreachableAuthlete,
} from '../helpers/endpoint-stand-in.js'

const AUTH = '/backchannel/authentication'
const ISSUE = '/backchannel/authentication/issue'
const FAIL = '/backchannel/authentication/fail'
const BODY = 'scope=openid&login_hint=john'
const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }

interface User {
  subject: string
  name: string
}

let env: EndpointStandIn | undefined
afterEach(async () => {
  await env?.close()
  env = undefined
})

/** A stand-in whose /backchannel/authentication answers USER_IDENTIFICATION with `fields`. */
async function identified(
  fields: MockUserIdentification = {},
  more: (baseUrl: string) => AnyHandler[] = () => [],
) {
  env = await startEndpointStandIn((baseUrl) => [
    authenticationUserIdentification({ baseUrl, ticket: 'tk-1', ...fields }),
    ...more(baseUrl),
  ])
  return env
}

/** Hooks that find every user, start nothing, and record what they were given. */
function hooks(overrides: Partial<BackchannelAuthenticationHooks<User>> = {}) {
  const errors: Array<[unknown, BackchannelFlowStage]> = []
  const started = vi.fn<BackchannelAuthenticationHooks<User>['startAuthentication']>()
  const identifyUser = vi.fn<BackchannelAuthenticationHooks<User>['identifyUser']>(async ({ hint }) => ({
    subject: hint ?? '?',
    name: 'John',
  }))
  const all: BackchannelAuthenticationHooks<User> = {
    identifyUser,
    startAuthentication: started,
    onError: (error, stage) => {
      errors.push([error, stage])
    },
    ...overrides,
  }
  return { all, errors, started, identifyUser }
}

function failReasons(stand: EndpointStandIn) {
  return stand.calls.filter((call) => call.path === FAIL).map((call) => call.fields.reason)
}

describe('the whole flow', () => {
  it('authentication, identification, issue, startAuthentication, then 200 with the issue answer', async () => {
    env = await startEndpointStandIn()
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      env.authlete,
      { body: `${BODY}&binding_message=W4SCT`, authorization: basic('my client', 's+cr:et%') },
      h.all,
    )
    expect(env.paths()).toEqual([AUTH, ISSUE])
    expect(env.calls[0]?.fields).toEqual({
      parameters: `${BODY}&binding_message=W4SCT`,
      clientId: 'my client',
      clientSecret: 's+cr:et%',
    })
    const ticket = env.calls[1]?.fields.ticket as string
    expect(answer.status).toBe(200)
    expect(answer.headers).toEqual(JSON_HEADERS)
    const body = JSON.parse(answer.body)
    expect(body).toEqual({ auth_req_id: expect.any(String), expires_in: 600, interval: 5 })
    expect(h.identifyUser).toHaveBeenCalledWith(
      { hintType: 'LOGIN_HINT', hint: 'john', sub: undefined },
      expect.objectContaining({ action: 'USER_IDENTIFICATION', ticket }),
    )
    expect(h.started).toHaveBeenCalledTimes(1)
    const context = h.started.mock.calls[0]?.[0]
    expect(context).toMatchObject({
      user: { subject: 'john', name: 'John' },
      ticket,
      authReqId: body.auth_req_id,
      expiresIn: 600,
      interval: 5,
    })
    expect(context?.request.bindingMessage).toBe('W4SCT')
    expect(h.errors).toEqual([])
  })

  it('the hooks are typed: the request is the USER_IDENTIFICATION answer, the user is yours', () => {
    const typed: BackchannelAuthenticationHooks<User> = {
      identifyUser: (_hint, request) => {
        expectTypeOf(request).toEqualTypeOf<BackchannelAuthenticationUserIdentification>()
        expectTypeOf(request.ticket).toEqualTypeOf<string>()
        return undefined
      },
      verifyUserCode: (user) => {
        expectTypeOf(user).toEqualTypeOf<User>()
        return true
      },
      startAuthentication: ({ user, authReqId, request }) => {
        expectTypeOf(user.name).toEqualTypeOf<string>()
        expectTypeOf(authReqId).toEqualTypeOf<string>()
        expectTypeOf(request.scopes).toExtend<unknown[] | undefined>()
      },
    }
    expect(typeof typed.identifyUser).toBe('function')
  })

  it('passes a URLSearchParams body as its text, and the client certificate', async () => {
    env = await startEndpointStandIn()
    const answer = await handleBackchannelAuthentication(
      env.authlete,
      {
        body: new URLSearchParams({ scope: 'openid', login_hint: 'john' }),
        clientCertificate: 'PEM',
        authorization: undefined,
      },
      hooks().all,
    )
    expect(answer.status).toBe(200)
    expect(env.calls[0]?.fields).toEqual({
      parameters: 'scope=openid&login_hint=john',
      clientCertificate: 'PEM',
    })
  })
})

describe('answers of /backchannel/authentication other than USER_IDENTIFICATION', () => {
  it.each([
    ['BAD_REQUEST', (baseUrl: string) => authenticationBadRequest('invalid_scope', { baseUrl }), 400],
    ['UNAUTHORIZED', (baseUrl: string) => authenticationUnauthorized({ baseUrl }), 401],
    ['INTERNAL_SERVER_ERROR', (baseUrl: string) => authenticationInternalServerError({ baseUrl }), 500],
  ] as const)(
    '%s is answered %i with its responseContent; no hook runs',
    async (_action, scenario, status) => {
      env = await startEndpointStandIn((baseUrl) => [scenario(baseUrl)])
      const h = hooks()
      const answer = await handleBackchannelAuthentication(
        env.authlete,
        { body: BODY, authorization: undefined },
        h.all,
      )
      expect(env.paths()).toEqual([AUTH])
      expect(answer.status).toBe(status)
      expect(answer.body).toMatch(/"error":"/)
      if (status === 401)
        expect(answer.headers['WWW-Authenticate']).toBe('Basic realm="backchannel/authentication"')
      expect(h.identifyUser).not.toHaveBeenCalled()
      expect(h.started).not.toHaveBeenCalled()
    },
  )

  it('an action this version does not know is a 500 server_error', async () => {
    env = await startEndpointStandIn((baseUrl) => [authenticationUnknownAction('NEW', { baseUrl })])
    const answer = await handleBackchannelAuthentication(
      env.authlete,
      { body: BODY, authorization: undefined },
      hooks().all,
    )
    expect(answer).toMatchObject({ status: 500, body: '{"error":"server_error"}' })
    expect(env.paths()).toEqual([AUTH])
  })
})

describe('each hook outcome: the calls to Authlete and the /fail reason', () => {
  it('no user: /fail UNKNOWN_USER_ID, 400 unknown_user_id', async () => {
    const stand = await identified()
    const h = hooks({ identifyUser: async () => undefined })
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(stand.paths()).toEqual([AUTH, FAIL])
    expect(stand.calls[1]?.fields).toEqual({ ticket: 'tk-1', reason: 'UNKNOWN_USER_ID' })
    expect(answer).toEqual({ status: 400, headers: JSON_HEADERS, body: '{"error":"unknown_user_id"}' })
    expect(h.started).not.toHaveBeenCalled()
    expect(h.errors).toEqual([])
  })

  it('a /fail answer is mapped as Authlete says: FORBIDDEN is 403', async () => {
    const stand = await identified({}, (baseUrl) => [failForbidden({ baseUrl })])
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      hooks({ identifyUser: () => null }).all,
    )
    expect(answer).toEqual({ status: 403, headers: JSON_HEADERS, body: '{"error":"access_denied"}' })
  })

  describe('login hint token', () => {
    it.each([
      [true, [AUTH, FAIL], ['EXPIRED_LOGIN_HINT_TOKEN']],
      [undefined, [AUTH, FAIL], ['EXPIRED_LOGIN_HINT_TOKEN']], // fails closed: only false lets it through
      [false, [AUTH, ISSUE], []],
    ])('isLoginHintTokenExpired answering %s: %j', async (expired, paths, reasons) => {
      const stand = await identified({ hintType: 'LOGIN_HINT_TOKEN', hint: 'lht' })
      const check = vi.fn(async () => expired as boolean)
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks({ isLoginHintTokenExpired: check }).all,
      )
      expect(stand.paths()).toEqual(paths)
      expect(failReasons(stand)).toEqual(reasons)
      expect(check).toHaveBeenCalledWith('lht', expect.objectContaining({ hintType: 'LOGIN_HINT_TOKEN' }))
    })

    it('is not asked about a plain login hint', async () => {
      const stand = await identified({ hintType: 'LOGIN_HINT' })
      const check = vi.fn(async () => true)
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks({ isLoginHintTokenExpired: check }).all,
      )
      expect(check).not.toHaveBeenCalled()
      expect(stand.paths()).toEqual([AUTH, ISSUE])
    })
  })

  describe('user code', () => {
    it.each([
      ['required, right code', { userCodeRequired: true, userCode: '1234' }, true, [AUTH, ISSUE], []],
      [
        'required, wrong code',
        { userCodeRequired: true, userCode: '0000' },
        false,
        [AUTH, FAIL],
        ['INVALID_USER_CODE'],
      ],
      [
        'not required, code sent, hook given: checked',
        { userCode: '0000' },
        false,
        [AUTH, FAIL],
        ['INVALID_USER_CODE'],
      ],
      ['required, code missing', { userCodeRequired: true }, true, [AUTH, FAIL], ['MISSING_USER_CODE']],
    ] as const)('%s', async (_name, fields, verdict, paths, reasons) => {
      const stand = await identified(fields)
      const verify = vi.fn(async () => verdict)
      const answer = await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks({ verifyUserCode: verify }).all,
      )
      expect(stand.paths()).toEqual(paths)
      expect(failReasons(stand)).toEqual(reasons)
      if (reasons.length > 0) expect(answer.status).toBe(400)
      if ('userCode' in fields) {
        expect(verify).toHaveBeenCalledWith(
          { subject: 'john', name: 'John' },
          fields.userCode,
          expect.objectContaining({ ticket: 'tk-1' }),
        )
      }
    })

    it('not required and no hook: a code sent is not checked', async () => {
      const stand = await identified({ userCode: '0000' })
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks().all,
      )
      expect(stand.paths()).toEqual([AUTH, ISSUE])
    })

    it('required and no hook: refused with SERVER_ERROR (never let through unchecked), reported', async () => {
      const stand = await identified({ userCodeRequired: true, userCode: '1234' })
      const h = hooks()
      const answer = await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        h.all,
      )
      expect(stand.paths()).toEqual([AUTH, FAIL])
      expect(failReasons(stand)).toEqual(['SERVER_ERROR'])
      expect(answer.status).toBe(500)
      expect(h.errors.map(([, stage]) => stage)).toEqual(['verifyUserCode'])
    })
  })

  describe('binding message', () => {
    it.each([
      ['W4SCT', true],
      ['a-b.c_d+e/f!g?h#1234', true],
      ['Hello world', false], // no spaces by default
      ['Überweisung', false], // ASCII only by default
      ['x'.repeat(21), false],
      ['', false],
    ])('the default rule: %j → %s', async (message, allowed) => {
      expect(isPlainBindingMessage(message)).toBe(allowed)
      const stand = await identified({ bindingMessage: message })
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks().all,
      )
      expect(stand.paths()).toEqual(allowed ? [AUTH, ISSUE] : [AUTH, FAIL])
      expect(failReasons(stand)).toEqual(allowed ? [] : ['INVALID_BINDING_MESSAGE'])
    })

    it('your own rule replaces it', async () => {
      const stand = await identified({ bindingMessage: 'Überweisung 42 €' })
      const validate = vi.fn(async (message: string) => message.length <= 40)
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks({ validateBindingMessage: validate }).all,
      )
      expect(stand.paths()).toEqual([AUTH, ISSUE])
      expect(validate).toHaveBeenCalledWith('Überweisung 42 €', expect.objectContaining({ ticket: 'tk-1' }))
    })

    it('no binding message: no check', async () => {
      const stand = await identified()
      const validate = vi.fn(async () => false)
      await handleBackchannelAuthentication(
        stand.authlete,
        { body: BODY, authorization: undefined },
        hooks({ validateBindingMessage: validate }).all,
      )
      expect(validate).not.toHaveBeenCalled()
      expect(stand.paths()).toEqual([AUTH, ISSUE])
    })
  })

  it('the checks run in the reference order and stop at the first refusal', async () => {
    const stand = await identified({
      hintType: 'LOGIN_HINT_TOKEN',
      hint: 'lht',
      userCode: '1',
      bindingMessage: 'bad message',
    })
    const order: string[] = []
    await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      hooks({
        identifyUser: async () => {
          order.push('identifyUser')
          return { subject: 's', name: 'n' }
        },
        isLoginHintTokenExpired: async () => {
          order.push('isLoginHintTokenExpired')
          return false
        },
        verifyUserCode: async () => {
          order.push('verifyUserCode')
          return true
        },
        validateBindingMessage: async () => {
          order.push('validateBindingMessage')
          return false
        },
      }).all,
    )
    expect(order).toEqual([
      'identifyUser',
      'isLoginHintTokenExpired',
      'verifyUserCode',
      'validateBindingMessage',
    ])
    expect(failReasons(stand)).toEqual(['INVALID_BINDING_MESSAGE'])
  })
})

describe('a hook that throws or rejects', () => {
  const SECRET_DETAIL = 'db password is hunter2'
  const throwing = {
    identifyUser: {},
    isLoginHintTokenExpired: { hintType: 'LOGIN_HINT_TOKEN', hint: 'lht' },
    verifyUserCode: { userCode: '1234' },
    validateBindingMessage: { bindingMessage: 'W4SCT' },
  } as const

  for (const [stage, fields] of Object.entries(throwing)) {
    for (const mode of ['throws', 'rejects'] as const) {
      it(`${stage} ${mode}: /fail SERVER_ERROR, a 500 without detail, onError told the stage`, async () => {
        const stand = await identified(fields)
        const error = new Error(SECRET_DETAIL)
        const hook =
          mode === 'throws'
            ? () => {
                throw error
              }
            : async () => {
                throw error
              }
        const h = hooks({ [stage]: hook })
        const answer = await handleBackchannelAuthentication(
          stand.authlete,
          { body: BODY, authorization: undefined },
          h.all,
        )
        expect(stand.paths()).toEqual([AUTH, FAIL])
        expect(failReasons(stand)).toEqual(['SERVER_ERROR'])
        expect(answer.status).toBe(500)
        expect(JSON.parse(answer.body).error).toBe('server_error')
        expect(answer.body).not.toContain('hunter2')
        expect(h.errors).toEqual([[error, stage]])
        expect(h.started).not.toHaveBeenCalled()
      })
    }
  }

  it('identifyUser returning a user without a subject counts as a throw', async () => {
    const stand = await identified()
    const h = hooks({ identifyUser: async () => ({ name: 'x' }) as unknown as User })
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(failReasons(stand)).toEqual(['SERVER_ERROR'])
    expect(answer.status).toBe(500)
    expect(h.errors[0]?.[1]).toBe('identifyUser')
  })

  it('startAuthentication throwing after OK: a 500 server_error, reported, and nothing else called', async () => {
    const stand = await identified()
    const error = new Error(SECRET_DETAIL)
    const h = hooks({
      startAuthentication: async () => {
        throw error
      },
    })
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(stand.paths()).toEqual([AUTH, ISSUE])
    expect(answer).toEqual({ status: 500, headers: JSON_HEADERS, body: '{"error":"server_error"}' })
    expect(h.errors).toEqual([[error, 'startAuthentication']])
  })

  it('an onError that throws, or rejects, is swallowed: the answer still comes', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const called = vi.fn()
      for (const onError of [
        () => {
          called()
          throw new Error('logger down')
        },
        async () => {
          called()
          throw new Error('logger down')
        },
      ]) {
        const stand = await identified()
        const answer = await handleBackchannelAuthentication(
          stand.authlete,
          { body: BODY, authorization: undefined },
          hooks({ identifyUser: () => Promise.reject(new Error('x')), onError }).all,
        )
        expect(answer.status).toBe(500)
        await stand.close()
        env = undefined
      }
      // Wait for the condition, not a guess at its time: both loggers have been called (so the async
      // one's promise is rejected), then one turn of the event loop, since Node reports a rejection
      // left without a handler right after the microtasks of the turn that rejected it.
      await vi.waitFor(() => expect(called).toHaveBeenCalledTimes(2))
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })

  it('hooks that are not functions, or no input at all: a 500, never a rejection', async () => {
    const stand = await identified()
    const errors: BackchannelFlowStage[] = []
    const broken = {
      identifyUser: 42,
      startAuthentication: 'x',
      onError: (_e: unknown, s: BackchannelFlowStage) => errors.push(s),
    }
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      broken as unknown as BackchannelAuthenticationHooks<User>,
    )
    expect(answer.status).toBe(500)
    expect(errors).toEqual(['identifyUser'])
    const none = await handleBackchannelAuthentication(
      stand.authlete,
      undefined as never,
      broken as unknown as BackchannelAuthenticationHooks<User>,
    )
    expect(none.status).toBe(500)
    expect(errors).toEqual(['identifyUser', 'request'])
  })
})

describe('Authlete failing at each step', () => {
  it('/backchannel/authentication: a 500 server_error, onError(AuthleteApiError, backchannelAuthentication)', async () => {
    env = await startEndpointStandIn((baseUrl) => [
      authenticationApiError(500, 'A001101', 'boom', { baseUrl }),
    ])
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      env.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(answer).toEqual({ status: 500, headers: JSON_HEADERS, body: '{"error":"server_error"}' })
    expect(h.errors).toEqual([[expect.any(AuthleteApiError), 'backchannelAuthentication']])
    expect(h.identifyUser).not.toHaveBeenCalled()
  })

  it('Authlete unreachable: a 500 server_error, onError(AuthleteNetworkError, backchannelAuthentication)', async () => {
    const authlete = await unreachableAuthlete()
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    await authlete.close()
    expect(answer.status).toBe(500)
    expect(h.errors).toEqual([[expect.any(AuthleteNetworkError), 'backchannelAuthentication']])
  })

  it('/issue: a 500 server_error, onError(…, backchannelIssue); startAuthentication not called', async () => {
    const stand = await identified({}, (baseUrl) => [issueApiError(500, 'A001101', 'boom', { baseUrl })])
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(stand.paths()).toEqual([AUTH, ISSUE])
    expect(answer.body).toBe('{"error":"server_error"}')
    expect(h.errors).toEqual([[expect.any(AuthleteApiError), 'backchannelIssue']])
    expect(h.started).not.toHaveBeenCalled()
  })

  it('/issue answering INVALID_TICKET: mapped (500, its responseContent); startAuthentication not called', async () => {
    const stand = await identified({}, (baseUrl) => [issueInvalidTicket({ baseUrl })])
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(answer.status).toBe(500)
    expect(JSON.parse(answer.body).error).toBe('server_error')
    expect(h.started).not.toHaveBeenCalled()
  })

  it('/fail: a 500 server_error, onError(…, backchannelFail)', async () => {
    const stand = await identified({}, (baseUrl) => [failApiError(500, 'A001101', 'boom', { baseUrl })])
    const h = hooks({ identifyUser: async () => undefined })
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      { body: BODY, authorization: undefined },
      h.all,
    )
    expect(stand.paths()).toEqual([AUTH, FAIL])
    expect(answer.body).toBe('{"error":"server_error"}')
    expect(h.errors).toEqual([[expect.any(AuthleteApiError), 'backchannelFail']])
  })
})

describe('the request body', () => {
  it.each([
    ['empty', ''],
    [
      'none at all (Express 5 leaves req.body undefined for a Content-Type its parser does not take)',
      undefined,
    ],
  ])('%s: 400 invalid_request, Authlete not called', async (_what, body) => {
    env = await startEndpointStandIn()
    const h = hooks()
    const answer = await handleBackchannelAuthentication(env.authlete, { body } as never, h.all)
    expect(answer).toEqual({ status: 400, headers: JSON_HEADERS, body: '{"error":"invalid_request"}' })
    expect(env.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'backchannelAuthentication']])
  })

  it.each([
    ['a number', 42],
    ['bytes (express.raw)', Buffer.from('scope=openid')],
    ['an array', ['scope', 'openid']],
    ['null', null],
  ])('neither text nor a parsed form (%s): 500, reported as the server bug it is', async (_name, body) => {
    env = await startEndpointStandIn()
    const h = hooks()
    const answer = await handleBackchannelAuthentication(
      env.authlete,
      { body: body as never, authorization: undefined },
      h.all,
    )
    expect(answer.status).toBe(500)
    expect(env.calls).toEqual([])
    expect(h.errors).toEqual([[expect.any(TypeError), 'request']])
  })

  describe('a parsed object (express.urlencoded())', () => {
    it('is sent as the form text Authlete parses, in its order, each value form-encoded', async () => {
      env = await startEndpointStandIn()
      const h = hooks()
      const answer = await handleBackchannelAuthentication(
        env.authlete,
        {
          body: { scope: 'openid email', login_hint: 'john', acr_values: 'a&b=c' },
          authorization: undefined,
        },
        h.all,
      )
      expect(answer.status).toBe(200)
      expect(env.calls[0]?.fields.parameters).toBe('scope=openid+email&login_hint=john&acr_values=a%26b%3Dc')
      expect(h.errors).toEqual([])
    })

    it("querystring's object without a prototype, and an empty object (no form body): the same as its text", async () => {
      env = await startEndpointStandIn()
      const parsed = Object.assign(Object.create(null) as Record<string, string>, {
        scope: 'openid',
        login_hint: 'john',
      })
      const answer = await handleBackchannelAuthentication(
        env.authlete,
        { body: parsed, authorization: undefined },
        hooks().all,
      )
      expect(answer.status).toBe(200)
      expect(env.calls[0]?.fields.parameters).toBe('scope=openid&login_hint=john')
      const h = hooks()
      const empty = await handleBackchannelAuthentication(
        env.authlete,
        { body: {}, authorization: undefined },
        h.all,
      )
      expect(empty).toEqual({ status: 400, headers: JSON_HEADERS, body: '{"error":"invalid_request"}' })
      expect(env.calls).toHaveLength(2)
    })

    it('an array value becomes repeated parameters, so Authlete still refuses the duplicate', async () => {
      const simulator = createCibaSimulator({ users: [{ subject: 'john', loginHints: ['john'] }] })
      simulator.addClient({ clientId: 'c1', clientSecret: 's1', deliveryMode: 'POLL' })
      const standIn = await startAuthleteStandIn({ simulator })
      await using authlete = new AuthleteClient({
        serviceId: '1',
        accessToken: 'x',
        baseUrl: standIn.url,
        retry: false,
      })
      try {
        const h = hooks()
        const answer = await handleBackchannelAuthentication(
          authlete,
          { body: { scope: 'openid', login_hint: ['john', 'jane'] }, authorization: basic('c1', 's1') },
          h.all,
        )
        expect(simulator.requests.authentication.at(-1)?.fields?.parameters).toBe(
          'scope=openid&login_hint=john&login_hint=jane',
        )
        expect(answer.status).toBe(400)
        expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' })
        expect(h.identifyUser).not.toHaveBeenCalled()
      } finally {
        await standIn.close()
      }
    })

    it('a nested value (brackets under an extended parser): 400 invalid_request, Authlete not called', async () => {
      env = await startEndpointStandIn()
      for (const body of [{ scope: 'openid', login_hint: { x: 'john' } }, { scope: ['openid', 7] }]) {
        const h = hooks()
        const answer = await handleBackchannelAuthentication(
          env.authlete,
          { body: body as never, authorization: undefined },
          h.all,
        )
        expect(answer).toEqual({ status: 400, headers: JSON_HEADERS, body: '{"error":"invalid_request"}' })
        expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'request']])
        expect(h.errors[0]?.[0]).toMatchObject({ field: 'body' })
      }
      expect(env.calls).toEqual([])
    })
  })
})

describe('client_secret_basic', () => {
  it.each([
    ['a Basic header', basic('id', 'secret'), { clientId: 'id', clientSecret: 'secret' }],
    [
      'form-decoded halves: + is a space, %XX a UTF-8 byte',
      `Basic ${b64('my+client:p%C3%A4ss%2Bw%3Ard')}`,
      { clientId: 'my client', clientSecret: 'päss+w:rd' },
    ],
    ['the first colon splits', `Basic ${b64('id:a:b')}`, { clientId: 'id', clientSecret: 'a:b' }],
    ['a lone % stays', `Basic ${b64('id:100%')}`, { clientId: 'id', clientSecret: '100%' }],
    [
      'any case of the scheme, unpadded base64',
      `bAsIc ${b64('ab:c').replace(/=+$/, '')}`,
      { clientId: 'ab', clientSecret: 'c' },
    ],
    ['an empty secret', `Basic ${b64('id:')}`, { clientId: 'id', clientSecret: '' }],
    ['padded base64', 'Basic YWI6Yw==', { clientId: 'ab', clientSecret: 'c' }],
    ['no header', undefined, undefined],
    ['an empty header', '', undefined],
  ])('%s', (_name, header, expected) => {
    expect(parseBasicCredentials(header)).toEqual(expected)
  })

  it.each([
    ['Bearer', 'Bearer abc', 'not the Basic scheme'],
    ['DPoP', 'DPoP abc', 'not the Basic scheme'],
    ['no credentials', 'Basic', 'not the Basic scheme'],
    ['not base64', 'Basic !!!!', 'not base64'],
    ['base64 of the wrong length', 'Basic abcde', 'not base64'],
    ['padding that does not end a whole quantum', 'Basic YWI6Yw=', 'not base64'],
    ['padding alone', 'Basic ==', 'not base64'],
    ['no colon', `Basic ${b64('idsecret')}`, 'no colon between client ID and secret'],
    ['not UTF-8', `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff]).toString('base64')}`, 'not UTF-8'],
    ['not UTF-8 once form-decoded', `Basic ${b64('id:%FF')}`, 'not UTF-8 once form-decoded'],
    ['an empty client ID', `Basic ${b64(':secret')}`, 'empty client ID'],
    ['a client ID too long', `Basic ${b64(`${'i'.repeat(65_537)}:s`)}`, 'client ID over 65536 characters'],
    [
      'a client secret too long',
      `Basic ${b64(`c:${'s'.repeat(65_537)}`)}`,
      'client secret over 65536 characters',
    ],
  ])('malformed: %s', (_name, header, why) => {
    expect(parseBasicCredentials(header)).toEqual({ malformed: why })
  })

  it.each([
    ['client ID', 'x'.repeat(65_537), 's3cr3t'],
    ['client secret', 'c1', 'x'.repeat(65_537)],
  ])(
    'a %s over 65 536 characters: 401 invalid_client with the challenge, not a 500; Authlete not called',
    async (_name, id, secret) => {
      env = await startEndpointStandIn()
      const h = hooks()
      const answer = await handleBackchannelAuthentication(
        env.authlete,
        { body: BODY, authorization: basic(id, secret) },
        h.all,
      )
      expect(answer).toEqual({
        status: 401,
        headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Basic realm="backchannel/authentication"' },
        body: '{"error":"invalid_client"}',
      })
      expect(env.calls).toEqual([])
      expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'clientAuthentication']])
    },
  )

  it('a client ID and secret of 65 536 characters each reach Authlete', async () => {
    env = await startEndpointStandIn()
    const id = 'i'.repeat(65_536)
    const secret = 's'.repeat(65_536)
    await handleBackchannelAuthentication(
      env.authlete,
      { body: BODY, authorization: basic(id, secret) },
      hooks().all,
    )
    expect(env.calls[0]?.fields).toMatchObject({ clientId: id, clientSecret: secret })
  })

  it('a malformed header is answered 401 invalid_client as Authlete would, without Authlete or a hook', async () => {
    env = await startEndpointStandIn()
    for (const authorization of ['Bearer s3cr3t-value', `Basic ${b64('s3cr3t-value')}`, 'Basic %%%']) {
      const h = hooks()
      const answer = await handleBackchannelAuthentication(env.authlete, { body: BODY, authorization }, h.all)
      expect(answer).toEqual({
        status: 401,
        headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Basic realm="backchannel/authentication"' },
        body: '{"error":"invalid_client"}',
      })
      expect(h.identifyUser).not.toHaveBeenCalled()
      expect(h.errors).toEqual([[expect.any(AuthleteInputError), 'clientAuthentication']])
      expect(JSON.stringify(h.errors[0]?.[0]) + String(h.errors[0]?.[0])).not.toContain('s3cr3t')
    }
    expect(env.calls).toEqual([])
  })
})

describe('handleBackchannelAuthenticationRequest: the Fetch API variant', () => {
  function post(body: string, headers: Record<string, string> = {}) {
    return new Request('https://as.example/backchannel/authentication', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    })
  }

  it('reads the body and Authorization, answers a Response', async () => {
    env = await startEndpointStandIn()
    const response = await handleBackchannelAuthenticationRequest(
      env.authlete,
      post(BODY, { authorization: basic('c1', 's1') }),
      hooks().all,
      { clientCertificate: 'PEM', timeoutMs: 5000 },
    )
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(Object.keys((await response.json()) as object)).toEqual(['auth_req_id', 'interval', 'expires_in'])
    expect(env.calls[0]?.fields).toEqual({
      parameters: BODY,
      clientId: 'c1',
      clientSecret: 's1',
      clientCertificate: 'PEM',
    })
  })

  it('a malformed Authorization: 401 with the challenge', async () => {
    env = await startEndpointStandIn()
    const response = await handleBackchannelAuthenticationRequest(
      env.authlete,
      post(BODY, { authorization: 'Bearer x' }),
      hooks().all,
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="backchannel/authentication"')
    expect(await response.text()).toBe('{"error":"invalid_client"}')
    expect(env.calls).toEqual([])
  })

  it('a body that cannot be read: 400 invalid_request, reported', async () => {
    env = await startEndpointStandIn()
    const h = hooks()
    const broken = post(BODY)
    await broken.text() // already consumed: reading it again fails
    const response = await handleBackchannelAuthenticationRequest(env.authlete, broken, h.all)
    expect(response.status).toBe(400)
    expect(h.errors.map(([, stage]) => stage)).toEqual(['request'])
    expect(env.calls).toEqual([])
  })
})

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}

describe('the input: the fields the endpoint reads, and no other', () => {
  it('the framework’s whole request object: 500 server_error, onError(AuthleteInputError naming its first other field, request), no call to Authlete', async () => {
    const stand = await identified()
    const { all, errors, identifyUser } = hooks()
    const req = { body: BODY, headers: { authorization: basic('c1', 's1') }, method: 'POST' }
    const answer = await handleBackchannelAuthentication(stand.authlete, req as never, all)
    expect(answer).toEqual({ status: 500, headers: JSON_HEADERS, body: '{"error":"server_error"}' })
    expect(errors).toEqual([[expect.any(AuthleteInputError), 'request']])
    expect(errors[0]?.[0]).toMatchObject({ field: 'headers' })
    expect(stand.paths()).toEqual([])
    expect(identifyUser).not.toHaveBeenCalled()
  })

  it('every field it reads, authorization undefined included, is taken', async () => {
    const stand = await identified()
    const { all } = hooks()
    const answer = await handleBackchannelAuthentication(
      stand.authlete,
      {
        body: BODY,
        authorization: undefined,
        clientCertificate: undefined,
        clientCertificatePath: undefined,
      },
      all,
    )
    expect(answer.status).toBe(200)
  })
})

describe('the handlers never reject, whatever they are given', () => {
  const client = new AuthleteClient({
    serviceId: '1',
    accessToken: 't',
    baseUrl: 'http://127.0.0.1:9',
    retry: false,
  })

  it('hooks whose onError getter throws: a 500, no rejection', async () => {
    const hooks = {
      identifyUser: () => undefined,
      startAuthentication: () => {},
      get onError(): never {
        throw new Error('getter')
      },
    }
    const answer = await handleBackchannelAuthentication(
      client,
      { body: 'scope=openid', authorization: undefined },
      hooks as never,
    )
    expect(answer.status).toBe(500)
  })

  it('handleBackchannelAuthenticationRequest with no Request: a 400 invalid_request, no rejection', async () => {
    const seen: string[] = []
    const response = await handleBackchannelAuthenticationRequest(client, null as never, {
      identifyUser: () => undefined,
      startAuthentication: () => {},
      onError: (_error, stage) => seen.push(stage),
    })
    expect(response.status).toBe(400)
    expect(seen).toEqual(['request'])
  })
})
