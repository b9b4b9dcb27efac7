/**
 * `authlete-ciba vapid-keys`: a VAPID key pair for Web Push (RFC 8292), made here with node:crypto
 * (the web-push package is not needed): a P-256 key pair, the public key uncompressed, both
 * base64url, as `webPushNotifier`'s `vapid` and the device page's `vapidPublicKey` take them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8292#section-3.2
 * @module
 */

import { createECDH } from 'node:crypto'
import type { CommandSpec } from './commands.js'

/** `authlete-ciba vapid-keys`: prints a new pair as two environment variable lines. */
export const VAPID_KEYS_COMMAND: CommandSpec = {
  name: 'vapid-keys',
  flags: {},
  usage: 'vapid-keys',
  summary: `print a new VAPID key pair for Web Push (webPushNotifier's vapid, the device page's
              vapidPublicKey) as VAPID_PUBLIC_KEY=… and VAPID_PRIVATE_KEY=… lines; keep the private one secret`,
}

/** A new pair: the public key uncompressed (65 bytes), the private key 32 bytes, both base64url. */
function vapidKeyPair(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1')
  const publicKey = ecdh.generateKeys()
  // A private key with leading zero bytes comes shorter: VAPID wants all 32.
  const privateKey = ecdh.getPrivateKey()
  return {
    publicKey: publicKey.toString('base64url'),
    privateKey: Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey]).toString('base64url'),
  }
}

/** What the command prints. */
export function vapidKeyLines(): string {
  const { publicKey, privateKey } = vapidKeyPair()
  return `VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\n`
}
