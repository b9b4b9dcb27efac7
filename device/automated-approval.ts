/**
 * `handleAutomatedApproval`: the endpoint the OpenID conformance suite calls in place of a person
 * (its `automated_ciba_approval_url`, e.g.
 * `https://as.example.com/ciba/automated-approval?secret=…&auth_req_id={auth_req_id}&action={action}`):
 * a POST without a body whose query names the request and `allow` or `deny`. The suite sends no
 * credentials: the secret in the URL is the only protection, so there is none without one.
 *
 * @see https://gitlab.com/openid/conformance-suite/-/blob/master/src/main/java/net/openid/conformance/condition/client/CallAutomatedCibaApprovalEndpoint.java
 * @module
 */

import { createHash, timingSafeEqual } from 'node:crypto'
import { DEFAULT_DECISION_TIMEOUT_MS, timeoutOr } from '../src/deadline.js'
import { reporterOf } from '../src/endpoints/report.js'
import {
  AuthleteInputError,
  type BackchannelCompleteClient,
  type NotificationOptions,
  type PendingAuthentications,
} from '../src/index.js'
import { checkFields, MAX_FIELD_LENGTH } from '../src/input.js'
import {
  alreadyDecided,
  type CompletionFields,
  type DeviceDecision,
  type DeviceResult,
  decide,
  notFound,
  refusalOf,
} from './decision.js'
import { type FetchHandler, refusal } from './http.js'

/** Options of {@link handleAutomatedApproval}. */
export interface AutomatedApprovalOptions {
  /**
   * The secret the suite's URL carries as `secret` (32 random characters or more: it stands for the
   * user). Required: without it the handler is not made.
   */
  secret: string
  /**
   * The fields `/complete` gets beside the decision (`claims` for the ID token, `acr`, …).
   * @default none
   */
  completeWith?:
    | ((context: {
        request: DeviceDecision['request']
        subject: string
        result: DeviceResult
      }) => CompletionFields | undefined | Promise<CompletionFields | undefined>)
    | undefined
  /**
   * Told of each decision once `/complete` answered.
   * @default nothing
   */
  onDecision?: ((decision: DeviceDecision) => unknown) | undefined
  /**
   * Told of each failure answered 5xx, and of a notification not delivered.
   * @default errors are not reported
   */
  onError?: ((error: unknown, stage: 'decision' | 'notification' | 'onDecision') => void) | undefined
  /**
   * The ping or push notification's delivery options.
   * @default the delivery's defaults
   */
  notification?: NotificationOptions | undefined
  /**
   * The deadline of a decision (the store and `/complete`), in milliseconds.
   * @default 10000
   */
  timeoutMs?: number | undefined
}

const OPTIONS: ReadonlySet<string> = new Set([
  'secret',
  'completeWith',
  'onDecision',
  'onError',
  'notification',
  'timeoutMs',
])
const ACTIONS: Readonly<Record<string, DeviceResult>> = { allow: 'AUTHORIZED', deny: 'ACCESS_DENIED' }

/**
 * The conformance suite's automated approval, as a Fetch API handler (`toNodeHandler` mounts it):
 * `POST …?secret=…&auth_req_id=…&action=allow|deny` decides that request for its own subject,
 * through the pending store, exactly once: 200 `{"result":"AUTHORIZED"|"ACCESS_DENIED"}`; 401 a
 * wrong or missing secret (compared in constant time); 400 no `auth_req_id` or another action; 404
 * unknown or expired; 409 already decided; 503 the store or Authlete unreachable.
 *
 * @throws {AuthleteInputError} without a `secret`, or for another bad option.
 */
export function handleAutomatedApproval(
  authlete: BackchannelCompleteClient,
  pending: PendingAuthentications,
  options: AutomatedApprovalOptions,
): FetchHandler {
  checkFields(options, OPTIONS, 'the automated approval options')
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new AuthleteInputError('secret', 'is required: the automated approval is off without one')
  }
  if (typeof authlete?.backchannelComplete !== 'function')
    throw new AuthleteInputError('authlete', 'must be an AuthleteClient')
  if (typeof pending?.get !== 'function')
    throw new AuthleteInputError('pending', 'must be what createPendingAuthentications returns')
  const expected = digest(options.secret)
  const settings = {
    completeWith: options.completeWith,
    onDecision: options.onDecision,
    // A reporter that throws or rejects changes no answer.
    report: reporterOf<'decision' | 'notification' | 'onDecision'>(options),
    options: {
      timeoutMs: timeoutOr('timeoutMs', options.timeoutMs, DEFAULT_DECISION_TIMEOUT_MS),
      notification: options.notification,
    },
  }

  return async (request) => {
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { allow: 'POST', 'cache-control': 'no-store' } })
    }
    const query = new URL(request.url).searchParams
    // Digests of equal length: the comparison takes as long whatever the secret given.
    if (!timingSafeEqual(digest(query.get('secret') ?? ''), expected)) {
      return refusal(401, 'unauthorized', 'The secret is missing or wrong')
    }
    const authReqId = query.get('auth_req_id') ?? ''
    const action = query.get('action') ?? ''
    const result = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined
    if (authReqId === '' || authReqId.length > MAX_FIELD_LENGTH || result === undefined) {
      return refusal(400, 'invalid_request', 'auth_req_id and action=allow or action=deny are required')
    }
    try {
      // The suite knows the request, not its user: the decision is the saved subject's.
      const found = await pending.get(authReqId)
      if (found === undefined) return notFound()
      if (found.state !== 'pending') return alreadyDecided()
      return await decide(authlete, pending, found, found.subject, result, settings)
    } catch (error) {
      return refusalOf(error, settings)
    }
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest()
}
