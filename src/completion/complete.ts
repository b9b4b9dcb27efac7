/**
 * After the user answered on their device: report the decision to Authlete (`/complete`) and, in
 * ping and push modes, deliver the notification Authlete prepared to the client.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10
 * @module
 */

import type { AuthleteClient } from '../client.js'
import type {
  BackchannelCompleteAnswer,
  BackchannelCompleteNoAction,
  BackchannelCompleteNotification,
  BackchannelCompleteRequest,
  BackchannelCompleteServerError,
  BackchannelCompleteUnknownAction,
} from '../operations/backchannel-complete.js'
import type { AuthleteCallOptions } from '../transport/options.js'
import {
  checkNotificationOptions,
  deliverChecked,
  type NotificationDelivery,
  type NotificationOptions,
} from './deliver.js'

/** The Authlete call completion makes: an `AuthleteClient`, or a stand-in of your own. */
export type BackchannelCompleteClient = Pick<AuthleteClient, 'backchannelComplete'>

/**
 * Options of {@link completeBackchannelAuthentication}: the per-call options of `/complete`
 * (`signal`, `timeoutMs`: the notification has its own deadline) and the notification's.
 */
export interface CompleteBackchannelAuthenticationOptions extends AuthleteCallOptions {
  /**
   * How the notification is delivered (ping and push modes).
   * @default { timeoutMs: 10000, attempts: 3, allowInsecureHttp: false, allowPrivateNetwork: false }
   */
  notification?: NotificationOptions | undefined
}

/**
 * What completion came to. Narrow on `action`: with `NOTIFICATION`, `notification` says whether the
 * client got it; otherwise it is `undefined` (`NO_ACTION` is poll mode: the client fetches the
 * result at the token endpoint). `answer` is Authlete's `/complete` answer, as validated.
 */
export type BackchannelCompletion =
  | Completed<BackchannelCompleteNotification, NotificationDelivery>
  | Completed<BackchannelCompleteNoAction, undefined>
  | Completed<BackchannelCompleteServerError, undefined>
  | Completed<BackchannelCompleteUnknownAction, undefined>

type Completed<Answer extends { action: string }, Delivery> = {
  readonly action: Answer['action']
  readonly answer: Answer
  readonly notification: Delivery
  /** @deprecated Renamed `answer` (Authlete's answers are answers; your endpoints' are responses). */
  readonly response: Answer
}

/**
 * The outcome, with `response` as a deprecated, non-enumerable name of `answer`: a getter on a
 * shared prototype, so that each outcome keeps a fast shape (a property defined on each one made it
 * slow, on every login). Its constructor is still `Object`: printed, spread, serialised and
 * compared (`toStrictEqual` too) as the plain object it was.
 *
 * @internal
 */
export function completed(answer: BackchannelCompleteAnswer, notification: NotificationDelivery | undefined) {
  const outcome = Object.create(COMPLETION) as { action: string; answer: unknown; notification: unknown }
  outcome.action = answer.action
  outcome.answer = answer
  outcome.notification = notification
  return outcome as BackchannelCompletion
}

const COMPLETION: object = Object.create(Object.prototype, {
  response: {
    get(this: { answer: unknown }) {
      return this.answer
    },
  },
})

/**
 * Calls `/complete` with the user's decision; on `NOTIFICATION` (ping and push modes), delivers
 * `responseContent` to `clientNotificationEndpoint` with `Authorization: Bearer
 * <clientNotificationToken>` (see `deliverClientNotification`).
 *
 * A failed delivery does not throw: `notification` is `{ delivered: false, error }`. In push mode
 * the tokens in it are then lost to the client (Authlete issued them once): log and alert. An
 * error of `/complete` itself (`AuthleteApiError`, a timeout, …) rejects, since there is no
 * notification to deliver; so do bad options (`AuthleteInputError`), checked before `/complete`.
 */
export async function completeBackchannelAuthentication(
  authlete: BackchannelCompleteClient,
  request: BackchannelCompleteRequest,
  options: CompleteBackchannelAuthenticationOptions = {},
): Promise<BackchannelCompletion> {
  const { notification: notificationOptions, ...callOptions } = options
  // Before /complete: in push mode it mints tokens, which an options typo must not throw away.
  const checked = checkNotificationOptions(notificationOptions)
  return completeWith(await authlete.backchannelComplete(request, callOptions), checked)
}

/**
 * `/complete`'s answer as the outcome: with `NOTIFICATION`, once the notification was delivered.
 *
 * @internal
 */
export async function completeWith(
  answer: BackchannelCompleteAnswer,
  delivery: ReturnType<typeof checkNotificationOptions>,
): Promise<BackchannelCompletion> {
  if (answer.action !== 'NOTIFICATION') return completed(answer, undefined)
  return completed(answer, await deliverChecked(answer, delivery))
}
