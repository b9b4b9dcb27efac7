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
  type MockServiceConfigurationOptions,
  serviceConfigurationAnswer,
} from './calls/service-configuration.js'
export { serviceJwksAnswer } from './calls/service-jwks.js'
export {
  type MockTokenOkOptions,
  type MockTokenPasswordOptions,
  tokenBadRequestAnswer,
  tokenInternalServerErrorAnswer,
  tokenInvalidClientAnswer,
  tokenOkAnswer,
  tokenPasswordAnswer,
} from './calls/token.js'
export { TOKEN_FAIL_REASONS, tokenFailAnswer, tokenFailInvalidTicketAnswer } from './calls/token-fail.js'
export {
  type MockTokenIssueOkOptions,
  tokenIssueInvalidTicketAnswer,
  tokenIssueOkAnswer,
} from './calls/token-issue.js'
export {
  type CibaClientStandIn,
  type CibaClientStandInOptions,
  type CibaNotification,
  type CibaTokenPolling,
  type CibaTokenRequest,
  type CibaTokenResponse,
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
  serviceConfigurationApiError,
  serviceConfigurationAsAuthlete,
  serviceConfigurationHandler,
  serviceConfigurationUnknownAction,
} from './service-configuration.js'
export {
  type MockServiceJwksOptions,
  serviceJwksApiError,
  serviceJwksAsAuthlete,
  serviceJwksHandler,
  serviceJwksUnknownAction,
} from './service-jwks.js'
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
export type { JwsAlgorithm } from './token/jws.js'
export {
  tokenApiError,
  tokenAsAuthlete,
  tokenBadRequest,
  tokenHandler,
  tokenInternalServerError,
  tokenInvalidClient,
  tokenOk,
  tokenPassword,
  tokenUnknownAction,
} from './token.js'
export {
  tokenFailApiError,
  tokenFailAsAuthlete,
  tokenFailHandler,
  tokenFailInvalidTicket,
  tokenFailUnknownAction,
} from './token-fail.js'
export {
  tokenIssueApiError,
  tokenIssueAsAuthlete,
  tokenIssueHandler,
  tokenIssueInvalidTicket,
  tokenIssueOk,
  tokenIssueUnknownAction,
} from './token-issue.js'
