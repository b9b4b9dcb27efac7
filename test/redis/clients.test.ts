// Which client the Redis store was given, and how it sends to it, with stand-in clients that
// record the commands (no server): a cluster client's commands routed by their key; a Sentinel
// client's sendCommand shape; a prefix that would pin every key to one slot.
import { describe, expect, it } from 'vitest'
import { redisPendingStore } from '../../redis/index.js'

const context = () => ({ signal: new AbortController().signal })

describe('a cluster client (createCluster)', () => {
  it('is sent sendCommand(key, false, args, options): routed by the key', async () => {
    const sent: unknown[][] = []
    const cluster = {
      slots: [],
      nodeClient: async () => ({ sendCommand: async () => null }),
      async sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]) {
        sent.push([firstKey, isReadonly, args[0], args[3]])
        return null
      },
    }
    expect(await redisPendingStore(cluster, { prefix: 'p:' }).get('r', context())).toBeUndefined()
    expect(sent).toEqual([['p:req:r', false, 'EVALSHA', 'p:req:r']])
  })
})

describe('a Sentinel client (createSentinel)', () => {
  it('is sent sendCommand(isReadonly, args, options), not the plain client’s (args, options)', async () => {
    const sent: unknown[][] = []
    const sentinel = {
      async sendCommand(isReadonly: boolean | undefined, args: string[]) {
        sent.push([isReadonly, args[0]])
        return null
      },
      getMasterNode: () => ({ host: '127.0.0.1', port: 6379 }),
      getSentinelNode: () => ({ host: '127.0.0.1', port: 26379 }),
    }
    expect(await redisPendingStore(sentinel).get('r', context())).toBeUndefined()
    expect(sent).toEqual([[false, 'EVALSHA']])
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
})
