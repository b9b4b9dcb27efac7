/**
 * `authlete-ciba/mocks`: msw handlers that stand in for Authlete in your tests (one module per call,
 * each named after the client method: `backchannelIssueOk()`, `tokenBadRequest()`, …),
 * `setupAuthleteServer`, which makes them answer an `AuthleteClient`, `createCibaSimulator`, a
 * stateful Authlete for whole logins, and the loopback stand-ins for Authlete and for the client
 * application.
 *
 * Needs `msw` (v3), an optional peer dependency; the main entry never loads it.
 *
 * @see https://mswjs.io/docs/api/setup-server
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line before msw and undici are loaded.
import '../src/node-guard.js'

// ---- A whole login: the simulator, and the stand-ins for another process and for the client.
export type { WaitOptions } from './arrivals.js'
export { AUTHLETE_HOSTS, authleteHandler, type MockHandlerOptions } from './authlete.js'
export type { CibaAuthenticationRequest, CibaAuthenticationResponse } from './backchannel-request.js'
// ---- One module per call, in the order of the table of calls.
export {
  backchannelAuthenticationApiError,
  backchannelAuthenticationAsAuthlete,
  backchannelAuthenticationBadRequest,
  backchannelAuthenticationHandler,
  backchannelAuthenticationInternalServerError,
  backchannelAuthenticationUnauthorized,
  backchannelAuthenticationUnknownAction,
  backchannelAuthenticationUserIdentification,
  type MockUserIdentification,
} from './calls/backchannel-authentication.js'
export {
  backchannelCompleteApiError,
  backchannelCompleteAsAuthlete,
  backchannelCompleteHandler,
  backchannelCompleteNoAction,
  backchannelCompleteNotification,
  backchannelCompleteServerError,
  backchannelCompleteUnknownAction,
  type MockNotificationOptions,
} from './calls/backchannel-complete.js'
export {
  backchannelFailApiError,
  backchannelFailAsAuthlete,
  backchannelFailBadRequest,
  backchannelFailForbidden,
  backchannelFailHandler,
  backchannelFailInternalServerError,
  backchannelFailUnknownAction,
} from './calls/backchannel-fail.js'
export {
  type BackchannelIssueAsAuthleteOptions,
  backchannelIssueApiError,
  backchannelIssueAsAuthlete,
  backchannelIssueDelayed,
  backchannelIssueHandler,
  backchannelIssueInternalServerError,
  backchannelIssueInvalidTicket,
  backchannelIssueNetworkError,
  backchannelIssueOk,
  backchannelIssueRateLimited,
  backchannelIssueUnknownAction,
  type MockBackchannelIssueOkOptions,
} from './calls/backchannel-issue.js'
export {
  introspectionApiError,
  introspectionAsAuthlete,
  introspectionForbidden,
  introspectionHandler,
  introspectionOk,
  introspectionUnauthorized,
  introspectionUnknownAction,
  type MockIntrospectionOkOptions,
} from './calls/introspection.js'
export {
  introspectionStandardApiError,
  introspectionStandardAsAuthlete,
  introspectionStandardBadRequest,
  introspectionStandardHandler,
  introspectionStandardJwt,
  introspectionStandardOk,
  introspectionStandardUnknownAction,
} from './calls/introspection-standard.js'
export {
  revocationApiError,
  revocationAsAuthlete,
  revocationBadRequest,
  revocationHandler,
  revocationInvalidClient,
  revocationOk,
  revocationUnknownAction,
} from './calls/revocation.js'
export {
  type MockServiceConfigurationOptions,
  serviceConfigurationApiError,
  serviceConfigurationAsAuthlete,
  serviceConfigurationHandler,
  serviceConfigurationUnknownAction,
} from './calls/service-configuration.js'
export {
  type MockServiceJwksOptions,
  serviceJwksApiError,
  serviceJwksAsAuthlete,
  serviceJwksHandler,
  serviceJwksUnknownAction,
} from './calls/service-jwks.js'
export {
  type MockTokenOkOptions,
  type MockTokenPasswordOptions,
  tokenApiError,
  tokenAsAuthlete,
  tokenBadRequest,
  tokenHandler,
  tokenInternalServerError,
  tokenInvalidClient,
  tokenOk,
  tokenPassword,
  tokenUnknownAction,
} from './calls/token.js'
export {
  tokenFailApiError,
  tokenFailAsAuthlete,
  tokenFailHandler,
  tokenFailInvalidTicket,
  tokenFailUnknownAction,
} from './calls/token-fail.js'
export {
  type MockTokenIssueOkOptions,
  tokenIssueApiError,
  tokenIssueAsAuthlete,
  tokenIssueHandler,
  tokenIssueInvalidTicket,
  tokenIssueOk,
  tokenIssueUnknownAction,
} from './calls/token-issue.js'
export {
  type MockUserinfoOkOptions,
  userinfoApiError,
  userinfoAsAuthlete,
  userinfoBadRequest,
  userinfoForbidden,
  userinfoHandler,
  userinfoInternalServerError,
  userinfoOk,
  userinfoUnauthorized,
  userinfoUnknownAction,
} from './calls/userinfo.js'
export {
  userinfoIssueApiError,
  userinfoIssueAsAuthlete,
  userinfoIssueHandler,
  userinfoIssueJson,
  userinfoIssueJwt,
  userinfoIssueUnauthorized,
  userinfoIssueUnknownAction,
} from './calls/userinfo-issue.js'
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
// ---- Names of before the first release, deprecated: see CHANGELOG.md.
export * from './deprecated.js'
export { type AuthleteHandlersOptions, authleteHandlers } from './handlers.js'
// ---- The server and the default handlers.
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
  type CibaDenial,
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
