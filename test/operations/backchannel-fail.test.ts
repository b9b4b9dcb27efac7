// backchannelFail (/backchannel/authentication/fail): the request on the wire (v3 and v2 paths,
// content type, the body as a real server decodes it), its answers returned as they came, and
// request objects refused before any I/O.
import { describe, expect, it } from 'vitest'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError } = useRecordingAuthlete(() => answer)

describe('backchannelFail', () => {
  it('v3: POST /api/{serviceId}/backchannel/authentication/fail, form-encoded ticket, reason and details', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: '{"error":"unknown_user_id"}' }
    await using client = v3()
    const res = await client.backchannelFail({
      ticket: 't/1+2',
      reason: 'UNKNOWN_USER_ID',
      errorDescription: 'no such user',
      errorUri: 'https://as.example/errors?id=1',
    })
    expect(res).toEqual(answer)
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/backchannel/authentication/fail')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      ticket: 't/1+2',
      reason: 'UNKNOWN_USER_ID',
      errorDescription: 'no such user',
      errorUri: 'https://as.example/errors?id=1',
    })
  })

  it('v2: POST /api/backchannel/authentication/fail; a future reason is sent as given', async () => {
    answer = { action: 'FORBIDDEN', responseContent: '{"error":"access_denied"}' }
    await using client = v2()
    await client.backchannelFail({ ticket: 't', reason: 'SOME_NEW_REASON' })
    expect(lastRequest().url).toBe('/api/backchannel/authentication/fail')
    expect(lastRequest().body).toBe('ticket=t&reason=SOME_NEW_REASON')
  })

  it.each(['BAD_REQUEST', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR', 'NEW_ONE'])(
    '%s is returned as it came',
    async (action) => {
      answer = { resultCode: 'A185001', action, responseContent: '{"error":"x"}', extra: true }
      await using client = v3()
      expect(await client.backchannelFail({ ticket: 't', reason: 'ACCESS_DENIED' })).toEqual(answer)
    },
  )

  it.each([
    [{ reason: 'UNKNOWN_USER_ID' }, 'ticket', 'ticket: must be a string'],
    [{ ticket: 't' }, 'reason', 'reason: must be a string'],
    [{ ticket: 't', reason: 'unknown_user_id' }, 'reason', 'upper-case'],
    [{ ticket: '', reason: 'SERVER_ERROR' }, 'ticket', 'must not be empty'],
    [{ ticket: 't', reason: 'SERVER_ERROR', errorDescription: 5 }, 'errorDescription', 'must be a string'],
    [{ ticket: 't', reason: 'SERVER_ERROR', error_description: 'x' }, 'error_description', 'is not a field'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.backchannelFail(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})
