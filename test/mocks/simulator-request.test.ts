// The simulator's reading of a backchannel authentication request: its cost grows linearly with
// the number of parameters (issue 20, defect 6: the duplicate check was quadratic). Measured by
// the entries the reading walks, not by a clock.
import { describe, expect, it } from 'vitest'
import { type RegisteredClient, readBackchannelRequest } from '../../mocks/simulator/request.js'

const CLIENT: RegisteredClient = Object.freeze({
  clientId: 'c',
  clientSecret: 's',
  deliveryMode: 'POLL',
  clientName: 'c',
  numericId: 1_000_001,
  alias: 'c',
})
const findClient = (id: string) => (id === CLIENT.clientId ? CLIENT : undefined)
const SCOPES: ReadonlySet<string> = new Set(['openid'])

/**
 * `URLSearchParams` that counts the entries its methods walk: a lookup by name (`get`, `getAll`,
 * `has`) scans every entry, as the platform's does, and so does an iteration.
 */
class CountingParams extends URLSearchParams {
  walked = 0
  override get(name: string) {
    this.walked += this.size
    return super.get(name)
  }
  override getAll(name: string) {
    this.walked += this.size
    return super.getAll(name)
  }
  override has(name: string, value?: string) {
    this.walked += this.size
    return value === undefined ? super.has(name) : super.has(name, value)
  }
  override keys() {
    this.walked += this.size
    return super.keys()
  }
  override values() {
    this.walked += this.size
    return super.values()
  }
  override entries() {
    this.walked += this.size
    return super.entries()
  }
  override [Symbol.iterator]() {
    this.walked += this.size
    return super[Symbol.iterator]()
  }
  override forEach(...args: Parameters<URLSearchParams['forEach']>) {
    this.walked += this.size
    super.forEach(...args)
  }
}

function request(names: number, tail = '') {
  let text = 'scope=openid&login_hint=john&client_id=c&client_secret=s'
  for (let i = 0; i < names; i++) text += `&x${i}=1`
  return new CountingParams(text + tail)
}

describe('readBackchannelRequest', () => {
  it('walks the parameters a bounded number of times, however many there are (linear, not quadratic)', () => {
    const names = 20_000
    const valid = request(names)
    expect(readBackchannelRequest({}, valid, findClient, SCOPES)).toMatchObject({ hint: 'john' })
    const repeated = request(names, '&x0=2')
    expect(readBackchannelRequest({}, repeated, findClient, SCOPES)).toEqual({
      action: 'BAD_REQUEST',
      error: 'invalid_request',
      description: "The 'x0' parameter is included more than once.",
    })
    // About 20 lookups of the reading itself; a check that looks each name up again walks names².
    expect(valid.walked).toBeLessThan(32 * valid.size)
    expect(repeated.walked).toBeLessThan(32 * repeated.size)
  })

  it('names the first parameter, in request order, that is given more than once', () => {
    const parameters = new URLSearchParams('scope=openid&a=1&b=1&b=2&a=2&login_hint=john')
    expect(
      readBackchannelRequest({ clientId: 'c', clientSecret: 's' }, parameters, findClient, SCOPES),
    ).toEqual({
      action: 'BAD_REQUEST',
      error: 'invalid_request',
      description: "The 'a' parameter is included more than once.",
    })
  })
})
