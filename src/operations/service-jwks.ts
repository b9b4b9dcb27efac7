/**
 * `GET /service/jwks/get`: the service's public JWK Set (the keys that sign its ID tokens), the
 * document an authorization server serves at its `jwks_uri`. Private keys are never asked for.
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/jwks/get
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 * @module
 */

import { z } from 'zod'
import { optionalString } from './fields.js'
import { answerModel, type ModelledOperation } from './model.js'
import { AUTHLETE_CALL } from './table.js'

/** A public JSON Web Key (RFC 7517 §4): its members as they came. */
export interface JsonWebKeyAnswer {
  kty: string
  kid?: string
  use?: string
  alg?: string
  [member: string]: unknown
}

/** A JWK Set (RFC 7517 §5). Serve it as it is: `JSON.stringify(jwks)`. */
export interface ServiceJwks {
  keys: JsonWebKeyAnswer[]
  [member: string]: unknown
}

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const serviceJwksModel = z.looseObject({
  keys: z.array(
    z.looseObject({ kty: z.string(), kid: optionalString, use: optionalString, alg: optionalString }),
  ),
})

/** @internal */
export const serviceJwks: ModelledOperation<void, ServiceJwks> = {
  ...AUTHLETE_CALL.serviceJwks,
  // A read: repeating it changes nothing at Authlete.
  repeatableAfterSend: true,
  encode: () => null,
  ...answerModel(serviceJwksModel),
  // The service has no JWK Set (Authlete answers 204): an empty set, which verifies no signature.
  noContent: () => ({ keys: [] }),
}
