// For a call's own tests of its secrets and its retries: a loopback Authlete that echoes the request
// it got (as a proxy's error page does), or that fails with 500 after reading it, and clients on it.
import { expect } from 'vitest'
import { AuthleteClient, AuthleteError } from '../../src/index.js'
import { json, type Loopback } from './loopback.js'
import { leaks } from './renderings.js'
import { FORBIDDEN, V3 } from './transport.js'
import { useLoopback } from './use-loopback.js'

/** `secrets` in every form an echo would show them in: as sent, form-encoded once and twice, JSON-escaped. */
export function leakForms(secrets: readonly string[]): string[] {
  return [
    ...FORBIDDEN,
    ...secrets.flatMap((secret) => [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(encodeURIComponent(secret)),
      JSON.stringify(secret).slice(1, -1),
    ]),
  ]
}

/** A loopback Authlete for the enclosing file's fault tests. */
export function useFaultyAuthlete() {
  const server: Loopback = useLoopback()

  /** Every request is answered 502 with a page that shows its body as sent and as decoded. */
  function echo(): void {
    server.handle((request, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<pre>${request.body}</pre><p>${decodeURIComponent(request.body)}</p>`)
    })
  }

  /** Every request is read, then answered 500 with Authlete's result body. */
  function fail(): void {
    server.handle((_request, res) =>
      json(res, 500, { resultCode: 'A001101', resultMessage: '[A001101] Authlete failed.' }),
    )
  }

  /** A v3 client without retries. */
  const once = () => new AuthleteClient({ ...V3, baseUrl: server.url, retry: false })
  /** A v3 client with the default retry policy (3 attempts, `afterSend: false`), its backoff short. */
  const retrying = () =>
    new AuthleteClient({ ...V3, baseUrl: server.url, retry: { backoffMs: 1, maxBackoffMs: 1 } })

  /** How many requests reached the server since `before`. */
  const since = (before: number) => server.requests.length - before

  return { server, echo, fail, once, retrying, since }
}

/** The `AuthleteError` `call` rejects with, once no rendering of it holds one of `forbidden`. */
export async function cleanError(
  call: Promise<unknown>,
  forbidden: readonly string[],
): Promise<AuthleteError> {
  const error = await call.then(
    (value) => ({ resolved: value }),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthleteError)
  expect(leaks(error, forbidden)).toEqual([])
  return error as AuthleteError
}
