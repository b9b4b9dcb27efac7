/**
 * What the device shows of a pending request, as JSON: what the user must see to decide (the
 * client, the binding message, the scopes, the claims, each `authorization_details` entry as
 * readable lines) and the time left. The ticket never leaves the store.
 *
 * @module
 */

import type { AuthorizationDetail, PendingAuthentication } from '../src/index.js'

/** A pending request as the device's routes answer it. */
export interface DeviceRequest {
  authReqId: string
  /** The client's name, as registered at Authlete. */
  clientName: string | undefined
  /** What the client shows its user: compare the two before approving. */
  bindingMessage: string | undefined
  /** The scopes asked for, each with its description when there is one. */
  scopes: Array<{ name: string; description?: string | undefined }>
  /** The claims asked for through the scopes. */
  claimNames: string[]
  acrs: string[]
  /** RFC 9396 `authorization_details`, as the client sent them. */
  authorizationDetails: AuthorizationDetail[]
  /** Each `authorization_details` entry as lines a person reads: `Type: payment_initiation`, … */
  authorizationDetailLines: string[][]
  /** The `request_context` (FAPI-CIBA) as lines, when it is a JSON object. */
  requestContextLines: string[]
  /** When it expires, in milliseconds since the epoch. */
  expiresAt: number
  /** Seconds left when this answer was made: the page counts down from it, whatever its clock says. */
  expiresIn: number
  state: PendingAuthentication['state']
}

/** What the page shows of a request, at `now`; `scopeDescriptions` adds the descriptions the AS knows. */
export function viewOf(
  request: PendingAuthentication,
  now: number,
  scopeDescriptions: Readonly<Record<string, string>> | undefined,
): DeviceRequest {
  const details = request.authorizationDetails ?? []
  return {
    authReqId: request.authReqId,
    clientName: visible(request.clientName),
    bindingMessage: visible(request.bindingMessage),
    scopes: request.scopes.map((name) => ({
      name: visible(name),
      description: visible(own(request.scopeDescriptions, name) ?? own(scopeDescriptions, name)),
    })),
    claimNames: (request.claimNames ?? []).map(visible),
    acrs: request.acrs.map(visible),
    authorizationDetails: details,
    authorizationDetailLines: details.map((detail) => detailLines(detail).map(visible)),
    requestContextLines: contextLines(request.requestContext).map(visible),
    expiresAt: request.expiresAt,
    expiresIn: Math.max(0, Math.floor((request.expiresAt - now) / 1000)),
    state: request.state,
  }
}

/**
 * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C) shown as
 * U+FFFD: text from the client must read as it is, not reordered (`Acme\u202E…` would show the rest
 * backwards, an amount `\u202E00.01` as `10.00`).
 */
function visible<T extends string | undefined>(text: T): T {
  return (typeof text === 'string' ? text.replace(BIDI_CONTROLS, '\uFFFD') : text) as T
}
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g

function own(map: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined
}

/** The common fields first, in RFC 9396 §2.2's words; then the type's own fields, amounts read as amounts. */
const COMMON_LABELS: ReadonlyArray<readonly [field: string, label: string]> = [
  ['type', 'Type'],
  ['actions', 'Actions'],
  ['locations', 'Locations'],
  ['datatypes', 'Data types'],
  ['identifier', 'Identifier'],
  ['privileges', 'Privileges'],
]

/** One `authorization_details` entry as lines: `Label: value`. */
function detailLines(detail: AuthorizationDetail): string[] {
  const lines: string[] = []
  for (const [field, label] of COMMON_LABELS) {
    if (detail[field] !== undefined && detail[field] !== null) lines.push(`${label}: ${text(detail[field])}`)
  }
  const common = new Set(COMMON_LABELS.map(([field]) => field))
  for (const [field, value] of Object.entries(detail)) {
    if (!common.has(field) && value !== undefined && value !== null)
      lines.push(`${labelOf(field)}: ${text(value)}`)
  }
  return lines
}

function contextLines(requestContext: string | undefined): string[] {
  if (requestContext === undefined) return []
  try {
    const value = JSON.parse(requestContext) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return Object.entries(value).map(([field, v]) => `${labelOf(field)}: ${text(v)}`)
    }
  } catch {
    // Not JSON: shown as it came.
  }
  return [requestContext]
}

/** `instructedAmount` → `Instructed amount`; `creditor_name` → `Creditor name`. */
function labelOf(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words === '' ? field : words[0]?.toUpperCase() + words.slice(1)
}

/**
 * A value as words: an amount (`{ currency, amount }`) as `123.50 EUR`, a list joined with commas,
 * an object as `key: value` pairs.
 */
function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join(', ')
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    if (keys.length === 2 && 'amount' in record && 'currency' in record) {
      return `${text(record.amount)} ${text(record.currency)}`
    }
    return keys.map((key) => `${labelOf(key).toLowerCase()}: ${text(record[key])}`).join('; ')
  }
  return String(value)
}
