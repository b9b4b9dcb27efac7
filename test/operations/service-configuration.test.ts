// serviceConfiguration (GET /service/configuration): a GET with no body on the wire (v3 and v2),
// the document as it came, the model's checks, and an error status that says GET.
import { describe, expect, it } from 'vitest'
import { AuthleteApiError } from '../../src/index.js'
import { useRecordingAuthlete } from '../helpers/recording-authlete.js'

let answer: unknown = {}
let status = 200
const { server, v3, v2, lastRequest, responseError } = useRecordingAuthlete(
  () => answer,
  () => status,
)

describe('serviceConfiguration', () => {
  const metadata = {
    issuer: 'https://as.example',
    token_endpoint: 'https://as.example/token',
    jwks_uri: 'https://as.example/jwks',
    backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    backchannel_user_code_parameter_supported: false,
    grant_types_supported: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
    some_future_metadata: { a: 1 },
  }

  it('v3: GET /api/{serviceId}/service/configuration, no body, no content type; the document as it came', async () => {
    answer = metadata
    await using client = v3()
    expect(await client.serviceConfiguration()).toEqual(metadata)
    const request = lastRequest()
    expect(request.method).toBe('GET')
    expect(request.url).toBe('/api/715948317/service/configuration')
    expect(request.headers['content-type']).toBeUndefined()
    expect(request.headers['content-length']).toBeUndefined()
    expect(request.headers.authorization).toBe('Bearer tok')
    expect(request.headers.accept).toBe('application/json')
    expect(request.body).toBe('')
  })

  it('v2: GET /api/service/configuration with Basic', async () => {
    answer = metadata
    await using client = v2()
    await client.serviceConfiguration()
    expect(lastRequest().url).toBe('/api/service/configuration')
    expect(lastRequest().headers.authorization).toMatch(/^Basic /)
  })

  it('a document that is no object, or whose issuer is no string, is an AuthleteResponseError', async () => {
    await using client = v3()
    answer = ['no']
    await responseError(client.serviceConfiguration())
    answer = { issuer: 1 }
    const error = await responseError(client.serviceConfiguration())
    expect(error.issues?.map((issue) => issue.path)).toEqual([['issuer']])
  })

  it('an error status is an AuthleteApiError that says GET', async () => {
    answer = { resultCode: 'A001202', resultMessage: 'Authorization header is missing.' }
    status = 401
    try {
      await using client = v3()
      const error = (await client.serviceConfiguration().catch((e: unknown) => e)) as AuthleteApiError
      expect(error).toBeInstanceOf(AuthleteApiError)
      expect(error.status).toBe(401)
      expect(error.method).toBe('GET')
      expect(error.message).toContain(`(GET ${server.url}/api/715948317/service/configuration)`)
    } finally {
      status = 200
    }
  })
})
