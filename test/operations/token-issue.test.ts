// tokenIssue (/auth/token/issue): the request on the wire (v3 and v2 paths, a form, or JSON for
// properties and durations), the model (OK requires its tokens, other actions as they came), and
// request objects refused before any I/O.
import { describe, expect, it } from 'vitest'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
const { v3, v2, lastRequest, inputError, responseError } = useRecordingAuthlete(() => answer)

const TOKENS = '{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"x.y.z"}'

describe('tokenIssue', () => {
  it('v3: POST /api/{serviceId}/auth/token/issue, form-encoded ticket, subject and access token', async () => {
    answer = { action: 'OK', responseContent: TOKENS, accessToken: 'at', subject: 'john' }
    await using client = v3()
    expect(await client.tokenIssue({ ticket: 't/1', subject: 'john', accessToken: 'mine' })).toEqual(answer)
    const request = lastRequest()
    expect(request.url).toBe('/api/715948317/auth/token/issue')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.body).toBe('ticket=t%2F1&subject=john&accessToken=mine')
  })

  it('v2: POST /api/auth/token/issue; properties and durations as JSON', async () => {
    answer = { action: 'INTERNAL_SERVER_ERROR', responseContent: '{"error":"server_error"}' }
    await using client = v2()
    await client.tokenIssue({
      ticket: 't',
      subject: 's',
      properties: [{ key: 'k', value: 'v' }],
      accessTokenDuration: 60,
    })
    const request = lastRequest()
    expect(request.url).toBe('/api/auth/token/issue')
    expect(request.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request.body)).toEqual({
      ticket: 't',
      subject: 's',
      properties: [{ key: 'k', value: 'v' }],
      accessTokenDuration: 60,
    })
  })

  it.each(['INTERNAL_SERVER_ERROR', 'NEW_ONE'])('%s is returned as it came', async (action) => {
    answer = { action }
    await using client = v3()
    expect(await client.tokenIssue({ ticket: 't', subject: 's' })).toEqual(answer)
  })

  it('OK without the tokens is an AuthleteResponseError', async () => {
    answer = { action: 'OK' }
    await using client = v3()
    const error = await responseError(client.tokenIssue({ ticket: 't', subject: 's' }))
    expect(error.issues?.map((issue) => issue.path)).toEqual([['responseContent'], ['accessToken']])
  })

  it.each([
    [{ subject: 's' }, 'ticket', 'must be a string'],
    [{ ticket: 't' }, 'subject', 'must be a string'],
    [{ ticket: 't', subject: '' }, 'subject', 'must not be empty'],
    [{ ticket: 'x'.repeat(1025), subject: 's' }, 'ticket', 'at most 1024'],
    [{ ticket: 't', subject: 's', refreshTokenDuration: 1.5 }, 'refreshTokenDuration', 'whole number'],
  ])('refuses %j before any I/O, naming %s', async (request, field, words) => {
    await using client = v3()
    const error = await inputError(client.tokenIssue(request as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
  })
})
