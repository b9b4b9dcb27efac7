import { describe, expect, it } from 'vitest'
import { AuthleteClient, VERSION } from '../../src/index.js'
import { OK_BODY } from '../helpers/loopback.js'
import { useLoopback } from '../helpers/use-loopback.js'

const server = useLoopback()

describe('the request on the wire', () => {
  it('API v3: POST /api/{serviceId}/backchannel/authentication/issue, Bearer token, form body', async () => {
    await using client = new AuthleteClient({
      serviceId: '715948317',
      accessToken: 'v3-token',
      baseUrl: `${server.url}/prefix/`,
      userAgent: 'my-as/2.0',
    })
    const result = await client.backchannelIssue('ticket-1')
    expect(result).toEqual(OK_BODY)
    const request = server.requests.at(-1)
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/prefix/api/715948317/backchannel/authentication/issue')
    expect(request?.headers.authorization).toBe('Bearer v3-token')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.accept).toBe('application/json')
    expect(request?.headers['user-agent']).toBe(
      `authlete-ciba/${VERSION} node/${process.versions.node} my-as/2.0`,
    )
    expect(request?.headers['content-length']).toBe('15')
    expect(request?.headers.host).toBe(`127.0.0.1:${server.port}`)
    expect(request?.body).toBe('ticket=ticket-1')
  })

  it('API v2: POST /api/backchannel/authentication/issue with Basic apiKey:apiSecret', async () => {
    await using client = new AuthleteClient({
      apiKey: '5593494639',
      apiSecret: 'v2-secret',
      baseUrl: server.url,
    })
    await client.backchannelIssue('ticket-2')
    const request = server.requests.at(-1)
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/api/backchannel/authentication/issue')
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('5593494639:v2-secret').toString('base64')}`,
    )
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.accept).toBe('application/json')
    expect(request?.body).toBe('ticket=ticket-2')
  })

  it('percent-encodes the ticket so that a form decoder gets it back exactly', async () => {
    await using client = new AuthleteClient({ serviceId: '1', accessToken: 't', baseUrl: server.url })
    const ticket = 'a b+c&d=e%f/é😀'
    await client.backchannelIssue(ticket)
    const body = server.requests.at(-1)?.body ?? ''
    expect(body).toBe('ticket=a%20b%2Bc%26d%3De%25f%2F%C3%A9%F0%9F%98%80')
    expect(new URLSearchParams(body).get('ticket')).toBe(ticket)
  })

  it('reuses keep-alive connections for sequential calls', async () => {
    await using client = new AuthleteClient({ serviceId: '1', accessToken: 't', baseUrl: server.url })
    const before = server.requests.length
    for (const ticket of ['a', 'b', 'c', 'd', 'e', 'f']) await client.backchannelIssue(ticket)
    const sockets = new Set(server.requests.slice(before).map((r) => r.socket))
    // undici's Pool validates an idle socket for one event-loop turn before reusing it and may open
    // a second connection meanwhile; what matters is that connections are reused, not one per call.
    expect(sockets.size).toBeLessThanOrEqual(2)
  })
})

describe('VERSION', () => {
  it('is the version in package.json', async () => {
    const { default: pkg } = await import('../../package.json', { with: { type: 'json' } })
    expect(VERSION).toBe(pkg.version)
  })
})
