import { inspect } from 'node:util'

/**
 * Every text an error can be turned into: message, stack, own properties (hidden ones too), the
 * whole `cause` chain and `AggregateError.errors`, `JSON.stringify` and `util.inspect`.
 */
export function renderings(error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [String(error)]
  seen.add(error)
  const texts = [inspect(error, { depth: 20, showHidden: true }), safeJson(error)]
  if (error instanceof Error) texts.push(error.message, error.stack ?? '')
  for (const key of Reflect.ownKeys(error)) {
    const value = (error as Record<PropertyKey, unknown>)[key]
    texts.push(typeof value === 'object' ? inspect(value, { depth: 20, showHidden: true }) : String(value))
    if (key === 'cause') texts.push(...renderings(value, seen))
    if (key === 'errors' && Array.isArray(value))
      for (const item of value) texts.push(...renderings(item, seen))
  }
  return texts
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/** The texts of `error` that contain one of `secrets`, for a readable failure. */
export function leaks(error: unknown, secrets: readonly string[]): string[] {
  return renderings(error).filter((text) => secrets.some((secret) => text.includes(secret)))
}
