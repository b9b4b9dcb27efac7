// A refused delivery names the option that would let it through, as the insecure-url refusal names
// allowInsecureHttp: an operator reading the log learns what to change, and what it costs.
import { describe, expect, it } from 'vitest'
import { deliverClientNotification } from '../../src/index.js'

const notification = (url: string) => ({
  clientNotificationEndpoint: url,
  clientNotificationToken: 'client-token',
  responseContent: '{"auth_req_id":"r"}',
})

describe('a refused delivery says which option allows it', () => {
  it('a loopback address: refused-address, naming allowPrivateNetwork', async () => {
    const outcome = await deliverClientNotification(notification('http://127.0.0.1:9/cb'), {
      allowInsecureHttp: true,
    })
    expect(outcome).toMatchObject({ delivered: false, error: { reason: 'refused-address' } })
    const { error } = outcome as { error: Error }
    expect(error.message).toBe(
      "Client notification failed: the endpoint's address is refused: 127.0.0.1 is not a public address (loopback); nothing was sent (allowPrivateNetwork lets a client on your own network through) (POST http://127.0.0.1:9/cb)",
    )
  })

  it('plain http: insecure-url, naming allowInsecureHttp', async () => {
    const outcome = await deliverClientNotification(notification('http://client.example/cb'))
    const { error } = outcome as { error: Error }
    expect(error.message).toContain('plain http: is refused without allowInsecureHttp')
  })
})
