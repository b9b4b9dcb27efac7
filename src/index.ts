/**
 * authlete-ciba: Authlete's CIBA API for Node.js authorization servers. The client
 * (`AuthleteClient`), its errors, and the mapping of Authlete's answers to the responses of the
 * backchannel authentication endpoint.
 *
 * @see https://docs.authlete.com/en/shared/latest#tag/CIBA
 * @module
 */

export { AuthleteClient, type BackchannelIssueOptions } from './client.js'
export {
  type BackchannelEndpointResponse,
  toBackchannelResponse,
  toBackchannelWebResponse,
} from './endpoint/backchannel-response.js'
export {
  type AnyAuthleteError,
  AuthleteAbortError,
  AuthleteApiError,
  type AuthleteApiErrorDetails,
  AuthleteClientClosedError,
  AuthleteError,
  type AuthleteErrorCode,
  AuthleteInputError,
  AuthleteNetworkError,
  type AuthleteRequestInfo,
  AuthleteResponseError,
  type AuthleteResponseIssue,
  AuthleteTimeoutError,
  isAuthleteError,
} from './errors.js'
export type { AuthleteCallOptions, AuthleteClientOptions, AuthleteRegion } from './http/options.js'
export type { RetryOptions } from './http/retry.js'
export {
  BACKCHANNEL_ISSUE_ACTIONS,
  type BackchannelIssueAction,
  type BackchannelIssueInternalServerError,
  type BackchannelIssueInvalidTicket,
  type BackchannelIssueOk,
  type BackchannelIssueResponse,
  type BackchannelIssueUnknownAction,
  isKnownBackchannelIssueAction,
  MAX_TICKET_LENGTH,
  type UnknownAction,
  type UnknownBackchannelIssueAction,
} from './operations/backchannel-issue.js'
export { VERSION } from './version.js'
