/**
 * msw handlers that answer as Authlete's `/service/configuration` does: the discovery document
 * (its builder is in `calls/service-configuration.ts`).
 *
 * @see https://docs.authlete.com/en/shared/latest#get-/api/-serviceId-/service/configuration
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { callHelpers, receiveCall } from './authlete.js'
import {
  type MockServiceConfigurationOptions,
  SERVICE_CONFIGURATION,
  serviceConfigurationAnswer,
} from './calls/service-configuration.js'

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
