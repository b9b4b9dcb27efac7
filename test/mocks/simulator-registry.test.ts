// The simulator's client registry: Authlete's numeric client IDs are unique, whether a client is
// registered by number or under an alias that is given the next free number.
import { describe, expect, it } from 'vitest'
import { createCibaSimulator, setupAuthleteServer } from '../../mocks/index.js'
import { AuthleteClient } from '../../src/index.js'

describe('numeric client IDs are unique', () => {
  it('a client registered as a number an alias client was given is refused, naming both', () => {
    const simulator = createCibaSimulator({ clients: [{ clientId: 'my-rp', clientSecret: 's1' }] })
    // my-rp was given 1000001.
    expect(() => simulator.addClient({ clientId: '1000001', clientSecret: 's2' })).toThrow(
      'addClient: 1000001 is already the numeric client ID of my-rp: give 1000001 another',
    )
  })

  it('an alias client is given the next free number, which a client registered by number may not take', () => {
    const simulator = createCibaSimulator({
      clients: [
        { clientId: '1000001', clientSecret: 's1' },
        { clientId: 'my-rp', clientSecret: 's2' },
      ],
    })
    expect(() => simulator.addClient({ clientId: '1000002', clientSecret: 's3' })).toThrow(
      'is already the numeric client ID of my-rp',
    )
  })

  it('an alias client registered again keeps its number: no later client takes it, its tokens stay its own', async () => {
    const simulator = createCibaSimulator({ clients: [{ clientId: 'my-rp', clientSecret: 's1' }] })
    simulator.addClient({ clientId: 'my-rp', clientSecret: 'rotated' })
    // Still 1000001: a client registered by that number is refused.
    expect(() => simulator.addClient({ clientId: '1000001', clientSecret: 's2' })).toThrow(
      'addClient: 1000001 is already the numeric client ID of my-rp',
    )
    // And a new alias client gets the next one.
    simulator.addClient({ clientId: 'other-rp', clientSecret: 's3' })
    expect(() => simulator.addClient({ clientId: '1000002', clientSecret: 's4' })).toThrow(
      'is already the numeric client ID of other-rp',
    )
  })

  it('registering the same client again replaces it, number included: the new secret authenticates, the old one not', async () => {
    const simulator = createCibaSimulator({
      users: [{ subject: 'john', loginHints: ['john'] }],
      clients: [{ clientId: '1000001', clientSecret: 's1' }],
    })
    expect(() => simulator.addClient({ clientId: '1000001', clientSecret: 'rotated' })).not.toThrow()
    const server = setupAuthleteServer(...simulator.handlers)
    server.listen()
    try {
      await using authlete = new AuthleteClient({
        serviceId: '1',
        accessToken: 'service-token',
        retry: false,
      })
      const parameters = 'scope=openid&login_hint=john'
      const rotated = await authlete.backchannelAuthentication({
        parameters,
        clientId: '1000001',
        clientSecret: 'rotated',
      })
      expect(rotated.action).toBe('USER_IDENTIFICATION')
      const old = await authlete.backchannelAuthentication({
        parameters,
        clientId: '1000001',
        clientSecret: 's1',
      })
      expect(old.action).toBe('UNAUTHORIZED')
    } finally {
      server.close()
    }
  })
})
