/**
 * Names of the package before its first release, kept for this release so that code written
 * against them still compiles and runs. Each is the new name under the old one; none is used in
 * `docs/`. They go in the next release (see CHANGELOG.md).
 *
 * @module
 */

import {
  type BackchannelAuthenticationOptions,
  type BackchannelAuthenticationWebRequestOptions,
  handleBackchannelAuthenticationWebRequest,
} from './endpoints/backchannel-authentication.js'
import type { BackchannelAuthenticationStage } from './endpoints/backchannel-authentication-hooks.js'
import type { EndpointResponse } from './endpoints/response.js'
import type { TokenRequestHooks, TokenRequestStage } from './endpoints/token-hooks.js'
import type { BackchannelAuthenticationAnswer } from './operations/backchannel-authentication.js'
import type { BackchannelCompleteAnswer } from './operations/backchannel-complete.js'
import type { BackchannelFailAnswer } from './operations/backchannel-fail.js'
import {
  BACKCHANNEL_ISSUE_ACTIONS,
  type BackchannelIssueAction,
  type BackchannelIssueAnswer,
} from './operations/backchannel-issue.js'
import type { UnknownAction } from './operations/fields.js'
import type { TokenAnswer } from './operations/token.js'
import type { TokenFailAnswer } from './operations/token-fail.js'
import type { TokenIssueAnswer } from './operations/token-issue.js'
import type { AuthleteCallOptions } from './transport/options.js'

/** @deprecated Renamed {@link handleBackchannelAuthenticationWebRequest}: every Fetch API variant ends in `WebRequest`. */
export const handleBackchannelAuthenticationRequest = handleBackchannelAuthenticationWebRequest
/** @deprecated Renamed {@link BackchannelAuthenticationOptions}. */
export type BackchannelFlowOptions = BackchannelAuthenticationOptions
/** @deprecated Renamed {@link BackchannelAuthenticationWebRequestOptions}. */
export type BackchannelRequestOptions = BackchannelAuthenticationWebRequestOptions
/**
 * @deprecated Renamed {@link BackchannelAuthenticationStage}; its Authlete calls are told by the
 * client method's name: `backchannelAuthentication`, `backchannelIssue`, `backchannelFail`.
 */
export type BackchannelFlowStage = BackchannelAuthenticationStage
/** @deprecated Renamed {@link TokenRequestStage}. */
export type TokenFlowStage = TokenRequestStage
/** @deprecated Renamed {@link TokenRequestHooks}. */
export type TokenEndpointHooks = TokenRequestHooks
/** @deprecated One type for every endpoint's response: {@link EndpointResponse}. */
export type BackchannelEndpointResponse = EndpointResponse
/** @deprecated One type for every endpoint's response: {@link EndpointResponse}. */
export type TokenEndpointResponse = EndpointResponse
/** @deprecated A hook's own answer is an {@link EndpointResponse}. */
export type TokenEndpointAnswer = EndpointResponse
/** @deprecated One type for every endpoint's response: {@link EndpointResponse}. */
export type TokenEndpointResult = EndpointResponse
/** @deprecated Renamed {@link BackchannelAuthenticationAnswer}: Authlete's answers are answers. */
export type BackchannelAuthenticationResponse = BackchannelAuthenticationAnswer
/** @deprecated Renamed {@link BackchannelIssueAnswer}. */
export type BackchannelIssueResponse = BackchannelIssueAnswer
/** @deprecated Renamed {@link BackchannelFailAnswer}. */
export type BackchannelFailResponse = BackchannelFailAnswer
/** @deprecated Renamed {@link BackchannelCompleteAnswer}. */
export type BackchannelCompleteResponse = BackchannelCompleteAnswer
/** @deprecated Renamed {@link TokenAnswer}. */
export type TokenResponse = TokenAnswer
/** @deprecated Renamed {@link TokenIssueAnswer}. */
export type TokenIssueResponse = TokenIssueAnswer
/** @deprecated Renamed {@link TokenFailAnswer}. */
export type TokenFailResponse = TokenFailAnswer
/** @deprecated Use {@link UnknownAction}. */
export type UnknownBackchannelIssueAction = UnknownAction
/** @deprecated Use {@link AuthleteCallOptions}. */
export type BackchannelIssueOptions = AuthleteCallOptions

const ISSUE_ACTIONS: ReadonlySet<string> = new Set(BACKCHANNEL_ISSUE_ACTIONS)

/** @deprecated Compare `action` with the literals (an unknown action is typed so that none equals it). */
export function isKnownBackchannelIssueAction(action: string): action is BackchannelIssueAction {
  return ISSUE_ACTIONS.has(action)
}
