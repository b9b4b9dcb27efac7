// What the transport's tests share: credentials in every form a leak would show them in, a bare
// operation (as any Authlete call is to the transport), and servers that `await using` closes.
import type { Dispatcher } from 'undici'
import { expect } from 'vitest'
import { AuthleteError } from '../../src/index.js'
import type { Operation } from '../../src/transport/operation.js'
import { type Loopback, startLoopback } from './loopback.js'
import { type RawServer, startRawServer } from './raw-server.js'

export const TOKEN = 'tok_SECRET_Zq81vXw3+/x'
export const API_KEY = '5593494639'
export const API_SECRET = 'sec_SECRET_Lm29pQa7>>>???~'
export const BASIC = Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')
export const V3 = { serviceId: '1', accessToken: TOKEN } as const
export const V2 = { apiKey: API_KEY, apiSecret: API_SECRET } as const
/** The credentials in every form a leak would show them in. */
export const FORBIDDEN = [TOKEN, API_SECRET, BASIC, 'SECRET']

/** A minimal operation, as any Authlete call is to the transport. */
export const echo: Operation<string, Record<string, unknown>> = {
  name: 'echo',
  method: 'POST',
  path: '/echo',
  repeatableAfterSend: false,
  encode: (input) => ({ form: `value=${encodeURIComponent(input)}` }),
  parse: (json) =>
    typeof json === 'object' && json !== null
      ? { success: true, data: json as Record<string, unknown> }
      : { success: false, issues: [{ path: [], message: 'not an object' }] },
}

/** A loopback server that `await using` closes. */
export async function loopback(): Promise<Loopback & AsyncDisposable> {
  const server = await startLoopback()
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close() })
}

/** A raw server that `await using` closes. */
export async function rawServer(
  options: { idleCloseMs?: number } = {},
): Promise<RawServer & AsyncDisposable> {
  const server = await startRawServer(options)
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close() })
}

/** The `AuthleteError` that `promise` rejects with (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<AuthleteError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  )
  expect(outcome).toBeInstanceOf(AuthleteError)
  return outcome as AuthleteError
}

/** A dispatcher that fails every request with `error`, as a proxy agent or interceptor might. */
export function failingDispatcher(error: () => Error): Dispatcher {
  return {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      queueMicrotask(() =>
        handler.onResponseError?.(
          { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} },
          error(),
        ),
      )
      return true
    },
    async close() {},
    async destroy() {},
  } as unknown as Dispatcher
}
