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
