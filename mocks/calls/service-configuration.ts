/**
 * Authlete's `/service/configuration`, as the mocks play it: a `GET` whose answer is the OpenID
 * Provider metadata of the service (worded in `../token/discovery.ts`), its default handler and
 * scenario helpers, and the simulator's play.
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/configuration
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import {
  type AuthleteCall,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import { serviceConfiguration } from '../token/discovery.js'

/** A `GET`: no body. */
export const SERVICE_CONFIGURATION: AuthleteCall = mockedCall('serviceConfiguration')

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

/**
 * The mocks' discovery document: the endpoints below `issuer` (`/token`,
 * `/backchannel/authentication`, `/jwks`, `/userinfo`, `/revoke`, `/introspect`).
 */
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
      userinfoEndpoint: `${base}/userinfo`,
      revocationEndpoint: `${base}/revoke`,
      introspectionEndpoint: `${base}/introspect`,
      idTokenSigningAlg: 'RS256',
      scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
    }),
    ...options.metadata,
  }
}

const helpers = callHelpers(SERVICE_CONFIGURATION)

/**
 * Your own msw resolver on the `/service/configuration` endpoint (v3 and v2 paths, `GET`).
 */
export const serviceConfigurationHandler = helpers.handler

/**
 * An answer with an `action` (the document has none): for a client that must refuse what it cannot read.
 */
export const serviceConfigurationUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const serviceConfigurationApiError = helpers.apiError

/**
 * The default handler: checks the request as Authlete would (Authorization), then answers the
 * discovery document of `options.issuer`, with `options.metadata` merged over it.
 */
export function serviceConfigurationAsAuthlete(options: MockServiceConfigurationOptions = {}): HttpHandler {
  return serviceConfigurationHandler(async (info) => {
    const { refused } = await receiveCall(SERVICE_CONFIGURATION, info)
    return refused ?? HttpResponse.json(serviceConfigurationAnswer(options))
  }, options)
}

/** The simulator's play: the discovery document of its settings. */
export const playServiceConfiguration: Play = (state) => state.token.configuration()
