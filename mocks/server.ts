/**
 * `setupAuthleteServer`: msw 3's `setupServer` API, answering the requests an `AuthleteClient` makes
 * and letting every other request of the process through.
 *
 * Why not msw's own `setupServer`: it patches `http.request`, global `fetch` and XHR, while
 * `AuthleteClient` talks to undici's `Dispatcher` directly, below all three. `@mswjs/interceptors`'
 * `HttpRequestInterceptor` works one level lower, on the sockets Node's `net`/`tls` create, so it sees
 * the client with its default options: no dispatcher has to be injected and no code path exists in
 * the client for tests only. (The other route, an undici `Dispatcher` answering from msw's
 * `getResponse`, would only see clients built with that dispatcher.)
 *
 * Scope: that interceptor sees every HTTP request of the process, the test's own `fetch` to the app
 * under test included. The server answers what its handlers match; of the rest, Authlete's traffic
 * (see `scope.ts`) fails with a network error, so that it never reaches a real Authlete, and anything
 * else is performed as-is, silently, as msw's `setupServer` does with `onUnhandledFrame: 'bypass'`.
 *
 * @see https://mswjs.io/docs/api/setup-server
 * @module
 */

import { HttpRequestInterceptor } from '@mswjs/interceptors/http'
import type { AnyHandler, UnhandledFrameHandle, UnhandledFrameStrategy } from 'msw'
import { defineNetwork, HttpNetworkFrame, InterceptorSource, NetworkReadyState } from 'msw/experimental'
import { AsyncHandlersController, type SetupServer } from 'msw/node'
import { AUTHLETE_HOSTS } from './authlete.js'
import { AuthleteScope } from './traffic.js'

/**
 * msw 3's `onUnhandledFrame` callback, for Authlete's traffic: `frame` is always an HTTP frame
 * (`frame.data.request` is the request); `defaults.warn()` and `defaults.error()` print msw's messages.
 */
export type AuthleteUnhandledFrameCallback = (args: {
  frame: HttpNetworkFrame
  defaults: { warn(): void | Promise<void>; error(): void | Promise<void> }
}) => void | Promise<void>

/**
 * msw 3's `onUnhandledFrame` forms: `'bypass' | 'warn' | 'error'` or a callback.
 */
export type AuthleteUnhandledFrameHandle = UnhandledFrameStrategy | AuthleteUnhandledFrameCallback

/**
 * Options of {@link AuthleteMockServer.listen}: msw 3's `server.listen` options.
 */
export interface AuthleteMockServerListenOptions {
  /**
   * What to do with a request to Authlete's traffic (an Authlete host, or a base URL the handlers
   * were made for) that no handler answers. Unlike msw, the request fails (the client sees a network
   * error) whatever the strategy, and is listed in `server.unhandledRequests`: the real Authlete
   * never sees a test's request. The strategy chooses what is printed: `'error'` msw's error,
   * `'warn'` msw's warning, `'bypass'` nothing; a callback `({ frame, defaults })` decides itself
   * (it may answer with `frame.respondWith(response)`; otherwise the request fails after it returns).
   *
   * Any other request is never given to this option: it goes to the network as it is, silently.
   * @default 'error'
   */
  onUnhandledFrame?: AuthleteUnhandledFrameHandle | undefined
}

/**
 * The server {@link setupAuthleteServer} returns: msw 3's `SetupServer` (`readyState`, `listen`,
 * `use`, `resetHandlers`, `restoreHandlers`, `listHandlers`, `close`, `boundary`, `events`), and the
 * requests it refused.
 */
export interface AuthleteMockServer extends SetupServer {
  /** Starts intercepting. Call in `beforeAll`. Throws when already listening, as msw does. */
  listen(options?: AuthleteMockServerListenOptions): void
  /**
   * `METHOD URL` of each request to Authlete's traffic that no handler answered since `listen`
   * (never its headers: they hold the caller's credentials).
   */
  readonly unhandledRequests: readonly string[]
}

const STRATEGIES: ReadonlySet<unknown> = new Set(['bypass', 'warn', 'error'])

function checkListenOptions(options: AuthleteMockServerListenOptions): AuthleteUnhandledFrameHandle {
  if ('onUnhandledRequest' in options) {
    throw new TypeError(
      'setupAuthleteServer: listen({ onUnhandledRequest }) is msw 2\'s option; msw 3 names it "onUnhandledFrame"',
    )
  }
  const handle = options.onUnhandledFrame ?? 'error'
  if (typeof handle !== 'function' && !STRATEGIES.has(handle)) {
    throw new TypeError(
      `setupAuthleteServer: onUnhandledFrame must be "bypass", "warn", "error" or a function, got ${JSON.stringify(handle)}`,
    )
  }
  return handle
}

/** Fails an unanswered request with a network error, as an unreachable host would. */
function refuse(frame: HttpNetworkFrame): void {
  try {
    // msw's errorWith() would answer a 500, which a client could mistake for Authlete's own answer.
    frame.respondWith(Response.error())
  } catch {
    // The onUnhandledFrame callback answered the request itself.
  }
}

/**
 * Intercepts the HTTP requests of this process: `AuthleteClient`'s (with default options) get
 * answers from the given msw handlers; other requests go through. The whole setup:
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
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [new HttpRequestInterceptor()] })],
    handlers: controller,
    context: { quiet: true },
  })
  const scope = new AuthleteScope(AUTHLETE_HOSTS)
  scope.addHandlers(handlers)
  const unhandled: string[] = []

  function onUnhandledFrame(handle: AuthleteUnhandledFrameHandle): UnhandledFrameHandle {
    return async ({ frame, defaults }) => {
      // Returning lets msw perform the request as it is: the test's own traffic.
      if (!(frame instanceof HttpNetworkFrame)) return
      const { request } = frame.data
      if (!scope.has(request.url)) return
      unhandled.push(`${request.method} ${request.url}`)
      try {
        if (typeof handle === 'function') await handle({ frame, defaults })
        else if (handle === 'warn') await defaults.warn()
        else if (handle === 'error') await defaults.error()
      } finally {
        refuse(frame)
      }
    }
  }

  const server: AuthleteMockServer = {
    get readyState() {
      return network.readyState
    },
    listen(options = {}) {
      if (network.readyState === NetworkReadyState.ENABLED) {
        throw new Error(
          '[MSW] Failed to call "server.listen()": the server is already listening. Remove the redundant "server.listen()" call.',
        )
      }
      const handle = checkListenOptions(options)
      unhandled.length = 0
      network.configure({ onUnhandledFrame: onUnhandledFrame(handle) })
      network.enable()
    },
    use(...next) {
      scope.addHandlers(next)
      network.use(...next)
    },
    resetHandlers(...next) {
      scope.addHandlers(next)
      network.resetHandlers(...next)
    },
    restoreHandlers: () => network.restoreHandlers(),
    listHandlers: () => network.listHandlers(),
    close() {
      network.disable()
    },
    boundary: (callback) => controller.boundary(callback),
    events: network.events,
    unhandledRequests: unhandled,
  }
  return server
}
