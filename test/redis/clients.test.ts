// Which client the Redis store was given, and what it sends where, with stand-in clients that
// record the commands (no server): a cluster client's write and its WAIT on the slot master's
// connection, a redirection followed, a connection that changed before WAIT; a Sentinel client's
// sendCommand shape; the options refused.
import { describe, expect, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'
import { keySlot } from '../../redis/key-slot.js'
import { AuthleteInputError } from '../../src/errors.js'
import type { PendingClaim } from '../../src/pending/store.js'

const context = () => ({ signal: new AbortController().signal })
const claim = (): PendingClaim => ({
  token: 'token',
  subject: 'john',
  leaseMs: 60_000,
  notAfter: Date.now() + 10_000,
})
const CLAIMED = ['claimed', JSON.stringify({ authReqId: 'r', subject: 'john' })]

/** A node's connection: answers by command name; `id` is its CLIENT ID. */
function node(name: string, id: number, sent: string[], answers: Record<string, unknown> = {}) {
  return {
    async sendCommand(args: string[]) {
      sent.push(`${name} ${args[0]}`)
      const answer = args[0] === 'CLIENT' ? id : answers[args[0] as string]
      if (answer instanceof Error) throw answer
      return typeof answer === 'function' ? answer() : answer
    },
  }
}

function cluster(nodes: Record<string, ReturnType<typeof node>>, sent: string[]) {
  const slots: ({ master: string } | undefined)[] = Array.from({ length: 16384 }, () => ({ master: 'a' }))
  return {
    slots,
    nodeClient: async (master: unknown) => nodes[master as string] as ReturnType<typeof node>,
    async sendCommand(
      firstKey: string | undefined,
      _readonly: boolean | undefined,
      args: string[],
    ): Promise<unknown> {
      sent.push(`cluster ${args[0]} ${firstKey}`)
      // Following a redirection, node-redis learns the new master of the slot.
      if (args[0] === 'PTTL') slots[keySlot(firstKey as string)] = { master: 'b' }
      return null
    },
  }
}

describe('a cluster client (createCluster)', () => {
  it('reads go through the cluster client, routed by their key', async () => {
    const sent: string[] = []
    const store = redisPendingStore(cluster({}, sent), { prefix: 'p:' })
    expect(await store.get('r', context())).toBeUndefined()
    expect(sent).toEqual(['cluster EVALSHA p:req:r'])
  })

  it('a claim, and its WAIT, on the connection to the master of its slot; answered once the replica has it', async () => {
    const sent: string[] = []
    const a = node('a', 7, sent, { EVALSHA: CLAIMED, WAIT: 1 })
    const store = redisPendingStore(cluster({ a }, sent), { prefix: 'p:' })
    expect((await store.claim('r', claim(), context())).status).toBe('claimed')
    expect(sent).toEqual(['a CLIENT', 'a EVALSHA', 'a WAIT', 'a CLIENT'])
  })

  it('a refused claim wrote nothing: no WAIT', async () => {
    const sent: string[] = []
    const a = node('a', 7, sent, { EVALSHA: ['decided'] })
    const store = redisPendingStore(cluster({ a }, sent), { prefix: 'p:' })
    expect(await store.claim('r', claim(), context())).toEqual({ status: 'decided' })
    expect(sent).toEqual(['a CLIENT', 'a EVALSHA'])
  })

  it('the slot moved (MOVED): node-redis follows it on a read, then the claim goes to the new master', async () => {
    const sent: string[] = []
    const a = node('a', 7, sent, { EVALSHA: new Error('MOVED 1234 127.0.0.1:7001') })
    const b = node('b', 9, sent, { EVALSHA: CLAIMED, WAIT: 1 })
    const store = redisPendingStore(cluster({ a, b }, sent), { prefix: 'p:' })
    expect((await store.claim('r', claim(), context())).status).toBe('claimed')
    expect(sent).toEqual([
      'a CLIENT',
      'a EVALSHA',
      'cluster PTTL p:req:r',
      'b CLIENT',
      'b EVALSHA',
      'b WAIT',
      'b CLIENT',
    ])
  })

  it('fewer acknowledgements than replicas: the claim fails', async () => {
    const sent: string[] = []
    const a = node('a', 7, sent, { EVALSHA: CLAIMED, WAIT: 0 })
    const store = redisPendingStore(cluster({ a }, sent), { prefix: 'p:', waitTimeoutMs: 250 })
    await expect(store.claim('r', claim(), context())).rejects.toThrow(
      '0 of 1 replicas acknowledged the claim within 250 ms',
    )
  })

  it('a connection that changed between the write and WAIT (a reconnection): the claim fails', async () => {
    const sent: string[] = []
    let id = 7
    const a = {
      sendCommand: async (args: string[]) => (args[0] === 'CLIENT' ? id++ : args[0] === 'WAIT' ? 1 : CLAIMED),
    }
    const store = redisPendingStore(cluster({ a }, sent), { prefix: 'p:' })
    await expect(store.claim('r', claim(), context())).rejects.toThrow(
      'the connection to Redis changed between the claim and its WAIT',
    )
  })

  it('replicas: 0: no WAIT, everything through the cluster client', async () => {
    const sent: string[] = []
    const c = cluster({}, sent)
    c.sendCommand = async (firstKey, _readonly, args) => {
      sent.push(`cluster ${args[0]} ${firstKey}`)
      return CLAIMED
    }
    const store = redisPendingStore(c, { prefix: 'p:', replicas: 0 })
    expect((await store.claim('r', claim(), context())).status).toBe('claimed')
    expect(sent).toEqual(['cluster EVALSHA p:req:r'])
  })

  it('a client that knows no master for the slot (not connected): the claim fails', async () => {
    const c = cluster({}, [])
    c.slots.fill(undefined)
    await expect(redisPendingStore(c).claim('r', claim(), context())).rejects.toThrow(
      'the cluster client knows no master for this key yet',
    )
  })
})

describe('a Sentinel client (createSentinel)', () => {
  it('is sent sendCommand(isReadonly, args, options), and waits for a replica by default', async () => {
    const calls: unknown[][] = []
    const sentinel = {
      async sendCommand(isReadonly: boolean | undefined, args: string[]) {
        calls.push([isReadonly, args[0]])
        return args[0] === 'CLIENT' ? 3 : args[0] === 'WAIT' ? 1 : CLAIMED
      },
      getMasterNode: () => ({ host: '127.0.0.1', port: 6379 }),
      getSentinelNode: () => ({ host: '127.0.0.1', port: 26379 }),
    }
    expect((await redisPendingStore(sentinel).claim('r', claim(), context())).status).toBe('claimed')
    expect(calls).toEqual([
      [false, 'CLIENT'],
      [false, 'EVALSHA'],
      [false, 'WAIT'],
      [false, 'CLIENT'],
    ])
  })
})

describe('the options', () => {
  const client = { sendCommand: async () => null }
  it.each(['{tag}:', 'ciba}', '{'])(
    'a prefix with a brace (%s) is refused: it would pin every key to one slot',
    (prefix) => {
      expect(() => redisPendingStore(client, { prefix })).toThrow(/prefix must not hold \{ or \}/)
    },
  )
  it.each([-1, 1.5, Number.NaN, 101])('replicas %s is refused', (replicas) => {
    expect(() => redisPendingStore(client, { replicas })).toThrow(TypeError)
  })
  it.each([0, -5, 1.5, 3e9, Number.POSITIVE_INFINITY, Number.NaN])(
    'waitTimeoutMs %s is refused as every deadline option is',
    (waitTimeoutMs) => {
      expect(() => redisPendingStore(client, { waitTimeoutMs })).toThrow(
        new AuthleteInputError(
          'waitTimeoutMs',
          'must be a whole number of milliseconds from 1 to 2147483647',
        ),
      )
    },
  )
  it('a plain client waits for no replica unless told to', async () => {
    const sent: string[] = []
    const plain = {
      sendCommand: async (args: string[]) => {
        sent.push(args[0] as string)
        return CLAIMED
      },
    }
    await redisPendingStore(plain).claim('r', claim(), context())
    expect(sent).toEqual(['EVALSHA'])
  })
})

describe('keySlot', () => {
  it.each([
    ['123456789', 12739], // CRC16/XMODEM's check value, 0x31C3
    ['foo', 12182],
  ])('%s is in slot %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot)
  })
  it('hashes the first tag only, and only when it is not empty', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'))
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'))
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'))
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'))
  })
})
