/**
 * What the authorization server supplies to {@link handleBackchannelAuthentication}: the hooks of
 * the backchannel authentication endpoint, and the default binding-message rule.
 *
 * @module
 */

import type {
  BackchannelAuthenticationUserIdentification,
  HintType,
} from '../operations/backchannel-authentication.js'
import type { PendingAuthentications } from '../pending/pending.js'

/** The least a user must be: `subject` is what `/complete` will report for them. */
export interface BackchannelUser {
  subject: string
}

/** The hint of the client's request, as Authlete parsed it. */
export interface BackchannelUserHint {
  /** `LOGIN_HINT`, `LOGIN_HINT_TOKEN` or `ID_TOKEN_HINT` (or one Authlete adds later). */
  hintType: HintType | undefined
  /** The value of that hint: a login hint, a login hint token, or an ID token. */
  hint: string | undefined
  /** The `sub` claim of an `id_token_hint`. */
  sub: string | undefined
}

/** What {@link BackchannelAuthenticationHooks.startAuthentication} receives once `/issue` said `OK`. */
export interface StartAuthenticationContext<User extends BackchannelUser> {
  /** The user `identifyUser` found. */
  user: User
  /** Keep it: `/complete` needs it when the user has answered. */
  ticket: string
  /** The `auth_req_id` the client will hold. */
  authReqId: string
  /** Seconds until the `auth_req_id` expires. */
  expiresIn: number
  /** The minimum polling interval the client was given, in seconds. */
  interval: number
  /** The client's request, as Authlete parsed it (`bindingMessage`, `scopes`, `acrs`, `deliveryMode`, …). */
  request: BackchannelAuthenticationUserIdentification
}

/**
 * Where in the flow an error happened, as {@link BackchannelAuthenticationHooks.onError} is told.
 * `request` is reading the client's request; `clientAuthentication` a malformed `Authorization`
 * header; `backchannelAuthentication`, `backchannelFail` and `backchannelIssue` the Authlete
 * calls, by the client method's name; `pending` saving the request; the others the hooks of the
 * same names.
 */
export type BackchannelAuthenticationStage =
  | 'request'
  | 'clientAuthentication'
  | 'backchannelAuthentication'
  | 'identifyUser'
  | 'isLoginHintTokenExpired'
  | 'verifyUserCode'
  | 'validateBindingMessage'
  | 'backchannelFail'
  | 'backchannelIssue'
  | 'startAuthentication'
  | 'pending'

type MaybePromise<T> = T | Promise<T>

/**
 * The hooks of the backchannel authentication endpoint. Every hook receives the client's request
 * as Authlete parsed it (`request`), and may be synchronous or asynchronous. A hook that throws or
 * rejects never escapes: see {@link handleBackchannelAuthentication}.
 *
 * The three checks fail closed: only `false` from `isLoginHintTokenExpired` and only `true` from
 * `verifyUserCode` and `validateBindingMessage` let the request through (an `undefined` from a
 * forgotten `return` refuses it).
 */
export interface BackchannelAuthenticationHooks<User extends BackchannelUser> {
  /**
   * Finds the user the hint designates; `undefined` (or `null`) when there is none, which refuses
   * the request with `UNKNOWN_USER_ID`. With a `LOGIN_HINT_TOKEN` or an `ID_TOKEN_HINT`, verify the
   * token here (Authlete does not).
   */
  identifyUser: (
    hint: BackchannelUserHint,
    request: BackchannelAuthenticationUserIdentification,
  ) => MaybePromise<User | undefined | null>
  /**
   * Whether the login hint token has expired (`hintType` `LOGIN_HINT_TOKEN` only). `true` refuses
   * the request with `EXPIRED_LOGIN_HINT_TOKEN`.
   * @default not checked
   */
  isLoginHintTokenExpired?:
    | ((token: string, request: BackchannelAuthenticationUserIdentification) => MaybePromise<boolean>)
    | undefined
  /**
   * Whether `userCode` is the user's. Called when the request carries a user code and this hook is
   * given, and always when Authlete says the client requires one (`userCodeRequired`): then a
   * missing hook is a configuration error (the request is refused with `SERVER_ERROR`), never a
   * code let through unchecked. `false` refuses the request with `INVALID_USER_CODE`.
   * @default not checked, unless `userCodeRequired`
   */
  verifyUserCode?:
    | ((
        user: User,
        userCode: string,
        request: BackchannelAuthenticationUserIdentification,
      ) => MaybePromise<boolean>)
    | undefined
  /**
   * Whether the authentication device can show `message` (the request's `binding_message`).
   * `false` refuses the request with `INVALID_BINDING_MESSAGE`.
   * @default isPlainBindingMessage: 1 to 20 of `A-Z a-z 0-9 - . _ + / ! ? #`
   */
  validateBindingMessage?:
    | ((message: string, request: BackchannelAuthenticationUserIdentification) => MaybePromise<boolean>)
    | undefined
  /**
   * Starts the user's authentication on their device, once Authlete issued the `auth_req_id`. Keep
   * `ticket`: `completeBackchannelAuthentication` needs it. Return once the device has been asked
   * (a push sent, a message queued), not once the user answered.
   */
  startAuthentication: (context: StartAuthenticationContext<User>) => MaybePromise<void>
  /**
   * Told of every error the flow absorbed, with where it happened: for logs. Its own errors are
   * ignored. The `error` may hold your hooks' own details; none of it reaches the client. When the
   * flow ends (its `flowTimeoutMs`, or your `signal`) while a stage is pending, that stage is told
   * an `AuthleteAbortError` whose `cause` is the signal's reason, or a `TimeoutError` at the deadline.
   * @default errors are not reported
   */
  onError?: ((error: unknown, stage: BackchannelAuthenticationStage) => unknown) | undefined
  /**
   * Where each issued request is saved, before `startAuthentication`, so that any instance of the
   * server can list it (`forSubject`) and decide it (`decideBackchannelAuthentication`). A store
   * that cannot save it makes the answer a 500 (stage `pending`), and `startAuthentication` is
   * not called.
   * @default not saved: keep the ticket yourself in `startAuthentication`
   */
  pending?: PendingAuthentications | undefined
}

// node-oidc-provider's default for features.ciba.validateBindingMessage: short, plain ASCII text
// that every device can render and the user can compare at a glance.
const PLAIN_BINDING_MESSAGE = /^[a-zA-Z0-9._+/!?#-]{1,20}$/

/**
 * The default binding-message rule: 1 to 20 characters among `A-Z a-z 0-9 - . _ + / ! ? #`, as
 * node-oidc-provider's default (no spaces, no other letters: give your own `validateBindingMessage`
 * to allow more).
 */
export function isPlainBindingMessage(message: string): boolean {
  return PLAIN_BINDING_MESSAGE.test(message)
}
