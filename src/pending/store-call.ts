/**
 * One store call within a deadline: it never waits past it, whatever the store does with the
 * signal it is given; and how a store's failures are told.
 *
 * @internal
 * @module
 */

import type { Deadline } from '../deadline.js'
import { AuthleteAbortError, AuthletePendingError } from '../errors.js'
import type { PendingStoreContext } from './store.js'

/**
 * Runs one call of a store (`store` names it in errors: the pending store, the push subscription
 * store) within `deadline`: it resolves to what the store answered, or rejects with
 * `AUTHLETE_STORE` (the store failed, or the deadline passed first) or `AUTHLETE_ABORTED` (the
 * caller's signal fired).
 */
export async function storeCall<T>(
  what: string,
  deadline: Deadline,
  call: (context: PendingStoreContext) => Promise<T>,
  store = 'pending store',
): Promise<T> {
  const { signal } = deadline
  if (signal.aborted) throw stopped(what, deadline, store)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopped(what, deadline, store))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    // A store that throws synchronously is a failing store, like one that rejects. One that settles
    // after the deadline settles unobserved.
    const answer = Promise.resolve().then(() => call({ signal }))
    answer.catch(() => {})
    return await Promise.race([answer, aborted])
  } catch (error) {
    if (error instanceof AuthleteAbortError || error instanceof AuthletePendingError) throw error
    if (signal.aborted) throw stopped(what, deadline, store)
    throw new AuthletePendingError('AUTHLETE_STORE', `The ${store} failed (${what})`, { cause: error })
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

function stopped(what: string, deadline: Deadline, store: string): Error {
  if (deadline.timedOut()) {
    return new AuthletePendingError(
      'AUTHLETE_STORE',
      `The ${store} did not answer within ${deadline.timeoutMs} ms (${what})`,
    )
  }
  return new AuthleteAbortError(deadline.signal.reason)
}

/** Answers that are not what the contract says: the store is broken, and is reported as such. */
export function nonsense(what: string, detail: string): AuthletePendingError {
  return new AuthletePendingError(
    'AUTHLETE_STORE',
    `The pending store answered nonsense (${what}): ${detail}`,
  )
}
