import { spawn } from 'node:child_process'
import net from 'node:net'

/** A loopback port where a TCP connect never completes, and how to release it. */
export interface HungPort {
  port: number
  close(): Promise<void>
}

// A child listens with a backlog of 1 and then blocks its event loop, so it never accepts. The kernel
// completes two handshakes into the accept queue (the fillers below); with the queue full, it drops
// every further SYN, and a connect to the port hangs (it would time out after minutes of
// retransmissions). All on 127.0.0.1. The child ends itself after a minute if nobody kills it.
const LISTENER = `
const server = require('node:net').createServer()
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n')
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000)
  process.exit(0)
})
`

export async function hungPort(): Promise<HungPort> {
  const child = spawn(process.execPath, ['-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim())))
  })
  const fillers = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
  return {
    port,
    async close() {
      for (const socket of fillers) socket.destroy()
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}
