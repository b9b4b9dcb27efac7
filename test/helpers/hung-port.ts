import { spawn } from 'node:child_process'
import net from 'node:net'

/** A loopback port where a TCP connect never completes, until `release()`. */
export interface HungPort {
  port: number
  /** The listener starts accepting: it answers every request with `{"ok":true}`. */
  release(): void
  close(): Promise<void>
}

// A child listens with a backlog of 1, then blocks its event loop in a synchronous read of its stdin,
// so it accepts nothing. The kernel completes two handshakes into the accept queue (the fillers
// below); with the queue full it drops every further SYN, and a connect to the port hangs (for
// minutes of retransmissions). A byte on stdin unblocks it; so does the parent's end (EOF), after
// which it exits. All on 127.0.0.1.
const LISTENER = `
const fs = require('node:fs')
const server = require('node:http').createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end(JSON.stringify({ ok: true })))
})
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  fs.writeSync(1, server.address().port + '\\n')
  if (fs.readSync(0, Buffer.alloc(1)) === 0) process.exit(0)
  process.stdin.on('end', () => process.exit(0)).resume()
})
`

export async function hungPort(): Promise<HungPort> {
  const child = spawn(process.execPath, ['-e', LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] })
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
    release() {
      child.stdin.write('x')
      for (const socket of fillers) socket.destroy()
    },
    async close() {
      for (const socket of fillers) socket.destroy()
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.stdin.end()
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}
