import { describe, expectTypeOf, it } from 'vitest'
import type {
  AnyAuthleteError,
  AuthleteApiError,
  AuthleteClient,
  AuthleteClientOptions,
  BackchannelIssueAction,
  BackchannelIssueOk,
  BackchannelIssueResponse,
  UnknownBackchannelIssueAction,
} from '../src/index.js'

declare const client: AuthleteClient

describe('result types', () => {
  it('backchannelIssue resolves to the response union', () => {
    expectTypeOf(client.backchannelIssue('t')).resolves.toEqualTypeOf<BackchannelIssueResponse>()
  })

  it('action === "OK" narrows authReqId to string and expiresIn/interval to number', () => {
    const res = {} as BackchannelIssueResponse
    if (res.action === 'OK') {
      expectTypeOf(res).toEqualTypeOf<BackchannelIssueOk>()
      expectTypeOf(res.authReqId).toEqualTypeOf<string>()
      expectTypeOf(res.expiresIn).toEqualTypeOf<number>()
      expectTypeOf(res.interval).toEqualTypeOf<number>()
    } else {
      expectTypeOf(res.authReqId).toEqualTypeOf<string | undefined>()
      expectTypeOf(res.action).toEqualTypeOf<
        'INVALID_TICKET' | 'INTERNAL_SERVER_ERROR' | UnknownBackchannelIssueAction
      >()
    }
  })

  it('a switch over the known actions compiles, and the default branch holds unknown ones', () => {
    const res = {} as BackchannelIssueResponse
    switch (res.action) {
      case 'OK':
        expectTypeOf(res.authReqId).toBeString()
        break
      case 'INVALID_TICKET':
      case 'INTERNAL_SERVER_ERROR':
        expectTypeOf(res.action).toExtend<BackchannelIssueAction>()
        break
      default:
        expectTypeOf(res.action).toEqualTypeOf<UnknownBackchannelIssueAction>()
        expectTypeOf(res.action).toExtend<string>()
    }
  })

  it('unknown fields are readable as unknown', () => {
    const res = {} as BackchannelIssueResponse
    expectTypeOf(res.someFutureField).toEqualTypeOf<unknown>()
  })

  it('an unknown action cannot be assigned from a plain string literal', () => {
    // @ts-expect-error a plain string literal is not an UnknownBackchannelIssueAction
    const action: UnknownBackchannelIssueAction = 'SOMETHING'
    void action
  })
})

describe('error types', () => {
  it('narrowing on code gives the class: e.status compiles after e.code === AUTHLETE_API_ERROR', () => {
    const e = {} as AnyAuthleteError
    if (e.code === 'AUTHLETE_API_ERROR') {
      expectTypeOf(e).toEqualTypeOf<AuthleteApiError>()
      expectTypeOf(e.status).toEqualTypeOf<number>()
    }
    if (e.code === 'AUTHLETE_TIMEOUT') expectTypeOf(e.phase).toEqualTypeOf<'headers' | 'body' | 'retry'>()
  })

  it('isAuthleteError(e, code) narrows an unknown catch value to that class', async () => {
    const { isAuthleteError } = await import('../src/index.js')
    const e: unknown = undefined
    if (isAuthleteError(e, 'AUTHLETE_API_ERROR')) expectTypeOf(e.status).toEqualTypeOf<number>()
    if (isAuthleteError(e)) expectTypeOf(e).toEqualTypeOf<AnyAuthleteError>()
  })
})

describe('options under exactOptionalPropertyTypes', () => {
  it('optional options accept undefined explicitly (process.env values)', () => {
    const options: AuthleteClientOptions = {
      serviceId: process.env.AUTHLETE_SERVICE_ID,
      accessToken: process.env.AUTHLETE_ACCESS_TOKEN,
      baseUrl: process.env.AUTHLETE_BASE_URL,
      timeoutMs: undefined,
    }
    expectTypeOf(options).toExtend<AuthleteClientOptions>()
  })
})
