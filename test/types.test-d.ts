import { describe, expectTypeOf, it } from 'vitest'
import type {
  AuthleteClient,
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
