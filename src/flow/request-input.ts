/**
 * The client's request body as the endpoints take it: the raw form text, `URLSearchParams`, or the
 * object a body parser made of it (`express.urlencoded()`), turned back into form text for Authlete,
 * which parses (and checks) it itself.
 *
 * @module
 */

/** A request body as a framework may hand it over. */
export type FormBody =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>

/** Why a body cannot be turned into form text: the server's setup (`server`) or the client's request (`client`). */
export type UnusableForm = { readonly unusable: 'server' | 'client'; readonly problem: string }

/**
 * `body` as `application/x-www-form-urlencoded` text. A parsed object's array values become
 * repeated parameters (so that Authlete still refuses a duplicated one), `undefined` ones are left
 * out. A nested object (a parser's "extended" syntax, `a[b]=c`) cannot be told back from the text it
 * came from: the client's request is refused. Anything but text, `URLSearchParams` or a plain object
 * is the server's mistake.
 */
export function formText(body: unknown): string | UnusableForm {
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  if (typeof body !== 'object' || body === null) {
    return {
      unusable: 'server',
      problem: 'the body must be the raw request text, URLSearchParams or a parsed object',
    }
  }
  const prototype = Object.getPrototypeOf(body)
  if (prototype !== Object.prototype && prototype !== null) {
    return {
      unusable: 'server',
      problem: 'the body must be the raw request text, URLSearchParams or a parsed object',
    }
  }
  const form = new URLSearchParams()
  const fields = body as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value === undefined) continue
    if (typeof value === 'string') form.append(key, value)
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      for (const item of value as string[]) form.append(key, item)
    } else {
      return { unusable: 'client', problem: `the parameter ${JSON.stringify(key.slice(0, 64))} is not text` }
    }
  }
  return form.toString()
}
