/**
 * `setupAuthleteServer`: msw's `setupServer` API, intercepting the requests an `AuthleteClient` makes.
 *
 * Why not msw's own `setupServer`: it patches `http.request`, global `fetch` and XHR, while
 * `AuthleteClient` talks to undici's `Dispatcher` directly, below all three. `@mswjs/interceptors`'
 * `HttpRequestInterceptor` works one level lower, on the sockets Node's `net`/`tls` create, so it sees
 * the client with its default options: no dispatcher has to be injected and no code path exists in
 * the client for tests only. (The other route, an undici `Dispatcher` answering from msw's
 * `getResponse`, would only see clients built with that dispatcher.)
 *
 * @see https://mswjs.io/docs/api/setup-server
 * @module
 */

import { HttpRequestInterceptor } from '@mswjs/interceptors/http'
import type { AnyHandler, UnhandledFrameHandle } from 'msw'
import { defineNetwork, InterceptorSource } from 'msw/experimental'
import { AsyncHandlersController } from 'msw/node'

/**
 * What to do with a request no handler answers.

 */
export type UnhandledRequestStrategy = 'error' | 'warn' | 'bypass' | ((request: Request) => void)

/**
 * Options of {@link AuthleteMockServer.listen}.

 */
export interface AuthleteMockServerListenOptions {
  /**
   * `error` (default): the request fails with a network error (the client rejects with
   * `AuthleteNetworkError`), the method and URL are printed, and are kept in
   * `server.unhandledRequests`; `warn`: print and let it through to the network; `bypass`: let
   * it through silently; a function: called with the request, which then fails.
   */
  onUnhandledRequest?: UnhandledRequestStrategy
}

type Network = ReturnType<typeof createNetwork>

/**
 * The server {@link setupAuthleteServer} returns: msw's `SetupServer` API.

 */
export interface AuthleteMockServer {
  /** Starts intercepting. Call in `beforeAll`. */
  listen(options?: AuthleteMockServerListenOptions): void
  /** Prepends handlers for the current test (undone by `resetHandlers`). */
  use(...handlers: AnyHandler[]): void
  /** Drops handlers added by `use`, or replaces the initial ones with `handlers`. Call in `afterEach`. */
  resetHandlers(...handlers: AnyHandler[]): void
  /** Marks `once` handlers as unused again. */
  restoreHandlers(): void
  /** The current handlers, `use`d ones first. */
  listHandlers(): ReadonlyArray<AnyHandler>
  /** Stops intercepting. Call in `afterAll`. */
  close(): void
  /**
   * Runs `callback` in a boundary: handlers added with `use` inside it apply to it alone, so that
   * concurrent tests do not see each other's overrides (msw's `server.boundary`).
   */
  boundary<Args extends unknown[], R>(callback: (...args: Args) => R): (...args: Args) => R
  /**
   * msw's life-cycle events: `request:start`, `request:match`, `request:unhandled`, `request:end`,
   * `response:mocked`, `response:bypass`, `unhandledException`. Assert on what was sent with them.
   */
  readonly events: Network['events']
  /** `METHOD URL` of each request that no handler answered since `listen` (with the `error` strategy). */
  readonly unhandledRequests: readonly string[]
}

function createNetwork(handlers: AsyncHandlersController) {
  return defineNetwork({
    sources: [new InterceptorSource({ interceptors: [new HttpRequestInterceptor()] })],
    handlers,
    context: { quiet: true },
  })
}

/**
 * Intercepts HTTP requests in this process, `AuthleteClient`'s included, and answers them with the
 * given msw handlers. The whole setup:
 *
 * ```ts
 * const server = setupAuthleteServer(...authleteHandlers())
 * beforeAll(() => server.listen())
 * afterEach(() => server.resetHandlers())
 * afterAll(() => server.close())
 * ```

 */
export function setupAuthleteServer(...handlers: AnyHandler[]): AuthleteMockServer {
  // msw's own controller for setupServer: it scopes `use` to a boundary through AsyncLocalStorage.
  const controller = new AsyncHandlersController(handlers)
  const network = createNetwork(controller)
  const unhandled: string[] = []

  function unhandledFrameHandle(strategy: UnhandledRequestStrategy): UnhandledFrameHandle {
    return ({ frame }) => {
      const request = (frame.data as { request?: Request }).request
      // Only the method and URL are printed: the request's headers hold the caller's credentials.
      const line = request ? `${request.method} ${request.url}` : String(frame.protocol)
      if (strategy === 'bypass') return frame.passthrough()
      if (strategy === 'warn') {
        console.warn(`[authlete-ciba/mocks] no handler for ${line}; it goes to the network`)
        return frame.passthrough()
      }
      unhandled.push(line)
      if (typeof strategy === 'function' && request) strategy(request)
      else console.error(`[authlete-ciba/mocks] no handler for ${line}`)
      // A network error, as a request to a host that does not exist would get: msw's errorWith()
      // would answer a 500 instead, which a client could mistake for Authlete's own.
      const http = frame as { respondWith?: (response: Response) => void }
      if (http.respondWith) http.respondWith(Response.error())
      else frame.errorWith(new TypeError(`authlete-ciba/mocks: no handler for ${line}`))
    }
  }

  return {
    listen(options = {}) {
      if (network.readyState === 1) {
        throw new Error('setupAuthleteServer: listen() was called twice without close()')
      }
      unhandled.length = 0
      network.configure({ onUnhandledFrame: unhandledFrameHandle(options.onUnhandledRequest ?? 'error') })
      network.enable()
    },
    use: (...next) => network.use(...next),
    resetHandlers: (...next) => network.resetHandlers(...next),
    restoreHandlers: () => network.restoreHandlers(),
    listHandlers: () => network.listHandlers(),
    close() {
      network.disable()
    },
    boundary: (callback) => controller.boundary(callback),
    events: network.events,
    unhandledRequests: unhandled,
  }
}
