/**
 * `authlete-ciba/device`: the user's side of CIBA. The device handler (`createDeviceHandler`: a
 * page, its JSON routes and its event stream, mountable in any framework as a Fetch API handler, or
 * through `toNodeHandler` in Express and node:http), the browsers' Web Push subscriptions
 * (`createPushSubscriptions`) and the notifier that reaches them (`webPushNotifier`, on the optional
 * peer dependency `web-push`), and the automated approval of the OpenID conformance suite
 * (`handleAutomatedApproval`). All of it decides through the pending store, exactly once.
 *
 * @module
 */

// First: on an unsupported Node.js, fail with one clear line.
import '../src/node-guard.js'

export { type AutomatedApprovalOptions, handleAutomatedApproval } from './automated-approval.js'
export type { CompletionFields, DeviceDecision, DeviceResult } from './decision.js'
export {
  createDeviceHandler,
  type DeviceHandler,
  type DeviceHandlerOptions,
  type DeviceStage,
} from './handler.js'
export type { FetchHandler } from './http.js'
export { inProcessSubscriptionStore } from './in-process-subscriptions.js'
export { type NodeHandler, nodeRequestOf, toNodeHandler } from './node.js'
export type {
  PushSubscriptionStore,
  PushSubscriptionStoreContext,
  StoredPushSubscription,
  WebPushSubscription,
} from './subscription-store.js'
export {
  type PushSubscriptionStoreTestRunner,
  type PushSubscriptionStoreTestsOptions,
  pushSubscriptionStoreTests,
} from './subscription-store-tests.js'
export {
  createPushSubscriptions,
  type PushSubscriptionCallOptions,
  type PushSubscriptions,
  type PushSubscriptionsOptions,
} from './subscriptions.js'
export type { DeviceRequest } from './view.js'
export {
  type PushedRequest,
  type VapidDetails,
  type WebPushNotifierOptions,
  type WebPushNotify,
  type WebPushOutcome,
  webPushNotifier,
} from './web-push.js'
