/**
 * The simulator's discovery document, as Authlete's `/service/configuration` answers it: the OpenID
 * Provider metadata of the service, with the CIBA metadata (CIBA Core §4).
 *
 * @module
 */

import { CIBA_GRANT_TYPE } from './answers.js'
import { JWS_ALGORITHMS, type JwsAlgorithm } from './jws.js'
import { SCOPE_CLAIMS } from './resource.js'

/** What the document says. */
export interface ConfigurationSettings {
  issuer: string
  tokenEndpoint: string
  backchannelAuthenticationEndpoint: string
  jwksUri: string
  userinfoEndpoint: string
  revocationEndpoint: string
  introspectionEndpoint: string
  idTokenSigningAlg: JwsAlgorithm
  scopes: Iterable<string>
}

/**
 * The discovery document: the endpoints given, what the simulator plays (the CIBA and refresh
 * grants, the three delivery modes, `user_code`, secrets in Basic or the body, DPoP, the claims of
 * the standard scopes at the UserInfo endpoint), and how it signs ID tokens.
 */
export function serviceConfiguration(settings: ConfigurationSettings): Record<string, unknown> {
  return {
    issuer: settings.issuer,
    token_endpoint: settings.tokenEndpoint,
    jwks_uri: settings.jwksUri,
    userinfo_endpoint: settings.userinfoEndpoint,
    revocation_endpoint: settings.revocationEndpoint,
    introspection_endpoint: settings.introspectionEndpoint,
    scopes_supported: [...settings.scopes],
    grant_types_supported: [CIBA_GRANT_TYPE, 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [settings.idTokenSigningAlg],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    claims_supported: ['sub', ...new Set(Object.values(SCOPE_CLAIMS).flat())],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    backchannel_authentication_endpoint: settings.backchannelAuthenticationEndpoint,
    backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    backchannel_user_code_parameter_supported: true,
    dpop_signing_alg_values_supported: [...JWS_ALGORITHMS],
  }
}
