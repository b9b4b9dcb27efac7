/**
 * `GET /service/configuration`: the service's OpenID Provider metadata, as Authlete builds it from
 * the service's settings: the document an authorization server serves at
 * `/.well-known/openid-configuration`.
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/configuration
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 * @module
 */

import { z } from 'zod'
import { optionalBoolean, optionalString, optionalStrings } from './fields.js'
import { answerModel, type ModelledOperation } from './model.js'
import { AUTHLETE_CALL } from './table.js'

/**
 * The OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, CIBA Core §4), the fields an
 * authorization server on Authlete commonly serves named; every other field is kept as it came.
 * Serve it as it is: `JSON.stringify(metadata)`.
 */
export interface ServiceConfiguration {
  issuer?: string
  authorization_endpoint?: string
  token_endpoint?: string
  userinfo_endpoint?: string
  jwks_uri?: string
  registration_endpoint?: string
  revocation_endpoint?: string
  introspection_endpoint?: string
  scopes_supported?: string[]
  response_types_supported?: string[]
  grant_types_supported?: string[]
  subject_types_supported?: string[]
  id_token_signing_alg_values_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  claims_supported?: string[]
  /** CIBA: the backchannel authentication endpoint. */
  backchannel_authentication_endpoint?: string
  /** CIBA: `poll`, `ping`, `push`. */
  backchannel_token_delivery_modes_supported?: string[]
  backchannel_authentication_request_signing_alg_values_supported?: string[]
  backchannel_user_code_parameter_supported?: boolean
  /** DPoP (RFC 9449). */
  dpop_signing_alg_values_supported?: string[]
  /** Mutual TLS (RFC 8705). */
  tls_client_certificate_bound_access_tokens?: boolean
  [field: string]: unknown
}

/** The answer's model (exported for the test that holds the compiled check to zod's word). */
export const serviceConfigurationModel = z.looseObject({
  issuer: optionalString,
  token_endpoint: optionalString,
  jwks_uri: optionalString,
  grant_types_supported: optionalStrings,
  backchannel_authentication_endpoint: optionalString,
  backchannel_token_delivery_modes_supported: optionalStrings,
  backchannel_user_code_parameter_supported: optionalBoolean,
})

/** @internal */
export const serviceConfiguration: ModelledOperation<void, ServiceConfiguration> = {
  ...AUTHLETE_CALL.serviceConfiguration,
  // A read: repeating it changes nothing at Authlete.
  repeatableAfterSend: true,
  encode: () => null,
  ...answerModel(serviceConfigurationModel),
}
