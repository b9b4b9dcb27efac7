// A loopback stand-in Authlete for the flow tests that records every call (path below /api/{serviceId}
// and the decoded fields) before the scenario's handlers and then the default ones answer it.
import { type AnyHandler, http } from 'msw'
import { authleteHandlers, readFields, startAuthleteStandIn } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'

/** One call Authlete received: `path` is e.g. `/backchannel/authentication/fail`. */
export interface RecordedCall {
  path: string
  fields: Record<string, unknown>
}

export interface FlowStandIn {
  url: string
  calls: RecordedCall[]
  /** Only the paths, in order. */
  paths(): string[]
  /** An AuthleteClient on the stand-in (API v3, no retries). */
  authlete: AuthleteClient
  close(): Promise<void>
}

export const SERVICE_ID = '715948317'

/**
 * Starts a stand-in answering with `scenario(baseUrl)` first, then `authleteHandlers({ baseUrl })`.
 */
export async function startFlowStandIn(
  scenario: (baseUrl: string) => AnyHandler[] = () => [],
): Promise<FlowStandIn> {
  const calls: RecordedCall[] = []
  const standIn = await startAuthleteStandIn({
    handlers: (baseUrl) => [
      // Records, then answers nothing: msw goes on to the next handler.
      http.post(`${baseUrl}/api/*`, async ({ request }) => {
        const path = new URL(request.url).pathname.replace(`/api/${SERVICE_ID}`, '')
        calls.push({ path, fields: (await readFields(request.clone())) ?? {} })
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
    authlete,
    async close() {
      await authlete.close()
      await standIn.close()
    },
  }
}

/** `Basic base64(id:secret)`, each half form-urlencoded first as RFC 6749 §2.3.1 has it. */
export function basic(clientId: string, clientSecret: string): string {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${Buffer.from(`${form(clientId)}:${form(clientSecret)}`).toString('base64')}`
}
