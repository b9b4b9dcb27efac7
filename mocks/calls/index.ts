/**
 * The mocked calls, by the name of their call in the table of calls (`src/operations/table.ts`):
 * each one's request, its default handler and the simulator's play. The default handler set
 * (`authleteHandlers`) and the simulator's handlers are made from here, in the table's order.
 *
 * @internal
 * @module
 */

import type { HttpHandler } from 'msw'
import type { AuthleteCallName } from '../../src/operations/table.js'
import type { AuthleteCall, MockHandlerOptions } from '../authlete.js'
import type { Play } from '../simulator/state.js'
import {
  BACKCHANNEL_AUTHENTICATION,
  backchannelAuthenticationAsAuthlete,
  playBackchannelAuthentication,
} from './backchannel-authentication.js'
import {
  BACKCHANNEL_COMPLETE,
  backchannelCompleteAsAuthlete,
  playBackchannelComplete,
} from './backchannel-complete.js'
import { BACKCHANNEL_FAIL, backchannelFailAsAuthlete, playBackchannelFail } from './backchannel-fail.js'
import { BACKCHANNEL_ISSUE, backchannelIssueAsAuthlete, playBackchannelIssue } from './backchannel-issue.js'
import { INTROSPECTION, introspectionAsAuthlete, playIntrospection } from './introspection.js'
import {
  INTROSPECTION_STANDARD,
  introspectionStandardAsAuthlete,
  playIntrospectionStandard,
} from './introspection-standard.js'
import { playRevocation, REVOCATION, revocationAsAuthlete } from './revocation.js'
import {
  playServiceConfiguration,
  SERVICE_CONFIGURATION,
  serviceConfigurationAsAuthlete,
} from './service-configuration.js'
import { playServiceJwks, SERVICE_JWKS, serviceJwksAsAuthlete } from './service-jwks.js'
import { playToken, TOKEN, tokenAsAuthlete } from './token.js'
import { playTokenFail, TOKEN_FAIL, tokenFailAsAuthlete } from './token-fail.js'
import { playTokenIssue, TOKEN_ISSUE, tokenIssueAsAuthlete } from './token-issue.js'
import { playUserinfo, USERINFO, userinfoAsAuthlete } from './userinfo.js'
import { playUserinfoIssue, USERINFO_ISSUE, userinfoIssueAsAuthlete } from './userinfo-issue.js'

/** One mocked call. */
export interface MockedCall {
  /** How it is reached, and what a request must carry. */
  readonly call: AuthleteCall
  /** Its default handler: the request checked as Authlete checks it, then a success. */
  readonly asAuthlete: (options: MockHandlerOptions) => HttpHandler
  /** How the simulator answers a request that passed the call's checks, from its state. */
  readonly play: Play
}

export const MOCKED_CALLS = {
  backchannelAuthentication: {
    call: BACKCHANNEL_AUTHENTICATION,
    asAuthlete: backchannelAuthenticationAsAuthlete,
    play: playBackchannelAuthentication,
  },
  backchannelIssue: {
    call: BACKCHANNEL_ISSUE,
    asAuthlete: backchannelIssueAsAuthlete,
    play: playBackchannelIssue,
  },
  backchannelFail: {
    call: BACKCHANNEL_FAIL,
    asAuthlete: backchannelFailAsAuthlete,
    play: playBackchannelFail,
  },
  backchannelComplete: {
    call: BACKCHANNEL_COMPLETE,
    asAuthlete: backchannelCompleteAsAuthlete,
    play: playBackchannelComplete,
  },
  token: { call: TOKEN, asAuthlete: tokenAsAuthlete, play: playToken },
  tokenIssue: { call: TOKEN_ISSUE, asAuthlete: tokenIssueAsAuthlete, play: playTokenIssue },
  tokenFail: { call: TOKEN_FAIL, asAuthlete: tokenFailAsAuthlete, play: playTokenFail },
  userinfo: { call: USERINFO, asAuthlete: userinfoAsAuthlete, play: playUserinfo },
  userinfoIssue: { call: USERINFO_ISSUE, asAuthlete: userinfoIssueAsAuthlete, play: playUserinfoIssue },
  introspection: { call: INTROSPECTION, asAuthlete: introspectionAsAuthlete, play: playIntrospection },
  introspectionStandard: {
    call: INTROSPECTION_STANDARD,
    asAuthlete: introspectionStandardAsAuthlete,
    play: playIntrospectionStandard,
  },
  revocation: { call: REVOCATION, asAuthlete: revocationAsAuthlete, play: playRevocation },
  serviceConfiguration: {
    call: SERVICE_CONFIGURATION,
    asAuthlete: serviceConfigurationAsAuthlete,
    play: playServiceConfiguration,
  },
  serviceJwks: { call: SERVICE_JWKS, asAuthlete: serviceJwksAsAuthlete, play: playServiceJwks },
} as const satisfies { readonly [Name in AuthleteCallName]: MockedCall }
