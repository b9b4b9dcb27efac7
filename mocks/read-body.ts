/**
 * The body reading the loopback stand-ins share (Authlete's and the client application's).
 *
 * @module
 */

import type { IncomingMessage } from 'node:http'

/**
 * The whole body of `req`; `undefined` when the sender hung up in the middle of it. Its socket is
 * then destroyed: there is no one left to answer, and the failure ends that request only.
 *
 * @internal
 */
export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer)
  } catch {
    req.socket.destroy()
    return undefined
  }
  return Buffer.concat(chunks)
}
