/**
 * Authlete's `/service/configuration`, as the mocks play it: the call (a `GET`) and its answer, the
 * OpenID Provider metadata of the service, the document itself (as Authlete answers it), with the
 * CIBA metadata (CIBA Core §4). The default handlers (`../service-configuration.ts`) and the
 * simulator both answer from here.
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/configuration
 * @module
 */

import type { AuthleteCall, MockHandlerOptions } from '../authlete.js'
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../token/jws.js'
import { CIBA_GRANT_TYPE } from './token.js'

/** `GET`, no body. */
export const SERVICE_CONFIGURATION: AuthleteCall = {
  method: 'GET',
  paths: { v3: '/api/{serviceId}/service/configuration', v2: '/api/service/configuration' },
}

/** What the document says. */
export interface ConfigurationSettings {
  issuer: string
  tokenEndpoint: string
  backchannelAuthenticationEndpoint: string
  jwksUri: string
  idTokenSigningAlg: JwsAlgorithm
  scopes: Iterable<string>
}

/**
 * The discovery document: the endpoints given, what the simulator plays (the CIBA and refresh
 * grants, the three delivery modes, `user_code`, secrets in Basic or the body, DPoP), and how it
 * signs ID tokens.
 */
export function serviceConfiguration(settings: ConfigurationSettings): Record<string, unknown> {
  return {
    issuer: settings.issuer,
    token_endpoint: settings.tokenEndpoint,
    jwks_uri: settings.jwksUri,
    scopes_supported: [...settings.scopes],
    grant_types_supported: [CIBA_GRANT_TYPE, 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [settings.idTokenSigningAlg],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    backchannel_authentication_endpoint: settings.backchannelAuthenticationEndpoint,
    backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    backchannel_user_code_parameter_supported: true,
    dpop_signing_alg_values_supported: [...JWS_ALGORITHMS],
  }
}

/**
 * Options of the mocks' `/service/configuration` answer.
 */
export interface MockServiceConfigurationOptions extends MockHandlerOptions {
  /**
   * @default 'https://as.example.com'
   */
  issuer?: string | undefined
  /**
   * More metadata, or other values: merged over the document.
   * @default {}
   */
  metadata?: Readonly<Record<string, unknown>> | undefined
}

/** The mocks' discovery document: the endpoints below `issuer` (`/token`, `/backchannel/authentication`, `/jwks`). */
export function serviceConfigurationAnswer(
  options: MockServiceConfigurationOptions = {},
): Record<string, unknown> {
  const issuer = options.issuer ?? 'https://as.example.com'
  const base = issuer.replace(/\/+$/, '')
  return {
    ...serviceConfiguration({
      issuer,
      tokenEndpoint: `${base}/token`,
      backchannelAuthenticationEndpoint: `${base}/backchannel/authentication`,
      jwksUri: `${base}/jwks`,
      idTokenSigningAlg: 'RS256',
      scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
    }),
    ...options.metadata,
  }
}
