// A stand-in BackchannelEndpointClient without I/O, for the flow's timing tests: it records each call
// that would reach Authlete (with its options), answers at once unless told to hang, and honours the
// call's `signal` as AuthleteClient does (refused when already aborted, rejected when it fires).
import {
  AuthleteAbortError,
  type AuthleteCallOptions,
  type BackchannelEndpointClient,
} from '../../src/index.js'

export type BackchannelCallName = 'backchannelAuthentication' | 'backchannelIssue' | 'backchannelFail'

export interface RecordedClientCall {
  name: BackchannelCallName
  input: unknown
  options: AuthleteCallOptions | undefined
}

export interface FakeBackchannelClient {
  client: BackchannelEndpointClient
  /** The calls that reached "Authlete", in order. */
  calls: RecordedClientCall[]
  names(): BackchannelCallName[]
  /** Calls named here never answer: they end only when their signal fires. */
  hang: Set<BackchannelCallName>
}

export const ISSUED_CONTENT = '{"auth_req_id":"ar-1","expires_in":600,"interval":5}'

/** `identification`: fields of the USER_IDENTIFICATION answer (ticket `tk-1`, login hint `john`). */
export function fakeBackchannelClient(identification: Record<string, unknown> = {}): FakeBackchannelClient {
  const calls: RecordedClientCall[] = []
  const hang = new Set<BackchannelCallName>()

  function call(
    name: BackchannelCallName,
    input: unknown,
    options: AuthleteCallOptions | undefined,
    answer: object,
  ) {
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(new AuthleteAbortError(signal.reason))
    calls.push({ name, input, options })
    if (!hang.has(name)) return Promise.resolve(answer)
    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new AuthleteAbortError(signal.reason)), { once: true })
    })
  }

  const client = {
    backchannelAuthentication: (input: unknown, options?: AuthleteCallOptions) =>
      call('backchannelAuthentication', input, options, {
        resultCode: 'A179001',
        resultMessage: 'ok',
        action: 'USER_IDENTIFICATION',
        ticket: 'tk-1',
        hintType: 'LOGIN_HINT',
        hint: 'john',
        ...identification,
      }),
    backchannelIssue: (ticket: unknown, options?: AuthleteCallOptions) =>
      call('backchannelIssue', ticket, options, {
        resultCode: 'A183001',
        resultMessage: 'ok',
        action: 'OK',
        responseContent: ISSUED_CONTENT,
        authReqId: 'ar-1',
        expiresIn: 600,
        interval: 5,
      }),
    backchannelFail: (input: unknown, options?: AuthleteCallOptions) =>
      call('backchannelFail', input, options, {
        resultCode: 'A180001',
        resultMessage: 'ok',
        action: 'INTERNAL_SERVER_ERROR',
        responseContent: '{"error":"server_error"}',
      }),
  } as unknown as BackchannelEndpointClient

  return { client, calls, names: () => calls.map((c) => c.name), hang }
}

/** A promise settled by the test. */
export function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** `promise`, and whether it has settled yet. */
export function track<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  let settled = false
  promise.then(
    () => {
      settled = true
    },
    () => {
      settled = true
    },
  )
  return {
    promise,
    get settled() {
      return settled
    },
  }
}

/** One turn of the event loop: every promise job queued so far has run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
