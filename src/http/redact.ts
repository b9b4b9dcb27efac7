/**
 * Keeping credentials out of text that came back from the network, and out of errors other code
 * built: a debugging proxy or a `resultMessage` may echo the request's `Authorization` header into
 * an error, and a dispatcher's own error may list the request headers (undici's `MockAgent` does).
 *
 * Everything here runs on error paths only.
 *
 * @internal
 * @module
 */

import { inspect } from 'node:util'
import type { RequestBody } from './request.js'
import { SecretMatcher } from './secret-matcher.js'

const MARK = '[REDACTED]'

/**
 * Below this length a credential is redacted only where it stands alone. Authlete issues access
 * tokens and API secrets several times longer (and a Basic value is longer than the secret), so a
 * shorter one is a test value (`'t'`, `'tok'`). Replaced wherever it occurs, it would garble every
 * word it happens to be part of, and the pattern of replacements would spell the credential out for
 * anyone who knows the page; left alone, an echoed `Bearer t` would show it. So it is replaced
 * where no credential character touches it, which is how an echo of the header shows it.
 */
export const WHOLE_WORD_BELOW = 6
/** Whether `text` may hold an encoded form: URL encoding, an HTML character reference, a JSON escape. */
const MAYBE_ENCODED = /[%&\\]/

/**
 * What {@link redact} replaces: secret values, longest first, and, from {@link withRequestSecrets},
 * the names of the request's secret fields that were sent (`clientSecret`, `user_code` for
 * `parameters.user_code`). A field's value is replaced where it follows `name=`, whatever its
 * length: a PIN or a test password is too short to be found by its value inside `user_code=4821`.
 */
export type Secrets = readonly string[] & { readonly fieldNames?: readonly string[] }
/** Characters of a name in a form: before one of them, `name=` is the end of another field's name. */
const NAME = /[A-Za-z0-9_.-]/
/** Where a field's value ends in an echo: the next field, markup, a quote, a separator or closing bracket. */
const VALUE_END = /[&<>"'`\\\s,;)\]}]/

/** Each list of secrets' matcher, made when an error first needs it. */
const matchers = new WeakMap<Secrets, SecretMatcher>()

/** The matcher of `secrets`, made once per list. */
export function matcherOf(secrets: Secrets): SecretMatcher {
  let matcher = matchers.get(secrets)
  if (matcher === undefined) {
    matcher = new SecretMatcher(secrets, WHOLE_WORD_BELOW)
    matchers.set(secrets, matcher)
  }
  return matcher
}

/**
 * `text` with every occurrence of each secret replaced by `[REDACTED]`: as it is, URL-encoded
 * (`%2B`, either case), as HTML character references (`&#43;`, `&#x2B;`, `&plus;`), JSON-escaped
 * (`\/`, `\u002B`), or these applied up to three times over. Only the credential is replaced; the text
 * around it stays as it came. One pass over the text for all the secrets together, however many
 * (see `secret-matcher.ts`), and one more per layer of encoding.
 */
export function redact(text: string, secrets: Secrets): string {
  if (secrets.length === 0 && secrets.fieldNames === undefined) return text
  const matcher = matcherOf(secrets)
  const ranges = matcher.scan(text)
  if (secrets.fieldNames !== undefined) findValues(text, secrets.fieldNames, null, ranges)
  text = replaceRanges(text, ranges)
  return MAYBE_ENCODED.test(text) ? redactEncoded(text, secrets, matcher) : text
}

/**
 * Adds to `ranges` where a value of one of `names` stands in `text` (`name=value`), as `[start,
 * end)` pairs of indices into the source `text` was decoded from (`starts[i]`: where the source of
 * character `i` begins; `null` when not decoded): up to the next `&` (or markup, a quote, white
 * space). A secret that starts there and runs past it (a decoded password may hold `&`) is covered
 * by the matcher's own range.
 */
function findValues(
  text: string,
  names: readonly string[],
  starts: readonly number[] | null,
  ranges: number[],
): void {
  for (const name of names) {
    const key = `${name}=`
    // The end of the last value scanned: a value starting before it ends there too (nothing in
    // between ends a value), so each character is scanned once, however often `name=` repeats.
    let scannedEnd = -1
    for (let at = text.indexOf(key); at !== -1; at = text.indexOf(key, at + 1)) {
      if (NAME.test(text.charAt(at - 1))) continue
      const value = at + key.length
      if (text.startsWith(MARK, value)) continue
      let end = Math.max(value, scannedEnd)
      while (end < text.length && !VALUE_END.test(text.charAt(end))) end++
      scannedEnd = end
      if (end === value) continue
      ranges.push(starts ? (starts[value] as number) : value, starts ? (starts[end] as number) : end)
    }
  }
}

/** `text` with each `[start, end)` range (pairs, in any order, possibly overlapping) replaced by the mark. */
function replaceRanges(text: string, ranges: number[]): string {
  if (ranges.length === 0) return text
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number])
  pairs.sort((a, b) => a[0] - b[0])
  let out = ''
  let from = 0
  for (const [start, end] of pairs) {
    if (end <= from) continue
    if (start >= from) out += text.slice(from, start) + MARK
    from = end
  }
  return out + text.slice(from)
}

/** Decodes up to three layers of encoding, finds the secrets there, and replaces their sources. */
function redactEncoded(text: string, secrets: Secrets, matcher: SecretMatcher): string {
  let decoded = text
  let starts: number[] | null = null
  for (let pass = 0; pass < 3 && MAYBE_ENCODED.test(decoded); pass++) {
    const step = decodeOnce(decoded)
    if (step === null) break
    const outer: number[] | null = starts
    starts = outer ? step.starts.map((i) => outer[i] as number) : step.starts
    decoded = step.text
  }
  if (starts === null) return text
  const found = matcher.scan(decoded)
  const ranges: number[] = []
  for (let i = 0; i < found.length; i += 2) {
    ranges.push(starts[found[i] as number] as number, starts[found[i + 1] as number] as number)
  }
  if (secrets.fieldNames !== undefined) findValues(decoded, secrets.fieldNames, starts, ranges)
  return replaceRanges(text, ranges)
}

const ENCODING =
  /%([0-9A-Fa-f]{2})|&#[xX]([0-9A-Fa-f]{1,6});?|&#(\d{1,7});?|&([A-Za-z]{2,8});|\\u([0-9A-Fa-f]{4})|\\(["'/\\])/g

/** HTML's named references for the punctuation a credential may hold (visible ASCII). */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  equals: '=',
  plus: '+',
  sol: '/',
  bsol: '\\',
  percnt: '%',
  num: '#',
  excl: '!',
  dollar: '$',
  lpar: '(',
  rpar: ')',
  ast: '*',
  comma: ',',
  period: '.',
  colon: ':',
  semi: ';',
  quest: '?',
  commat: '@',
  lsqb: '[',
  lbrack: '[',
  rsqb: ']',
  rbrack: ']',
  lowbar: '_',
  grave: '`',
  lcub: '{',
  lbrace: '{',
  rcub: '}',
  rbrace: '}',
  verbar: '|',
  vert: '|',
  Hat: '^',
}

/** One layer decoded, with where each decoded character's source starts; `null` if nothing was. */
function decodeOnce(text: string): { text: string; starts: number[] } | null {
  let out = ''
  const starts: number[] = []
  let from = 0
  for (const match of text.matchAll(ENCODING)) {
    const [whole, percent, hex, decimal, name, unicode, escaped] = match
    let char: string | undefined
    if (percent !== undefined) {
      const code = Number.parseInt(percent, 16)
      // Only ASCII: a credential is visible ASCII, and a byte above 0x7f is part of a UTF-8 sequence.
      if (code < 0x80) char = String.fromCharCode(code)
    } else if (hex !== undefined || decimal !== undefined) {
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal)
      if (code <= 0x10ffff) char = String.fromCodePoint(code)
    } else if (name !== undefined) {
      char = NAMED[name]
    } else if (unicode !== undefined) {
      char = String.fromCharCode(Number.parseInt(unicode, 16))
    } else {
      char = escaped
    }
    if (char === undefined) continue
    const at = match.index
    for (let i = from; i < at; i++) starts.push(i)
    out += text.slice(from, at)
    for (let i = 0; i < char.length; i++) starts.push(at)
    out += char
    from = at + whole.length
  }
  if (from === 0) return null
  for (let i = from; i <= text.length; i++) starts.push(i)
  return { text: out + text.slice(from), starts }
}

/**
 * `credentials` and the values of a request's secret fields (see `Operation.secretFields`), longest
 * first, with the names of the fields that were sent, as {@link redact} wants them. A parameter's
 * value is taken as it stands in its form and as decoded; where the form encoding hides it again,
 * `redact` decodes it.
 */
export function withRequestSecrets(
  credentials: readonly string[],
  body: RequestBody | null,
  fields: readonly string[] | undefined,
): Secrets {
  if (body === null || fields === undefined || fields.length === 0) return credentials
  const field = bodyFields(body)
  const values = new Set(credentials)
  const fieldNames = new Set<string>()
  for (const name of fields) {
    const dot = name.indexOf('.')
    const value = field(dot === -1 ? name : name.slice(0, dot))
    if (typeof value !== 'string' || value === '') continue
    if (dot === -1) {
      values.add(value)
      fieldNames.add(name)
      continue
    }
    const parameter = name.slice(dot + 1)
    const found = formParameter(value, parameter)
    for (const secret of found) values.add(secret)
    if (found.length > 0) fieldNames.add(parameter)
  }
  const secrets = [...values].sort((a, b) => b.length - a.length)
  return fieldNames.size === 0 ? secrets : Object.assign(secrets, { fieldNames: [...fieldNames] })
}

/** How the top-level fields of a request body are read. */
function bodyFields(body: RequestBody): (name: string) => unknown {
  if ('form' in body) {
    const form = new URLSearchParams(body.form)
    return (name) => form.get(name) ?? undefined
  }
  let json: unknown
  try {
    json = JSON.parse(body.json)
  } catch {
    return () => undefined
  }
  return (name) =>
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined
}

/** Every value of parameter `name` in the form text `form`: as written, and decoded. */
function formParameter(form: string, name: string): string[] {
  const found: string[] = []
  for (const part of form.split('&')) {
    const eq = part.indexOf('=')
    if (eq <= 0 || decodeForm(part.slice(0, eq)) !== name) continue
    const raw = part.slice(eq + 1)
    if (raw === '') continue
    found.push(raw)
    const decoded = decodeForm(raw)
    if (decoded !== undefined && decoded !== raw) found.push(decoded)
  }
  return found
}

function decodeForm(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}

// What is inspected to find a secret: everything `util.inspect` and `JSON.stringify` would show.
const INSPECT = { showHidden: true, depth: 20, getters: false, maxArrayLength: 1000 } as const
// Past this depth of causes a cause that still holds a secret is replaced, not copied.
const MAX_DEPTH = 8
// Own properties of an error that are rebuilt, not copied.
const REBUILT = new Set<PropertyKey>(['name', 'message', 'stack', 'cause', 'errors'])

/**
 * `cause` itself when no rendering of it holds a secret (the common case: a socket error), else a
 * redacted copy: an `Error` with the same `name`, `code` and other primitive properties, the
 * message and stack redacted, its own `cause` and `AggregateError.errors` treated the same way.
 * Objects hanging off a leaking cause (undici's request headers, say) are dropped.
 */
export function scrubCause(cause: unknown, secrets: Secrets): unknown {
  if (secrets.length === 0) return cause
  return scrub(cause, secrets, 0)
}

function scrub(value: unknown, secrets: Secrets, depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets)
  if (typeof value !== 'object' || value === null) return value
  if (!holdsSecret(value, secrets)) return value
  if (depth >= MAX_DEPTH) return new Error(MARK)
  try {
    return copy(value as Record<PropertyKey, unknown>, secrets, depth)
  } catch {
    // A throwing getter or a Proxy: what it would have said is unknowable, so it says nothing.
    return new Error(MARK)
  }
}

function holdsSecret(value: object, secrets: Secrets): boolean {
  let text: string
  try {
    text = inspect(value, INSPECT)
  } catch {
    // Nothing can say what it holds (a Proxy that throws): treat it as holding a secret.
    return true
  }
  try {
    // What a toJSON or an enumerable getter would add to a log line.
    text += `\n${JSON.stringify(value) ?? ''}`
  } catch {
    // Circular, or a BigInt: JSON.stringify would throw for whoever logs it, too.
  }
  return redact(text, secrets) !== text
}

function copy(source: Record<PropertyKey, unknown>, secrets: Secrets, depth: number): Error {
  const message = typeof source.message === 'string' ? redact(source.message, secrets) : MARK
  const errors = Array.isArray(source.errors) ? source.errors : undefined
  const error = (
    errors
      ? new AggregateError(
          errors.map((item) => scrub(item, secrets, depth + 1)),
          message,
        )
      : new Error(message)
  ) as Error & Record<PropertyKey, unknown>
  if (typeof source.name === 'string') {
    Object.defineProperty(error, 'name', {
      value: redact(source.name, secrets),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  // `code` may live on the prototype (as on a DOMException); it says what went wrong, so keep it.
  const code = source.code
  if (typeof code === 'string' || typeof code === 'number') error.code = code
  for (const key of Reflect.ownKeys(source)) {
    if (REBUILT.has(key)) continue
    const field = source[key]
    if (typeof field === 'string') error[key] = redact(field, secrets)
    else if (typeof field === 'number' || typeof field === 'boolean' || typeof field === 'bigint') {
      error[key] = field
    }
  }
  Object.defineProperty(error, 'stack', {
    value: typeof source.stack === 'string' ? redact(source.stack, secrets) : `${error.name}: ${message}`,
    writable: true,
    configurable: true,
    enumerable: false,
  })
  if ('cause' in source) {
    Object.defineProperty(error, 'cause', {
      value: scrub(source.cause, secrets, depth + 1),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return error
}
