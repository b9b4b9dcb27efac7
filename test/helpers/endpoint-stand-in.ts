// A loopback stand-in Authlete for the endpoint tests (both endpoints, and the completion) that
// records every call (path below /api/{serviceId} and the decoded fields). A path the test answers
// itself (`answers`) gets that answer; any other call goes to the scenario's handlers, then to the
// default ones.
import { type AnyHandler, HttpResponse, http } from 'msw'
import { authleteHandlers, startAuthleteStandIn } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'
import { closedPort } from './loopback.js'

/** One call Authlete received: `path` is e.g. `/backchannel/authentication/fail`. */
export interface RecordedCall {
  path: string
  fields: Record<string, unknown>
  /** The body as it came, and its `Content-Type`: what two ways of making one call must share. */
  body: string
  contentType: string | null
}

export interface EndpointStandIn {
  url: string
  /** Every call received, in order. */
  calls: RecordedCall[]
  /** Only the paths, in order. */
  paths(): string[]
  /**
   * The answers the test gives, by path (`/auth/token`): a JSON body, answered with 200, or
   * `[status, body]`. A path not here goes to the scenario's handlers, then to the default ones.
   */
  answers: Record<string, unknown>
  /** Forgets the calls received and the answers given, for the next test on the same stand-in. */
  reset(): void
  /** An AuthleteClient on the stand-in (API v3, no retries). */
  authlete: AuthleteClient
  close(): Promise<void>
}

export const SERVICE_ID = '715948317'

/**
 * The fields of a form-encoded body (a field given twice becomes an array) or of a JSON object;
 * none for anything else.
 */
async function readFields(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const text = await request.text()
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of new URLSearchParams(text)) {
      const previous = fields[key]
      if (previous === undefined) fields[key] = value
      else if (Array.isArray(previous)) previous.push(value)
      else fields[key] = [previous, value]
    }
    return fields
  }
  if (type === 'application/json') {
    try {
      const json = JSON.parse(text) as unknown
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
        return json as Record<string, unknown>
      }
    } catch {
      // Not JSON: no fields.
    }
  }
  return {}
}

/**
 * Starts a stand-in answering with the test's `answers` first, then `scenario(baseUrl)`, then
 * `authleteHandlers({ baseUrl })`.
 */
export async function startEndpointStandIn(
  scenario: (baseUrl: string) => AnyHandler[] = () => [],
): Promise<EndpointStandIn> {
  const calls: RecordedCall[] = []
  const answers: Record<string, unknown> = {}
  const pathOf = (request: Request) => new URL(request.url).pathname.replace(`/api/${SERVICE_ID}`, '')
  const standIn = await startAuthleteStandIn({
    handlers: (baseUrl) => [
      // Records, then answers nothing: msw goes on to the next handler.
      http.post(`${baseUrl}/api/*`, async ({ request }) => {
        calls.push({
          path: pathOf(request),
          fields: await readFields(request.clone()),
          body: await request.clone().text(),
          contentType: request.headers.get('content-type'),
        })
      }),
      // The test's own answer for this path, if it gave one; else msw goes on.
      http.post(`${baseUrl}/api/*`, ({ request }) => {
        const answer = answers[pathOf(request)]
        if (answer === undefined) return undefined
        return Array.isArray(answer)
          ? HttpResponse.json(answer[1], { status: answer[0] as number })
          : HttpResponse.json(answer)
      }),
      ...scenario(baseUrl),
      ...authleteHandlers({ baseUrl }),
    ],
  })
  const authlete = new AuthleteClient({
    serviceId: SERVICE_ID,
    accessToken: 'stand-in-token',
    baseUrl: standIn.url,
    retry: false,
  })
  return {
    url: standIn.url,
    calls,
    paths: () => calls.map((call) => call.path),
    answers,
    reset() {
      calls.length = 0
      for (const path of Object.keys(answers)) delete answers[path]
    },
    authlete,
    async close() {
      await authlete.close()
      await standIn.close()
    },
  }
}

/** A client whose Authlete cannot be reached (a closed loopback port), without retries. */
export async function unreachableAuthlete(): Promise<AuthleteClient> {
  return new AuthleteClient({
    serviceId: '1',
    accessToken: 't',
    baseUrl: `http://127.0.0.1:${await closedPort()}`,
    retry: false,
  })
}
