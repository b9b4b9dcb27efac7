/**
 * The client credentials of `client_secret_basic`: the client's `Authorization: Basic` header,
 * decoded into `clientId` and `clientSecret`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @module
 */

import { isUtf8 } from 'node:buffer'
import { MAX_FIELD_LENGTH } from '../input.js'

/** The credentials of a well-formed `Authorization: Basic` header. */
export interface BasicCredentials {
  clientId: string
  clientSecret: string
}

/** Why a header is not a usable Basic credential; never shows the header's value. */
export type MalformedCredentials = { malformed: string }

const BASIC = /^[ \t]*basic[ \t]+([^ \t]+)[ \t]*$/i
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const EQUALS = 0x3d
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The credentials in an `Authorization` header: `undefined` when there is none (absent or empty),
 * else the decoded pair, or why it is malformed. RFC 6749 §2.3.1 has the client form-urlencode its
 * ID and secret before Basic encoding, so each half is form-decoded (`+` is a space, `%XX` a byte).
 * Another scheme than Basic (`Bearer`, `DPoP`, …) is malformed here: no client authentication method
 * of these endpoints uses one; so is a client ID or secret over `MAX_FIELD_LENGTH` characters.
 *
 * The endpoints read the client's header with it; your introspection endpoint's `authenticateCaller`
 * can read a resource server's with it too (a client library form-encodes the secret: `rs%2Dsecret`).
 *
 * @example
 * ```ts
 * authenticateCaller: ({ authorization }) => {
 *   const caller = parseBasicCredentials(authorization)
 *   return caller !== undefined && 'clientId' in caller && resourceServers.check(caller.clientId, caller.clientSecret)
 * }
 * ```
 */
export function parseBasicCredentials(
  authorization: string | null | undefined,
): BasicCredentials | MalformedCredentials | undefined {
  if (authorization === undefined || authorization === null || authorization.trim() === '') return undefined
  const match = BASIC.exec(authorization)
  if (!match) return { malformed: 'not the Basic scheme' }
  const token = match[1] as string
  // Without the padding: no copy is made to count it (the token endpoint reads this per request).
  let unpadded = token.length
  while (unpadded > 0 && token.charCodeAt(unpadded - 1) === EQUALS) unpadded--
  if (!BASE64.test(token) || unpadded % 4 === 1 || (unpadded !== token.length && token.length % 4 !== 0)) {
    return { malformed: 'not base64' }
  }
  const decoded = Buffer.from(token, 'base64')
  if (!isUtf8(decoded)) return { malformed: 'not UTF-8' }
  const text = decoded.toString('utf8')
  const colon = text.indexOf(':')
  if (colon === -1) return { malformed: 'no colon between client ID and secret' }
  const clientId = formDecode(text.slice(0, colon))
  const clientSecret = formDecode(text.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined)
    return { malformed: 'not UTF-8 once form-decoded' }
  if (clientId === '') return { malformed: 'empty client ID' }
  // Longer than any field Authlete is sent: the client's fault, refused as such (not a server error).
  if (clientId.length > MAX_FIELD_LENGTH)
    return { malformed: `client ID over ${MAX_FIELD_LENGTH} characters` }
  if (clientSecret.length > MAX_FIELD_LENGTH) {
    return { malformed: `client secret over ${MAX_FIELD_LENGTH} characters` }
  }
  return { clientId, clientSecret }
}

/**
 * application/x-www-form-urlencoded decoding of one value, as the WHATWG URL standard does it (`+`
 * is a space; `%` not followed by two hex digits stays as it is), except that bytes which are not
 * UTF-8 are refused rather than replaced.
 */
function formDecode(value: string): string | undefined {
  const text = value.includes('+') ? value.replaceAll('+', ' ') : value
  if (!text.includes('%')) return text
  const bytes: number[] = []
  for (const byte of Buffer.from(text, 'utf8')) bytes.push(byte)
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const hex = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0)
    if (bytes[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      out.push(bytes[i] as number)
    }
  }
  try {
    return utf8.decode(Uint8Array.from(out))
  } catch {
    return undefined
  }
}
