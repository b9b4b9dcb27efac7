/**
 * Requests whose status is the answer (a client notification's delivery), one at a time, each an
 * {@link Attempt} over `dispatch` (no body stream, no `AbortSignal`).
 *
 * @internal
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import { Attempt, type AttemptOwner, type RawResponse } from '../http/attempt.js'
import type { Connections } from '../http/connections.js'

/** What an exchange keeps of a response: the status, and the headers (for `Retry-After`). */
export interface ResponseHead {
  status: number
  headers: IncomingHttpHeaders
}

/** Of an answer's body, the bytes kept (for nothing: the status is the answer); the rest is dropped. */
const ANSWER_BYTES_KEPT = 4096

/** The deadline passed while a request waited for its status. */
export class ExchangeTimeout extends Error {
  constructor() {
    super('The deadline passed')
    this.name = 'ExchangeTimeout'
  }
}

/**
 * The status settles a request when it arrives, whatever the body then does (a cut or endless body
 * does not turn a 2xx into a failure); the deadline fails a request still waiting for it.
 */
export class Exchange implements AttemptOwner {
  timedOut = false
  /** Whether the last request that failed before its status had been fully written. */
  written = false
  /** The request waiting for its status, and how to settle it. */
  #pending: {
    attempt: Attempt
    resolve: (head: ResponseHead) => void
    reject: (error: unknown) => void
  } | null = null
  /** Every request not ended yet: an earlier one's body may still be coming. */
  readonly #live = new Set<Attempt>()
  readonly #dispatcher: Dispatcher
  readonly #connections: Connections | null
  readonly #request: Dispatcher.DispatchOptions

  /** `connections`: what the dispatcher knows of its connects, so that one nobody waits for ends. */
  constructor(dispatcher: Dispatcher, connections: Connections | null, request: Dispatcher.DispatchOptions) {
    this.#dispatcher = dispatcher
    this.#connections = connections
    this.#request = request
  }

  send(): Promise<ResponseHead> {
    if (this.timedOut) return Promise.reject(new ExchangeTimeout())
    const attempt = new Attempt(ANSWER_BYTES_KEPT, this.#connections, this)
    const answer = new Promise<ResponseHead>((resolve, reject) => {
      this.#pending = { attempt, resolve, reject }
    })
    this.#live.add(attempt)
    try {
      this.#dispatcher.dispatch(this.#request, attempt)
    } catch (error) {
      attempt.fail(error as Error)
    }
    return answer
  }

  responseStarted(attempt: Attempt, status: number, headers: IncomingHttpHeaders): void {
    const pending = this.#pending
    if (pending?.attempt !== attempt) return
    this.#pending = null
    pending.resolve({ status, headers })
  }

  attemptEnded(attempt: Attempt, response: RawResponse | null, error: unknown): void {
    this.#live.delete(attempt)
    // Settled at its status already, unless it failed before the status came. An earlier request
    // ending (its body cut off, say) has no say over the one pending now.
    const pending = this.#pending
    if (pending?.attempt !== attempt) return
    this.#pending = null
    this.written = attempt.sent
    if (response !== null) pending.resolve(response)
    else pending.reject(error)
  }

  /** The deadline passed: a request waiting for its status fails, and no other is sent. */
  expire(): void {
    this.timedOut = true
    this.#pending?.attempt.fail(new ExchangeTimeout())
  }

  /**
   * The exchange is over: an answer's body still coming is not waited for (its connection closes),
   * and a request still waiting for a connection gives it up (its connect is cancelled).
   */
  finish(): void {
    for (const attempt of this.#live) attempt.fail(new Error('The exchange is over'))
  }
}
