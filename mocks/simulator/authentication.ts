/**
 * The simulator's `/backchannel/authentication`: reads the client's request against the registry;
 * a valid one gets a ticket, kept in the state until `/issue`, `/fail` or its lifetime ends it.
 *
 * @module
 */

import { defined, randomId } from '../authlete.js'
import { identificationBody, refusalAnswer } from '../calls/authentication.js'
import { type BackchannelRequest, clientFields, readBackchannelRequest } from './request.js'
import type { Play } from './state.js'

/** `USER_IDENTIFICATION` for a valid request, with what Authlete read from it. */
function userIdentification(ticket: string, request: BackchannelRequest): Record<string, unknown> {
  return defined(
    identificationBody({
      ticket,
      ...clientFields(request.client),
      clientAuthMethod: request.clientAuthMethod,
      deliveryMode: request.client.deliveryMode,
      hintType: request.hintType,
      hint: request.hint,
      sub: request.sub,
      userCode: request.userCode,
      userCodeRequired: request.client.userCodeRequired === true,
      bindingMessage: request.bindingMessage,
      acrs: request.acrs.length > 0 ? request.acrs : undefined,
      scopes: request.scopes.map((name) => ({ name, defaultEntry: false })),
      requestedExpiry: request.requestedExpiry ?? 0,
      clientNotificationToken: request.clientNotificationToken,
    }),
  )
}

export const playAuthentication: Play = (state, fields, draft) => {
  const parameters = new URLSearchParams(fields.parameters as string)
  draft.parameters = Object.fromEntries(parameters)
  const request = readBackchannelRequest(fields, parameters, (id) => state.findClient(id), state.knownScopes)
  if ('action' in request) return refusalAnswer(request.action, request.error, request.description)
  const ticket = randomId()
  state.identify(ticket, request)
  return userIdentification(ticket, request)
}
