/**
 * Authlete's side of the simulator: the four calls, answered from the shared state. Each call gets
 * the checks the default handlers make (Authorization header, a readable body, required fields),
 * then the simulator's answer; every call is recorded with its answer before the answer leaves.
 *
 * @module
 */

import { createHash } from 'node:crypto'
import { type HttpHandler, HttpResponse } from 'msw'
import { BACKCHANNEL_COMPLETE_RESULTS, BACKCHANNEL_FAIL_REASONS } from '../src/operations/values.js'
import {
  authleteHandler,
  checkAuthorization,
  type MockHandlerOptions,
  missingField,
  type Resolver,
  randomId,
  readFields,
  resultBody,
} from './authlete.js'
import { failAnswer } from './fail.js'
import { invalidTicketAnswer, okAnswer } from './issue.js'
import {
  completeNoAction,
  completeNotification,
  completeServerError,
  notificationContent,
  pushTokens,
  refusal,
  userIdentification,
} from './simulator-answers.js'
import { readBackchannelRequest } from './simulator-request.js'
import type { CallKind, SimulatorState, Ticket } from './simulator-state.js'
import type { CibaSimulatorRequest } from './simulator-types.js'

type Info = Parameters<Resolver>[0]
type Call = Omit<CibaSimulatorRequest, 'status' | 'answer'>

const COMPLETE_RESULTS: ReadonlySet<unknown> = new Set(BACKCHANNEL_COMPLETE_RESULTS)
const FAIL_REASONS: ReadonlySet<unknown> = new Set(BACKCHANNEL_FAIL_REASONS)

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

function positive(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined
}

/** `/complete`'s `claims`, a JSON object or its text; `{}` when it is neither. */
function claimsObject(value: unknown): Record<string, unknown> {
  let claims = value
  if (typeof value === 'string') {
    try {
      claims = JSON.parse(value)
    } catch {
      return {}
    }
  }
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    ? (claims as Record<string, unknown>)
    : {}
}

/** The left half of a SHA-256 digest, base64url: an ID token's `at_hash` / `rt_hash`. */
function halfHash(token: string): string {
  return createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url')
}

function invalidField(resultCode: string, field: string): Response {
  return HttpResponse.json(resultBody(resultCode, `The '${field}' parameter is invalid.`), { status: 400 })
}

/**
 * The handlers of the four calls on `baseUrl`, answering from `state`.
 *
 * @internal
 */
export function simulatorHandlers(
  state: SimulatorState,
  baseUrl: MockHandlerOptions['baseUrl'],
): HttpHandler[] {
  /** Records the call with its answer, before the answer leaves: a test reading `requests` sees it. */
  async function reply(kind: CallKind, call: Call, answer: Response | object): Promise<Response> {
    const response = answer instanceof Response ? answer : HttpResponse.json(answer)
    const body = (await response.clone().json()) as Record<string, unknown>
    state.requests[kind].push({ ...call, status: response.status, answer: body })
    return response
  }

  async function receive({ request, params }: Info, required: string[], missingCode: string) {
    const serviceId = typeof params.serviceId === 'string' ? params.serviceId : undefined
    const call: Call = { apiVersion: serviceId === undefined ? 'v2' : 'v3', serviceId, fields: undefined }
    const unauthorized = checkAuthorization(request, call.apiVersion)
    if (unauthorized) return { call, refused: unauthorized }
    const fields = await readFields(request)
    call.fields = fields
    if (fields === undefined) {
      const status = { status: 400 }
      return {
        call,
        refused: HttpResponse.json(resultBody('A001204', 'The request body could not be parsed.'), status),
      }
    }
    const missing = required.find((field) => typeof fields[field] !== 'string' || fields[field] === '')
    if (missing !== undefined) return { call, refused: missingField(missingCode, missing) }
    return { call, fields }
  }

  async function onAuthentication(info: Info) {
    const { call, fields, refused } = await receive(info, ['parameters'], 'A179201')
    if (!fields) return reply('authentication', call, refused as Response)
    const parameters = new URLSearchParams(fields.parameters as string)
    const recorded = { ...call, parameters: Object.fromEntries(parameters) }
    const request = readBackchannelRequest(
      fields,
      parameters,
      (id) => state.findClient(id),
      state.knownScopes,
    )
    if ('action' in request) return reply('authentication', recorded, refusal(request))
    const ticket = randomId()
    state.identify(ticket, request)
    return reply('authentication', recorded, userIdentification(ticket, request))
  }

  async function onIssue(info: Info) {
    const { call, fields, refused } = await receive(info, ['ticket'], 'A183201')
    if (!fields) return reply('issue', call, refused as Response)
    const ticket = state.tickets.get(fields.ticket as string)
    if (ticket === undefined || ticket.state !== 'identified' || state.expired(ticket)) {
      return reply('issue', call, invalidTicketAnswer())
    }
    const expiresIn = ticket.request.requestedExpiry ?? state.lifetime
    const { authReqId } = state.issue(ticket, randomId(), expiresIn)
    return reply('issue', call, okAnswer({ authReqId, expiresIn, interval: state.interval }))
  }

  async function onFail(info: Info) {
    const { call, fields, refused } = await receive(info, ['ticket'], 'A185201')
    if (!fields) return reply('fail', call, refused as Response)
    // Authlete reads a missing reason as SERVER_ERROR.
    const reason = fields.reason === undefined || fields.reason === '' ? 'SERVER_ERROR' : fields.reason
    if (!FAIL_REASONS.has(reason)) return reply('fail', call, invalidField('A185202', 'reason'))
    // Authlete deletes the ticket; the simulator keeps it as failed, for /complete's answer.
    const ticket = state.tickets.get(fields.ticket as string)
    if (ticket !== undefined) ticket.state = 'failed'
    return reply(
      'fail',
      call,
      failAnswer(reason as string, text(fields.errorDescription), text(fields.errorUri)),
    )
  }

  function mintTokens(ticket: Ticket, authReqId: string, fields: Record<string, unknown>) {
    const accessToken = positive(fields.accessTokenDuration) ?? state.accessTokenDuration
    const refreshToken = positive(fields.refreshTokenDuration) ?? state.refreshTokenDuration
    const issuedAt = Math.floor(state.now() / 1000)
    const draft = pushTokens({}, { accessToken, refreshToken })
    const claims = {
      ...claimsObject(fields.claims),
      iss: state.issuer,
      sub: text(fields.sub) || fields.subject,
      aud: ticket.request.client.clientId,
      iat: issuedAt,
      exp: issuedAt + accessToken,
      auth_time: positive(fields.authTime),
      acr: text(fields.acr),
      at_hash: halfHash(draft.accessToken),
      'urn:openid:params:jwt:claim:rt_hash': halfHash(draft.refreshToken),
      'urn:openid:params:jwt:claim:auth_req_id': authReqId,
    }
    return { ...draft, idToken: pushTokens(claims, { accessToken, refreshToken }).idToken }
  }

  /** `/complete` for a ticket that was issued but cannot be completed any more (see the table in simulator.ts). */
  function unusable(ticket: Ticket, authReqId: string) {
    const { client, clientNotificationToken } = ticket.request
    if (client.deliveryMode === 'POLL') return completeServerError()
    const error = ticket.state === 'issued' ? 'expired_token' : 'server_error'
    const content = notificationContent(authReqId, { error })
    return completeNotification(
      client,
      clientNotificationToken,
      authReqId,
      `error = ${error}`,
      content,
      undefined,
    )
  }

  async function onComplete(info: Info) {
    const { call, fields, refused } = await receive(info, ['ticket', 'result', 'subject'], 'A199201')
    if (!fields) return reply('complete', call, refused as Response)
    if (!COMPLETE_RESULTS.has(fields.result))
      return reply('complete', call, invalidField('A199202', 'result'))
    const ticket = state.tickets.get(fields.ticket as string)
    const authentication = ticket?.authentication
    if (ticket === undefined || authentication === undefined)
      return reply('complete', call, completeServerError())
    const { authReqId } = authentication
    if (ticket.state !== 'issued' || state.expired(ticket))
      return reply('complete', call, unusable(ticket, authReqId))

    const { client, clientNotificationToken } = ticket.request
    const result = fields.result as string
    const subject = fields.subject as string
    ticket.state = 'completed'
    if (client.deliveryMode === 'POLL') {
      authentication.completion = { result, subject, action: 'NO_ACTION' }
      return reply('complete', call, completeNoAction(client, authReqId, result))
    }
    const tokens =
      client.deliveryMode === 'PUSH' && result === 'AUTHORIZED'
        ? mintTokens(ticket, authReqId, fields)
        : undefined
    const refusedBy = {
      // Authlete's /complete reference: TRANSACTION_FAILED behaves as ACCESS_DENIED, with expired_token.
      error: result === 'ACCESS_DENIED' ? 'access_denied' : 'expired_token',
      errorDescription: text(fields.errorDescription),
      errorUri: text(fields.errorUri),
    }
    // Ping carries the auth_req_id alone, whatever the result: the client learns it at the token endpoint.
    const outcome = client.deliveryMode === 'PING' ? undefined : tokens ? { tokens } : refusedBy
    const responseContent = notificationContent(authReqId, outcome)
    authentication.completion = {
      result,
      subject,
      action: 'NOTIFICATION',
      responseContent,
      ...(tokens && { tokens }),
    }
    const summary = `result = ${result}`
    return reply(
      'complete',
      call,
      completeNotification(client, clientNotificationToken, authReqId, summary, responseContent, tokens),
    )
  }

  const on = baseUrl === undefined ? {} : { baseUrl }
  return [
    authleteHandler('/backchannel/authentication', onAuthentication, on),
    authleteHandler('/backchannel/authentication/issue', onIssue, on),
    authleteHandler('/backchannel/authentication/fail', onFail, on),
    authleteHandler('/backchannel/authentication/complete', onComplete, on),
  ]
}
