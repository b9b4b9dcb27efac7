import { expect } from 'vitest'
import { AuthleteClient, AuthleteInputError, AuthleteResponseError } from '../../src/index.js'
import { json, type Loopback, type ReceivedRequest } from './loopback.js'
import { useLoopback } from './use-loopback.js'

/**
 * A loopback Authlete for the operation tests of the enclosing file: it records every request and
 * answers each with `answer()` as JSON, with `status()` (204 sends no body). `v3()` and `v2()` are
 * clients on it (no retry), one per API version's credentials.
 */
export function useRecordingAuthlete(answer: () => unknown, status: () => number = () => 200) {
  const server: Loopback = useLoopback((_r, res) => {
    if (status() === 204) {
      res.writeHead(204)
      res.end()
    } else json(res, status(), answer())
  })

  const v3 = () =>
    new AuthleteClient({ serviceId: '715948317', accessToken: 'tok', baseUrl: server.url, retry: false })
  const v2 = () =>
    new AuthleteClient({ apiKey: '5593494639', apiSecret: 'sec', baseUrl: server.url, retry: false })

  function lastRequest(): ReceivedRequest {
    const request = server.requests.at(-1)
    if (!request) throw new Error('no request')
    return request
  }

  /** The AuthleteInputError `call` rejects with, after checking that it sent nothing. */
  async function inputError(call: Promise<unknown>): Promise<AuthleteInputError> {
    const before = server.requests.length
    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect(server.requests.length).toBe(before)
    return error as AuthleteInputError
  }

  async function responseError(call: Promise<unknown>): Promise<AuthleteResponseError> {
    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteResponseError)
    return error as AuthleteResponseError
  }

  return { server, v3, v2, lastRequest, inputError, responseError }
}
