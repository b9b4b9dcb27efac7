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
import { authleteHandlers } from './handlers.js'
import type { CibaSimulator } from './simulator.js'

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

/**
 * Starts a stand-in Authlete on loopback. No handler matched: 404 with a result body.

 */
export async function startAuthleteStandIn(options: AuthleteStandInOptions = {}): Promise<AuthleteStandIn> {
  let handlers: AnyHandler[] = []
  let requestCount = 0
  const server = http.createServer(async (req, res) => {
    requestCount++
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    const request = new Request(new URL(req.url ?? '/', url), {
      method: req.method ?? 'GET',
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : null,
    })
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
    response ??= Response.json(
      { resultCode: 'A000404', resultMessage: `[A000404] No handler for ${req.method} ${req.url}` },
      { status: 404 },
    )
    const body = Buffer.from(await response.arrayBuffer())
    const out: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      out[name] = value
    })
    out['content-length'] = String(body.length)
    res.writeHead(response.status, out)
    res.end(body)
  })
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
