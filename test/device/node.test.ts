// toNodeHandler: a Fetch API handler on node:http (and so in Express): the device's paths to it,
// the others to next(); bodies streamed both ways (the event stream's first event at once), a body
// an earlier parser read, several Set-Cookie headers, a page that goes away ending the stream.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createDeviceHandler, type NodeHandler, nodeRequestOf, toNodeHandler } from '../../device/index.js'
import { createPendingAuthentications, inProcessPendingStore } from '../../src/index.js'
import { completingAuthlete, ORIGIN, saveRequest } from '../helpers/device-fixtures.js'
import { readEventStream } from '../helpers/event-stream.js'
import { useLeakCheck } from '../helpers/leak-check.js'

useLeakCheck()

const servers: http.Server[] = []
const closers: Array<() => void> = []
afterAll(async () => {
  for (const close of closers) close()
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function serve(listener: http.RequestListener): Promise<string> {
  const server = http.createServer(listener)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function device() {
  const store = inProcessPendingStore()
  const pending = createPendingAuthentications({ store })
  const authlete = completingAuthlete()
  const handler = createDeviceHandler(authlete.client, pending, {
    authenticate: (request) => request.headers.get('x-user') ?? undefined,
    origin: ORIGIN,
  })
  closers.push(() => handler.close())
  return { handler, pending, authlete, store }
}

describe('toNodeHandler', () => {
  it('authenticate reaches the Node.js request (a session middleware’s req.session) with nodeRequestOf', async () => {
    const pending = createPendingAuthentications({ store: inProcessPendingStore() })
    const handler = createDeviceHandler(completingAuthlete().client, pending, {
      authenticate: (request) =>
        (nodeRequestOf(request) as (http.IncomingMessage & { session?: { subject: string } }) | undefined)
          ?.session?.subject,
      origin: ORIGIN,
    })
    closers.push(() => handler.close())
    const node = toNodeHandler(handler)
    const url = await serve((req, res) => {
      // What express-session does: the session on the Node.js request.
      if (req.headers.cookie === 'sid=john') Object.assign(req, { session: { subject: 'john' } })
      node(req, res)
    })
    expect((await fetch(`${url}/device/requests`, { headers: { cookie: 'sid=john' } })).status).toBe(200)
    expect((await fetch(`${url}/device/requests`)).status).toBe(401)
    expect(nodeRequestOf(new Request('https://as.example.com/'))).toBeUndefined()
  })

  it('gives the device its own paths and passes the others to next()', async () => {
    const { handler } = device()
    const node = toNodeHandler(handler)
    const next = vi.fn()
    const url = await serve((req, res) =>
      node(req, res, () => {
        next(req.url)
        res.writeHead(418).end()
      }),
    )
    expect((await fetch(`${url}/device/requests`, { headers: { 'x-user': 'john' } })).status).toBe(200)
    expect((await fetch(`${url}/token`)).status).toBe(418)
    expect((await fetch(`${url}/devices`)).status).toBe(418)
    expect(next.mock.calls).toEqual([['/token'], ['/devices']])
  })

  it('without next, another path is 404', async () => {
    const url = await serve(toNodeHandler(device().handler))
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404)
  })

  it('streams a POST’s body to the handler: a decision through node:http', async () => {
    const { handler, pending, authlete } = device()
    const url = await serve(toNodeHandler(handler))
    const saved = await saveRequest(pending)
    const answer = await fetch(`${url}/device/requests/${saved.authReqId}`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-user': 'john' },
      body: '{"decision":"approve"}',
    })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ result: 'AUTHORIZED' })
    expect(authlete.completed).toHaveLength(1)
  })

  it('takes a body a parser read first (express.json()), as JSON', async () => {
    const { handler, pending } = device()
    const node = toNodeHandler(handler)
    const url = await serve(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      ;(req as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString())
      node(req, res)
    })
    const saved = await saveRequest(pending)
    const answer = await fetch(`${url}/device/requests/${saved.authReqId}`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-user': 'john' },
      body: '{"decision":"deny"}',
    })
    expect(await answer.json()).toEqual({ result: 'ACCESS_DENIED' })
  })

  it('streams the event stream: the first event at once; a page that goes away aborts the request’s signal', async () => {
    const { handler } = device()
    let gone = false
    const watching = Object.assign(
      (request: Request) => {
        request.signal.addEventListener('abort', () => {
          gone = true
        })
        return handler(request)
      },
      { matches: handler.matches },
    )
    const url = await serve(toNodeHandler(watching))
    const controller = new AbortController()
    const answer = await fetch(`${url}/device/events`, {
      headers: { 'x-user': 'john' },
      signal: controller.signal,
    })
    expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const stream = readEventStream(answer.body as ReadableStream<Uint8Array>)
    expect(await stream.next()).toEqual([])
    expect(gone).toBe(false)
    controller.abort()
    await vi.waitFor(() => expect(gone).toBe(true))
  })

  it('keeps every Set-Cookie header; a handler that throws goes to next(error), or is a 500', async () => {
    const cookies = toNodeHandler(async () => {
      const headers = new Headers()
      headers.append('set-cookie', 'a=1; HttpOnly')
      headers.append('set-cookie', 'b=2; Secure')
      return new Response('ok', { headers })
    })
    const url = await serve(cookies)
    expect((await fetch(url)).headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; Secure'])
    const failing: NodeHandler = toNodeHandler(async () => {
      throw new Error('boom')
    })
    const caught = vi.fn()
    const withNext = await serve((req, res) =>
      failing(req, res, (error) => {
        caught(error)
        res.writeHead(502).end()
      }),
    )
    expect((await fetch(withNext)).status).toBe(502)
    expect(caught).toHaveBeenCalledWith(new Error('boom'))
    expect((await fetch(await serve(failing))).status).toBe(500)
  })
})

describe('toNodeHandler reads the path as Express does', () => {
  it('`//evil/device/requests` is not the device’s `/device/requests` (a path-scoped guard would be skipped)', async () => {
    const { handler } = device()
    const node = toNodeHandler(handler)
    const next = vi.fn()
    const url = await serve((req, res) =>
      node(req, res, () => {
        next(req.url)
        res.writeHead(418).end()
      }),
    )
    const answer = await fetch(`${url}//evil/device/requests`, { headers: { 'x-user': 'john' } })
    expect(answer.status).toBe(418)
    expect(next.mock.calls).toEqual([['//evil/device/requests']])
  })
})
