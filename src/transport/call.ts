/**
 * One call to Authlete: attempts, backoff, one deadline over all of them, and the caller's signal.
 * It runs any {@link Operation}: the operation gives the path, the encoded body and the model; this
 * module owns everything between the two.
 *
 * @internal
 * @module
 */

import type { Dispatcher } from 'undici'
import type { SignalOwner } from '../deadline.js'
import {
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteCredentialsError,
  type AuthleteError,
  type AuthleteErrorOptions,
  AuthleteNetworkError,
  AuthleteResponseError,
  type AuthleteResponseIssue,
  AuthleteTimeoutError,
  errorCodeOf,
} from '../errors.js'
import { Attempt, type AttemptOwner, BodyTooLarge, type RawResponse } from '../http/attempt.js'
import type { Connections } from '../http/connections.js'
import { redact, scrubCause, withRequestSecrets } from '../http/redact.js'
import { dispatchOptions } from '../http/request.js'
import { readJsonBody, UnusableBody } from '../http/response-body.js'
import {
  askedWait,
  isRetryableNetworkFailure,
  isRetryableStatus,
  isStaleConnectionFailure,
  mayHaveBeenProcessed,
  retryWait,
} from '../http/retry.js'
import type { AuthleteTraceContext } from '../http/tracing.js'
import type { CallReading, Operation, RequestBody } from './operation.js'
import { type CredentialSource, isCredential, type TransportConfig } from './options.js'

/** What a call needs of its client: made once per client, shared by its calls. @internal */
export interface CallSite {
  readonly config: TransportConfig
  readonly dispatcher: Dispatcher
  /** The own pool's connections; `null` on a dispatcher given in the options. */
  readonly connections: Connections | null
  /** Told once when a call settles (the client counts its calls in flight). */
  readonly settled: () => void
  /** Each operation's request path on this client, made once: undici scans a path on every request. */
  readonly paths: Map<Operation<unknown, unknown>, string>
}

/** One call: its client, the operation with its encoded body, its deadline, signal and trace. @internal */
export interface CallRequest<Result> {
  readonly site: CallSite
  readonly operation: Operation<unknown, Result>
  /** `null`: no body (`GET`). */
  readonly body: RequestBody | null
  readonly timeoutMs: number
  readonly signal: AbortSignal | undefined
  /** The signal's owner, when it tells the call directly (a flow's signal): no listener then. */
  readonly signalOwner: SignalOwner | undefined
  /** The tracing context, when someone subscribes: attempts and status are written into it. */
  readonly trace: AuthleteTraceContext | null
  /** The caller's reading of the outcome, which the call's promise then resolves with. */
  readonly reading: CallReading<Result, unknown> | null
}

/**
 * Settles exactly once; every rejection is an {@link AuthleteError}. With a reading, it resolves
 * with the reading of the answer or of the error, and never rejects.
 */
export class Call<Result> implements AttemptOwner {
  readonly #config: TransportConfig
  readonly #dispatcher: Dispatcher
  readonly #connections: Connections | null
  readonly #operation: Operation<unknown, Result>
  readonly #body: RequestBody | null
  readonly #options: Dispatcher.DispatchOptions
  readonly #timeoutMs: number
  readonly #signal: AbortSignal | undefined
  /** The signal's owner when it tells this call directly (a flow's signal); no listener then. */
  readonly #signalOwner: SignalOwner | undefined
  readonly #startedAt = performance.now()
  readonly #timer: NodeJS.Timeout
  #attempts = 0
  /** 1 once the keep-alive race was met and the request repeated (which does not count as a retry). */
  #repeats = 0
  /** A request that may have reached Authlete was repeated (on `afterSend`): told in every error. */
  #repeatedAfterSend = false
  /** An attempt that ended may have been processed by Authlete (see `mayHaveBeenProcessed`). */
  #processed = false
  /** The attempt ending now may have been: told in the error it ends with. */
  #ending = false
  /** A one-connection client of the repeat's own, so that it goes out on a new connection. */
  #single: Dispatcher | null = null
  #attempt: Attempt | null = null
  #stop: AuthleteError | null = null
  #ended = false
  #resolve!: (value: unknown) => void
  #reject!: (error: unknown) => void
  readonly #reading: CallReading<Result, unknown> | null
  #wake: (() => void) | null = null
  readonly #settled: () => void
  /** The credentials of this call in the forms they are sent in. */
  #credentialSecrets: readonly string[]
  /** Those and the request's own secrets, made when an error first needs them: redacted from it. */
  #secrets: readonly string[] | null = null
  /** A credential function to ask before the first attempt (under this call's deadline and signal). */
  readonly #credentials: CredentialSource | null
  #authorizing = false
  readonly #trace: AuthleteTraceContext | null

  constructor(request: CallRequest<Result>) {
    const { site, operation, body } = request
    const config = site.config
    this.#config = config
    this.#dispatcher = site.dispatcher
    this.#connections = site.connections
    this.#settled = site.settled
    this.#credentialSecrets = config.secrets
    this.#credentials = config.credentials
    this.#operation = operation
    this.#body = body
    this.#trace = request.trace
    this.#reading = request.reading
    this.#timeoutMs = request.timeoutMs
    this.#signal = request.signal
    this.#options = dispatchOptions(
      config.origin,
      pathOf(site, operation),
      operation.method,
      body === null ? config.bareHeaders : 'form' in body ? config.formHeaders : config.jsonHeaders,
      body === null ? undefined : 'form' in body ? body.form : body.json,
    )
    this.#timer = setTimeout(onDeadline, request.timeoutMs, this)
    const signal = request.signal
    this.#signalOwner = signal === undefined ? undefined : request.signalOwner
    if (this.#signalOwner !== undefined) this.#signalOwner.watch(this)
    else signal?.addEventListener('abort', this, { once: true })
  }

  /**
   * Runs the call. Resolves with the validated answer or rejects with an {@link AuthleteError}
   * (with a reading: resolves with its reading of either).
   *
   * Driven by callbacks rather than an `async` loop: each attempt reports to
   * {@link Call.attemptEnded}, which ends the call, or sends the next attempt after its wait. One
   * promise per call, settled once by {@link Call.#end}.
   */
  run(): Promise<unknown> {
    const promise = new Promise<unknown>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    if (this.#credentials === null) this.#send()
    else {
      this.#authorize(this.#credentials).then(
        () => this.next(),
        (error: unknown) => this.#end(error, true),
      )
    }
    return promise
  }

  /** Sends the next attempt, unless the call was halted meanwhile. */
  next(): void {
    this.#wake = null
    if (this.#stop !== null) this.#end(this.#stop, true)
    else this.#send()
  }

  #send(): void {
    const attempt = new Attempt(this.#config.maxResponseBytes, this.#connections, this)
    this.#attempt = attempt
    this.#attempts++
    try {
      ;(this.#single ?? this.#dispatcher).dispatch(this.#options, attempt)
    } catch (error) {
      attempt.fail(error as Error)
    }
  }

  /** The attempt ended (see {@link AttemptOwner}): the answer, a retry after its wait, or the error. */
  attemptEnded(attempt: Attempt, response: RawResponse | null, cause: unknown): void {
    try {
      if (response !== null && this.#trace !== null) this.#trace.status = response.status
      this.#ending = mayHaveBeenProcessed(
        response?.status ?? attempt.status,
        errorCodeOf(cause),
        attempt.sent,
      )
      const outcome =
        response !== null ? this.#interpret(response) : (this.#stop ?? this.#transportError(cause, attempt))
      // An answer is JSON's own object, never an Error: a plain prototype test, not the brand test
      // AuthleteError's `instanceof` runs (a call of its own, twice per call).
      const failed = outcome instanceof Error
      this.#attempt = null
      this.#dropSingle()
      const wait =
        failed && outcome !== this.#stop ? this.#retryWait(outcome as AuthleteError, attempt) : undefined
      this.#processed ||= this.#ending
      this.#ending = false
      if (wait === undefined) this.#end(outcome, failed)
      // Never from inside the undici callback that reported the end: the next attempt goes out on
      // a later turn, after a wait of 0 too (where a halt that came meanwhile still ends the call).
      else if (wait > 0) this.#sleep(wait)
      else queueMicrotask(() => this.next())
    } catch (error) {
      this.#end(error, true)
    }
  }

  /** Ends the call, once: rejected with an error, resolved with an answer. */
  #end(outcome: unknown, failed: boolean): void {
    if (this.#ended) return
    this.#ended = true
    clearTimeout(this.#timer)
    if (this.#signalOwner !== undefined) this.#signalOwner.unwatch(this)
    else this.#signal?.removeEventListener('abort', this)
    this.#dropSingle()
    if (this.#trace !== null) this.#trace.attempts = this.#attempts
    this.#settled()
    const reading = this.#reading
    if (reading === null) {
      if (failed) this.#reject(outcome)
      else this.#resolve(outcome)
      return
    }
    let value: unknown
    try {
      value = failed ? reading.failed(outcome) : reading.answered(outcome as Result)
    } catch (error) {
      // A reading must not throw; one that does still settles the call, as a rejection.
      this.#reject(error)
      return
    }
    this.#resolve(value)
  }

  /**
   * Asks the credential function for this call's credential, as the first phase of the call: the
   * deadline and the caller's signal end the wait (the function itself cannot be stopped; what it
   * returns late is dropped).
   */
  async #authorize(credentials: CredentialSource): Promise<void> {
    if (this.#stop) throw this.#stop
    this.#authorizing = true
    let value: unknown
    try {
      value = await new Promise<unknown>((resolve, reject) => {
        this.#wake = () => reject(this.#stop)
        new Promise<unknown>((inner) => inner(credentials.get())).then(resolve, (cause: unknown) =>
          reject(
            new AuthleteCredentialsError(credentials.field, 'the credential function threw or rejected', {
              cause,
            }),
          ),
        )
      })
    } finally {
      this.#wake = null
      this.#authorizing = false
    }
    if (!isCredential(value)) {
      throw new AuthleteCredentialsError(
        credentials.field,
        'the credential function returned something other than a non-empty string of visible ASCII characters',
      )
    }
    const { authorization, secrets } = credentials.authorize(value)
    const headers = [...(this.#options.headers as string[])]
    headers[1] = authorization
    this.#options.headers = headers
    this.#credentialSecrets = secrets
    this.#secrets = null
  }

  /** What no error of this call may show: the credentials, and the request's own secrets. */
  #secretsOf(): readonly string[] {
    this.#secrets ??= withRequestSecrets(this.#credentialSecrets, this.#body, this.#operation.secretFields)
    return this.#secrets
  }

  /** Closes the repeat's own connection once its attempt settled (or the call ended during it). */
  #dropSingle(): void {
    if (this.#single === null) return
    void this.#single.destroy()
    this.#single = null
  }

  /** The caller's signal fired (this object is the abort listener, which saves a closure per call). */
  handleEvent(): void {
    this.halt(new AuthleteAbortError(this.#signal?.reason, this.info()))
  }

  /** Ends the call with `error`: the deadline passed or the caller aborted. */
  halt(error: AuthleteError): void {
    if (this.#stop !== null || this.#ended) return
    this.#stop = error
    this.#attempt?.fail(error)
    this.#wake?.()
  }

  timeout(): AuthleteTimeoutError {
    const attempt = this.#attempt
    const phase = this.#authorizing
      ? 'credentials'
      : attempt === null
        ? 'retry'
        : attempt.status === 0
          ? 'headers'
          : 'body'
    return new AuthleteTimeoutError(this.#timeoutMs, phase, this.info())
  }

  /** Where the call went and how many attempts it made, for an error. */
  info(): AuthleteErrorOptions {
    const { origin, path, method } = this.#options
    const attempt = this.#attempt
    return {
      request: { method, url: origin + path },
      attempts: this.#attempts,
      repeatedAfterSend: this.#repeatedAfterSend,
      mayHaveBeenProcessed:
        this.#processed ||
        this.#ending ||
        // Halted (deadline, signal) while an attempt was out: as far as it got.
        (attempt !== null && mayHaveBeenProcessed(attempt.status, undefined, attempt.sent)),
    }
  }

  #interpret(response: RawResponse): Result | AuthleteError {
    const { status, headers, body } = response
    if (status < 200 || status >= 300) return this.#apiError(response)
    const { noContent } = this.#operation
    if (status === 204 && noContent !== undefined) return noContent()
    const json = readJsonBody(headers, body)
    if (json instanceof UnusableBody) return this.#responseError(status, json.problem, { cause: json.cause })
    const parsed = this.#operation.parse(json)
    if (parsed.success) return parsed.data
    const fields = parsed.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    return this.#responseError(status, `the body does not fit the model (${fields.join('; ')})`, {
      issues: parsed.issues,
    })
  }

  #apiError({ status, headers, body }: RawResponse): AuthleteApiError {
    let resultCode: string | undefined
    let resultMessage: string | undefined
    let bodyExcerpt: string | undefined
    const text = body.toString('utf8')
    const secrets = this.#secretsOf()
    try {
      const json = JSON.parse(text) as { resultCode?: unknown; resultMessage?: unknown } | null
      if (typeof json?.resultCode === 'string') resultCode = redact(json.resultCode, secrets)
      if (typeof json?.resultMessage === 'string') resultMessage = redact(json.resultMessage, secrets)
    } catch {
      // Not Authlete's result JSON (a proxy's HTML page, say): the excerpt below says what it was.
    }
    if (resultCode === undefined && resultMessage === undefined && text.length > 0) {
      bodyExcerpt = excerpt(text, secrets)
    }
    return new AuthleteApiError(
      { status, resultCode, resultMessage, bodyExcerpt, retryAfterMs: askedWait(status, headers) },
      this.info(),
    )
  }

  #responseError(
    status: number,
    problem: string,
    options: { cause?: unknown; issues?: readonly AuthleteResponseIssue[] } = {},
  ): AuthleteResponseError {
    // The problem may quote the answer (its content type): whatever echoes a credential is redacted.
    return new AuthleteResponseError(
      status,
      `Unusable HTTP ${status} answer from Authlete: ${redact(problem, this.#secretsOf())}`,
      {
        ...options,
        ...this.info(),
      },
    )
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
      return this.#responseError(status, 'the body was cut off', { cause: this.#scrub(cause) })
    }
    return new AuthleteNetworkError(this.#scrub(cause), this.info())
  }

  /** A cause built by other code (undici, a dispatcher, a proxy agent), kept free of credentials. */
  #scrub(cause: unknown): unknown {
    return scrubCause(cause, this.#secretsOf())
  }

  /**
   * Milliseconds to wait before the next attempt, or `undefined` to give up with `error`. What is
   * repeated without the caller's opt-in is only what cannot have reached Authlete's logic (nothing
   * was fully sent), or what Authlete asked to repeat (429, 503): an operation is repeated after it
   * was sent only when it says it is idempotent (`repeatableAfterSend`), or the caller opts in.
   */
  #retryWait(error: AuthleteError, attempt: Attempt): number | undefined {
    const policy = this.#config.retry
    // The keep-alive race (the server closed the reused connection as the request went out): the
    // request was not processed. Repeated at once, once per call, and not counted as a retry.
    if (
      error instanceof AuthleteNetworkError &&
      this.#repeats === 0 &&
      this.#connections !== null &&
      policy.attempts > 1 &&
      isStaleConnectionFailure(
        error.causeCode,
        attempt.reused,
        attempt.responded,
        performance.now() - attempt.startedAt,
      )
    ) {
      this.#repeats = 1
      // Not processed: the server closed the connection without reading what arrived on it.
      this.#ending = false
      // Not through the pool: it may hold other idle connections the server closed just as well.
      this.#single = this.#connections.single()
      return 0
    }
    const retries = this.#attempts - this.#repeats
    if (retries >= policy.attempts) return undefined
    const afterSend = policy.afterSend || this.#operation.repeatableAfterSend
    let asked: number | undefined
    if (error instanceof AuthleteApiError) {
      if (!isRetryableStatus(error.status, afterSend)) return undefined
      asked = error.retryAfterMs
    } else if (error instanceof AuthleteNetworkError) {
      if (!isRetryableNetworkFailure(error.causeCode, attempt.sent, afterSend)) return undefined
    } else {
      return undefined
    }
    const wait = retryWait(policy, retries, asked, this.#timeoutMs - (performance.now() - this.#startedAt))
    if (wait !== undefined && this.#ending) this.#repeatedAfterSend = true
    return wait
  }

  /** Waits `ms`, then sends the next attempt; a halt during the wait ends the call at once. */
  #sleep(ms: number): void {
    const timer = setTimeout(sendNext, ms, this)
    this.#wake = () => {
      clearTimeout(timer)
      this.#wake = null
      this.#end(this.#stop, true)
    }
  }
}

/**
 * The first {@link AuthleteApiError.EXCERPT_LENGTH} characters of `text`, redacted, as a string of
 * its own. Redacting only the start bounds the work on a large page; it is long enough for a
 * credential that begins within the excerpt to be found whole in the forms met in practice (a
 * character reference such as `&#x2B;`, or `&amp;#x2B;` once more escaped, is at most 10 characters
 * per character). The copy matters: a slice is a V8 sliced string that keeps the whole decoded body
 * alive, 1 MiB for each error a caller keeps.
 */
function excerpt(text: string, secrets: readonly string[]): string {
  let longest = 0
  for (const secret of secrets) longest = Math.max(longest, secret.length)
  const start = text.slice(0, AuthleteApiError.EXCERPT_LENGTH + 16 * longest)
  const redacted = redact(start, secrets).slice(0, AuthleteApiError.EXCERPT_LENGTH)
  return Buffer.from(redacted, 'utf8').toString('utf8')
}

/**
 * The operation's path under the client's API path, one string per client and operation: a path
 * joined on every call is a string undici's check must first copy flat.
 */
function pathOf(site: CallSite, operation: Operation<unknown, unknown>): string {
  let path = site.paths.get(operation)
  if (path === undefined) {
    path = site.config.apiPath + operation.path
    site.paths.set(operation, path)
  }
  return path
}

function sendNext(call: { next(): void }): void {
  call.next()
}

function onDeadline(call: { halt(error: AuthleteError): void; timeout(): AuthleteTimeoutError }): void {
  call.halt(call.timeout())
}
