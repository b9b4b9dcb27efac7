/**
 * Authlete's `/service/jwks/get`, as the mocks play it: the call (a `GET`) and its answer, the
 * service's public JWK Set. The default handlers (`../service-jwks.ts`) and the simulator both
 * answer from here (the simulator's keys are made in `../token/keys.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/jwks/get
 * @module
 */

import type { JsonWebKeyAnswer as JsonWebKey } from '../../src/index.js'
import type { AuthleteCall } from '../authlete.js'

/** `GET`, no body. */
export const SERVICE_JWKS: AuthleteCall = {
  method: 'GET',
  paths: { v3: '/api/{serviceId}/service/jwks/get', v2: '/api/service/jwks/get' },
}

/** The answer: the JWK Set of `keys` (public members only), as Authlete answers it. */
export function serviceJwksAnswer(keys: readonly Readonly<JsonWebKey>[]): { keys: JsonWebKey[] } {
  return { keys: keys.map((key) => ({ ...key })) }
}
