/**
 * The simulator's handlers: one per call of the table of calls, each the call's checks (from its
 * module in `../calls/`), then its play on the simulator's state. The stand-in serves the same.
 *
 * @module
 */

import { type HttpHandler, HttpResponse } from 'msw'
import { AUTHLETE_CALLS } from '../../src/operations/table.js'
import { callHandler, type MockHandlerOptions, receiveCall } from '../authlete.js'
import { MOCKED_CALLS } from '../calls/index.js'
import type { RequestDraft, SimulatorState } from './state.js'

/**
 * The handlers of every call on `baseUrl`, answering from `state`. Each request gets the call's
 * checks (Authorization, a readable body, the required fields), then the call's play; it is
 * recorded with its answer before the answer leaves, so a test reading `requests` sees it.
 *
 * @internal
 */
export function simulatorHandlers(
  state: SimulatorState,
  baseUrl: MockHandlerOptions['baseUrl'],
): HttpHandler[] {
  const on = baseUrl === undefined ? {} : { baseUrl }
  return AUTHLETE_CALLS.map(({ name }) => {
    const { call, play } = MOCKED_CALLS[name]
    return callHandler(
      call,
      async (info) => {
        const { received, refused } = await receiveCall(call, info)
        const draft: RequestDraft = { ...received }
        const answer = refused ?? play(state, received.fields ?? {}, draft)
        const response = answer instanceof Response ? answer : HttpResponse.json(answer)
        const body = (await response.clone().json()) as Record<string, unknown>
        state.requests[name].push({ ...draft, status: response.status, answer: body })
        return response
      },
      on,
    )
  })
}
