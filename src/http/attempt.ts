/**
 * One HTTP exchange, as an undici dispatch handler that settles a promise.
 *
 * The transport speaks undici's `Dispatcher.dispatch` handler API rather than `undici.request`: the
 * body arrives as a few `Buffer` chunks instead of through a stream object, and the handler sees
 * what the retry policy needs (whether the request was fully written, whether a response started).
 *
 * The handler's contract, which shapes this class: undici may call `onRequestStart` synchronously
 * inside `dispatch()`, or much later (the request waited for a connection); it may call
 * `onResponseError` after an abort we asked for, and `onResponseData` after we settled. So every
 * callback checks `#settled`, and an abort requested before undici handed over its controller is
 * carried out the moment it does.
 *
 * @internal
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import type { Connections } from './connections.js'

/** What one attempt received. Of a non-2xx body longer than the limit, only its start. */
export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({})
const EMPTY = Buffer.alloc(0)

/** Raised inside an attempt when a 2xx body passes `maxResponseBytes`. */
export class BodyTooLarge extends Error {}

/** Who is told how an attempt ended: the call that made it. */
export interface AttemptOwner {
  /**
   * Called once per attempt, with the response or with the error (`response` is `null` then).
   * It may run inside an undici callback or inside {@link Attempt.fail}: it must not throw.
   */
  attemptEnded(attempt: Attempt, response: RawResponse | null, error: unknown): void
  /**
   * Called when the status line and headers arrived, before the body, for an owner to whom the
   * status is the answer (a notification's delivery). Inside an undici callback: must not throw.
   */
  responseStarted?(attempt: Attempt, status: number, headers: IncomingHttpHeaders): void
}

/**
 * Ends once: by the response, by a transport error, or by {@link Attempt.fail} (deadline, caller
 * abort, client closed), and tells its owner. No promise of its own: the call's one promise is
 * settled from here, which saves a promise and its microtask turns per call.
 */
export class Attempt implements Dispatcher.DispatchHandler {
  /** The request was fully written to the socket. */
  sent = false
  /** The status line arrived; 0 until then. */
  status = 0
  /**
   * The request went out on a connection that carried requests before. Known only on the client's
   * own pool (`false` elsewhere).
   */
  reused = false
  /** When undici handed the request to a connection (`performance.now()`); 0 until then. */
  startedAt = 0
  /** A byte of the answer arrived (undici's parser began a message). */
  responded = false
  readonly #owner: AttemptOwner
  #controller: Dispatcher.DispatchController | null = null
  #settled = false
  #reason: Error | null = null
  #headers: IncomingHttpHeaders = NO_HEADERS
  /** The body's first chunk; most answers come in one. */
  #first: Buffer | null = null
  /** The chunks after the first, if any. */
  #more: Buffer[] | null = null
  #size = 0
  readonly #limit: number
  /** Set while the attempt waits for a connection (own pool only). */
  #waiting: Connections | null

  constructor(limit: number, connections: Connections | null, owner: AttemptOwner) {
    this.#limit = limit
    this.#waiting = connections
    this.#owner = owner
    if (connections !== null) connections.waiting++
  }

  /** Ends the attempt with `error` and aborts the request, now or as soon as undici starts it. */
  fail(error: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#reason = error
    // undici is done with the request before the owner hears of it (the owner may close the pool).
    abort(this.#controller, error)
    this.#stopWaiting()
    this.#owner.attemptEnded(this, null, error)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.startedAt = performance.now()
    const connections = this.#waiting
    if (connections !== null) {
      this.reused = !connections.fresh
      this.#stopWaiting()
    }
    // A request still waiting for a connection cannot be taken out of undici's queue through the
    // public handler API; it is aborted here, the moment undici hands it over.
    if (this.#reason) abort(controller, this.#reason)
    else this.#controller = controller
  }

  onRequestSent(): void {
    this.sent = true
  }

  onResponseStarted(): void {
    this.responded = true
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.status = status
    this.#headers = headers
    if (!this.#settled) this.#owner.responseStarted?.(this, status, headers)
    const length = headers['content-length']
    if (typeof length === 'string' && exceeds(length, this.#limit)) this.#overflow(controller)
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
    this.#owner.attemptEnded(this, this.#response(), null)
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#stopWaiting()
    if (this.#settled) return
    this.#settled = true
    this.#owner.attemptEnded(this, null, error)
  }

  #stopWaiting(): void {
    const connections = this.#waiting
    if (connections === null) return
    this.#waiting = null
    connections.leave()
  }

  #push(chunk: Buffer): void {
    if (this.#first === null) this.#first = chunk
    else if (this.#more === null) this.#more = [chunk]
    else this.#more.push(chunk)
    this.#size += chunk.length
  }

  #response(): RawResponse {
    const first = this.#first
    const body =
      first === null ? EMPTY : this.#more === null ? first : Buffer.concat([first, ...this.#more], this.#size)
    return { status: this.status, headers: this.#headers, body }
  }

  /** The body passed the limit: a 2xx is unusable; of an error answer, the start is enough. */
  #overflow(controller: Dispatcher.DispatchController): void {
    if (this.#settled) return
    const error = new BodyTooLarge()
    this.#settled = true
    abort(controller, error)
    if (this.status >= 200 && this.status < 300) this.#owner.attemptEnded(this, null, error)
    else this.#owner.attemptEnded(this, this.#response(), null)
  }
}

/**
 * Whether the `Content-Length` `text` says more than `limit`. Its digits are read here: `Number()`
 * of a header's string first hashes it (V8 checks for an array index), which cost more than the
 * rest of the header's handling, on every answer. Anything but plain digits is read by `Number()`.
 */
export function exceeds(text: string, limit: number): boolean {
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return Number(text) > limit
    value = value * 10 + digit
  }
  return value > limit
}

/**
 * Aborts undici's request. A throw from a dispatcher's own controller (a custom dispatcher, an
 * interceptor) must not keep the attempt from ending: the attempt's owner still hears of it, and
 * the request is then the dispatcher's to clean up.
 */
function abort(controller: Dispatcher.DispatchController | null, reason: Error): void {
  try {
    controller?.abort(reason)
  } catch {
    // See above: nothing else can be done with a controller that cannot abort.
  }
}
