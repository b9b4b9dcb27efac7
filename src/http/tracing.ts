/**
 * Tracing: each operation publishes on a `node:diagnostics_channel` TracingChannel named
 * `authlete-ciba:<operation name>`, so its events are `tracing:authlete-ciba:<name>:start`, `:end`,
 * `:asyncStart`, `:asyncEnd` and `:error`, in the order `TracingChannel#tracePromise` uses. Nothing is published, and no context allocated,
 * while nobody subscribes.
 *
 * The context is this package's own object, never the answer or the error: those hold identifiers,
 * tokens and body text, which must not reach a subscriber that logs what it gets.
 *
 * @see https://nodejs.org/api/diagnostics_channel.html#class-tracingchannel
 * @module
 */

import diagnosticsChannel, { type TracingChannel } from 'node:diagnostics_channel'
import { AuthleteApiError, AuthleteError, AuthleteResponseError } from '../errors.js'

/**
 * The message of every event of an `authlete-ciba:*` tracing channel. One object per call: the
 * fields below `url` are filled in as they become known, and are all there by `asyncEnd`.
 */
export interface AuthleteTraceContext {
  /** The operation's name (the client method), or `notification` for a ping/push delivery. */
  operation: string
  /** The HTTP method: `POST`, or `GET` for `serviceConfiguration` and `serviceJwks`. */
  method: 'POST' | 'GET'
  /** The request URL: Authlete's, or the client's notification endpoint (origin and path). No credential. */
  url: string
  /** HTTP attempts made, retries included (0 when the call failed before sending). */
  attempts?: number
  /** The HTTP status of the last answer. */
  status?: number
  /** Authlete's `resultCode`, from the answer or from an error status's body. */
  resultCode?: string
  /** The answer's `action`. */
  action?: string
  /** The error's `code` (e.g. `AUTHLETE_TIMEOUT`), when the call failed. */
  code?: string
}

const channels = new Map<string, TracingChannel<object, AuthleteTraceContext>>()

/**
 * The tracing channel of `name`, made once.
 *
 * @internal
 */
export function tracingChannelOf(name: string): TracingChannel<object, AuthleteTraceContext> {
  let channel = channels.get(name)
  if (channel === undefined) {
    channel = diagnosticsChannel.tracingChannel<object, AuthleteTraceContext>(`authlete-ciba:${name}`)
    channels.set(name, channel)
  }
  return channel
}

/**
 * Runs `run` (which fills `context.attempts` and `context.status` as it goes) inside the channel's
 * events, as `tracePromise` would, then adds what the outcome says (`action` and `resultCode`, or
 * the error's `code`).
 *
 * @internal
 */
export function traced<T>(
  channel: TracingChannel<object, AuthleteTraceContext>,
  context: AuthleteTraceContext,
  run: () => Promise<T>,
): Promise<T> {
  return channel.start.runStores(context, () => {
    let promise: Promise<T>
    try {
      promise = run()
    } finally {
      channel.end.publish(context)
    }
    return promise.then(
      (result) => {
        const answer = result as { action?: unknown; resultCode?: unknown } | null
        if (typeof answer?.action === 'string') context.action = answer.action
        if (typeof answer?.resultCode === 'string') context.resultCode = answer.resultCode
        channel.asyncStart.publish(context)
        channel.asyncEnd.publish(context)
        return result
      },
      (error: unknown) => {
        if (error instanceof AuthleteError) {
          context.code = error.code
          if (error instanceof AuthleteApiError || error instanceof AuthleteResponseError) {
            context.status = error.status
          }
          if (error instanceof AuthleteApiError && error.resultCode !== undefined) {
            context.resultCode = error.resultCode
          }
        }
        channel.error.publish(context)
        channel.asyncStart.publish(context)
        channel.asyncEnd.publish(context)
        throw error
      },
    )
  })
}
