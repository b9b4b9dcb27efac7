/**
 * The transport: one `/backchannel/authentication/issue` call over undici, with a deadline shared by
 * all attempts, the caller's signal, bounded body reading and the retry policy of `retry.ts`.
 *
 * It speaks undici's `Dispatcher.dispatch` handler API rather than `undici.request`: the body arrives
 * as a few `Buffer` chunks instead of through a stream object, and the handler sees what the retry
 * policy needs (whether the request was fully written, whether a response had started).
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
  errorCodeOf,
} from './errors.js'
import type { BackchannelIssueResponse } from './model.js'
import type { ClientConfig } from './options.js'
import { readIssueBody, UnusableBody } from './response-body.js'
import { backoffDelay, isRetryableNetworkFailure, isRetryableStatus, retryAfterMs } from './retry.js'

/** What one attempt received. Of a non-2xx body longer than the limit, only its start. */
interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** Raised inside an attempt when a 2xx body passes `maxResponseBytes`. */
class BodyTooLarge extends Error {}

/**
 * One HTTP exchange, as an undici dispatch handler that settles a promise. It is settled once: by
 * the response, by a transport error, or by {@link Attempt.fail} (deadline, caller abort).
 */
class Attempt implements Dispatcher.DispatchHandler {
  readonly promise: Promise<RawResponse>
  /** The request was fully written to the socket. */
  sent = false
  /** The status line arrived; 0 until then. */
  status = 0
  #resolve!: (response: RawResponse) => void
  #reject!: (error: unknown) => void
  #controller: Dispatcher.DispatchController | null = null
  #settled = false
  #reason: Error | null = null
  #headers: IncomingHttpHeaders = {}
  #chunks: Buffer[] = []
  #size = 0
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
    this.promise = new Promise<RawResponse>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** Settles the attempt with `error` and aborts the request, now or as soon as undici starts it. */
  fail(error: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#reason = error
    this.#reject(error)
    this.#controller?.abort(error)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A request still waiting for a connection cannot be taken out of undici's queue through the
    // public handler API; it is aborted here, the moment undici hands it over.
    if (this.#reason) controller.abort(this.#reason)
    else this.#controller = controller
  }

  onRequestSent(): void {
    this.sent = true
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.status = status
    this.#headers = headers
    const length = headers['content-length']
    if (typeof length === 'string' && Number(length) > this.#limit) this.#overflow(controller)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return
    const room = this.#limit - this.#size
    if (chunk.length > room) {
      if (room > 0) this.#push(chunk.subarray(0, room))
      this.#overflow(controller)
      return
    }
    this.#push(chunk)
  }

  onResponseEnd(): void {
    if (this.#settled) return
    this.#settled = true
    this.#resolve(this.#response())
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#reject(error)
  }

  #push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#size += chunk.length
  }

  #response(): RawResponse {
    const chunks = this.#chunks
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#size)
    return { status: this.status, headers: this.#headers, body }
  }

  /** The body passed the limit: a 2xx is unusable; of an error answer, the start is enough. */
  #overflow(controller: Dispatcher.DispatchController): void {
    if (this.#settled) return
    const error = new BodyTooLarge()
    this.#settled = true
    if (this.status >= 200 && this.status < 300) this.#reject(error)
    else this.#resolve(this.#response())
    controller.abort(error)
  }
}

/**
 * One call to the API: attempts, backoff, deadline and caller signal. Settles exactly once; every
 * rejection is an {@link AuthleteError}.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class IssueCall {
  readonly #config: ClientConfig
  readonly #dispatcher: Dispatcher
  readonly #options: Dispatcher.DispatchOptions
  readonly #timeoutMs: number
  readonly #signal: AbortSignal | undefined
  readonly #startedAt = performance.now()
  readonly #timer: NodeJS.Timeout
  #attempts = 0
  #attempt: Attempt | null = null
  #stop: AuthleteError | null = null
  #wake: (() => void) | null = null

  constructor(
    config: ClientConfig,
    dispatcher: Dispatcher,
    body: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.#config = config
    this.#dispatcher = dispatcher
    this.#timeoutMs = timeoutMs
    this.#signal = signal
    this.#options = {
      origin: config.origin,
      path: config.path,
      method: 'POST',
      headers: config.headers as string[],
      body,
    }
    this.#timer = setTimeout(onDeadline, timeoutMs, this)
    signal?.addEventListener('abort', this, { once: true })
  }

  /** Runs the call. Resolves with the validated answer or rejects with an {@link AuthleteError}. */
  async run(): Promise<BackchannelIssueResponse> {
    try {
      for (;;) {
        const attempt = new Attempt(this.#config.maxResponseBytes)
        this.#attempt = attempt
        this.#attempts++
        let outcome: BackchannelIssueResponse | AuthleteError
        try {
          this.#dispatcher.dispatch(this.#options, attempt)
        } catch (error) {
          attempt.fail(error as Error)
        }
        try {
          outcome = this.#interpret(await attempt.promise)
        } catch (cause) {
          if (this.#stop) throw this.#stop
          outcome = this.#transportError(cause, attempt)
        }
        this.#attempt = null
        if (!(outcome instanceof AuthleteError)) return outcome
        const wait = this.#retryWait(outcome, attempt)
        if (wait === undefined) throw outcome
        await this.#sleep(wait)
        // A halt that came while no attempt or wait was there to cancel (between the answer and the
        // wait) still ends the call here, before another request goes out.
        if (this.#stop) throw this.#stop
      }
    } finally {
      clearTimeout(this.#timer)
      this.#signal?.removeEventListener('abort', this)
    }
  }

  /** The caller's signal fired (this object is the abort listener, which saves a closure per call). */
  handleEvent(): void {
    this.halt(new AuthleteAbortError(this.#signal?.reason, this.#info()))
  }

  /** Ends the call with `error`: the deadline passed or the caller aborted. */
  halt(error: AuthleteError): void {
    if (this.#stop) return
    this.#stop = error
    this.#attempt?.fail(error)
    this.#wake?.()
  }

  timeout(): AuthleteTimeoutError {
    const attempt = this.#attempt
    const phase = attempt === null ? 'retry' : attempt.status === 0 ? 'headers' : 'body'
    return new AuthleteTimeoutError(this.#timeoutMs, phase, this.#info())
  }

  #info() {
    return { request: { method: 'POST', url: this.#config.url }, attempts: this.#attempts }
  }

  #interpret(response: RawResponse): BackchannelIssueResponse | AuthleteError {
    const { status, headers, body } = response
    if (status < 200 || status >= 300) return this.#apiError(response)
    const result = readIssueBody(headers, body)
    if (!(result instanceof UnusableBody)) return result
    return this.#responseError(status, result.problem, { cause: result.cause, issues: result.issues })
  }

  #apiError({ status, headers, body }: RawResponse): AuthleteApiError {
    let resultCode: string | undefined
    let resultMessage: string | undefined
    let bodyExcerpt: string | undefined
    const text = body.toString('utf8')
    try {
      const json = JSON.parse(text) as { resultCode?: unknown; resultMessage?: unknown } | null
      if (typeof json?.resultCode === 'string') resultCode = json.resultCode
      if (typeof json?.resultMessage === 'string') resultMessage = this.#redact(json.resultMessage)
    } catch {
      // Not Authlete's result JSON (a proxy's HTML page, say): the excerpt below says what it was.
    }
    if (resultCode === undefined && resultMessage === undefined && text.length > 0) {
      bodyExcerpt = this.#redact(text).slice(0, AuthleteApiError.EXCERPT_LENGTH)
    }
    const retryAfter =
      status === 429 || status === 503
        ? retryAfterMs(headers['retry-after'], headers['ratelimit-reset'])
        : undefined
    return new AuthleteApiError(
      { status, resultCode, resultMessage, bodyExcerpt, retryAfterMs: retryAfter },
      this.#info(),
    )
  }

  #responseError(
    status: number,
    problem: string,
    options: { cause?: unknown; issues?: AuthleteResponseError['issues'] } = {},
  ): AuthleteResponseError {
    return new AuthleteResponseError(status, `Unusable HTTP ${status} answer from Authlete: ${problem}`, {
      ...options,
      ...this.#info(),
    })
  }

  #transportError(cause: unknown, attempt: Attempt): AuthleteError {
    const status = attempt.status
    if (cause instanceof BodyTooLarge) {
      return this.#responseError(
        status,
        `the body is larger than maxResponseBytes (${this.#config.maxResponseBytes})`,
      )
    }
    const code = errorCodeOf(cause)
    // A reset is a network failure wherever it strikes; a connection closed cleanly before the
    // announced end of a 2xx body is a cut-off answer.
    if (status >= 200 && status < 300 && code !== 'ECONNRESET' && code !== 'EPIPE') {
      return this.#responseError(status, 'the body was cut off', { cause })
    }
    return new AuthleteNetworkError(cause, this.#info())
  }

  /** Milliseconds to wait before the next attempt, or `undefined` to give up with `error`. */
  #retryWait(error: AuthleteError, attempt: Attempt): number | undefined {
    const policy = this.#config.retry
    if (this.#attempts >= policy.attempts) return undefined
    let wait: number
    if (error instanceof AuthleteApiError) {
      if (!isRetryableStatus(error.status, policy)) return undefined
      wait = error.retryAfterMs ?? backoffDelay(policy, this.#attempts)
    } else if (error instanceof AuthleteNetworkError) {
      if (!isRetryableNetworkFailure(error.causeCode, attempt.sent, policy)) return undefined
      wait = backoffDelay(policy, this.#attempts)
    } else {
      return undefined
    }
    // A wait that ends past the deadline would only turn this answer into a timeout: give it now.
    const left = this.#timeoutMs - (performance.now() - this.#startedAt)
    return wait < left ? wait : undefined
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stop) return Promise.reject(this.#stop)
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = null
        resolve()
      }, ms)
      this.#wake = () => {
        clearTimeout(timer)
        this.#wake = null
        reject(this.#stop)
      }
    })
  }

  /** A debugging proxy may echo request headers into its error page: keep credentials out of errors. */
  #redact(text: string): string {
    for (const secret of this.#config.secrets) {
      if (text.includes(secret)) text = text.replaceAll(secret, '[REDACTED]')
    }
    return text
  }
}

function onDeadline(call: IssueCall): void {
  call.halt(call.timeout())
}
