/**
 * Checks of the request values that are not plain text (seconds, JSON objects, extra properties,
 * string lists, certificate chains), shared by the operations that send them. Each throws an
 * {@link AuthleteInputError} that names the field and never shows its value.
 *
 * @internal
 * @module
 */

import { AuthleteInputError } from '../errors.js'
import { checkFields, optionalString as optionalText, requiredString } from '../input.js'

/** An extra property attached to the tokens: `hidden` ones are not shown to the client. */
export interface TokenProperty {
  key: string
  value: string
  hidden?: boolean | undefined
}

const PROPERTY_FIELDS: ReadonlySet<string> = new Set(['key', 'value', 'hidden'])

/** A whole number of seconds, at least 0. */
export function seconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new AuthleteInputError(field, 'must be a whole number of seconds >= 0')
  }
  return value
}

/** An optional boolean. */
export function optionalFlag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw new AuthleteInputError(field, 'must be a boolean')
}

/** A JSON object given as text (checked to be one) or as an object (serialised). */
export function jsonText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') {
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      throw new AuthleteInputError(field, 'must be a JSON object or its JSON text (the text is not JSON)')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AuthleteInputError(field, 'must be a JSON object or its JSON text')
    }
    return value
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthleteInputError(field, 'must be a JSON object or its JSON text')
  }
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (cause) {
    throw new AuthleteInputError(field, 'could not be serialised to JSON', { cause })
  }
  // A toJSON (a Date, a boxed String) may serialise to something else than an object, or to nothing.
  if (text === undefined || !text.startsWith('{')) {
    throw new AuthleteInputError(field, 'must be a JSON object or its JSON text (it serialises to no object)')
  }
  return text
}

/** A list of non-empty strings (a certificate chain, scopes). */
export function strings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new AuthleteInputError(field, 'must be an array of strings')
  // Array.from, not map: a hole must be refused, not skipped (JSON would send it as null).
  return Array.from(value, (item, i) => requiredString(item, `${field}[${i}]`))
}

/** Extra properties: `{ key, value, hidden? }` each. */
export function properties(value: unknown): TokenProperty[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value))
    throw new AuthleteInputError('properties', 'must be an array of { key, value, hidden }')
  return Array.from(value as unknown[], (item, i) => {
    const field = `properties[${i}]`
    const property = checkFields(item, PROPERTY_FIELDS, field)
    const hidden = property.hidden
    if (hidden !== undefined && typeof hidden !== 'boolean') {
      throw new AuthleteInputError(`${field}.hidden`, 'must be a boolean')
    }
    if (typeof property.value !== 'string') throw new AuthleteInputError(`${field}.value`, 'must be a string')
    return {
      key: requiredString(property.key, `${field}.key`),
      value: optionalText(property.value, `${field}.value`) as string,
      ...(hidden === undefined ? {} : { hidden }),
    }
  })
}
