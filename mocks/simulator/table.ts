/**
 * The calls the simulator plays, one entry each: the Authlete call (its method, v3 and v2 paths and
 * required fields, from `calls/`), the simulator's handler for it, and its key in the request log
 * (`simulator.requests.<key>`). The handlers, the request log and so the stand-in
 * (`startAuthleteStandIn({ simulator })`) are made from this table: a new call is one entry.
 *
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { type AuthleteCall, callHandler, type MockHandlerOptions, receiveCall } from '../authlete.js'
import { AUTHENTICATION } from '../calls/authentication.js'
import { COMPLETE } from '../calls/complete.js'
import { FAIL } from '../calls/fail.js'
import { ISSUE } from '../calls/issue.js'
import { playAuthentication } from './authentication.js'
import { playComplete } from './complete.js'
import { playFail } from './fail.js'
import { playIssue } from './issue.js'
import type { Play, RequestDraft, SimulatorState } from './state.js'

/** One call the simulator plays. */
export interface SimulatedCall {
  /** Its key in the request log, `simulator.requests`. */
  readonly log: string
  /** The Authlete call: method, v3 and v2 paths, required fields. */
  readonly call: AuthleteCall
  /** Answers a request that passed the call's checks, from the state. */
  readonly play: Play
}

/** @internal */
export const SIMULATED_CALLS = [
  { log: 'authentication', call: AUTHENTICATION, play: playAuthentication },
  { log: 'issue', call: ISSUE, play: playIssue },
  { log: 'fail', call: FAIL, play: playFail },
  { log: 'complete', call: COMPLETE, play: playComplete },
] as const satisfies readonly SimulatedCall[]

/** The keys of the request log: one per call of the table. */
export type SimulatedCallName = (typeof SIMULATED_CALLS)[number]['log']

/** The request log's keys, in the table's order. */
export const LOG_KEYS: readonly SimulatedCallName[] = SIMULATED_CALLS.map((entry) => entry.log)

/**
 * The handlers of the table's calls on `baseUrl`, answering from `state`. Each request gets the
 * call's checks (Authorization, a readable body, the required fields), then the call's play; it is
 * recorded with its answer before the answer leaves, so a test reading `requests` sees it.
 *
 * @internal
 */
export function simulatorHandlers(
  state: SimulatorState,
  baseUrl: MockHandlerOptions['baseUrl'],
): HttpHandler[] {
  const on = baseUrl === undefined ? {} : { baseUrl }
  return SIMULATED_CALLS.map(({ log, call, play }: SimulatedCall) =>
    callHandler(
      call,
      async (info) => {
        const { received, refused } = await receiveCall(call, info)
        const draft: RequestDraft = { ...received }
        const answer = refused ?? play(state, received.fields ?? {}, draft)
        const response = answer instanceof Response ? answer : HttpResponse.json(answer)
        const body = (await response.clone().json()) as Record<string, unknown>
        state.requests[log]?.push({ ...draft, status: response.status, answer: body })
        return response
      },
      on,
    ),
  )
}
