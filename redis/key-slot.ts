/**
 * The Redis Cluster slot of a key, as `CLUSTER KEYSLOT` computes it: CRC16 (XMODEM) of the key's
 * UTF-8 bytes, or of its hash tag (what lies between the first `{` and the first `}` after it, when
 * that is not empty), modulo 16384.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 * @internal
 * @module
 */

import { Buffer } from 'node:buffer'

/** How many slots a Redis Cluster has. */
export const SLOTS = 16384

const OPEN = 0x7b // {
const CLOSE = 0x7d // }

/** The slot that serves `key`. */
export function keySlot(key: string): number {
  let bytes = Buffer.from(key, 'utf8')
  const open = bytes.indexOf(OPEN)
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE, open + 1)
    if (close > open + 1) bytes = bytes.subarray(open + 1, close)
  }
  let crc = 0
  for (const byte of bytes) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % SLOTS
}
