import { describe, expect, it } from 'vitest'
import {
  AuthleteApiError,
  AuthleteNetworkError,
  AuthleteTimeoutError,
  type BackchannelIssueResponse,
  toBackchannelResponse,
  toBackchannelWebResponse,
} from '../../src/index.js'

const HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' }
const OK_CONTENT =
  '{"auth_req_id":"_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE","interval":0,"expires_in":3600}'

const ok = {
  resultCode: 'A183001',
  action: 'OK',
  responseContent: OK_CONTENT,
  authReqId: '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE',
  expiresIn: 3600,
  interval: 0,
} as BackchannelIssueResponse

describe('toBackchannelResponse', () => {
  it('OK: 200 with responseContent as the body', () => {
    expect(toBackchannelResponse(ok)).toEqual({ status: 200, headers: HEADERS, body: OK_CONTENT })
  })

  it('OK without responseContent: 200 with the same JSON built from the fields', () => {
    const { responseContent: _, ...bare } = ok
    const answer = toBackchannelResponse(bare)
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({
      auth_req_id: '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE',
      expires_in: 3600,
      interval: 0,
    })
  })

  it.each(['INVALID_TICKET', 'INTERNAL_SERVER_ERROR'])(
    '%s: 500 with responseContent as the body',
    (action) => {
      const content = '{"error":"server_error","error_description":"[A184301] The ticket is invalid."}'
      expect(toBackchannelResponse({ action, responseContent: content } as BackchannelIssueResponse)).toEqual(
        {
          status: 500,
          headers: HEADERS,
          body: content,
        },
      )
    },
  )

  it('INVALID_TICKET without responseContent: 500 server_error', () => {
    expect(toBackchannelResponse({ action: 'INVALID_TICKET' } as BackchannelIssueResponse).body).toBe(
      '{"error":"server_error"}',
    )
  })

  it('an unknown action: 500 server_error, even when it carries a responseContent', () => {
    const unknown = { action: 'FUTURE_ACTION', responseContent: '{"internal":"detail"}' } as never
    expect(toBackchannelResponse(unknown)).toEqual({
      status: 500,
      headers: HEADERS,
      body: '{"error":"server_error"}',
    })
  })

  it.each([
    [
      'an API error',
      new AuthleteApiError({ status: 401, resultCode: 'A001202', resultMessage: 'secret detail' }),
    ],
    [
      'a network error',
      new AuthleteNetworkError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })),
    ],
    ['a timeout', new AuthleteTimeoutError(10_000, 'headers')],
    ['a plain error', new Error('boom')],
    ['undefined', undefined],
    ['a string', 'OK'],
  ])('%s: 500 server_error that leaks nothing', (_name, error) => {
    const answer = toBackchannelResponse(error)
    expect(answer).toEqual({ status: 500, headers: HEADERS, body: '{"error":"server_error"}' })
  })

  it('returns a fresh headers object each time', () => {
    const a = toBackchannelResponse(ok)
    a.headers['Content-Type'] = 'text/plain' as never
    expect(toBackchannelResponse(ok).headers['Content-Type']).toBe('application/json')
  })
})

describe('toBackchannelWebResponse', () => {
  it('gives a WHATWG Response with the same status, headers and body', async () => {
    const response = toBackchannelWebResponse(ok)
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('pragma')).toBe('no-cache')
    expect(await response.text()).toBe(OK_CONTENT)
  })

  it('an error gives a 500 server_error Response', async () => {
    const response = toBackchannelWebResponse(new AuthleteTimeoutError(1, 'body'))
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'server_error' })
  })
})

describe('toBackchannelResponse for /backchannel/authentication and /fail answers', () => {
  const content = '{"error":"invalid_request","error_description":"[A180301] scope is missing."}'

  it.each([
    ['BAD_REQUEST', 400],
    ['FORBIDDEN', 403],
    ['INTERNAL_SERVER_ERROR', 500],
  ] as const)('%s: %i with responseContent as the body and the three headers', (action, status) => {
    expect(toBackchannelResponse({ action, responseContent: content })).toEqual({
      status,
      headers: HEADERS,
      body: content,
    })
  })

  it('UNAUTHORIZED: 401 with WWW-Authenticate: Basic realm="backchannel/authentication"', () => {
    const unauthorized = '{"error":"invalid_client"}'
    expect(toBackchannelResponse({ action: 'UNAUTHORIZED', responseContent: unauthorized })).toEqual({
      status: 401,
      headers: { ...HEADERS, 'WWW-Authenticate': 'Basic realm="backchannel/authentication"' },
      body: unauthorized,
    })
  })

  it('USER_IDENTIFICATION is not an answer to send: 500 server_error', () => {
    expect(
      toBackchannelResponse({ action: 'USER_IDENTIFICATION', ticket: 't', responseContent: 'x' }),
    ).toEqual({
      status: 500,
      headers: HEADERS,
      body: '{"error":"server_error"}',
    })
  })

  it.each(['NOTIFICATION', 'NO_ACTION', 'SERVER_ERROR', 'toString', '__proto__'])(
    '%s (not an answer of these calls): 500 server_error',
    (action) => {
      expect(toBackchannelResponse({ action, responseContent: '{"x":1}' }).body).toBe(
        '{"error":"server_error"}',
      )
    },
  )

  it('the WHATWG variant carries the WWW-Authenticate header too', async () => {
    const response = toBackchannelWebResponse({
      action: 'UNAUTHORIZED',
      responseContent: '{"error":"invalid_client"}',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="backchannel/authentication"')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toBe('{"error":"invalid_client"}')
  })
})
