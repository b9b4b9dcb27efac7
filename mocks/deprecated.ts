/**
 * Names of the mocks entry before the first release, kept for this release so that tests written
 * against them still run. A call's helpers are named after the client method now
 * (`backchannelIssueOk`, not `issueOk`); the answer bodies and the matching helpers were never
 * documented. They go in the next release (see CHANGELOG.md).
 *
 * @module
 */

import type { DeliveryMode, HintType } from '../src/index.js'
import { TOKEN_FAIL_REASONS as MAIN_TOKEN_FAIL_REASONS } from '../src/operations/values.js'
import {
  checkAuthorization as check,
  type AuthleteUrlMatch as Match,
  matchAuthleteUrl as match,
  readFields as read,
  resultBody as result,
} from './authlete.js'
import * as authentication from './calls/backchannel-authentication.js'
import * as complete from './calls/backchannel-complete.js'
import * as fail from './calls/backchannel-fail.js'
import * as issue from './calls/backchannel-issue.js'
import * as configuration from './calls/service-configuration.js'
import * as token from './calls/token.js'
import * as tokenFail from './calls/token-fail.js'
import * as tokenIssue from './calls/token-issue.js'
import * as answers from './token/answers.js'
import { publicJwkSet } from './token/keys.js'

/** @deprecated Renamed `backchannelAuthenticationHandler`: a call's helpers carry the client method's name. */
export const authenticationHandler = authentication.backchannelAuthenticationHandler
/** @deprecated Renamed `backchannelAuthenticationUnknownAction`. */
export const authenticationUnknownAction = authentication.backchannelAuthenticationUnknownAction
/** @deprecated Renamed `backchannelAuthenticationApiError`. */
export const authenticationApiError = authentication.backchannelAuthenticationApiError
/** @deprecated Renamed `backchannelAuthenticationUserIdentification`. */
export const authenticationUserIdentification = authentication.backchannelAuthenticationUserIdentification
/** @deprecated Renamed `backchannelAuthenticationBadRequest`. */
export const authenticationBadRequest = authentication.backchannelAuthenticationBadRequest
/** @deprecated Renamed `backchannelAuthenticationUnauthorized`. */
export const authenticationUnauthorized = authentication.backchannelAuthenticationUnauthorized
/** @deprecated Renamed `backchannelAuthenticationInternalServerError`. */
export const authenticationInternalServerError = authentication.backchannelAuthenticationInternalServerError
/** @deprecated Renamed `backchannelAuthenticationAsAuthlete`. */
export const authenticationAsAuthlete = authentication.backchannelAuthenticationAsAuthlete

/** @deprecated Renamed `backchannelIssueHandler`. */
export const issueHandler = issue.backchannelIssueHandler
/** @deprecated Renamed `backchannelIssueApiError`. */
export const issueApiError = issue.backchannelIssueApiError
/** @deprecated Renamed `backchannelIssueOk`. */
export const issueOk = issue.backchannelIssueOk
/** @deprecated Renamed `backchannelIssueInvalidTicket`. */
export const issueInvalidTicket = issue.backchannelIssueInvalidTicket
/** @deprecated Renamed `backchannelIssueInternalServerError`. */
export const issueInternalServerError = issue.backchannelIssueInternalServerError
/** @deprecated Renamed `backchannelIssueUnknownAction`. */
export const issueUnknownAction = issue.backchannelIssueUnknownAction
/** @deprecated Renamed `backchannelIssueRateLimited`. */
export const issueRateLimited = issue.backchannelIssueRateLimited
/** @deprecated Renamed `backchannelIssueNetworkError`. */
export const issueNetworkError = issue.backchannelIssueNetworkError
/** @deprecated Renamed `backchannelIssueDelayed`. */
export const issueDelayed = issue.backchannelIssueDelayed
/** @deprecated Renamed `backchannelIssueAsAuthlete`. */
export const issueAsAuthlete = issue.backchannelIssueAsAuthlete
/** @deprecated Renamed `MockBackchannelIssueOkOptions`. */
export type MockOkOptions = issue.MockBackchannelIssueOkOptions

/** @deprecated Renamed `backchannelFailHandler`. */
export const failHandler = fail.backchannelFailHandler
/** @deprecated Renamed `backchannelFailUnknownAction`. */
export const failUnknownAction = fail.backchannelFailUnknownAction
/** @deprecated Renamed `backchannelFailApiError`. */
export const failApiError = fail.backchannelFailApiError
/** @deprecated Renamed `backchannelFailBadRequest`. */
export const failBadRequest = fail.backchannelFailBadRequest
/** @deprecated Renamed `backchannelFailForbidden`. */
export const failForbidden = fail.backchannelFailForbidden
/** @deprecated Renamed `backchannelFailInternalServerError`. */
export const failInternalServerError = fail.backchannelFailInternalServerError
/** @deprecated Renamed `backchannelFailAsAuthlete`. */
export const failAsAuthlete = fail.backchannelFailAsAuthlete

/** @deprecated Renamed `backchannelCompleteHandler`. */
export const completeHandler = complete.backchannelCompleteHandler
/** @deprecated Renamed `backchannelCompleteUnknownAction`. */
export const completeUnknownAction = complete.backchannelCompleteUnknownAction
/** @deprecated Renamed `backchannelCompleteApiError`. */
export const completeApiError = complete.backchannelCompleteApiError
/** @deprecated Renamed `backchannelCompleteNotification`. */
export const completeNotification = complete.backchannelCompleteNotification
/** @deprecated Renamed `backchannelCompleteNoAction`. */
export const completeNoAction = complete.backchannelCompleteNoAction
/** @deprecated Renamed `backchannelCompleteServerError`. */
export const completeServerError = complete.backchannelCompleteServerError
/** @deprecated Renamed `backchannelCompleteAsAuthlete`. */
export const completeAsAuthlete = complete.backchannelCompleteAsAuthlete

// Answer bodies: use the scenario helpers (each one msw handler) or the simulator instead.
/** @deprecated Use `backchannelAuthenticationUserIdentification(fields)`. */
export const userIdentificationAnswer = authentication.userIdentificationAnswer
/** @deprecated Use `backchannelCompleteNotification(options)`. */
export const notificationAnswer = complete.notificationAnswer
/** @deprecated Use `backchannelCompleteNoAction()`. */
export const noActionAnswer = complete.noActionAnswer
/** @deprecated Use `backchannelFailBadRequest()` and its siblings, or `backchannelFailAsAuthlete()`. */
export const failAnswer = fail.backchannelFailAnswer
/** @deprecated Use `backchannelIssueOk(options)`. */
export const okAnswer = issue.backchannelIssueOkAnswer
/** @deprecated Use `backchannelIssueInvalidTicket()`. */
export const invalidTicketAnswer = issue.backchannelIssueInvalidTicketAnswer
/** @deprecated Use `backchannelIssueInternalServerError()`. */
export const internalServerErrorAnswer = issue.backchannelIssueInternalServerErrorAnswer
/** @deprecated Use `serviceConfigurationAsAuthlete(options)`. */
export const serviceConfigurationAnswer = configuration.serviceConfigurationAnswer
/** @deprecated Use `serviceJwksAsAuthlete({ keys })`. */
export const serviceJwksAnswer = publicJwkSet
/** @deprecated Use `tokenBadRequest(error)`. */
export const tokenBadRequestAnswer = answers.tokenBadRequestAnswer
/** @deprecated Use `tokenInternalServerError()`. */
export const tokenInternalServerErrorAnswer = answers.tokenInternalServerErrorAnswer
/** @deprecated Use `tokenInvalidClient()`. */
export const tokenInvalidClientAnswer = answers.tokenInvalidClientAnswer
/** @deprecated Use `tokenOk(options)`. */
export const tokenOkAnswer = token.tokenOkAnswer
/** @deprecated Use `tokenPassword(options)`. */
export const tokenPasswordAnswer = token.tokenPasswordAnswer
/** @deprecated Use `tokenFailAsAuthlete()`. */
export const tokenFailAnswer = tokenFail.tokenFailAnswer
/** @deprecated Use `tokenFailInvalidTicket()`. */
export const tokenFailInvalidTicketAnswer = tokenFail.tokenFailInvalidTicketAnswer
/** @deprecated Use `tokenIssueOk(options)`. */
export const tokenIssueOkAnswer = tokenIssue.tokenIssueOkAnswer
/** @deprecated Use `tokenIssueInvalidTicket()`. */
export const tokenIssueInvalidTicketAnswer = tokenIssue.tokenIssueInvalidTicketAnswer
/** @deprecated `TOKEN_FAIL_REASONS` of the main entry: one constant. */
export const TOKEN_FAIL_REASONS = MAIN_TOKEN_FAIL_REASONS

// The kit's own helpers, never documented.
/** @deprecated The default handlers check `Authorization`; write your own resolver with `authleteHandler`. */
export const checkAuthorization = check
/** @deprecated `authleteHandler(path, resolver)` matches the URL for you. */
export const matchAuthleteUrl = match
/** @deprecated What `matchAuthleteUrl` answered. */
export type AuthleteUrlMatch = Match
/** @deprecated Read the request yourself (`await request.formData()`, `await request.json()`). */
export const readFields = read
/** @deprecated `{ resultCode, resultMessage: '[code] message' }`: write it out. */
export const resultBody = result
/** @deprecated Use `HintType` of the main entry. */
export type CibaHintType = Exclude<HintType, `${string}\u0000`>
/** @deprecated Use `DeliveryMode` of the main entry. */
export type CibaDeliveryMode = Exclude<DeliveryMode, `${string}\u0000`>
