// The per-call options a flow gives its calls (src/deadline.ts): the transport finds their owner,
// and nothing else passes for them; reading them never throws.
import { describe, expect, it } from 'vitest'
import { OwnedCallOptions, type SignalOwner } from '../../src/deadline.js'

const owner: SignalOwner = { watch() {}, unwatch() {} }

describe('OwnedCallOptions.ownerOf', () => {
  it('finds the owner of owned options, which read as plain { signal, timeoutMs }', () => {
    const signal = new AbortController().signal
    const options = new OwnedCallOptions(signal, 5_000, owner)
    expect(OwnedCallOptions.ownerOf(options)).toBe(owner)
    expect({ ...options }).toStrictEqual({ signal, timeoutMs: 5_000 })
  })

  it('finds none in a plain object, a copy, or an object made to look like owned options', () => {
    const options = new OwnedCallOptions(new AbortController().signal, undefined, owner)
    expect(OwnedCallOptions.ownerOf({ signal: options.signal })).toBeUndefined()
    expect(OwnedCallOptions.ownerOf({ ...options })).toBeUndefined()
    expect(OwnedCallOptions.ownerOf(Object.create(OwnedCallOptions.prototype))).toBeUndefined()
  })

  it('finds none, and does not throw, in a Proxy whose getPrototypeOf throws', () => {
    const proxy = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no prototype')
        },
      },
    )
    expect(OwnedCallOptions.ownerOf(proxy)).toBeUndefined()
  })
})
