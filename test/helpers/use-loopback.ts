import { afterAll, beforeAll } from 'vitest'
import { type Loopback, type LoopbackHandler, startLoopback } from './loopback.js'

/**
 * A loopback server for the tests of the enclosing file or `describe`: started in `beforeAll`,
 * closed in `afterAll`. The object returned stands for it from the first hook on (reading it at
 * collection time, outside a test or hook, throws).
 *
 * ```ts
 * const server = useLoopback()
 * it('…', async () => { server.handle((_r, res) => json(res, 200, OK_BODY)); fetch(server.url) })
 * ```
 */
export function useLoopback(handler?: LoopbackHandler): Loopback {
  let started: Loopback | undefined
  beforeAll(async () => {
    started = await startLoopback(handler)
  })
  afterAll(() => started?.close())
  const server = (): Loopback => {
    if (started === undefined)
      throw new Error('useLoopback(): the server starts in beforeAll; use it in a test')
    return started
  }
  return {
    get url() {
      return server().url
    },
    get port() {
      return server().port
    },
    get requests() {
      return server().requests
    },
    get server() {
      return server().server
    },
    handle: (next) => server().handle(next),
    close: () => server().close(),
  }
}
