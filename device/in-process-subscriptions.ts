/**
 * The in-process push subscription store: the default, for an authorization server that runs as one
 * process.
 *
 * @module
 */

import type { PushSubscriptionStore, StoredPushSubscription } from './subscription-store.js'

/**
 * A {@link PushSubscriptionStore} in this process's memory: one instance of the authorization server
 * only, and forgotten when it stops (browsers then get no message until they subscribe again).
 */
export function inProcessSubscriptionStore(): PushSubscriptionStore {
  // subject → endpoint → subscription (a Map keeps the order of insertion).
  const bySubject = new Map<string, Map<string, StoredPushSubscription>>()
  return {
    async add(subject, subscription) {
      const subscriptions = bySubject.get(subject) ?? new Map<string, StoredPushSubscription>()
      bySubject.set(subject, subscriptions)
      subscriptions.set(subscription.endpoint, structuredClone(subscription))
    },
    async remove(subject, endpoint) {
      const subscriptions = bySubject.get(subject)
      const removed = subscriptions?.delete(endpoint) ?? false
      if (subscriptions?.size === 0) bySubject.delete(subject)
      return removed
    },
    async list(subject) {
      const subscriptions = [...(bySubject.get(subject)?.values() ?? [])].map((s) => structuredClone(s))
      return subscriptions.sort((a, b) => a.createdAt - b.createdAt)
    },
  }
}
