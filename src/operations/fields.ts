/**
 * Fields and value types shared by the CIBA operations' models: zod parts compiled once, and the
 * TypeScript types they stand for. Nested objects are loose (fields Authlete adds are kept).
 *
 * @module
 */

import { z } from 'zod'

/**
 * A value of an enumerated field that this version of the package does not know (Authlete added
 * it later). At run time it is the plain string Authlete sent. Its type is a string that no string
 * literal in your code can equal (it would have to end in a NUL character), so that comparing with
 * a known value still narrows; compare a new value with `(value as string) === 'NEW'`.
 */
export type UnknownValue = `${string}\u0000`

/**
 * An `action` this version does not know: {@link UnknownValue}. Treat it as a failure.
 */
export type UnknownAction = UnknownValue

/** A string that is one of `Known`, or a future value typed so that it cannot mask the known ones. */
export type OpenEnum<Known extends string> = Known | UnknownValue

/**
 * How the client application receives the result of a CIBA login (CIBA Core §5): polling the token
 * endpoint (`POLL`), a notification then a token request (`PING`), or the tokens in the
 * notification (`PUSH`).
 */
export type DeliveryMode = OpenEnum<'POLL' | 'PING' | 'PUSH'>

/** A key-value pair (service and client attributes). */
export interface Pair {
  key?: string
  value?: string
  [field: string]: unknown
}

/** A scope, as Authlete describes it. */
export interface Scope {
  name?: string
  defaultEntry?: boolean
  description?: string
  descriptions?: Array<{ tag?: string; value?: string; [field: string]: unknown }>
  attributes?: Pair[]
  [field: string]: unknown
}

/** One element of RFC 9396 `authorization_details`. */
export interface AuthorizationDetailsElement {
  type: string
  locations?: string[]
  actions?: string[]
  dataTypes?: string[]
  identifier?: string
  privileges?: string[]
  otherFields?: string
  [field: string]: unknown
}

/** RFC 9396 `authorization_details`, as Authlete wraps them. */
export interface AuthorizationDetails {
  elements?: AuthorizationDetailsElement[]
  [field: string]: unknown
}

/** The fields every Authlete answer may carry. */
export interface ResultFields {
  /** Authlete's result code, e.g. `A183001`. */
  resultCode?: string
  /** Authlete's result message, e.g. `[A183001] An auth_req_id was issued successfully.` */
  resultMessage?: string
  /** Fields Authlete added after this version are kept as they came. */
  [field: string]: unknown
}

// ---- zod parts, compiled once at import.

export const optionalString = z.string().nullish()
export const optionalBoolean = z.boolean().nullish()
/** Seconds and counters: JSON integers that fit an int64 Authlete field without losing precision. */
export const optionalInteger = z.int().nullish()
export const optionalSeconds = z.int32().min(0).nullish()
export const optionalStrings = z.array(z.string()).nullish()

const pair = z.looseObject({ key: optionalString, value: optionalString })
export const optionalPairs = z.array(pair).nullish()

export const optionalScopes = z
  .array(
    z.looseObject({
      name: optionalString,
      defaultEntry: optionalBoolean,
      description: optionalString,
      descriptions: z.array(z.looseObject({ tag: optionalString, value: optionalString })).nullish(),
      attributes: optionalPairs,
    }),
  )
  .nullish()

export const optionalAuthorizationDetails = z
  .looseObject({
    elements: z
      .array(
        z.looseObject({
          type: z.string(),
          locations: optionalStrings,
          actions: optionalStrings,
          dataTypes: optionalStrings,
          identifier: optionalString,
          privileges: optionalStrings,
          otherFields: optionalString,
        }),
      )
      .nullish(),
  })
  .nullish()

/** The top-level fields of every answer. */
export const resultShape = {
  resultCode: optionalString,
  resultMessage: optionalString,
  action: z.string(),
  responseContent: optionalString,
}
