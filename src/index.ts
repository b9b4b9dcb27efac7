/**
 * authlete-ciba: a client for Authlete's CIBA `/backchannel/authentication/issue` API.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 * @module
 */

export { AuthleteClient, type BackchannelIssueOptions, MAX_TICKET_LENGTH } from './client.js'
export {
  type BackchannelEndpointResponse,
  toBackchannelResponse,
  toBackchannelWebResponse,
} from './endpoint-response.js'
export {
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
  AuthleteTimeoutError,
} from './errors.js'
export {
  BACKCHANNEL_ISSUE_ACTIONS,
  type BackchannelIssueAction,
  type BackchannelIssueInternalServerError,
  type BackchannelIssueInvalidTicket,
  type BackchannelIssueOk,
  type BackchannelIssueResponse,
  type BackchannelIssueUnknownAction,
  backchannelIssueResponseSchema,
  isKnownBackchannelIssueAction,
  type UnknownBackchannelIssueAction,
} from './model.js'
export { type AuthleteClientOptions, type AuthleteRegion, DEFAULTS } from './options.js'
export { DEFAULT_RETRY, type RetryOptions } from './retry.js'
export { VERSION } from './version.js'
