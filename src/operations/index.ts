/**
 * Every operation, by the name of its call in the table (`table.ts`): what the client's methods run
 * and what the tests that go through every call read.
 *
 * @internal
 * @module
 */

import { backchannelAuthentication } from './backchannel-authentication.js'
import { backchannelComplete } from './backchannel-complete.js'
import { backchannelFail } from './backchannel-fail.js'
import { backchannelIssue } from './backchannel-issue.js'
import { introspection } from './introspection.js'
import { introspectionStandard } from './introspection-standard.js'
import type { ModelledOperation } from './model.js'
import { revocation } from './revocation.js'
import { serviceConfiguration } from './service-configuration.js'
import { serviceJwks } from './service-jwks.js'
import type { AuthleteCallName } from './table.js'
import { token } from './token.js'
import { tokenFail } from './token-fail.js'
import { tokenIssue } from './token-issue.js'
import { userinfo } from './userinfo.js'
import { userinfoIssue } from './userinfo-issue.js'

export const OPERATIONS = {
  backchannelAuthentication,
  backchannelIssue,
  backchannelFail,
  backchannelComplete,
  token,
  tokenIssue,
  tokenFail,
  userinfo,
  userinfoIssue,
  introspection,
  introspectionStandard,
  revocation,
  serviceConfiguration,
  serviceJwks,
} as const satisfies { readonly [Name in AuthleteCallName]: ModelledOperation<never, unknown> }
