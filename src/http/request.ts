/**
 * What every request of the package is dispatched with, Authlete's calls and client notifications
 * alike, and the one limit on a deadline.
 *
 * @internal
 * @module
 */

import type { Dispatcher } from 'undici'

/** A request body, ready to send. */
export type RequestBody =
  /** `application/x-www-form-urlencoded` */
  | { readonly form: string }
  /** `application/json` */
  | { readonly json: string }

/** A request body (text, or bytes: an encrypted Web Push message), or none (`GET`). */
export type DispatchBody = string | Uint8Array | undefined

/**
 * undici's request options for one request. Made once per call (or delivery) and reused by each
 * of its attempts.
 */
export function dispatchOptions(
  origin: string,
  path: string,
  method: 'GET' | 'POST',
  headers: readonly string[],
  body: DispatchBody,
): Dispatcher.DispatchOptions {
  return {
    origin,
    path,
    method,
    headers: headers as string[],
    body,
    // The caller's deadline is the only clock: undici's own (300 s by default, or whatever a given
    // dispatcher says) would fail a longer deadline early, or a slow answer the deadline allows.
    headersTimeout: 0,
    bodyTimeout: 0,
    // Never follow a redirect, whatever the dispatcher is composed of: undici's redirect
    // interceptor reads this, and would carry the credentials to wherever it points.
    maxRedirections: 0,
  } as Dispatcher.DispatchOptions
}
