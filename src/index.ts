/**
 * authlete-ciba: Authlete's CIBA API for Node.js authorization servers. The client
 * (`AuthleteClient`), its errors, the mapping of Authlete's answers to the responses of the
 * backchannel authentication endpoint, and the whole flow on top of them: the endpoint
 * (`handleBackchannelAuthentication`) and completion with its client notification
 * (`completeBackchannelAuthentication`).
 *
 * @see https://docs.authlete.com/en/shared/latest#tag/CIBA
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line before undici is loaded.
import './node-guard.js'

export { AuthleteClient, type BackchannelIssueOptions } from './client.js'
export {
  type BackchannelEndpointResponse,
  toBackchannelResponse,
  toBackchannelWebResponse,
} from './endpoint/backchannel-response.js'
export {
  type TokenEndpointResponse,
  type TokenResponseContext,
  toTokenResponse,
  toTokenWebResponse,
} from './endpoint/token-response.js'
export {
  type AnyAuthleteError,
  AuthleteAbortError,
  AuthleteApiError,
  type AuthleteApiErrorDetails,
  AuthleteClientClosedError,
  AuthleteCredentialsError,
  AuthleteError,
  type AuthleteErrorCode,
  AuthleteInputError,
  AuthleteNetworkError,
  AuthleteNotificationError,
  type AuthleteNotificationFailure,
  type AuthleteRequestInfo,
  AuthleteResponseError,
  type AuthleteResponseIssue,
  AuthleteTimeoutError,
  isAuthleteError,
} from './errors.js'
export {
  type BackchannelAuthenticationInput,
  type BackchannelEndpointClient,
  type BackchannelRequestOptions,
  handleBackchannelAuthentication,
  handleBackchannelAuthenticationRequest,
} from './flow/backchannel-endpoint.js'
export {
  type BackchannelCompleteClient,
  type BackchannelCompletion,
  type CompleteBackchannelAuthenticationOptions,
  completeBackchannelAuthentication,
} from './flow/complete.js'
export {
  createNotificationDispatcher,
  type NotificationDispatcherOptions,
  type NotificationLookup,
  type ResolvedAddress,
} from './flow/connector.js'
export {
  type ClientNotification,
  deliverClientNotification,
  type NotificationDelivery,
  type NotificationOptions,
} from './flow/deliver.js'
export {
  type BackchannelAuthenticationHooks,
  type BackchannelFlowStage,
  type BackchannelUser,
  type BackchannelUserHint,
  isPlainBindingMessage,
  type StartAuthenticationContext,
} from './flow/hooks.js'
export type { FormBody } from './flow/request-input.js'
export {
  handleTokenRequest,
  handleTokenWebRequest,
  type TokenEndpointClient,
  type TokenEndpointResult,
  type TokenRequestInput,
  type TokenRequestOptions,
  type TokenWebRequestOptions,
} from './flow/token-endpoint.js'
export type {
  GrantHook,
  ResourceOwnerCredentials,
  TokenEndpointAnswer,
  TokenEndpointHooks,
  TokenFlowStage,
} from './flow/token-hooks.js'
export type {
  AuthleteCallOptions,
  AuthleteClientOptions,
  AuthleteRegion,
  CredentialFunction,
} from './http/options.js'
export type { RetryOptions } from './http/retry.js'
export type { AuthleteTraceContext } from './http/tracing.js'
export {
  BACKCHANNEL_AUTHENTICATION_ACTIONS,
  type BackchannelAuthenticationAction,
  type BackchannelAuthenticationBadRequest,
  type BackchannelAuthenticationInternalServerError,
  type BackchannelAuthenticationRequest,
  type BackchannelAuthenticationResponse,
  type BackchannelAuthenticationUnauthorized,
  type BackchannelAuthenticationUnknownAction,
  type BackchannelAuthenticationUserIdentification,
  type HintType,
  MAX_PARAMETERS_LENGTH,
} from './operations/backchannel-authentication.js'
export {
  BACKCHANNEL_COMPLETE_ACTIONS,
  BACKCHANNEL_COMPLETE_RESULTS,
  type BackchannelCompleteAction,
  type BackchannelCompleteNoAction,
  type BackchannelCompleteNotification,
  type BackchannelCompleteRequest,
  type BackchannelCompleteResponse,
  type BackchannelCompleteResult,
  type BackchannelCompleteServerError,
  type BackchannelCompleteUnknownAction,
  type TokenProperty,
} from './operations/backchannel-complete.js'
export {
  BACKCHANNEL_FAIL_ACTIONS,
  BACKCHANNEL_FAIL_REASONS,
  type BackchannelFailAction,
  type BackchannelFailBadRequest,
  type BackchannelFailForbidden,
  type BackchannelFailInternalServerError,
  type BackchannelFailReason,
  type BackchannelFailRequest,
  type BackchannelFailResponse,
  type BackchannelFailUnknownAction,
} from './operations/backchannel-fail.js'
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
  type UnknownBackchannelIssueAction,
} from './operations/backchannel-issue.js'
export type {
  AuthorizationDetails,
  AuthorizationDetailsElement,
  DeliveryMode,
  Pair,
  Scope,
  UnknownAction,
  UnknownValue,
} from './operations/fields.js'
export type { ServiceConfiguration } from './operations/service-configuration.js'
export type {
  JsonWebKeyAnswer,
  ServiceJwks,
} from './operations/service-jwks.js'
export {
  type GrantType,
  TOKEN_ACTIONS,
  type TokenAction,
  type TokenBadRequest,
  type TokenIdTokenReissuable,
  type TokenInfo,
  type TokenInternalServerError,
  type TokenInvalidClient,
  type TokenJwtBearer,
  type TokenNativeSso,
  type TokenOk,
  type TokenPassword,
  type TokenPropertyAnswer,
  type TokenRequest,
  type TokenResponse,
  type TokenTokenExchange,
  type TokenUnknownAction,
} from './operations/token.js'
export {
  TOKEN_FAIL_ACTIONS,
  TOKEN_FAIL_REASONS,
  type TokenFailAction,
  type TokenFailBadRequest,
  type TokenFailInternalServerError,
  type TokenFailReason,
  type TokenFailRequest,
  type TokenFailResponse,
  type TokenFailUnknownAction,
} from './operations/token-fail.js'
export {
  TOKEN_ISSUE_ACTIONS,
  type TokenIssueAction,
  type TokenIssueInternalServerError,
  type TokenIssueOk,
  type TokenIssueRequest,
  type TokenIssueResponse,
  type TokenIssueUnknownAction,
} from './operations/token-issue.js'
export { VERSION } from './version.js'
