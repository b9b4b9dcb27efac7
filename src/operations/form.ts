/**
 * The form encoding of a request body (`application/x-www-form-urlencoded`), as Authlete's form
 * endpoints decode it.
 *
 * @internal
 * @module
 */

/** A character `encodeURIComponent` changes: a value without one is its own encoding. */
const NEEDS_ENCODING = /[^A-Za-z0-9\-_.!~*'()]/

/**
 * `value` percent-encoded as `encodeURIComponent` does. Most values (tickets, reasons, client IDs)
 * need no change, and the test for that is much cheaper than the encoder (a call into the runtime).
 */
export function formValue(value: string): string {
  return NEEDS_ENCODING.test(value) ? encodeURIComponent(value) : value
}

/**
 * `key=value&…` for the defined entries, each percent-encoded as a form decoder expects.
 */
export function formEncode(fields: Record<string, string | undefined>): string {
  let body = ''
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    body += `${body ? '&' : ''}${key}=${formValue(value)}`
  }
  return body
}

/**
 * The client's secrets in the request it sent to the authorization server, as an operation that
 * carries that request (`parameters`) declares them (see `Operation.secretFields`): its client
 * authentication (`client_secret` in the body, `client_assertion`), the tokens it sends, and a
 * signed request object, which may hold any of them.
 */
export const CLIENT_REQUEST_SECRETS: readonly string[] = Object.freeze([
  'clientSecret',
  'parameters.client_secret',
  'parameters.client_assertion',
  'parameters.client_notification_token',
  'parameters.login_hint_token',
  'parameters.id_token_hint',
  'parameters.user_code',
  'parameters.request',
])
