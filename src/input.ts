/**
 * Argument checks shared by the client's options, per-call options and the operation files. Each
 * throws an {@link AuthleteInputError} that names the field and never shows its value.
 *
 * @internal
 * @module
 */

import { AuthleteInputError } from './errors.js'

/** The longest string field accepted in a request: anything near it is a bug of the caller. */
export const MAX_FIELD_LENGTH = 65_536

/**
 * `input` is a plain object whose keys are all in `known`; returns it typed as a record.
 */
export function checkFields(
  input: unknown,
  known: ReadonlySet<string>,
  what: string,
): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AuthleteInputError(what, 'must be an object')
  }
  // By index: no iterator per request (every call's request passes here).
  const keys = Object.keys(input)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    if (!known.has(key)) throw new AuthleteInputError(key, `is not a field of ${what}${suggest(key, known)}`)
  }
  return input as Record<string, unknown>
}

/** A required non-empty, well-formed string of at most `max` characters. */
export function requiredString(value: unknown, field: string, max = MAX_FIELD_LENGTH): string {
  if (typeof value !== 'string') throw new AuthleteInputError(field, 'must be a string')
  if (value.length === 0) throw new AuthleteInputError(field, 'must not be empty')
  return checkedString(value, field, max)
}

/** An optional string: `undefined` passes, anything else must be a well-formed string. */
export function optionalString(value: unknown, field: string, max = MAX_FIELD_LENGTH): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new AuthleteInputError(field, 'must be a string')
  return checkedString(value, field, max)
}

function checkedString(value: string, field: string, max: number): string {
  if (value.length > max) throw new AuthleteInputError(field, `must be at most ${max} characters`)
  if (!value.isWellFormed()) {
    throw new AuthleteInputError(field, 'must be well-formed Unicode (it has a lone surrogate)')
  }
  return value
}

/**
 * ` (did you mean "x"?)` for the known name closest to `name` (a few edits away, or one that
 * starts with it), else an empty string.
 */
export function suggest(name: string, known: Iterable<string>): string {
  const lower = name.toLowerCase()
  // How many edits still read as a slip of the keyboard: fewer for short names.
  const allowed = lower.length <= 3 ? 1 : lower.length <= 5 ? 2 : 3
  let best: string | undefined
  let bestScore = allowed + 1
  for (const candidate of known) {
    const other = candidate.toLowerCase()
    let score = editDistance(lower, other, allowed + 1)
    if (score > allowed && lower.length >= 3 && other.startsWith(lower)) score = allowed
    if (score < bestScore) {
      bestScore = score
      best = candidate
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`
}

/** Levenshtein distance between `a` and `b`, or `cap` when it is at least that. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
    }
    previous = current
  }
  return Math.min(previous[b.length] as number, cap)
}
