import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import { Agent } from 'undici'

/** A request as the loopback server received it. */
export interface ReceivedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  socket: Socket
}

export type LoopbackHandler = (
  request: ReceivedRequest,
  res: http.ServerResponse,
  req: http.IncomingMessage,
) => unknown

/** A real HTTP server on 127.0.0.1 for transport tests: it records every request in order. */
export interface Loopback {
  /** `http://127.0.0.1:{port}` */
  url: string
  port: number
  requests: ReceivedRequest[]
  server: http.Server
  /** Replaces the handler for the following requests. */
  handle(handler: LoopbackHandler): void
  close(): Promise<void>
}

export const OK_BODY = {
  resultCode: 'A183001',
  resultMessage: '[A183001] An auth_req_id was issued successfully.',
  action: 'OK',
  responseContent:
    '{"auth_req_id":"_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE","interval":0,"expires_in":3600}',
  authReqId: '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE',
  expiresIn: 3600,
  interval: 0,
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export async function startLoopback(
  handler: LoopbackHandler = (_r, res) => json(res, 200, OK_BODY),
  port = 0,
): Promise<Loopback> {
  let current = handler
  const requests: ReceivedRequest[] = []
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: req.socket,
      }
      requests.push(received)
      void current(received, res, req)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    server,
    handle(next) {
      current = next
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port on which nothing listens: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * An undici Agent whose DNS lookup fails as a name that does not exist fails (`ENOTFOUND`), without
 * asking any resolver: tests send no packet off the machine, DNS queries included.
 */
export function failingDnsAgent(): import('undici').Agent {
  return new Agent({
    connect: {
      lookup: (hostname: string, _options: unknown, callback: (error: Error | null) => void) => {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          hostname,
        })
        process.nextTick(callback, error)
      },
    } as never,
  })
}
