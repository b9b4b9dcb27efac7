import { describe, expectTypeOf, it } from 'vitest'
import type {
  AnyAuthleteError,
  AuthleteApiError,
  AuthleteClient,
  AuthleteClientOptions,
  BackchannelAuthenticationResponse,
  BackchannelCompleteNotification,
  BackchannelCompleteResult,
  BackchannelFailAction,
  BackchannelFailReason,
  BackchannelIssueAction,
  BackchannelIssueOk,
  BackchannelIssueResponse,
  DeliveryMode,
  HintType,
  UnknownAction,
  UnknownBackchannelIssueAction,
} from '../../src/index.js'

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
    if (e.code === 'AUTHLETE_TIMEOUT')
      expectTypeOf(e.phase).toEqualTypeOf<'credentials' | 'headers' | 'body' | 'retry'>()
  })

  it('isAuthleteError(e, code) narrows an unknown catch value to that class', async () => {
    const { isAuthleteError } = await import('../../src/index.js')
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

describe('the CIBA family narrows on action', () => {
  it('backchannelAuthentication: USER_IDENTIFICATION gives a string ticket; the rest do not promise one', async () => {
    const res = await client.backchannelAuthentication({ parameters: 'scope=openid' })
    expectTypeOf(res).toEqualTypeOf<BackchannelAuthenticationResponse>()
    switch (res.action) {
      case 'USER_IDENTIFICATION':
        expectTypeOf(res.ticket).toEqualTypeOf<string>()
        expectTypeOf(res.hintType).toEqualTypeOf<HintType | undefined>()
        expectTypeOf(res.clientId).toEqualTypeOf<number | undefined>()
        break
      case 'BAD_REQUEST':
      case 'UNAUTHORIZED':
      case 'INTERNAL_SERVER_ERROR':
        expectTypeOf(res.ticket).toEqualTypeOf<string | undefined>()
        break
      default:
        expectTypeOf(res.action).toEqualTypeOf<UnknownAction>()
    }
    // A future action compares as a plain string.
    expectTypeOf((res.action as string) === 'NEW').toEqualTypeOf<boolean>()
  })

  it('backchannelFail: three actions and the unknown one', async () => {
    const res = await client.backchannelFail({ ticket: 't', reason: 'UNKNOWN_USER_ID' })
    expectTypeOf(res.action).toEqualTypeOf<BackchannelFailAction | UnknownAction>()
    expectTypeOf(res.responseContent).toEqualTypeOf<string | undefined>()
  })

  it('backchannelComplete: NOTIFICATION gives endpoint and responseContent as strings', async () => {
    const res = await client.backchannelComplete({ ticket: 't', result: 'AUTHORIZED', subject: 's' })
    if (res.action === 'NOTIFICATION') {
      expectTypeOf(res).toEqualTypeOf<BackchannelCompleteNotification>()
      expectTypeOf(res.clientNotificationEndpoint).toEqualTypeOf<string>()
      expectTypeOf(res.responseContent).toEqualTypeOf<string>()
      expectTypeOf(res.deliveryMode).toEqualTypeOf<DeliveryMode | undefined>()
    } else if (res.action === 'NO_ACTION' || res.action === 'SERVER_ERROR') {
      expectTypeOf(res.clientNotificationEndpoint).toEqualTypeOf<string | undefined>()
    } else {
      expectTypeOf(res.action).toEqualTypeOf<UnknownAction>()
    }
  })

  it('request objects: reason and result offer the literals and accept a future string', () => {
    expectTypeOf<'UNKNOWN_USER_ID'>().toExtend<BackchannelFailReason>()
    expectTypeOf<'SOMETHING_LATER'>().toExtend<BackchannelFailReason>()
    expectTypeOf<'TRANSACTION_FAILED'>().toExtend<BackchannelCompleteResult>()
    // @ts-expect-error ticket is required
    void client.backchannelFail({ reason: 'SERVER_ERROR' })
    // @ts-expect-error subject is required
    void client.backchannelComplete({ ticket: 't', result: 'AUTHORIZED' })
    // @ts-expect-error parameters is required
    void client.backchannelAuthentication({ clientId: 'c' })
  })
})
