// GET {basePath}/events: the signed-in user's list at once, then again whenever it changes: a
// request saved by another instance (another holder of the same store) within pollIntervalMs, a
// decision made here at once; never another user's; one read per subject and interval however
// many pages are open; the stream ends when the page goes away or the handler closes.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDeviceHandler } from '../../device/index.js'
import { createPendingAuthentications, inProcessPendingStore, type PendingStore } from '../../src/index.js'
import { completingAuthlete, fromPage, ORIGIN, saveRequest } from '../helpers/device-fixtures.js'
import { readEventStream } from '../helpers/event-stream.js'
import { useLeakCheck } from '../helpers/leak-check.js'

useLeakCheck()

const authenticate = (request: Request) => request.headers.get('x-user') ?? undefined
const handlers: Array<{ close(): void }> = []
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close()
})

/** Two instances of the AS: each its own pending object and device, one store. */
function twoInstances(pollIntervalMs = 50, store: PendingStore = inProcessPendingStore()) {
  const [a, b] = [0, 1].map(() => {
    const pending = createPendingAuthentications({ store })
    const authlete = completingAuthlete()
    const device = createDeviceHandler(authlete.client, pending, {
      authenticate,
      origin: ORIGIN,
      pollIntervalMs,
    })
    handlers.push(device)
    return { pending, device, authlete }
  }) as [Instance, Instance]
  return { a, b, store }
}
type Instance = {
  pending: ReturnType<typeof createPendingAuthentications>
  device: ReturnType<typeof createDeviceHandler>
  authlete: ReturnType<typeof completingAuthlete>
}

async function open(instance: Instance, user = 'john') {
  const controller = new AbortController()
  const answer = await instance.device(
    new Request(`${ORIGIN}/device/events`, { headers: { 'x-user': user }, signal: controller.signal }),
  )
  expect(answer.status).toBe(200)
  const stream = readEventStream(answer.body as ReadableStream<Uint8Array>)
  return { answer, stream, leave: () => controller.abort() }
}

const ids = (list: unknown) => (list as Array<{ authReqId: string }>).map((r) => r.authReqId)

describe('the event stream', () => {
  it('is text/event-stream, unbuffered, and sends the list at once', async () => {
    const { a } = twoInstances()
    const saved = await saveRequest(a.pending)
    const { answer, stream } = await open(a)
    expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.headers.get('x-accel-buffering')).toBe('no')
    expect(ids(await stream.next())).toEqual([saved.authReqId])
    expect(stream.lines[0]).toBe('retry: 2000')
    await stream.cancel()
  })

  it('a request saved through another instance appears within the poll interval; one decided there leaves', async () => {
    const { a, b } = twoInstances(50)
    const { stream } = await open(b)
    expect(await stream.next()).toEqual([])
    const saved = await saveRequest(a.pending, { clientName: 'Saved by A' })
    const list = (await stream.next(1000)) as Array<{ clientName: string }>
    expect(list.map((r) => r.clientName)).toEqual(['Saved by A'])
    const decided = await a.device(
      fromPage(`/device/requests/${saved.authReqId}`, {
        body: { decision: 'approve' },
        headers: { 'x-user': 'john' },
      }),
    )
    expect(decided.status).toBe(200)
    expect(await stream.next(1000)).toEqual([])
    await stream.cancel()
  })

  it('a decision made through this instance is sent at once, not at the next interval', async () => {
    const { a } = twoInstances(60_000)
    const saved = await saveRequest(a.pending)
    const { stream } = await open(a)
    expect(ids(await stream.next())).toEqual([saved.authReqId])
    const started = performance.now()
    await a.device(
      fromPage(`/device/requests/${saved.authReqId}`, {
        body: { decision: 'deny' },
        headers: { 'x-user': 'john' },
      }),
    )
    expect(await stream.next(1000)).toEqual([])
    expect(performance.now() - started).toBeLessThan(1000)
    await stream.cancel()
  })

  it('sends nothing when nothing changed, and never another user’s requests', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      const { a } = twoInstances(20)
      const { stream } = await open(a, 'jane')
      expect(await stream.next()).toEqual([])
      await saveRequest(a.pending, { subject: 'john' })
      await vi.advanceTimersByTimeAsync(500)
      expect(stream.received).toBe(1)
      await stream.cancel()
    } finally {
      vi.useRealTimers()
    }
  })

  it('reads the store once per subject and interval, however many pages are open; not at all once they close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      const store = inProcessPendingStore()
      const listBySubject = vi.spyOn(store, 'listBySubject')
      const { a } = twoInstances(40, store)
      const pages = await Promise.all([open(a), open(a), open(a), open(a, 'jane')])
      for (const { stream } of pages) expect(await stream.next()).toEqual([])
      listBySubject.mockClear()
      await vi.advanceTimersByTimeAsync(400)
      const reads = (subject: string) => listBySubject.mock.calls.filter(([s]) => s === subject).length
      expect([reads('john'), reads('jane')]).toEqual([10, 10])
      for (const page of pages) page.leave()
      listBySubject.mockClear()
      await vi.advanceTimersByTimeAsync(400)
      expect(listBySubject).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
    }
  })

  it('the store down: the page keeps its list, the failure is reported, and the list comes once the store is back', async () => {
    const store = inProcessPendingStore()
    const onError = vi.fn()
    const pending = createPendingAuthentications({ store })
    const device = createDeviceHandler(completingAuthlete().client, pending, {
      authenticate,
      origin: ORIGIN,
      pollIntervalMs: 30,
      onError,
    })
    handlers.push(device)
    const answer = await device(new Request(`${ORIGIN}/device/events`, { headers: { 'x-user': 'john' } }))
    const stream = readEventStream(answer.body as ReadableStream<Uint8Array>)
    expect(await stream.next()).toEqual([])
    const list = vi.spyOn(store, 'listBySubject').mockRejectedValue(new Error('down'))
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'AUTHLETE_STORE' }), 'events'),
    )
    const saved = await saveRequest(pending)
    list.mockRestore()
    expect(ids(await stream.next(1000))).toEqual([saved.authReqId])
    await stream.cancel()
  })

  it('close() ends every stream', async () => {
    const { a } = twoInstances()
    const { stream } = await open(a)
    expect(await stream.next()).toEqual([])
    a.device.close()
    await expect(stream.next(1000)).rejects.toThrow('the stream ended')
  })

  it('401 without a session', async () => {
    const { a } = twoInstances()
    expect((await a.device(new Request(`${ORIGIN}/device/events`))).status).toBe(401)
  })
})

describe('the event stream after signing out', () => {
  it('sends nothing new to a page whose user signed out meanwhile: the stream ends instead', async () => {
    let signedIn = true
    const pending = createPendingAuthentications()
    const device = createDeviceHandler(completingAuthlete().client, pending, {
      authenticate: (request) => (signedIn ? (request.headers.get('x-user') ?? undefined) : undefined),
      origin: ORIGIN,
      pollIntervalMs: 20,
    })
    handlers.push(device)
    const answer = await device(new Request(`${ORIGIN}/device/events`, { headers: { 'x-user': 'john' } }))
    const stream = readEventStream(answer.body as ReadableStream<Uint8Array>)
    expect(await stream.next()).toEqual([])
    signedIn = false
    await saveRequest(pending, { bindingMessage: 'SECRET1' })
    await expect(stream.next(1000)).rejects.toThrow('the stream ended')
    expect(stream.lines.join('\n')).not.toContain('SECRET1')
  })
})
