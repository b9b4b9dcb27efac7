// The demo's output: one line per step of the login with the milliseconds since it began, what
// Authlete and the client's endpoint answered (from this package's own diagnostics_channel tracing,
// which carries no ticket, token or credential), and text made safe to print.

import diagnosticsChannel from 'node:diagnostics_channel'
import type { AuthleteTraceContext } from '../src/index.js'
import { AUTHLETE_CALLS } from '../src/operations/table.js'

export class Timeline {
  #start = performance.now()
  readonly #write: (line: string) => void

  constructor(write: (line: string) => void = (line) => console.log(line)) {
    this.#write = write
  }

  /** Milliseconds count from now. */
  begin(): void {
    this.#start = performance.now()
  }

  /** `  12 ms  AS → Authlete     POST /backchannel/authentication/issue → 200 OK` */
  step(who: string, what: string): void {
    const ms = Math.round(performance.now() - this.#start)
    this.#write(`${String(ms).padStart(5)} ms  ${who.padEnd(17)}${what}`)
  }
}

/**
 * Puts every Authlete call and every client notification on the timeline as it settles, with its
 * HTTP status and Authlete's action (or the error's code). Returns the unsubscribe.
 */
export function traceCalls(timeline: Timeline): () => void {
  const started = new WeakMap<object, number>()
  const subscriptions: Array<() => void> = []
  const watch = (name: string, line: (context: AuthleteTraceContext, ms: number) => [string, string]) => {
    const channel = diagnosticsChannel.tracingChannel<object, AuthleteTraceContext>(`authlete-ciba:${name}`)
    const handlers = {
      start: (context: AuthleteTraceContext) => started.set(context, performance.now()),
      asyncEnd: (context: AuthleteTraceContext) => {
        const ms = Math.round(performance.now() - (started.get(context) ?? performance.now()))
        timeline.step(...line(context, ms))
      },
    }
    channel.subscribe(handlers as never)
    subscriptions.push(() => channel.unsubscribe(handlers as never))
  }
  for (const { name } of AUTHLETE_CALLS) {
    watch(name, (context, ms) => [
      'AS → Authlete',
      `${context.method} ${authletePath(context.url)} → ${outcome(context)} (${ms} ms)`,
    ])
  }
  watch('notification', (context, ms) => [
    'AS → client',
    `POST ${printable(context.url)} → ${outcome(context)} (${ms} ms)`,
  ])
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe()
  }
}

function outcome({ status, action, code }: AuthleteTraceContext): string {
  return [status, action ?? code].filter((part) => part !== undefined).join(' ') || 'no answer'
}

/** `/backchannel/authentication/issue`, without the origin and the `/api/{serviceId}` before it. */
function authletePath(url: string): string {
  return new URL(url).pathname.replace(/^\/api(?:\/[^/]+)?(?=\/(?:backchannel|auth|service)\/)/, '')
}

// C0, DEL, C1, and the bidirectional overrides and isolates: what could rewrite a terminal line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Text that another party controls (Authlete, the client's endpoint, the command line), safe to print. */
export function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Credentials and tokens are never printed, only their length. */
export function masked(name: string, value: unknown): string {
  return `<${name}, ${String(value).length} characters, not shown>`
}

const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token'])

/** A notification's JSON body with its tokens masked (push mode carries them). */
export function maskedNotification(text: string): string {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return printable(`${text.slice(0, 80)}${text.length > 80 ? '…' : ''}`)
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return printable(body)
  const shown = Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, TOKEN_FIELDS.has(name) ? masked(name, value) : value]),
  )
  return printable(shown)
}
