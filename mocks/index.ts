/**
 * `authlete-ciba/mocks`: msw handlers that stand in for Authlete's CIBA API in your tests,
 * `setupAuthleteServer`, which makes them answer an `AuthleteClient`, `createCibaSimulator`, a
 * stateful Authlete for whole logins, and `startCibaClientStandIn`, a client application that
 * receives ping and push notifications.
 *
 * Needs `msw` (v3), an optional peer dependency; the main entry never loads it.
 *
 * @see https://mswjs.io/docs/api/setup-server
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line before msw and undici are loaded.
import '../src/node-guard.js'

export type { WaitOptions } from './arrivals.js'
export {
  authenticationApiError,
  authenticationAsAuthlete,
  authenticationBadRequest,
  authenticationHandler,
  authenticationInternalServerError,
  authenticationUnauthorized,
  authenticationUnknownAction,
  authenticationUserIdentification,
} from './authentication.js'
export {
  AUTHLETE_HOSTS,
  type AuthleteUrlMatch,
  authleteHandler,
  checkAuthorization,
  type MockHandlerOptions,
  matchAuthleteUrl,
  readFields,
  resultBody,
} from './authlete.js'
export { type MockUserIdentification, userIdentificationAnswer } from './calls/authentication.js'
export { type MockNotificationOptions, noActionAnswer, notificationAnswer } from './calls/complete.js'
export { failAnswer } from './calls/fail.js'
export {
  internalServerErrorAnswer,
  invalidTicketAnswer,
  type MockOkOptions,
  okAnswer,
} from './calls/issue.js'
export {
  type CibaClientStandIn,
  type CibaClientStandInOptions,
  type CibaNotification,
  type NextNotificationOptions,
  startCibaClientStandIn,
} from './client-stand-in.js'
export {
  completeApiError,
  completeAsAuthlete,
  completeHandler,
  completeNoAction,
  completeNotification,
  completeServerError,
  completeUnknownAction,
} from './complete.js'
export {
  failApiError,
  failAsAuthlete,
  failBadRequest,
  failForbidden,
  failHandler,
  failInternalServerError,
  failUnknownAction,
} from './fail.js'
export { authleteHandlers } from './handlers.js'
export {
  type AuthleteHandlersOptions,
  issueApiError,
  issueAsAuthlete,
  issueDelayed,
  issueHandler,
  issueInternalServerError,
  issueInvalidTicket,
  issueNetworkError,
  issueOk,
  issueRateLimited,
  issueUnknownAction,
} from './issue.js'
export {
  type AuthleteMockServer,
  type AuthleteMockServerListenOptions,
  type AuthleteUnhandledFrameCallback,
  type AuthleteUnhandledFrameHandle,
  setupAuthleteServer,
} from './server.js'
export {
  type CibaApproval,
  type CibaAuthentication,
  type CibaAuthenticationFilter,
  type CibaAuthenticationStatus,
  type CibaCompletion,
  type CibaDeliveryMode,
  type CibaDenial,
  type CibaHintType,
  type CibaSimulator,
  type CibaSimulatorClient,
  type CibaSimulatorOptions,
  type CibaSimulatorRequest,
  type CibaSimulatorUser,
  type CibaUserDecision,
  createCibaSimulator,
  type PushTokens,
  type UserIdentification,
} from './simulator/index.js'
export { type AuthleteStandIn, type AuthleteStandInOptions, startAuthleteStandIn } from './stand-in.js'
