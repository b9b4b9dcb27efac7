/**
 * The public client.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.3
 * @module
 */

import { type Dispatcher, Pool } from 'undici'
import { AuthleteAbortError, AuthleteClientClosedError, AuthleteInputError } from './errors.js'
import type { BackchannelIssueResponse } from './model.js'
import {
  type AuthleteClientOptions,
  type ClientConfig,
  resolveClientConfig,
  resolveTimeout,
} from './options.js'
import { IssueCall } from './transport.js'

/**
 * Per-call options of {@link AuthleteClient.backchannelIssue}.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export interface BackchannelIssueOptions {
  /** Aborts the call; it then rejects with `AuthleteAbortError` whose `cause` is the signal's reason. */
  signal?: AbortSignal
  /** This call's deadline in milliseconds, retries included. Default: the client's `timeoutMs`. */
  timeoutMs?: number
}

/**
 * The longest ticket accepted. Authlete's tickets are about 43 characters; anything near this limit
 * is a bug in the caller, rejected before it costs a round trip.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export const MAX_TICKET_LENGTH = 1024

/**
 * A client of Authlete's `/backchannel/authentication/issue` API (CIBA). Safe to share: create one per
 * Authlete service and reuse it; it keeps a keep-alive connection pool.
 *
 * @example
 * ```ts
 * const authlete = new AuthleteClient({ serviceId: '715948317', accessToken: process.env.TOKEN! })
 * const res = await authlete.backchannelIssue(ticket)
 * if (res.action === 'OK') startAuthentication(res.authReqId, res.expiresIn)
 * ```
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export class AuthleteClient {
  readonly #config: ClientConfig
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  #closed = false

  /** @throws {AuthleteInputError} when the options are invalid (the message names the option). */
  constructor(options: AuthleteClientOptions) {
    this.#config = resolveClientConfig(options)
    this.#ownsDispatcher = options.dispatcher === undefined
    // undici unrefs idle sockets, so a process that never calls close() still exits.
    this.#dispatcher = options.dispatcher ?? new Pool(this.#config.origin)
  }

  /** `v3` (service ID + access token) or `v2` (API key + secret), from the credentials given. */
  get apiVersion(): 'v3' | 'v2' {
    return this.#config.apiVersion
  }

  /** The URL every call posts to. */
  get url(): string {
    return this.#config.url
  }

  /**
   * Calls `/backchannel/authentication/issue` with the ticket that `/backchannel/authentication`
   * returned (action `USER_IDENTIFICATION`) and returns Authlete's validated answer.
   *
   * An `action` this version does not know is returned as it came, not thrown: treat it as a failure.
   *
   * @param ticket The ticket of the backchannel authentication request.
   * @throws {AuthleteInputError} (as a rejection, before any I/O) for a bad ticket or options.
   * @throws {AuthleteApiError} for a non-2xx answer, after the retries the policy allows.
   * @throws {AuthleteResponseError} for a 2xx answer that is not the documented JSON.
   * @throws {AuthleteTimeoutError} when the deadline passes.
   * @throws {AuthleteAbortError} when `options.signal` fires.
   * @throws {AuthleteNetworkError} when Authlete cannot be reached.
   * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
   */
  async backchannelIssue(
    ticket: string,
    options?: BackchannelIssueOptions,
  ): Promise<BackchannelIssueResponse> {
    if (typeof ticket !== 'string') throw new AuthleteInputError('ticket', 'must be a string')
    if (ticket.length === 0) throw new AuthleteInputError('ticket', 'must not be empty')
    if (ticket.length > MAX_TICKET_LENGTH) {
      throw new AuthleteInputError('ticket', `must be at most ${MAX_TICKET_LENGTH} characters`)
    }
    if (!ticket.isWellFormed()) {
      throw new AuthleteInputError('ticket', 'must be well-formed Unicode (it has a lone surrogate)')
    }
    let timeoutMs = this.#config.timeoutMs
    let signal: AbortSignal | undefined
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null) {
        throw new AuthleteInputError('options', 'must be an object')
      }
      if (options.timeoutMs !== undefined) timeoutMs = resolveTimeout('timeoutMs', options.timeoutMs)
      signal = options.signal
      if (signal !== undefined) {
        if (!(signal instanceof AbortSignal)) throw new AuthleteInputError('signal', 'must be an AbortSignal')
        if (signal.aborted) {
          throw new AuthleteAbortError(signal.reason, { request: { method: 'POST', url: this.#config.url } })
        }
      }
    }
    if (this.#closed) throw new AuthleteClientClosedError()
    const body = `ticket=${encodeURIComponent(ticket)}`
    return new IssueCall(this.#config, this.#dispatcher, body, timeoutMs, signal).run()
  }

  /**
   * Closes the client's own connection pool after in-flight calls finish. A dispatcher passed in
   * the options is left open. Later calls reject with `AuthleteClientClosedError`. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  /** `await using client = new AuthleteClient(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
