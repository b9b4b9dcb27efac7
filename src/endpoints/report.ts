/**
 * How an endpoint's flow tells the user's `onError` hook what it absorbed.
 *
 * @internal
 */

/** Tells `onError` of an error at a stage of the flow. Never throws. */
export type Report<Stage> = (error: unknown, stage: Stage) => void

/**
 * A {@link Report} to the `onError` of `hooks`, whatever `hooks` is (`undefined`, a throwing getter):
 * a logger that throws or rejects must not turn an answer into a crash or an unhandled rejection.
 */
export function reporterOf<Stage>(hooks: unknown): Report<Stage> {
  let onError: unknown
  try {
    onError = (hooks as { onError?: unknown } | null | undefined)?.onError
  } catch {
    onError = undefined
  }
  return (error, stage) => {
    if (typeof onError !== 'function') return
    try {
      const result = onError(error, stage)
      if (result instanceof Promise) result.catch(() => {})
    } catch {
      // The answer goes out all the same.
    }
  }
}
