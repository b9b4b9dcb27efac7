// The stand-in Authlete (a child process serving the mocks on loopback) survives bad requests.
import { spawn } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AuthleteClient } from '../../src/index.js'

describe('12. the stand-in Authlete survives bad requests', () => {
  /** Sends `text` on a new connection; resolves with what came back when the server ends it or answers. */
  function raw(url: string, text: string, hangUp = false): Promise<string> {
    const { port } = new URL(url)
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(text)
        if (hangUp) socket.destroy()
      })
      let received = ''
      socket.on('data', (data: Buffer) => {
        received += data.toString('latin1')
        // One answer is enough: the status line and, when the headers end, the whole exchange.
        if (received.includes('\r\n\r\n')) socket.end()
      })
      socket.on('close', () => resolve(received))
      socket.on('error', () => {})
    })
  }

  it('TRACE, a GET with a body, POST //, a client hanging up mid-body: answered 400/405 or dropped, and it keeps serving', async () => {
    const child = spawn(
      process.execPath,
      [
        '--unhandled-rejections=strict',
        '--import',
        fileURLToPath(new URL('../../scripts/ts-loader.mjs', import.meta.url)),
        fileURLToPath(new URL('../fixtures/stand-in.ts', import.meta.url)),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (data: Buffer) => {
      stderr += data
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve) =>
      child.stdout.on('data', (data: Buffer) => {
        stdout += data
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string)
      }),
    )
    try {
      const path = '/api/1/backchannel/authentication/issue'
      expect(await raw(url, 'TRACE / HTTP/1.1\r\nhost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /)
      expect(await raw(url, `GET ${path} HTTP/1.1\r\nhost: a\r\ncontent-length: 4\r\n\r\nbody`)).toMatch(
        /^HTTP\/1\.1 400 /,
      )
      expect(await raw(url, 'POST // HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n')).toMatch(
        /^HTTP\/1\.1 400 /,
      )
      expect(
        await raw(url, `POST ${path} HTTP/1.1\r\nhost: a\r\ncontent-length: 100\r\n\r\nticket=`, true),
      ).toBe('')
      // An answered request after all of them shows that the hang-up was dealt with first.
      expect(await raw(url, 'TRACE / HTTP/1.1\r\nhost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /)
      await using client = new AuthleteClient({ serviceId: '1', accessToken: 'standin-token', baseUrl: url })
      expect((await client.backchannelIssue('ticket')).action).toBe('OK')
    } finally {
      child.stdin.end()
    }
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
    expect(stdout.trim().split('\n').at(-1)).toBe('closed')
  })
})
