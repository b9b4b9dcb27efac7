/**
 * A queue of things a test awaits (pending authentications, notifications): `next()` resolves with
 * the oldest one not yet taken, or waits for the next to arrive.
 *
 * @module
 */

/**
 * Options of a wait.
 */
export interface WaitOptions {
  /**
   * Gives up waiting when it fires (e.g. `AbortSignal.timeout(1000)`), rejecting with its reason.
   * @default no limit (the test runner's timeout applies)
   */
  signal?: AbortSignal | undefined
}

interface Waiter<T> {
  match: (item: T) => boolean
  resolve: (item: T) => void
  reject: (reason: unknown) => void
}

/**
 * Contract (the race it settles): every item goes to exactly one `next()` call. An item that
 * arrives before anyone waits is kept until a `next()` takes it, so awaiting after the request that
 * produced the item resolves all the same; waiters are served in the order they started waiting.
 *
 * @internal
 */
export class Arrivals<T> {
  readonly #unclaimed: T[] = []
  readonly #waiters: Waiter<T>[] = []

  push(item: T): void {
    const index = this.#waiters.findIndex((waiter) => waiter.match(item))
    if (index === -1) {
      this.#unclaimed.push(item)
      return
    }
    const [waiter] = this.#waiters.splice(index, 1)
    waiter?.resolve(item)
  }

  next(match: (item: T) => boolean = () => true, options: WaitOptions = {}): Promise<T> {
    const index = this.#unclaimed.findIndex(match)
    if (index !== -1) return Promise.resolve(this.#unclaimed.splice(index, 1)[0] as T)
    const { signal } = options
    if (signal?.aborted) return Promise.reject(signal.reason)
    const waiting = new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter)
        if (at !== -1) this.#waiters.splice(at, 1)
        reject(signal?.reason)
      }
      const waiter: Waiter<T> = {
        match,
        resolve: (item) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(item)
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort)
          reject(reason)
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
    // A wait a test abandoned must not turn clear()'s rejection into an unhandled one.
    waiting.catch(() => {})
    return waiting
  }

  /** Drops the unclaimed items and rejects every waiter with `reason`. */
  clear(reason: Error): void {
    this.#unclaimed.length = 0
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason)
  }
}
