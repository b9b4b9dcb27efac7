/**
 * RFC 9396 `authorization_details`, as the device shows them: Authlete hands each element over with
 * its common fields (`dataTypes` in camel case) and every other field as one JSON text
 * (`otherFields`); the record keeps the RFC's own array again, each element one plain object.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9396#section-2
 * @module
 */

import type { AuthorizationDetails } from '../operations/fields.js'

/**
 * One element of RFC 9396 `authorization_details`: its `type`, the common fields when the client
 * sent them, and any field of the type's own (`instructedAmount`, `creditorName`, …) as sent.
 */
export interface AuthorizationDetail {
  type: string
  locations?: string[]
  actions?: string[]
  datatypes?: string[]
  identifier?: string
  privileges?: string[]
  [field: string]: unknown
}

/** The common fields Authlete gives apart, by the name RFC 9396 §2.2 gives them. */
const COMMON: ReadonlyArray<readonly [authlete: string, rfc: string]> = [
  ['locations', 'locations'],
  ['actions', 'actions'],
  ['dataTypes', 'datatypes'],
  ['identifier', 'identifier'],
  ['privileges', 'privileges'],
]

/**
 * The RFC 9396 array of Authlete's `authorizationDetails`, or `undefined` when the request had none.
 * An `otherFields` that is not a JSON object is left out (Authlete writes it from the request's
 * own JSON, so it always is one); the common fields keep their place over it.
 */
export function authorizationDetailsOf(
  details: AuthorizationDetails | null | undefined,
): AuthorizationDetail[] | undefined {
  const elements = details?.elements
  if (!Array.isArray(elements) || elements.length === 0) return undefined
  return elements.map((element) => {
    const detail: AuthorizationDetail = { type: element.type }
    for (const [authlete, rfc] of COMMON) {
      const value = element[authlete]
      if (value !== undefined && value !== null) detail[rfc] = value
    }
    for (const [field, value] of Object.entries(otherFieldsOf(element.otherFields))) {
      // An own field only (a field named `constructor` is the client's); never the prototype.
      if (!Object.hasOwn(detail, field) && field !== '__proto__') detail[field] = value
    }
    return detail
  })
}

function otherFieldsOf(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text === '') return {}
  try {
    const parsed = bounded(JSON.parse(text) as unknown, 0)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

/** How deep a detail's value is kept as it is: what a person reads on a device, not a document. */
const MAX_DEPTH = 8

/**
 * `value` with what lies deeper than {@link MAX_DEPTH} levels shown as `…`: a record stays a shape
 * every store can copy and list (a value nested thousands deep overflowed a copy's stack, and the
 * whole list of its user failed with it).
 */
function bounded(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return '…'
  if (Array.isArray(value)) return value.map((item) => bounded(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key !== '__proto__') out[key] = bounded(item, depth + 1)
  }
  return out
}
