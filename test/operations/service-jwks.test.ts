// serviceJwks (GET /service/jwks/get): a GET with no body on the wire (v3 and v2), the set as it
// came, 204 as the empty set (and as an unusable answer for a call that documents none), and the
// model's checks.
import { describe, expect, it } from 'vitest'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
let status = 200
const { v3, v2, lastRequest, responseError } = useRecordingAuthlete(
  () => answer,
  () => status,
)

describe('serviceJwks', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', use: 'sig', alg: 'ES256' }] }

  it('v3: GET /api/{serviceId}/service/jwks/get, never asking for the private keys; the set as it came', async () => {
    answer = jwks
    await using client = v3()
    expect(await client.serviceJwks()).toEqual(jwks)
    const request = lastRequest()
    expect(request.method).toBe('GET')
    expect(request.url).toBe('/api/715948317/service/jwks/get')
    expect(request.body).toBe('')
  })

  it('v2: GET /api/service/jwks/get', async () => {
    answer = jwks
    await using client = v2()
    await client.serviceJwks()
    expect(lastRequest().url).toBe('/api/service/jwks/get')
  })

  it('204 (the service has no JWK Set): an empty set, a fresh one each time', async () => {
    status = 204
    try {
      await using client = v3()
      const first = await client.serviceJwks()
      expect(first).toEqual({ keys: [] })
      first.keys.push({ kty: 'RSA' })
      expect(await client.serviceJwks()).toEqual({ keys: [] })
    } finally {
      status = 200
    }
  })

  it('204 to a call that documents none is still an unusable (empty) answer', async () => {
    status = 204
    try {
      await using client = v3()
      const error = await responseError(client.serviceConfiguration())
      expect(error.message).toContain('the body is empty')
    } finally {
      status = 200
    }
  })

  it('a set without keys, or a key without kty, is an AuthleteResponseError naming it', async () => {
    await using client = v3()
    answer = {}
    expect((await responseError(client.serviceJwks())).issues?.map((i) => i.path)).toEqual([['keys']])
    answer = { keys: [{ kid: 'k' }] }
    expect((await responseError(client.serviceJwks())).issues?.map((i) => i.path)).toEqual([
      ['keys', 0, 'kty'],
    ])
  })
})
