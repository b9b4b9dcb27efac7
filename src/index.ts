/**
 * authlete-ciba: a client for Authlete's CIBA `/backchannel/authentication/issue` API.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

export { type BackchannelIssueOptions, AuthleteClient, MAX_TICKET_LENGTH } from './client.js'
export {
  type AuthleteApiErrorDetails,
  type AuthleteErrorCode,
  type AuthleteRequestInfo,
  AuthleteAbortError,
  AuthleteApiError,
  AuthleteClientClosedError,
  AuthleteError,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteResponseError,
  AuthleteTimeoutError,
} from './errors.js'
export {
  type BackchannelIssueAction,
  type BackchannelIssueInternalServerError,
  type BackchannelIssueInvalidTicket,
  type BackchannelIssueOk,
  type BackchannelIssueResponse,
  type BackchannelIssueUnknownAction,
  type UnknownBackchannelIssueAction,
  BACKCHANNEL_ISSUE_ACTIONS,
  backchannelIssueResponseSchema,
  isKnownBackchannelIssueAction,
} from './model.js'
export { type AuthleteClientOptions, type AuthleteRegion, DEFAULTS } from './options.js'
export { type RetryOptions, DEFAULT_RETRY } from './retry.js'
export { VERSION } from './version.js'
