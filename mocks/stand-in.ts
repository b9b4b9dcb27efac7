/**
 * A stand-in Authlete on a real loopback HTTP server, answering from msw handlers through msw's
 * `getResponse`: for demos, CLI checks and tests in another process, where interception in this
 * process cannot reach.
 *
 * @module
 */

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type AnyHandler, getResponse, type RequestHandler } from 'msw'
import { resultBody } from './authlete.js'
import { authleteHandlers } from './handlers.js'
import { readBody } from './read-body.js'
import type { CibaSimulator } from './simulator/index.js'

/**
 * A running stand-in.

 */
export interface AuthleteStandIn {
  /** `http://127.0.0.1:{port}`: give it to `AuthleteClient` as `baseUrl`. */
  readonly url: string
  /** Requests answered so far. */
  readonly requestCount: number
  /** Stops the server and drops its connections. */
  close(): Promise<void>
}

/**
 * Options of {@link startAuthleteStandIn}.

 */
export interface AuthleteStandInOptions {
  /** The handlers, or a function of the stand-in's URL returning them. Default: `authleteHandlers({ baseUrl })`. */
  handlers?: AnyHandler[] | ((baseUrl: string) => AnyHandler[])
  /** Default `0` (any free port). */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /**
   * A `createCibaSimulator()` to serve: the stand-in answers from its state (`simulator.handlersFor(url)`).
   * Ignored when `handlers` is given.
   * @default undefined
   */
  simulator?: Pick<CibaSimulator, 'handlersFor'> | undefined
}

/** Methods the Fetch API refuses to build a `Request` with. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK'])
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'

/** Answers with a result body of the stand-in's own, as Authlete shapes its errors. */
function reply(
  res: http.ServerResponse,
  status: number,
  resultCode: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(resultBody(resultCode, message))
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/**
 * Starts a stand-in Authlete on loopback. No handler matched: 404 with a result body.

 */
export async function startAuthleteStandIn(options: AuthleteStandInOptions = {}): Promise<AuthleteStandIn> {
  let handlers: AnyHandler[] = []
  let requestCount = 0
  const server = http.createServer((req, res) => {
    requestCount++
    // Whatever goes wrong with one request ends that request only: an answer if none was sent yet,
    // else the connection. Never a rejection, which would end the process that serves the stand-in.
    answer(req, res).catch(() => {
      if (res.headersSent) req.socket.destroy()
      else reply(res, 500, 'A001101', 'The stand-in failed to answer')
    })
  })

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req)
    if (body === undefined) return
    const method = req.method ?? 'GET'
    if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      reply(res, 405, 'A000405', `Method ${method} is not allowed`, { allow: ALLOWED_METHODS })
      return
    }
    const target = req.url ?? ''
    // Origin form only: "//x" would be read as a host by URL resolution, "*" and absolute forms
    // name no resource of the stand-in.
    if (!target.startsWith('/') || target.startsWith('//')) {
      reply(res, 400, 'A000400', 'The request target must be a path')
      return
    }
    if ((method === 'GET' || method === 'HEAD') && body.length > 0) {
      reply(res, 400, 'A000400', `A ${method} request cannot have a body`)
      return
    }
    const headers = new Headers()
    let request: Request
    try {
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      }
      request = new Request(url + target, {
        method,
        headers,
        body: body.length > 0 ? body : null,
      })
    } catch {
      reply(res, 400, 'A000400', 'The request cannot be read')
      return
    }
    let response: Response | undefined
    try {
      response = await getResponse(handlers as RequestHandler[], request)
    } catch (error) {
      response = Response.json({ resultCode: 'A001101', resultMessage: String(error) }, { status: 500 })
    }
    if (response?.type === 'error') {
      req.socket.destroy()
      return
    }
    response ??= Response.json(resultBody('A000404', `No handler for ${method} ${target}`), { status: 404 })
    const payload = Buffer.from(await response.arrayBuffer())
    const out: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      out[name] = value
    })
    out['content-length'] = String(payload.length)
    res.writeHead(response.status, out)
    res.end(payload)
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  const { simulator } = options
  const given =
    options.handlers ??
    ((baseUrl: string) => simulator?.handlersFor(baseUrl) ?? authleteHandlers({ baseUrl }))
  handlers = typeof given === 'function' ? given(url) : given
  return {
    url,
    get requestCount() {
      return requestCount
    },
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
