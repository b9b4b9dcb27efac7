import net, { type AddressInfo } from 'node:net'

/**
 * What the server does with a request: answer it; drop the connection without a byte of answer
 * (`reset`: RST, `close`: FIN); or send the status line only, then reset (`partial`).
 */
export type RawAction = 'answer' | 'reset' | 'close' | 'partial'

export interface RawServer {
  url: string
  /** Requests received, in all. */
  readonly requests: number
  /** Connections accepted, in all. */
  readonly connections: number
  /** Decides for each request; `index` counts the requests of its connection from 0. */
  decide: (index: number) => RawAction
  close(): Promise<void>
}

export const RAW_BODY = JSON.stringify({ ok: true })

/**
 * An HTTP/1.1 server on 127.0.0.1 written on `net`, so that nothing decides for it: keep-alive
 * without a `Keep-Alive: timeout` hint (undici cannot know when it closes idle connections), and,
 * with `idleCloseMs`, idle connections closed after that long, as a proxy or load balancer does.
 */
export async function startRawServer(options: { idleCloseMs?: number } = {}): Promise<RawServer> {
  let requests = 0
  let connections = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffered = ''
    let index = 0
    let idle: NodeJS.Timeout | undefined
    socket.on('data', (data: Buffer) => {
      clearTimeout(idle)
      buffered += data.toString('latin1')
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end === -1) return
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0)
        if (buffered.length < end + 4 + length) return
        buffered = buffered.slice(end + 4 + length)
        requests++
        const action = result.decide(index++)
        if (action === 'reset') return void socket.resetAndDestroy()
        if (action === 'close') return void socket.destroy()
        if (action === 'partial')
          return void socket.write('HTTP/1.1 200 OK\r\n', () => socket.resetAndDestroy())
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${RAW_BODY.length}\r\n\r\n${RAW_BODY}`,
        )
        if (options.idleCloseMs !== undefined) idle = setTimeout(() => socket.destroy(), options.idleCloseMs)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const result: RawServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests
    },
    get connections() {
      return connections
    },
    decide: () => 'answer',
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return result
}
