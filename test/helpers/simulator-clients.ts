import type { CibaSimulator } from '../../mocks/index.js'

/** A client of each delivery mode, as the simulator tests register them. */
export const POLL = { clientId: 'poll-client', clientSecret: 'poll-secret' }
export const PING = { clientId: 'ping-client', clientSecret: 'ping-secret' }
export const PUSH = { clientId: '26862190133482', clientSecret: 'push-secret' }

/** Registers POLL, PING and PUSH with `simulator`, PING and PUSH notifying `notificationEndpoint`. */
export function addDeliveryClients(simulator: CibaSimulator, notificationEndpoint: string): void {
  simulator.addClient({ ...POLL, deliveryMode: 'POLL' })
  simulator.addClient({ ...PING, deliveryMode: 'PING', clientNotificationEndpoint: notificationEndpoint })
  simulator.addClient({ ...PUSH, deliveryMode: 'PUSH', clientNotificationEndpoint: notificationEndpoint })
}
