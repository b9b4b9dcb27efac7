/**
 * The notification dispatcher, for deliveries that share connections: the guarded connector of
 * `http/guarded-connector.ts` under an undici `Agent`.
 *
 * Each connect returns a handle that cancels it: the walk over the host's addresses stops there (no
 * further connector call), and a socket that arrives afterwards is destroyed unused. The dispatcher
 * cancels a connect no delivery waits for any more (see `connections.ts`).
 *
 * @internal
 * @module
 */

import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type Socket } from 'node:net'
import { Agent, buildConnector, type Dispatcher } from 'undici'
import { type CancellableConnector, Connections, type PendingConnect } from '../http/connections.js'
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

/** A dispatcher made by {@link notificationAgent}, and what it knows of its connects. */
const watched = new WeakMap<Dispatcher, Connections>()

/**
 * An undici dispatcher whose connections go through {@link guardedConnector}. The options are
 * taken as checked (the public entries check them once).
 */
export function notificationAgent(options: NotificationDispatcherOptions): Dispatcher {
  // The origin is only used for a keep-alive repeat, which a delivery never makes.
  const connections = new Connections('', guardedConnector(options))
  const agent = new Agent({ connect: connections.connect })
  watched.set(agent, connections)
  return agent
}

/**
 * What a dispatcher made by {@link notificationAgent} knows of its connects (an attempt through it
 * registers there, so that a connect no attempt waits for is cancelled); `null` for another one.
 */
export function connectionsOf(dispatcher: Dispatcher): Connections | null {
  return watched.get(dispatcher) ?? null
}

/**
 * An undici connector that only connects to checked addresses. See the module's comment.
 */
export function guardedConnector(options: NotificationDispatcherOptions = {}): CancellableConnector {
  const allowPrivate = options.allowPrivateNetwork === true
  const lookup = options.lookup ?? defaultLookup
  const connect = (options.connector ?? buildConnector({})) as CancellableConnector
  const refusal = (hostname: string, address: string | undefined): RefusedAddressError | undefined => {
    if (allowPrivate) return undefined
    const category = address === undefined ? 'invalid' : classifyAddress(address)
    return category === 'public' ? undefined : new RefusedAddressError(hostname, String(address), category)
  }

  return (target, done) => {
    let settled = false
    /** The inner connect in flight, when the connector returned what cancels it. */
    let inFlight: PendingConnect | undefined
    const callback: buildConnector.Callback = (...args) => {
      if (settled) {
        // Cancelled meanwhile: a socket that still came is not used.
        args[1]?.destroy()
        return
      }
      settled = true
      done(...args)
    }
    const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1')
    const attempt = (
      addresses: readonly ResolvedAddress[],
      index: number,
      servername: string | undefined,
    ) => {
      if (settled) return
      const { address } = addresses[index] as ResolvedAddress
      const pinned: buildConnector.Options = { ...target, hostname: address }
      if (servername !== undefined) pinned.servername = servername
      inFlight = connect(pinned, (error, socket) => {
        inFlight = undefined
        if (error) {
          const code = (error as { code?: unknown }).code
          if (!settled && index + 1 < addresses.length && NEXT_ADDRESS_CODES.has(String(code)))
            return attempt(addresses, index + 1, servername)
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
    const resolved: Promise<readonly ResolvedAddress[]> = isIP(hostname)
      ? Promise.resolve([{ address: hostname, family: isIP(hostname) }])
      : lookup(hostname)
    resolved
      .then(
        (addresses) => {
          if (settled) return
          if (addresses.length === 0) return callback(lookupFailed(hostname), null)
          // Any non-public answer refuses the host: a name that mixes them is not a client's endpoint.
          for (const { address } of addresses) {
            const refused = refusal(hostname, address)
            if (refused) return callback(refused, null)
          }
          const servername =
            target.protocol === 'https:' && isIP(hostname) === 0 ? (target.servername ?? hostname) : undefined
          attempt(addresses, 0, servername)
        },
        (error: unknown) => callback(error instanceof Error ? error : lookupFailed(hostname), null),
      )
      // A throwing connector fails this connection, never the process (an unhandled rejection).
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null))
    return {
      destroy(error?: Error) {
        if (settled) return
        const pending = inFlight
        inFlight = undefined
        callback(error ?? new Error('The connect was cancelled'), null)
        pending?.destroy(error)
      },
    }
  }
}

function lookupFailed(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}
