/**
 * The transport every operation runs on: the validated configuration, the connection pool, and
 * the client's life cycle (in-flight calls, `close()`). `call(operation, input, options)` is the
 * one entry point; it never names an Authlete call.
 *
 * @internal
 * @module
 */

import { type Dispatcher, Pool } from 'undici'
import { OwnedCallOptions, type SignalOwner } from '../deadline.js'
import {
  AuthleteAbortError,
  AuthleteClientClosedError,
  AuthleteError,
  AuthleteInputError,
} from '../errors.js'
import { Connections } from '../http/connections.js'
import { scrubCause } from '../http/redact.js'
import { type AuthleteTraceContext, traced, tracingChannelOf } from '../http/tracing.js'
import { Call, type CallSite } from './call.js'
import { type CallReading, type Operation, type RequestBody, readAnswer } from './operation.js'
import {
  type AuthleteCallOptions,
  type AuthleteClientOptions,
  resolveCallOptions,
  resolveTransportConfig,
  type TransportConfig,
} from './options.js'

export class Transport {
  readonly config: TransportConfig
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  /** The own pool's connections; `null` on a dispatcher given in the options. */
  readonly #connections: Connections | null
  #inFlight = 0
  #idle: (() => void) | null = null
  #closing: Promise<void> | null = null
  /** What every call of this client shares: made once, so that a call allocates none of it. */
  readonly #site: CallSite

  /** @throws {AuthleteInputError} when the options are invalid (the message names the option). */
  constructor(options: AuthleteClientOptions) {
    this.config = resolveTransportConfig(options)
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#connections = this.#ownsDispatcher ? new Connections(this.config.origin) : null
    // undici unrefs idle sockets, and a connect no call waits for is destroyed (connections.ts), so
    // a process that never calls close() still exits.
    this.#dispatcher =
      options.dispatcher ??
      new Pool(this.config.origin, { connect: (this.#connections as Connections).connect })
    this.#site = {
      config: this.config,
      dispatcher: this.#dispatcher,
      connections: this.#connections,
      settled: () => {
        if (--this.#inFlight === 0) this.#idle?.()
      },
      paths: new Map(),
    }
  }

  /**
   * Runs `operation` with `input`: checks the input and the per-call options (rejecting before any
   * I/O), then one {@link Call}. Every rejection is an `AuthleteError`; it never throws.
   */
  call<Input, Result>(
    operation: Operation<Input, Result>,
    input: Input,
    options: AuthleteCallOptions | undefined,
  ): Promise<Result> {
    // Not an `async` function: the call's own promise is returned as it is, with no promise around it.
    try {
      return this.#start(operation, input, false, options, null) as Promise<Result>
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Runs `operation` with a body the package encoded itself, from values it has already checked as
   * the operation's encoder would (`validateAccessToken`'s Bearer check): the call as {@link call}
   * makes it, without reading a request object a second time, resolving with `reading`'s reading
   * of the answer or the error. Never throws, never rejects (unless the reading throws).
   */
  callEncoded<Result, Reading>(
    operation: Operation<unknown, Result>,
    body: RequestBody,
    options: AuthleteCallOptions | undefined,
    reading: CallReading<Result, Reading>,
  ): Promise<Reading> {
    try {
      return this.#start(operation, body, true, options, reading) as Promise<Reading>
    } catch (error) {
      return new Promise((resolve) => resolve(reading.failed(error)))
    }
  }

  /**
   * `input` is the request, or (`encoded`) its body: one method, no call more per call for either.
   * Resolves with the answer, or with `reading`'s reading of the outcome.
   */
  #start<Input, Result>(
    operation: Operation<Input, Result>,
    input: Input | RequestBody,
    encoded: boolean,
    options: AuthleteCallOptions | undefined,
    reading: CallReading<Result, unknown> | null,
  ): Promise<unknown> {
    let body: RequestBody | null
    if (encoded) body = input as RequestBody
    else {
      try {
        body = operation.encode(input as Input)
      } catch (error) {
        // The caller's own error (a throwing getter, a Proxy) becomes ours, with theirs as the cause.
        if (error instanceof AuthleteError) throw this.#scrubbed(error)
        throw new AuthleteInputError(operation.name, 'the argument could not be read', {
          cause: scrubCause(error, this.config.secrets),
        })
      }
    }
    let timeoutMs = this.config.timeoutMs
    let signal: AbortSignal | undefined
    let owner: SignalOwner | undefined
    if (options !== undefined) {
      try {
        ;({ timeoutMs, signal } = resolveCallOptions(options, timeoutMs))
      } catch (error) {
        throw this.#scrubbed(error)
      }
      owner = OwnedCallOptions.ownerOf(options)
    }
    const method = operation.method
    if (signal?.aborted) {
      const url = this.config.origin + this.config.apiPath + operation.path
      throw new AuthleteAbortError(signal.reason, { request: { method, url } })
    }
    if (this.#closing) throw new AuthleteClientClosedError()
    const channel = tracingChannelOf(operation.name)
    if (!channel.hasSubscribers) return this.#run(operation, body, timeoutMs, signal, owner, null, reading)
    const context: AuthleteTraceContext = {
      operation: operation.name,
      method,
      url: this.config.origin + this.config.apiPath + operation.path,
    }
    const call = traced(channel, context, () =>
      this.#run(operation, body, timeoutMs, signal, owner, context, null),
    )
    // Traced, the call settles with its own answer or error, which the subscribers see; the reading
    // comes after.
    return reading === null ? call : readAnswer(call as Promise<Result>, reading)
  }

  /** One call. A credential function is asked by the call itself, under its deadline and signal. */
  #run<Result>(
    operation: Operation<unknown, Result>,
    body: RequestBody | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    signalOwner: SignalOwner | undefined,
    trace: AuthleteTraceContext | null,
    reading: CallReading<Result, unknown> | null,
  ): Promise<unknown> {
    this.#inFlight++
    return new Call({
      site: this.#site,
      operation,
      body,
      timeoutMs,
      signal,
      signalOwner,
      trace,
      reading,
    }).run()
  }

  /** `error` with its `cause` (the caller's own error, which may quote anything) free of credentials. */
  #scrubbed(error: unknown): unknown {
    if (error instanceof AuthleteError && error.cause !== undefined) {
      Object.defineProperty(error, 'cause', { value: scrubCause(error.cause, this.config.secrets) })
    }
    return error
  }

  /**
   * Waits for the calls in flight to settle (their retries and backoffs included), then closes the
   * client's own pool. A dispatcher passed in the options is left open. Concurrent and later
   * calls of `close()` share one promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve))
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }
}
