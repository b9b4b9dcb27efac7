// A push service of the test's own on loopback (RFC 8030 §5: it takes a POST per message and answers
// 201), and a browser's side of a subscription: its P-256 key pair and authentication secret, with
// which the test decrypts what the service received (RFC 8291 over RFC 8188 aes128gcm), as the
// browser would.
import { createDecipheriv, createECDH, createHmac, type ECDH, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A message as the push service received it. */
export interface PushedMessage {
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export interface PushService {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  readonly messages: PushedMessage[]
  /** How the following messages are answered: a status, or `'hang'` (no answer at all). */
  answer(
    byPath: (path: string) => number | 'hang' | { status: number; headers: http.OutgoingHttpHeaders },
  ): void
  close(): Promise<void>
}

export async function startPushService(): Promise<PushService> {
  const messages: PushedMessage[] = []
  const sockets = new Set<Socket>()
  let answer: Parameters<PushService['answer']>[0] = () => 201
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? ''
      messages.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      const how = answer(path)
      if (how === 'hang') return
      const { status, headers } = typeof how === 'number' ? { status: how, headers: {} } : how
      res.writeHead(status, { location: `/messages/${messages.length}`, ...headers }).end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    answer(next) {
      answer = next
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A browser's side of one subscription: what `PushSubscription.toJSON()` gives, and its private key. */
export interface BrowserSubscription {
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } }
  /** Decrypts a message sent to this subscription (RFC 8291 §3.4, RFC 8188 §2). */
  decrypt(body: Buffer): Buffer
}

export function browserSubscription(endpoint: string): BrowserSubscription {
  const ecdh: ECDH = createECDH('prime256v1')
  const uaPublic = ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    subscription: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: uaPublic.toString('base64url'), auth: auth.toString('base64url') },
    },
    decrypt(body) {
      // The aes128gcm header: salt (16), record size (4), key ID length (1), key ID: the sender's key.
      const salt = body.subarray(0, 16)
      const idLength = body[20] as number
      const asPublic = body.subarray(21, 21 + idLength)
      const ciphertext = body.subarray(21 + idLength)
      const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
      const ecdhSecret = ecdh.computeSecret(asPublic)
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic])
      const ikm = hmac(hmac(auth, ecdhSecret), Buffer.concat([keyInfo, Buffer.from([1])]))
      const prk = hmac(salt, ikm)
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1')).subarray(0, 16)
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'latin1')).subarray(0, 12)
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
      decipher.setAuthTag(ciphertext.subarray(-16))
      const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()])
      // The last record ends with the delimiter 0x02, then padding zeros.
      let end = padded.length
      while (end > 0 && padded[end - 1] === 0) end--
      if (padded[end - 1] !== 2) throw new Error('no last-record delimiter')
      return padded.subarray(0, end - 1)
    },
  }
}

/** A VAPID key pair as `authlete-ciba vapid-keys` prints it: base64url, public key uncompressed. */
export function vapidKeys(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1')
  const publicKey = ecdh.generateKeys()
  // A private key with leading zero bytes comes shorter: VAPID wants the 32 bytes.
  const privateKey = ecdh.getPrivateKey()
  const padded = Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey])
  return { publicKey: publicKey.toString('base64url'), privateKey: padded.toString('base64url') }
}
