/**
 * `authlete-ciba/mocks`: msw handlers that stand in for Authlete's `/backchannel/authentication/issue`
 * in your tests, and `setupAuthleteServer`, which makes them answer an `AuthleteClient`.
 *
 * Needs `msw` (v3), an optional peer dependency; the main entry never loads it.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

export {
  AUTHLETE_HOSTS,
  type AuthleteHandlersOptions,
  authleteHandlers,
  type IssueRequestInfo,
  internalServerErrorAnswer,
  invalidTicketAnswer,
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
  type MockHandlerOptions,
  type MockOkOptions,
  matchIssueUrl,
  okAnswer,
  resultBody,
} from './handlers.js'
export {
  type AuthleteMockServer,
  type AuthleteMockServerListenOptions,
  setupAuthleteServer,
  type UnhandledRequestStrategy,
} from './server.js'
export { type AuthleteStandIn, startAuthleteStandIn } from './stand-in.js'
