// What the device's tests share: a pending request as the endpoint saves it, an Authlete whose
// /complete the test controls and records, and requests to the device handler as a browser of the
// page's origin sends them.
import type {
  BackchannelCompleteAnswer,
  BackchannelCompleteClient,
  BackchannelCompleteRequest,
  PendingAuthentications,
  PendingRecord,
} from '../../src/index.js'

import { pendingRecord } from './pending-fixtures.js'

export const ORIGIN = 'https://as.example.com'

/** A pending request for `subject`, saved in `pending`; `fields` override. */
export async function saveRequest(
  pending: PendingAuthentications,
  fields: Partial<PendingRecord> = {},
): Promise<PendingRecord> {
  const now = pending.now()
  const record = pendingRecord({
    clientId: 1234,
    clientName: 'My Shop',
    createdAt: now,
    expiresAt: now + 600_000,
    ...fields,
  })
  await pending.save(record)
  return record
}

/** An Authlete whose /complete answers `answer()` (NO_ACTION by default) and records each request. */
export function completingAuthlete(
  answer: (
    request: BackchannelCompleteRequest,
  ) => Promise<BackchannelCompleteAnswer> | BackchannelCompleteAnswer = () =>
    ({ action: 'NO_ACTION', resultMessage: '[A243001] done' }) as BackchannelCompleteAnswer,
) {
  const completed: BackchannelCompleteRequest[] = []
  const client: BackchannelCompleteClient = {
    backchannelComplete: async (request) => {
      completed.push(request)
      return answer(request)
    },
  }
  return { client, completed }
}

/** A request to the device as the page sends it: same origin, JSON. */
export function fromPage(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST')
  return new Request(`${ORIGIN}${url}`, {
    method,
    headers: {
      ...(method === 'GET' ? {} : { origin: ORIGIN, 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  })
}
