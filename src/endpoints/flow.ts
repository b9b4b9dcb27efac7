/**
 * The deadline of an endpoint's flow (`flowTimeoutMs`, or the caller's signal), over the hooks and
 * the Authlete calls of one request, so that one that never settles cannot hold the answer.
 *
 * @internal
 * @module
 */

import { type Deadline, OwnedCallOptions, type SignalOwner, startDeadline, timeoutOr } from '../deadline.js'
import { AuthleteInputError } from '../errors.js'
import type { AuthleteCallOptions } from '../transport/options.js'

export { endOf, untilEnd } from '../deadline.js'

/** The default of an endpoint's `flowTimeoutMs`. */
export const DEFAULT_FLOW_TIMEOUT_MS = 20_000
/** The budget of the `/fail` that frees a ticket once the flow has ended without using it. */
export const FAIL_AFTER_END_TIMEOUT_MS = 2_000

/** What a flow is started from: the caller's signal and per-call deadline, and the flow's deadline. */
export interface FlowOptions extends AuthleteCallOptions {
  flowTimeoutMs?: number | undefined
}

/** One run of the flow: its signal fires at its deadline or with the caller's signal. */
export interface Flow extends Deadline {
  /** The options of each Authlete call: the flow's signal, the caller's per-call deadline. */
  readonly call: AuthleteCallOptions
}

/** The flow's deadline in milliseconds, checked. Throws {@link AuthleteInputError}. */
export function flowTimeoutOf(options: FlowOptions | undefined): number {
  return timeoutOr('flowTimeoutMs', options?.flowTimeoutMs, DEFAULT_FLOW_TIMEOUT_MS)
}

/**
 * Starts the flow's deadline. `spentMs`: what the flow has already used of it, for a flow started
 * late (a deadline already spent ends the flow at once). Throws {@link AuthleteInputError}.
 */
export function startFlow(options: FlowOptions | undefined, spentMs = 0): Flow {
  const timeoutMs = flowTimeoutOf(options)
  const caller = options?.signal
  if (caller !== undefined && !(caller instanceof AbortSignal)) {
    throw new AuthleteInputError('signal', 'must be an AbortSignal')
  }
  const deadline = startDeadline(timeoutMs, caller, { spentMs, what: "The flow's flowTimeoutMs" }) as Flow
  // The flow's calls are told of its end by the flow itself, not through a listener each.
  ;(deadline as { call: AuthleteCallOptions }).call = new OwnedCallOptions(
    deadline.signal,
    options?.timeoutMs,
    deadline as unknown as SignalOwner,
  )
  return deadline
}

/**
 * Runs an endpoint's flow: started from `options`, ended once `run` settles. An option that cannot
 * start it, or a throw out of `run` (only a broken argument gets there: no input object, a stand-in
 * client answering nonsense), is reported at `request` and answered with `failed()`. It never
 * throws nor rejects: an endpoint returns it as it is (no async frame of its own around it).
 */
export async function runFlow<Response>(
  options: FlowOptions | undefined,
  report: (error: unknown, stage: 'request') => void,
  failed: () => Response,
  run: (flow: Flow) => Promise<Response>,
): Promise<Response> {
  let flow: Flow
  try {
    flow = startFlow(options)
  } catch (error) {
    report(error, 'request')
    return failed()
  }
  try {
    return await run(flow)
  } catch (error) {
    report(error, 'request')
    return failed()
  } finally {
    flow.end()
  }
}
