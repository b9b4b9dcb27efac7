/**
 * `toNodeHandler`: a Fetch API handler (the device's, the automated approval's) as a node:http
 * listener or Express middleware. The request's body is streamed to the handler, the answer's body
 * streamed back (an event stream stays open), and a page that goes away ends the handler's work.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { FetchHandler } from './http.js'

/** A node:http listener, or Express middleware when given `next`. */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void

/**
 * `handler` as `(req, res, next?) => void`. A handler with `matches` (the device handler) gets only
 * the paths it serves: the others go to `next()`, or are answered 404 without `next`. Mount it
 * before any body parser (`express.json()` would have read the body; a parsed `req.body` is then
 * sent on as JSON) and outside compression middleware (which would hold the event stream back).
 *
 * @example
 * ```ts
 * app.use(toNodeHandler(device))                                    // Express
 * http.createServer(toNodeHandler(device)).listen(3000)             // node:http
 * app.post('/ciba/automated-approval', toNodeHandler(approve))      // one route
 * ```
 */
export function toNodeHandler(handler: FetchHandler & { matches?: (url: URL) => boolean }): NodeHandler {
  if (typeof handler !== 'function') throw new TypeError('toNodeHandler: handler must be a function')
  return (req, res, next) => {
    const url = urlOf(req)
    if (handler.matches !== undefined && !handler.matches(url)) {
      if (next) next()
      else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    serve(handler, req, res, url).catch((error: unknown) => {
      if (next && !res.headersSent) next(error)
      else if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  }
}

async function serve(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  // The page went away: the handler's work for it ends (an event stream stops).
  const gone = new AbortController()
  res.once('close', () => gone.abort())
  const request = requestOf(req, url, gone.signal)
  NODE_REQUESTS.set(request, req)
  const response = await handler(request)
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  if (response.body === null || req.method === 'HEAD') {
    res.end()
    return
  }
  // Sent at once: an event stream's first event must not wait for more.
  res.flushHeaders()
  const reader = response.body.getReader()
  res.once('close', () => void reader.cancel().catch(() => {}))
  for (;;) {
    const { done, value } = await reader.read()
    if (done || res.destroyed) break
    if (!res.write(value)) await drainedOrClosed(res)
  }
  res.end()
}

/** The Node.js request each Fetch API request made here came from: for `authenticate`'s session. */
const NODE_REQUESTS = new WeakMap<Request, IncomingMessage>()

/**
 * The Node.js request (Express's `req`, with its `session` or `user`) that `toNodeHandler` made
 * `request` from; `undefined` for any other request. For the device's `authenticate`, which is
 * given the Fetch API request: your session middleware's work is on the Node.js one.
 *
 * @example
 * ```ts
 * authenticate: (request) => (nodeRequestOf(request) as express.Request | undefined)?.session?.subject
 * ```
 */
export function nodeRequestOf(request: Request): IncomingMessage | undefined {
  return NODE_REQUESTS.get(request)
}

/** Until `res` may be written again, or is closed; no listener left behind either way. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

function urlOf(req: IncomingMessage): URL {
  // Express strips a mount path from req.url; originalUrl keeps it. The path is read as a path, as
  // Express reads it: `//evil/device` is not `/device` on the host `evil`.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  try {
    return new URL(`http://${req.headers.host ?? 'localhost'}${path.startsWith('/') ? path : `/${path}`}`)
  } catch {
    return new URL('http://localhost/')
  }
}

function requestOf(req: IncomingMessage, url: URL, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    for (const each of value ?? []) headers.append(name, each)
  }
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    const parsed = (req as { body?: unknown }).body
    if (req.readableEnded && parsed !== undefined) {
      // A body parser ran first: its result, as the JSON it came as.
      init.body = typeof parsed === 'string' || Buffer.isBuffer(parsed) ? parsed : JSON.stringify(parsed)
      headers.delete('content-length')
    } else {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
      init.duplex = 'half'
    }
  }
  return new Request(url, init)
}
