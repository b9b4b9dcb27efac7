/**
 * What the client's own pool knows about its connections, through the connector it gives undici:
 * which connect attempts are still pending, and whether a request starts on a connection that just
 * opened. A dispatcher passed in the options is the caller's, and goes without.
 *
 * - A connect attempt no call waits for any more is destroyed at once. undici cannot take a request
 *   that waits for a connection out of its queue through the handler API, so a call that gave up
 *   (deadline, abort) while its TCP connect hung left that connect running until undici's connect
 *   timeout (10 s): `close()` waited for it, and a process that never closes the client could not
 *   exit before.
 * - undici writes the first request(s) of a new connection synchronously inside the connector's
 *   callback; a request that starts anywhere else goes out on a connection that carried requests
 *   before (reused), which the retry policy needs to know (see `call.ts`).
 *
 * Per attempt this costs two counter updates and a flag read; the set changes once per connection.
 *
 * It wraps any connector that returns what cancels its connect (undici's returns the socket; the
 * notification's guarded connector a handle that also stops its walk over a host's addresses).
 *
 * @internal
 * @module
 */

import { buildConnector, Client, type Dispatcher } from 'undici'

/** What cancels a connect in progress: a socket, or a connector's own handle. */
export interface PendingConnect {
  destroy(error?: Error): unknown
}

/** A connector (undici's `connect` function form) that returns what cancels its connect, if anything. */
export type CancellableConnector = (
  options: buildConnector.Options,
  callback: buildConnector.Callback,
) => PendingConnect | undefined

export class Connections {
  /** True while undici, called back by a connection that just opened, writes its first requests. */
  fresh = false
  /** Attempts handed to the pool that have not started: they wait for a connection. */
  waiting = 0
  /** For the pool's `connect` option: undici's own connector, with its defaults, watched. */
  readonly connect: buildConnector.connector
  readonly #connecting = new Set<PendingConnect>()

  readonly #origin: string

  /** `origin`: the pool's, for {@link Connections.single}; `open`: the connector watched. */
  constructor(origin: string, open: CancellableConnector = buildConnector({}) as CancellableConnector) {
    this.#origin = origin
    this.connect = (options, callback) => {
      let done = false
      const socket = open(options, (...args) => {
        done = true
        if (socket !== undefined) this.#connecting.delete(socket)
        this.fresh = args[0] === null
        try {
          callback(...args)
        } finally {
          this.fresh = false
        }
      })
      if (!done && socket !== undefined) this.#connecting.add(socket)
      return socket as never
    }
  }

  /**
   * A client of one new connection, through the same connector: for the request repeated after the
   * keep-alive race, which must not meet another idle connection of the pool. The caller destroys it.
   */
  single(): Dispatcher {
    return new Client(this.#origin, { connect: this.connect })
  }

  /**
   * An attempt stopped waiting for a connection: it started, it failed before, or its call gave up.
   * When no attempt waits any more, no pending connect serves a call: each is destroyed.
   */
  leave(): void {
    if (--this.waiting === 0 && this.#connecting.size > 0) {
      // Not an undici code: undici then fails the (dead) requests queued for the connection, rather
      // than connecting again for them.
      const error = Object.assign(new Error('No call waits for this connection any more'), {
        code: 'AUTHLETE_CONNECT_CANCELLED',
      })
      for (const socket of this.#connecting) socket.destroy(error)
      this.#connecting.clear()
    }
  }
}
