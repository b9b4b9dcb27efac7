/**
 * The connector of the notification dispatcher: it resolves the endpoint's host itself, refuses it
 * unless every address is public, then connects to the very address it checked (the socket is
 * given an IP, so no second DNS answer can differ from the first), and checks the address the
 * socket reached before undici writes a byte.
 *
 * @module
 */

import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type Socket } from 'node:net'
import { Agent, buildConnector, type Dispatcher } from 'undici'
import { AuthleteInputError } from '../errors.js'
import { checkFields } from '../input.js'
import { classifyAddress } from './address.js'

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string
  family: number
}

/** Resolves a host name to all its addresses, as `dns.promises.lookup(hostname, { all: true })`. */
export type NotificationLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>

/**
 * Options of {@link createNotificationDispatcher}.
 */
export interface NotificationDispatcherOptions {
  /**
   * Allow endpoints on loopback, private, link-local, unique-local and other non-public addresses
   * (a test, or a client on your own network).
   * @default false
   */
  allowPrivateNetwork?: boolean | undefined
  /**
   * How host names are resolved.
   * @default dns.promises.lookup(hostname, { all: true })
   */
  lookup?: NotificationLookup | undefined
  /**
   * The connector that opens the socket to an address already checked (undici's `connect`
   * function form). It is called with `hostname` set to that IP address.
   * @default undici's buildConnector({})
   */
  connector?: buildConnector.connector | undefined
}

/** Why a connection was not attempted, or dropped before a byte was written. @internal */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_AUTHLETE_REFUSED_ADDRESS'

  constructor(hostname: string, address: string, category: string) {
    super(
      hostname === address
        ? `${address} is not a public address (${category})`
        : `${hostname} resolves to ${address}, not a public address (${category})`,
    )
    this.name = 'RefusedAddressError'
  }
}

const defaultLookup: NotificationLookup = (hostname) => dnsLookup(hostname, { all: true })

/** Connect failures after which the host's next address is tried. */
const NEXT_ADDRESS_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/**
 * An undici connector that only connects to checked addresses. See the module's comment.
 *
 * @internal
 */
export function guardedConnector(options: NotificationDispatcherOptions = {}): buildConnector.connector {
  const allowPrivate = options.allowPrivateNetwork === true
  const lookup = options.lookup ?? defaultLookup
  const connect = options.connector ?? buildConnector({})
  const refusal = (hostname: string, address: string | undefined): RefusedAddressError | undefined => {
    if (allowPrivate) return undefined
    const category = address === undefined ? 'invalid' : classifyAddress(address)
    return category === 'public' ? undefined : new RefusedAddressError(hostname, String(address), category)
  }

  return (target, done) => {
    let settled = false
    const callback: buildConnector.Callback = (...args) => {
      if (settled) return
      settled = true
      done(...args)
    }
    const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1')
    const resolved: Promise<readonly ResolvedAddress[]> = isIP(hostname)
      ? Promise.resolve([{ address: hostname, family: isIP(hostname) }])
      : lookup(hostname)
    resolved
      .then(
        (addresses) => {
          if (addresses.length === 0) return callback(lookupFailed(hostname), null)
          // Any non-public answer refuses the host: a name that mixes them is not a client's endpoint.
          for (const { address } of addresses) {
            const refused = refusal(hostname, address)
            if (refused) return callback(refused, null)
          }
          const servername =
            target.protocol === 'https:' && isIP(hostname) === 0 ? (target.servername ?? hostname) : undefined
          const attempt = (index: number) => {
            const { address } = addresses[index] as ResolvedAddress
            const pinned: buildConnector.Options = { ...target, hostname: address }
            if (servername !== undefined) pinned.servername = servername
            connect(pinned, (error, socket) => {
              if (error) {
                const code = (error as { code?: unknown }).code
                if (index + 1 < addresses.length && NEXT_ADDRESS_CODES.has(String(code)))
                  return attempt(index + 1)
                return callback(error, null)
              }
              // What the socket reached, whatever the connector did with the address it was given.
              const refused = refusal(hostname, (socket as Socket).remoteAddress)
              if (refused) {
                socket.destroy()
                return callback(refused, null)
              }
              callback(null, socket)
            })
          }
          attempt(0)
        },
        (error: unknown) => callback(error instanceof Error ? error : lookupFailed(hostname), null),
      )
      // A throwing connector fails this connection, never the process (an unhandled rejection).
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null))
  }
}

function lookupFailed(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}

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
  return new Agent({ connect: guardedConnector(options) })
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
