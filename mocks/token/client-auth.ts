/**
 * The client's authentication, as the simulator checks it at `/auth/token` and at
 * `/backchannel/authentication`: `client_secret_basic` (the AS passes the Basic credentials as
 * `clientId`/`clientSecret`) or `client_secret_post` (`client_id`/`client_secret` in the parameters).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @module
 */

import type { ClientAuthMethod } from './answers.js'
import type { TokenClient } from './types.js'

/** An authenticated client, or why not (`invalid_request` or `invalid_client`). */
export type ClientAuthentication<C extends TokenClient = TokenClient> =
  | { ok: true; client: C; presentedClientId: string; method: ClientAuthMethod }
  | { ok: false; error: 'invalid_request' | 'invalid_client'; description: string }

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

const invalidClient = (description: string): ClientAuthentication<never> => ({
  ok: false,
  error: 'invalid_client',
  description,
})

/** Authenticates the client of a call (`fields`, the Basic credentials) and its form `parameters`. */
export function authenticateClient<C extends TokenClient>(
  fields: Record<string, unknown>,
  parameters: URLSearchParams,
  findClient: (clientId: string) => C | undefined,
): ClientAuthentication<C> {
  const basicId = text(fields.clientId)
  const basicSecret = text(fields.clientSecret)
  const postId = text(parameters.get('client_id'))
  const postSecret = text(parameters.get('client_secret'))
  if (basicSecret !== undefined && postSecret !== undefined) {
    return {
      ok: false,
      error: 'invalid_request',
      description: 'More than one client authentication method is used.',
    }
  }
  if (basicId !== undefined && postId !== undefined && basicId !== postId) {
    return invalidClient('The client IDs of the Authorization header and of client_id differ.')
  }
  const presentedClientId = basicId ?? postId
  if (presentedClientId === undefined) return invalidClient('The request does not identify the client.')
  const client = findClient(presentedClientId)
  const secret = basicSecret ?? postSecret
  if (client === undefined || secret === undefined || secret !== client.clientSecret) {
    return invalidClient('Client authentication failed.')
  }
  const method = basicSecret !== undefined ? 'CLIENT_SECRET_BASIC' : 'CLIENT_SECRET_POST'
  return { ok: true, client, presentedClientId, method }
}
