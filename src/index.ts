/**
 * authlete-ciba: a CIBA authorization server on Authlete. The client (`AuthleteClient`, one method
 * per Authlete call) and its errors; the endpoints, each in one call (`handleBackchannelAuthentication`,
 * `handleTokenRequest`, and their Fetch API variants); completion with its client notification
 * (`completeBackchannelAuthentication`) and the exactly-once decision of a pending request
 * (`decideBackchannelAuthentication`, `createPendingAuthentications`).
 *
 * @see https://docs.authlete.com/en/shared/latest#tag/CIBA
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line before undici is loaded.
import './node-guard.js'

// ---- The client and its errors.
export { AuthleteClient } from './client.js'
// ---- Completion: /complete, the client's notification, and deciding exactly once.
export {
  type BackchannelCompleteClient,
  type BackchannelCompletion,
  type CompleteBackchannelAuthenticationOptions,
  completeBackchannelAuthentication,
} from './completion/complete.js'
export {
  type BackchannelDecision,
  type DecideBackchannelAuthenticationOptions,
  decideBackchannelAuthentication,
} from './completion/decide.js'
export {
  type ClientNotification,
  deliverClientNotification,
  type NotificationDelivery,
  type NotificationOptions,
} from './completion/deliver.js'
export {
  createNotificationDispatcher,
  type NotificationDispatcherOptions,
  type NotificationLookup,
  type ResolvedAddress,
} from './completion/notification-dispatcher.js'
// ---- Names of before the first release, deprecated: see CHANGELOG.md.
export * from './deprecated.js'
export {
  type BackchannelAuthenticationInput,
  type BackchannelAuthenticationOptions,
  type BackchannelAuthenticationWebRequestOptions,
  type BackchannelEndpointClient,
  handleBackchannelAuthentication,
  handleBackchannelAuthenticationWebRequest,
} from './endpoints/backchannel-authentication.js'
export {
  type BackchannelAuthenticationHooks,
  type BackchannelAuthenticationStage,
  type BackchannelUser,
  type BackchannelUserHint,
  isPlainBindingMessage,
  type StartAuthenticationContext,
} from './endpoints/backchannel-authentication-hooks.js'
export {
  toBackchannelResponse,
  toBackchannelWebResponse,
} from './endpoints/backchannel-authentication-response.js'
export {
  type BasicCredentials,
  type MalformedCredentials,
  parseBasicCredentials,
} from './endpoints/basic-credentials.js'
export {
  handleIntrospectionRequest,
  handleIntrospectionWebRequest,
  type IntrospectionCaller,
  type IntrospectionEndpointClient,
  type IntrospectionRequestHooks,
  type IntrospectionRequestInput,
  type IntrospectionRequestOptions,
  type IntrospectionRequestStage,
} from './endpoints/introspection.js'
export type { FormBody } from './endpoints/request-input.js'
// ---- The endpoints: the request in, the response out.
export { type EndpointResponse, toWebResponse } from './endpoints/response.js'
export {
  handleRevocationRequest,
  handleRevocationWebRequest,
  type RevocationEndpointClient,
  type RevocationRequestHooks,
  type RevocationRequestInput,
  type RevocationRequestOptions,
  type RevocationRequestStage,
  type RevocationWebRequestOptions,
} from './endpoints/revocation.js'
export {
  handleTokenRequest,
  handleTokenWebRequest,
  type TokenEndpointClient,
  type TokenRequestInput,
  type TokenRequestOptions,
  type TokenWebRequestOptions,
} from './endpoints/token.js'
export type {
  GrantHook,
  ResourceOwnerCredentials,
  TokenRequestHooks,
  TokenRequestStage,
} from './endpoints/token-hooks.js'
export { type TokenResponseContext, toTokenResponse, toTokenWebResponse } from './endpoints/token-response.js'
export {
  handleUserInfoRequest,
  handleUserInfoWebRequest,
  type UserInfoClaims,
  type UserInfoClaimsContext,
  type UserInfoEndpointClient,
  type UserInfoRequestHooks,
  type UserInfoRequestInput,
  type UserInfoRequestOptions,
  type UserInfoRequestStage,
  type UserInfoWebRequestOptions,
} from './endpoints/userinfo.js'
export {
  type AccessTokenRequest,
  type AccessTokenValidation,
  type AccessTokenValidatorClient,
  type InvalidAccessToken,
  type ValidAccessToken,
  type ValidateAccessTokenOptions,
  validateAccessToken,
} from './endpoints/validate-access-token.js'
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
  AuthletePendingError,
  type AuthleteRequestInfo,
  AuthleteResponseError,
  type AuthleteResponseIssue,
  AuthleteTimeoutError,
  isAuthleteError,
} from './errors.js'
export type { RetryOptions } from './http/retry.js'
export type { AuthleteTraceContext } from './http/tracing.js'
// ---- The calls' requests and answers, one module each, in the order of the table of calls.
export {
  BACKCHANNEL_AUTHENTICATION_ACTIONS,
  type BackchannelAuthenticationAction,
  type BackchannelAuthenticationAnswer,
  type BackchannelAuthenticationBadRequest,
  type BackchannelAuthenticationInternalServerError,
  type BackchannelAuthenticationRequest,
  type BackchannelAuthenticationUnauthorized,
  type BackchannelAuthenticationUnknownAction,
  type BackchannelAuthenticationUserIdentification,
  type HintType,
} from './operations/backchannel-authentication.js'
export {
  BACKCHANNEL_COMPLETE_ACTIONS,
  BACKCHANNEL_COMPLETE_RESULTS,
  type BackchannelCompleteAction,
  type BackchannelCompleteAnswer,
  type BackchannelCompleteNoAction,
  type BackchannelCompleteNotification,
  type BackchannelCompleteRequest,
  type BackchannelCompleteResult,
  type BackchannelCompleteServerError,
  type BackchannelCompleteUnknownAction,
} from './operations/backchannel-complete.js'
export {
  BACKCHANNEL_FAIL_ACTIONS,
  BACKCHANNEL_FAIL_REASONS,
  type BackchannelFailAction,
  type BackchannelFailAnswer,
  type BackchannelFailBadRequest,
  type BackchannelFailForbidden,
  type BackchannelFailInternalServerError,
  type BackchannelFailReason,
  type BackchannelFailRequest,
  type BackchannelFailUnknownAction,
} from './operations/backchannel-fail.js'
export {
  BACKCHANNEL_ISSUE_ACTIONS,
  type BackchannelIssueAction,
  type BackchannelIssueAnswer,
  type BackchannelIssueInternalServerError,
  type BackchannelIssueInvalidTicket,
  type BackchannelIssueOk,
  type BackchannelIssueUnknownAction,
} from './operations/backchannel-issue.js'
export type {
  AuthorizationDetails,
  AuthorizationDetailsElement,
  DeliveryMode,
  OpenEnum,
  Pair,
  ResultFields,
  Scope,
  UnknownAction,
  UnknownValue,
} from './operations/fields.js'
export {
  type Grant,
  INTROSPECTION_ACTIONS,
  type IntrospectionAction,
  type IntrospectionAnswer,
  type IntrospectionBadRequest,
  type IntrospectionForbidden,
  type IntrospectionInternalServerError,
  type IntrospectionOk,
  type IntrospectionRequest,
  type IntrospectionUnauthorized,
  type IntrospectionUnknownAction,
} from './operations/introspection.js'
export {
  INTROSPECTION_STANDARD_ACTIONS,
  type IntrospectionStandardAction,
  type IntrospectionStandardAnswer,
  type IntrospectionStandardBadRequest,
  type IntrospectionStandardInternalServerError,
  type IntrospectionStandardJwt,
  type IntrospectionStandardOk,
  type IntrospectionStandardRequest,
  type IntrospectionStandardUnknownAction,
} from './operations/introspection-standard.js'
// The building blocks the request and answer types above are written in: named, so that a
// declaration emitted from them in your project can refer to them (TS2742).
export type { WithRequired } from './operations/model.js'
export {
  type KeyValue,
  MAX_PARAMETERS_LENGTH,
  MAX_TICKET_LENGTH,
  MAX_TOKEN_LENGTH,
  type RequestField,
  type RequestFields,
  type RequestOf,
  type TokenProperty,
} from './operations/request-fields.js'
export {
  REVOCATION_ACTIONS,
  type RevocationAction,
  type RevocationAnswer,
  type RevocationBadRequest,
  type RevocationInternalServerError,
  type RevocationInvalidClient,
  type RevocationOk,
  type RevocationRequest,
  type RevocationUnknownAction,
} from './operations/revocation.js'
export type { ServiceConfiguration } from './operations/service-configuration.js'
export type { JsonWebKeyAnswer, ServiceJwks } from './operations/service-jwks.js'
export {
  type GrantType,
  TOKEN_ACTIONS,
  type TokenAction,
  type TokenAnswer,
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
  type TokenTokenExchange,
  type TokenUnknownAction,
} from './operations/token.js'
export {
  TOKEN_FAIL_ACTIONS,
  TOKEN_FAIL_REASONS,
  type TokenFailAction,
  type TokenFailAnswer,
  type TokenFailBadRequest,
  type TokenFailInternalServerError,
  type TokenFailReason,
  type TokenFailRequest,
  type TokenFailUnknownAction,
} from './operations/token-fail.js'
export {
  TOKEN_ISSUE_ACTIONS,
  type TokenIssueAction,
  type TokenIssueAnswer,
  type TokenIssueInternalServerError,
  type TokenIssueOk,
  type TokenIssueRequest,
  type TokenIssueUnknownAction,
} from './operations/token-issue.js'
export {
  USERINFO_ACTIONS,
  type UserinfoAction,
  type UserinfoAnswer,
  type UserinfoBadRequest,
  type UserinfoForbidden,
  type UserinfoInternalServerError,
  type UserinfoOk,
  type UserinfoRequest,
  type UserinfoUnauthorized,
  type UserinfoUnknownAction,
} from './operations/userinfo.js'
export {
  USERINFO_ISSUE_ACTIONS,
  type UserinfoIssueAction,
  type UserinfoIssueAnswer,
  type UserinfoIssueBadRequest,
  type UserinfoIssueForbidden,
  type UserinfoIssueInternalServerError,
  type UserinfoIssueJson,
  type UserinfoIssueJwt,
  type UserinfoIssueRequest,
  type UserinfoIssueUnauthorized,
  type UserinfoIssueUnknownAction,
} from './operations/userinfo-issue.js'

// ---- Pending authentications, shared by every instance.
export type { AuthorizationDetail } from './pending/authorization-details.js'
export { type InProcessPendingStoreOptions, inProcessPendingStore } from './pending/in-process.js'
export {
  createPendingAuthentications,
  type PendingAuthentication,
  type PendingAuthentications,
  type PendingAuthenticationsOptions,
  type PendingCallOptions,
} from './pending/pending.js'
export type {
  PendingClaim,
  PendingClaimResult,
  PendingRecord,
  PendingState,
  PendingStore,
  PendingStoreContext,
  StoredPending,
} from './pending/store.js'
export type {
  AuthleteCallOptions,
  AuthleteClientOptions,
  AuthleteRegion,
  CredentialFunction,
} from './transport/options.js'
export { VERSION } from './version.js'
