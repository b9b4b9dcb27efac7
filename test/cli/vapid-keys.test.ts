// authlete-ciba vapid-keys: a fresh P-256 pair each run, printed as two environment lines, which
// webPushNotifier takes and with which a message is signed and verified (RFC 8292).
import { createECDH } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createPushSubscriptions, webPushNotifier } from '../../device/index.js'
import { run } from '../helpers/cli.js'

const KEYS = /^VAPID_PUBLIC_KEY=([A-Za-z0-9_-]{87})\nVAPID_PRIVATE_KEY=([A-Za-z0-9_-]{43})\n$/

describe('authlete-ciba vapid-keys', () => {
  it('prints a new pair as VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY lines, exit 0, nothing on stderr', async () => {
    const first = await run(['vapid-keys'])
    expect(first).toEqual({ code: 0, stdout: expect.stringMatching(KEYS), stderr: '' })
    const second = await run(['vapid-keys'])
    expect(second.stdout).not.toBe(first.stdout)
  })

  it('the public key is the private key’s, uncompressed P-256 (65 bytes), and webPushNotifier takes the pair', async () => {
    const [, publicKey, privateKey] = KEYS.exec((await run(['vapid-keys'])).stdout) as unknown as [
      string,
      string,
      string,
    ]
    const ecdh = createECDH('prime256v1')
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'))
    expect(ecdh.getPublicKey().toString('base64url')).toBe(publicKey)
    expect(Buffer.from(publicKey, 'base64url')[0]).toBe(4)
    expect(() =>
      webPushNotifier({
        vapid: { subject: 'mailto:ops@example.com', publicKey, privateKey },
        subscriptions: createPushSubscriptions(),
      }),
    ).not.toThrow()
  })

  it('takes no option', async () => {
    expect(await run(['vapid-keys', '--json'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--json does not apply to "vapid-keys"'),
    })
  })
})
