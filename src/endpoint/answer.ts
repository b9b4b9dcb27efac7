/**
 * What the endpoint responses read of Authlete's answer.
 *
 * @internal
 */

/** An answer of Authlete (a result, not an error): it has an `action`. */
export function isAnswer<Answer extends { action: string }>(value: unknown): value is Answer {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { action?: unknown }).action === 'string'
  )
}
