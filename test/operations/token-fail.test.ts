// tokenFail (/auth/token/fail): the request on the wire (v3 and v2 paths, the form), a future
// reason sent and a future action returned as they are, and request objects refused before any I/O.
import { describe, expect, it } from 'vitest'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError } = useRecordingAuthlete(() => answer)

describe('tokenFail', () => {
  it('v3: POST /api/{serviceId}/auth/token/fail, form-encoded ticket and reason', async () => {
    answer = { action: 'BAD_REQUEST', responseContent: '{"error":"invalid_grant"}' }
    await using client = v3()
    expect(await client.tokenFail({ ticket: 't', reason: 'INVALID_RESOURCE_OWNER_CREDENTIALS' })).toEqual(
      answer,
    )
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/auth/token/fail')
    expect(request.body).toBe('ticket=t&reason=INVALID_RESOURCE_OWNER_CREDENTIALS')
  })

  it('v2: POST /api/auth/token/fail; a future reason is sent as given, a future action returned', async () => {
    answer = { action: 'NEW_ONE' }
    await using client = v2()
    expect(await client.tokenFail({ ticket: 't', reason: 'INVALID_SCOPE' })).toEqual(answer)
    expect(lastRequest().url).toBe('/api/auth/token/fail')
    expect(lastRequest().body).toBe('ticket=t&reason=INVALID_SCOPE')
  })

  it.each([
    [{ ticket: 't', reason: 'invalid' }, 'reason', 'upper-case reason'],
    [{ ticket: 't' }, 'reason', 'must be a string'],
    [{ reason: 'UNKNOWN' }, 'ticket', 'must be a string'],
    [{ ticket: 't', reason: 'UNKNOWN', errorDescription: 'x' }, 'errorDescription', 'not a field'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.tokenFail(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})
