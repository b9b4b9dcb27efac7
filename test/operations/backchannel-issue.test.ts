// The model needs no real socket: these tests dogfood authlete-ciba/mocks.
import { HttpResponse } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { issueHandler, setupAuthleteServer } from '../../mocks/index.js'
import { AuthleteClient, AuthleteResponseError, isKnownBackchannelIssueAction } from '../../src/index.js'
import { OK_BODY } from '../helpers/loopback.js'

const server = setupAuthleteServer()
const client = new AuthleteClient({ serviceId: '1', accessToken: 't', retry: false })
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(async () => {
  await client.close()
  server.close()
})

function answer(body: unknown, headers: Record<string, string> = {}) {
  server.use(
    issueHandler(
      () =>
        new HttpResponse(JSON.stringify(body), {
          headers: { 'content-type': 'application/json', ...headers },
        }),
    ),
  )
}

async function responseError(): Promise<AuthleteResponseError> {
  const error = await client.backchannelIssue('t').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthleteResponseError)
  return error as AuthleteResponseError
}

describe('the validated result', () => {
  it('returns every documented field of an OK answer with its value', async () => {
    answer(OK_BODY)
    const result = await client.backchannelIssue('t')
    expect(result).toEqual(OK_BODY)
    if (result.action !== 'OK') throw new Error('expected OK')
    expect(result.authReqId).toBe('_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE')
    expect(result.expiresIn).toBe(3600)
    expect(result.interval).toBe(0)
  })

  it('keeps fields that this version does not know', async () => {
    answer({ ...OK_BODY, newField: { nested: [1, 2] }, anotherOne: 'x' })
    expect(await client.backchannelIssue('t')).toEqual({
      ...OK_BODY,
      newField: { nested: [1, 2] },
      anotherOne: 'x',
    })
  })

  it('returns INVALID_TICKET and INTERNAL_SERVER_ERROR answers without authReqId', async () => {
    const invalid = {
      resultCode: 'A184301',
      resultMessage: '[A184301] The ticket is invalid.',
      action: 'INVALID_TICKET',
      responseContent: '{"error":"server_error"}',
    }
    answer(invalid)
    expect(await client.backchannelIssue('t')).toEqual(invalid)
    answer({ action: 'INTERNAL_SERVER_ERROR', resultCode: 'A183101' })
    expect(await client.backchannelIssue('t')).toEqual({
      action: 'INTERNAL_SERVER_ERROR',
      resultCode: 'A183101',
    })
  })

  it('returns an action it does not know instead of throwing', async () => {
    answer({ action: 'FUTURE_ACTION', resultCode: 'A999999' })
    const result = await client.backchannelIssue('t')
    expect(result).toEqual({ action: 'FUTURE_ACTION', resultCode: 'A999999' })
    expect(isKnownBackchannelIssueAction(result.action)).toBe(false)
    expect(isKnownBackchannelIssueAction('OK')).toBe(true)
  })

  it('treats null optional fields as absent', async () => {
    answer({ action: 'INVALID_TICKET', authReqId: null, expiresIn: null, interval: null, resultCode: 'A1' })
    const result = await client.backchannelIssue('t')
    expect(result).toEqual({ action: 'INVALID_TICKET', resultCode: 'A1' })
    expect('authReqId' in result).toBe(false)
  })

  it('accepts a JSON content type with parameters or a +json suffix', async () => {
    answer(OK_BODY, { 'content-type': 'application/json; charset=UTF-8' })
    expect((await client.backchannelIssue('t')).action).toBe('OK')
    answer(OK_BODY, { 'content-type': 'application/vnd.authlete+json' })
    expect((await client.backchannelIssue('t')).action).toBe('OK')
  })

  it('rejects an OK answer without authReqId, naming the field', async () => {
    const { authReqId: _, ...withoutId } = OK_BODY
    answer(withoutId)
    const error = await responseError()
    expect(error.code).toBe('AUTHLETE_RESPONSE_INVALID')
    expect(error.status).toBe(200)
    expect(error.issues?.map((i) => i.path)).toEqual([['authReqId']])
    expect(error.message).toContain('authReqId: required when action is OK')
  })

  it('rejects an OK answer with an empty authReqId or without expiresIn and interval', async () => {
    answer({ action: 'OK', authReqId: '' })
    const error = await responseError()
    expect(error.issues?.map((i) => i.path.join('.'))).toEqual(['authReqId', 'expiresIn', 'interval'])
  })

  it.each([
    [{ ...OK_BODY, expiresIn: '120' }, 'expiresIn'],
    [{ ...OK_BODY, expiresIn: 1.5 }, 'expiresIn'],
    [{ ...OK_BODY, interval: -1 }, 'interval'],
    [{ ...OK_BODY, interval: 2 ** 31 }, 'interval'],
    [{ ...OK_BODY, action: 7 }, 'action'],
    [{ ...OK_BODY, authReqId: 42 }, 'authReqId'],
    [{ ...OK_BODY, responseContent: {} }, 'responseContent'],
    [{ resultCode: 'A1' }, 'action'],
  ])('rejects a field of the wrong type: %j names %s', async (body, field) => {
    answer(body)
    const error = await responseError()
    expect(error.issues?.map((i) => i.path.join('.'))).toEqual([field])
    expect(error.message).toContain(`${field}: `)
  })

  it.each([[[]], [null], ['OK'], [42]])('rejects a JSON body that is not an object: %j', async (body) => {
    answer(body)
    const error = await responseError()
    expect(error.issues?.[0]?.path).toEqual([])
    expect(error.message).toContain('(body): ')
  })
})
