/**
 * Authlete's `/service/jwks/get`, as the mocks play it: a `GET` whose answer is the service's
 * public JWK Set, its default handler and scenario helpers, and the simulator's play (its keys are
 * made in `../token/keys.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/jwks/get
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import type { JsonWebKeyAnswer as JsonWebKey } from '../../src/index.js'
import {
  type AuthleteCall,
  callHelpers,
  type MockHandlerOptions,
  mockedCall,
  receiveCall,
} from '../authlete.js'
import type { Play } from '../simulator/state.js'
import { createSigningKey, publicJwkSet } from '../token/keys.js'

/** A `GET`: no body. */
export const SERVICE_JWKS: AuthleteCall = mockedCall('serviceJwks')

const helpers = callHelpers(SERVICE_JWKS)

/**
 * Your own msw resolver on the `/service/jwks/get` endpoint (v3 and v2 paths, `GET`).
 */
export const serviceJwksHandler = helpers.handler

/**
 * An answer with an `action` (the JWK Set has none): for a client that must refuse what it cannot read.
 */
export const serviceJwksUnknownAction = helpers.unknownAction

/**
 * A non-2xx answer from Authlete itself.
 */
export const serviceJwksApiError = helpers.apiError

/**
 * Options of {@link serviceJwksAsAuthlete}.
 */
export interface MockServiceJwksOptions extends MockHandlerOptions {
  /**
   * The public JWKs to answer.
   * @default one new RS256 key, made at the first request
   */
  keys?: readonly Readonly<JsonWebKey>[] | undefined
}

/**
 * The default handler: checks the request as Authlete would (Authorization), then answers the JWK
 * Set of `options.keys`.
 */
export function serviceJwksAsAuthlete(options: MockServiceJwksOptions = {}): HttpHandler {
  let keys = options.keys
  return serviceJwksHandler(async (info) => {
    const { refused } = await receiveCall(SERVICE_JWKS, info)
    if (refused) return refused
    // Made on first use: an RSA key takes tens of milliseconds.
    keys ??= [createSigningKey('RS256').publicJwk]
    return HttpResponse.json(publicJwkSet(keys))
  }, options)
}

/** The simulator's play: the JWK Set of its signing key. */
export const playServiceJwks: Play = (state) => state.token.jwks()
