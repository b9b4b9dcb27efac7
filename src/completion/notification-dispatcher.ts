/**
 * The notification dispatcher, for deliveries that share connections: the guarded connector of
 * `http/guarded-connector.ts` under an undici `Agent`.
 *
 * @module
 */

import type { Dispatcher } from 'undici'
import { AuthleteInputError } from '../errors.js'
import { checkFields } from '../input.js'
import { type NotificationDispatcherOptions, notificationAgent } from './guarded-connector.js'

export type {
  NotificationDispatcherOptions,
  NotificationLookup,
  ResolvedAddress,
} from './guarded-connector.js'

/**
 * An undici dispatcher for client notifications: it connects only to public addresses (unless
 * `allowPrivateNetwork`), checked at connect time on the address actually connected to, and never
 * follows a redirect (each delivery tells undici's redirect interceptor not to). Share one across
 * deliveries to keep connections alive: pass it as `notification.dispatcher`. Close it when done.
 *
 * @throws {AuthleteInputError} for an unknown option name (naming the closest one) or a
 * `lookup` / `connector` that is not a function.
 */
export function createNotificationDispatcher(options: NotificationDispatcherOptions = {}): Dispatcher {
  checkConnectOptions(checkFields(options, DISPATCHER_OPTION_NAMES, 'the notification dispatcher options'))
  return notificationAgent(options)
}

/**
 * `lookup` and `connector`, where given, are functions; the error names the field after `prefix`.
 *
 * @internal
 */
export function checkConnectOptions(fields: NotificationDispatcherOptions, prefix = ''): void {
  for (const name of ['lookup', 'connector'] as const) {
    if (fields[name] !== undefined && typeof fields[name] !== 'function') {
      throw new AuthleteInputError(`${prefix}${name}`, 'must be a function')
    }
  }
}

const DISPATCHER_OPTION_NAMES: ReadonlySet<string> = new Set<keyof NotificationDispatcherOptions>([
  'allowPrivateNetwork',
  'lookup',
  'connector',
])
