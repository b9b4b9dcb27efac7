/**
 * A request's fields, declared once: each operation lists its fields with a reader each, and from
 * that one list come the request's type (`RequestOf`), the accepted names (an unknown one is
 * refused, with the closest name suggested), the checks and the body. Each reader throws an
 * {@link AuthleteInputError} that names the field and never shows its value.
 *
 * The body is a form when every value sent is text, else JSON (Authlete takes both; a form has no
 * lists, numbers or flags); a call may ask for JSON always.
 *
 * @internal
 * @module
 */

import { AuthleteInputError } from '../errors.js'
import { checkFields, MAX_FIELD_LENGTH, optionalString, requiredString } from '../input.js'
import type { RequestBody } from '../transport/operation.js'
import { formValue } from './form.js'

/** The longest `parameters` accepted: a client's request is a few hundred bytes, a signed one a few KB. */
export const MAX_PARAMETERS_LENGTH = 1_048_576

/**
 * The longest ticket accepted. Authlete's tickets are about 43 characters; anything near this limit
 * is a bug in the caller, refused before it costs a round trip.
 */
export const MAX_TICKET_LENGTH = 1024

/** An extra property attached to the tokens: `hidden` ones are not shown to the client. */
export interface TokenProperty {
  key: string
  value: string
  hidden?: boolean | undefined
}

/**
 * One field of a request: how the caller's value is checked and what is sent for it (`undefined`:
 * nothing). `Value` is the type the caller gives; `Required` whether it must. An optional field
 * that is `undefined` sends nothing without its reader being asked.
 */
export interface RequestField<Value, Required extends boolean = false> {
  readonly required: Required
  readonly read: (value: unknown, field: string) => unknown
  /** Never set: carries `Value` for {@link RequestOf}. */
  readonly value?: Value
}

type AnyField = RequestField<unknown, boolean>
type ValueOf<Field> = Field extends RequestField<infer Value, boolean> ? Value : never
type Flat<T> = { [K in keyof T]: T[K] }

/** The request object a caller gives, from the fields' declarations (their docs included). */
export type RequestOf<Fields extends Record<string, AnyField>> = Flat<
  { [K in keyof Fields as Fields[K] extends RequestField<unknown, true> ? K : never]: ValueOf<Fields[K]> } & {
    [K in keyof Fields as Fields[K] extends RequestField<unknown, true> ? never : K]?:
      | ValueOf<Fields[K]>
      | undefined
  }
>

/** How a request is encoded. */
export interface RequestFieldsOptions {
  /**
   * Send JSON always, even when every value is text.
   * @default false
   */
  json?: boolean
  /**
   * Encode with generated code; `false`: with the loop that serves where code generation is not
   * allowed (the tests hold the two to one behaviour).
   * @default true
   */
  generate?: boolean
}

/** A request's declared fields, and how a request made of them is checked and encoded. */
export interface RequestFields<Fields extends Record<string, AnyField>> {
  /** The fields, as declared. */
  readonly fields: Fields
  /** Their names. */
  readonly names: ReadonlySet<string>
  /** Checks `request` and encodes it. No I/O. */
  encode(request: RequestOf<Fields>): RequestBody
}

/**
 * The fields of a request. `what` names the request in messages ("the token request").
 */
export function requestFields<Fields extends Record<string, AnyField>>(
  what: string,
  fields: Fields,
  options: RequestFieldsOptions = {},
): RequestFields<Fields> {
  const names = Object.keys(fields)
  const declared: Declared = {
    what,
    names,
    readers: names.map((name) => (fields[name] as AnyField).read),
    required: names.map((name) => (fields[name] as AnyField).required),
    known: new Set(names),
    alwaysJson: options.json === true,
  }
  const encode = (options.generate === false ? null : generatedEncode(declared)) ?? loopedEncode(declared)
  return { fields, names: declared.known, encode: encode as RequestFields<Fields>['encode'] }
}

type Encode = (request: unknown) => RequestBody
type Read = AnyField['read']

/** What an encoder is made from: the request's name, its fields in order, their readers. */
interface Declared {
  readonly what: string
  readonly names: readonly string[]
  readonly readers: readonly Read[]
  readonly required: readonly boolean[]
  readonly known: ReadonlySet<string>
  readonly alwaysJson: boolean
}

/** A field name written into code as it is: an identifier-like name, and not the prototype's. */
const PLAIN_NAME = /^(?!__proto__$)[A-Za-z_$][\w$-]*$/

/**
 * The encoder as code that reads each field by name (`request["ticket"]`) at a site of its own and
 * writes the body field by field: a read in a loop (`request[names[i]]`) is one
 * megamorphic read that looks each name up the slow way, on every call of every operation. An
 * optional field that is `undefined` sends nothing without its reader being asked; JSON leaves out
 * what is `undefined`, in the fields' order. Built with `new Function` from the declared names, as
 * the answers' check is (`model.ts`); `null` where code generation is not allowed, and the loop
 * serves.
 */
function generatedEncode({ what, names, readers, required, known, alwaysJson }: Declared): Encode | null {
  if (!names.every((name) => PLAIN_NAME.test(name))) return null
  const reads = names.map((name, i) => {
    const key = JSON.stringify(name)
    return required[i]
      ? `const v${i} = r[${i}](request[${key}], ${key});`
      : `let v${i} = request[${key}]; if (v${i} !== undefined) v${i} = r[${i}](v${i}, ${key});`
  })
  const allText = names.map((_, i) => `(v${i} === undefined || typeof v${i} === 'string')`).join(' && ')
  const formParts = names.map(
    (name, i) =>
      `if (v${i} !== undefined) body += (body === '' ? '${name}=' : '&${name}=') + formValue(v${i});`,
  )
  // Each value serialised on its own after its name: no object of every field (most of them
  // absent) is built for JSON.stringify to walk. The same text as the object's, in its order.
  const jsonParts = names.map(
    (name, i) =>
      `if (v${i} !== undefined) json += (json === '' ? ${JSON.stringify(`{${JSON.stringify(name)}:`)} : ${JSON.stringify(`,${JSON.stringify(name)}:`)}) + JSON.stringify(v${i});`,
  )
  const source = `return function encode(request) {
    checkFields(request, known, what);
    ${reads.join('\n    ')}
    if (${alwaysJson ? 'false' : names.length === 0 ? 'true' : allText}) {
      let body = '';
      ${formParts.join('\n      ')}
      return { form: body };
    }
    let json = '';
    ${jsonParts.join('\n    ')}
    return { json: json === '' ? '{}' : json + '}' };
  }`
  try {
    return new Function('r', 'checkFields', 'known', 'what', 'formValue', source)(
      readers,
      checkFields,
      known,
      what,
      formValue,
    ) as Encode
  } catch {
    return null
  }
}

/** The encoder as a loop over the fields: where code cannot be generated. */
function loopedEncode({ what, names, readers, required, known, alwaysJson }: Declared): Encode {
  return (request) => {
    const given = checkFields(request, known, what)
    const values: unknown[] = []
    let form = !alwaysJson
    // Each field read by name, as a property access: a getter or an inherited field counts.
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string
      const raw = given[name]
      const value = raw === undefined && required[i] !== true ? undefined : (readers[i] as Read)(raw, name)
      values.push(value)
      if (value !== undefined && typeof value !== 'string') form = false
    }
    if (form) {
      let body = ''
      for (let i = 0; i < names.length; i++) {
        const value = values[i] as string | undefined
        if (value !== undefined) body += `${body === '' ? '' : '&'}${names[i]}=${formValue(value)}`
      }
      return { form: body }
    }
    const body: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) if (values[i] !== undefined) body[names[i] as string] = values[i]
    return { json: JSON.stringify(body) }
  }
}

function field<Value, Required extends boolean = false>(
  read: (value: unknown, field: string) => unknown,
  required = false as Required,
): RequestField<Value, Required> {
  return { required, read }
}

/** Optional text. */
export const text = (): RequestField<string> => field(optionalString)

/** Required, non-empty text of at most `max` characters. */
export const requiredText = (max?: number): RequestField<string, true> =>
  field((value, name) => requiredString(value, name, max), true)

/**
 * The longest token accepted: an access token presented to a resource (a JWT access token may run
 * to a few KB), or a DPoP proof; a header of this size is far past what any server takes.
 */
export const MAX_TOKEN_LENGTH = 65_536

/** An access or refresh token as the client presented it, required. */
export const presentedToken = (): RequestField<string, true> => requiredText(MAX_TOKEN_LENGTH)

/** The ticket of an earlier answer. */
export const ticket = (): RequestField<string, true> => requiredText(MAX_TICKET_LENGTH)

/** A client application's request body, as received: form text or `URLSearchParams`. */
export const parameters = (): RequestField<string | URLSearchParams, true> =>
  field((value, name) => {
    if (value === undefined) throw new AuthleteInputError(name, 'is required')
    return requiredString(
      value instanceof URLSearchParams ? value.toString() : value,
      name,
      MAX_PARAMETERS_LENGTH,
    )
  }, true)

/**
 * One of `values`, required: a closed list, checked before any I/O (Authlete refuses any other).
 */
export const oneOf = <const Values extends readonly string[]>(
  values: Values,
): RequestField<Values[number], true> => {
  const allowed: ReadonlySet<string> = new Set(values)
  const list = values.join(', ')
  return field((value, name) => {
    const given = requiredString(value, name, 64)
    if (!allowed.has(given)) throw new AuthleteInputError(name, `must be one of ${list}`)
    return given
  }, true)
}

/**
 * An upper-case code, required: one of `known`, or one Authlete adds later. `example` is named in
 * the message.
 */
export const upperCase = <Known extends string>(example: Known): RequestField<Known | (string & {}), true> =>
  field((value, name) => {
    const given = requiredString(value, name, 64)
    if (!/^[A-Z][A-Z_]*$/.test(given)) {
      throw new AuthleteInputError(name, `must be an upper-case ${name} such as ${example}`)
    }
    return given
  }, true)

/** A whole number of seconds, at least 0. Sent as JSON. */
export const seconds = (): RequestField<number> =>
  field((value, name) => {
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new AuthleteInputError(name, 'must be a whole number of seconds >= 0')
    }
    return value
  })

/**
 * Seconds since the epoch at or after which a time can only be milliseconds: 10^11 seconds is the
 * year 5138, and `Date.now()` has passed 10^12 since 2001.
 */
const MILLISECONDS_FROM = 100_000_000_000

/**
 * A time in whole seconds since the epoch. One that can only be in milliseconds (`Date.now()`) is
 * refused, saying so. Sent as JSON.
 */
export const epochSeconds = (): RequestField<number> =>
  field((value, name) => {
    const given = seconds().read(value, name) as number | undefined
    if (given !== undefined && given >= MILLISECONDS_FROM) {
      throw new AuthleteInputError(
        name,
        'must be in seconds since the epoch; this value can only be milliseconds (use Math.floor(Date.now() / 1000))',
      )
    }
    return given
  })

/** An optional boolean. Sent as JSON. */
export const flag = (): RequestField<boolean> =>
  field((value, name) => {
    if (value === undefined || typeof value === 'boolean') return value
    throw new AuthleteInputError(name, 'must be a boolean')
  })

/** A JSON object given as text (checked to be one) or as an object (serialised). Sent as text. */
export const jsonObject = (): RequestField<string | Record<string, unknown>> => field(jsonText)

/** A list of non-empty strings (a certificate chain, scopes). Sent as JSON. */
export const strings = (): RequestField<readonly string[]> => field(stringList)

/** Extra properties of the tokens: `{ key, value, hidden? }` each. Sent as JSON. */
export const properties = (): RequestField<readonly TokenProperty[]> => field(propertyList)

/** A name and a value: an HTTP header of the request passed on (`headers`). */
export interface KeyValue {
  key: string
  value: string
}

/** HTTP headers passed on, `{ key, value }` each (HTTP message signatures). Sent as JSON. */
export const pairs = (): RequestField<readonly KeyValue[]> => field(pairList)

/**
 * How the client application authenticated at the endpoint whose request is passed on: the same
 * fields at `/backchannel/authentication`, `/auth/token` and `/auth/revocation`.
 */
export const CLIENT_AUTHENTICATION = {
  /** The client ID from the client's `Authorization: Basic` header (`client_secret_basic`). */
  clientId: text(),
  /** The client secret from the client's `Authorization: Basic` header. */
  clientSecret: text(),
  /** The client's certificate (PEM), when it authenticated with mutual TLS. */
  clientCertificate: text(),
  /** The `OAuth-Client-Attestation` header (attestation-based client authentication). */
  oauthClientAttestation: text(),
  /** The `OAuth-Client-Attestation-PoP` header. */
  oauthClientAttestationPop: text(),
  /** The certificate chain below the client's certificate (PEMs), for mutual TLS. Sent as JSON. */
  clientCertificatePath: strings(),
}

function jsonText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') {
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      throw new AuthleteInputError(name, 'must be a JSON object or its JSON text (the text is not JSON)')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AuthleteInputError(name, 'must be a JSON object or its JSON text')
    }
    return value
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthleteInputError(name, 'must be a JSON object or its JSON text')
  }
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (cause) {
    throw new AuthleteInputError(name, 'could not be serialised to JSON', { cause })
  }
  // A toJSON (a Date, a boxed String) may serialise to something else than an object, or to nothing.
  if (text === undefined || !text.startsWith('{')) {
    throw new AuthleteInputError(name, 'must be a JSON object or its JSON text (it serialises to no object)')
  }
  return text
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new AuthleteInputError(name, 'must be an array of strings')
  // By index, not map: a hole must be refused, not skipped (JSON would send it as null). The
  // item's name (`scopes[0]`) is made only for an error: a resource server's check sends a list each.
  const list = new Array<string>(value.length)
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    list[i] =
      typeof item === 'string' && item.length > 0 && item.length <= MAX_FIELD_LENGTH && item.isWellFormed()
        ? item
        : requiredString(item, `${name}[${i}]`)
  }
  return list
}

const PAIR_FIELDS: ReadonlySet<string> = new Set(['key', 'value'])

function pairList(value: unknown, name: string): KeyValue[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new AuthleteInputError(name, 'must be an array of { key, value }')
  return Array.from(value as unknown[], (item, i) => {
    const at = `${name}[${i}]`
    const pair = checkFields(item, PAIR_FIELDS, at)
    if (typeof pair.value !== 'string') throw new AuthleteInputError(`${at}.value`, 'must be a string')
    return {
      key: requiredString(pair.key, `${at}.key`),
      value: optionalString(pair.value, `${at}.value`) as string,
    }
  })
}

const PROPERTY_FIELDS: ReadonlySet<string> = new Set(['key', 'value', 'hidden'])

function propertyList(value: unknown, name: string): TokenProperty[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new AuthleteInputError(name, 'must be an array of { key, value, hidden }')
  return Array.from(value as unknown[], (item, i) => {
    const at = `${name}[${i}]`
    const property = checkFields(item, PROPERTY_FIELDS, at)
    const hidden = property.hidden
    if (hidden !== undefined && typeof hidden !== 'boolean') {
      throw new AuthleteInputError(`${at}.hidden`, 'must be a boolean')
    }
    if (typeof property.value !== 'string') throw new AuthleteInputError(`${at}.value`, 'must be a string')
    return {
      key: requiredString(property.key, `${at}.key`),
      value: optionalString(property.value, `${at}.value`) as string,
      ...(hidden === undefined ? {} : { hidden }),
    }
  })
}
