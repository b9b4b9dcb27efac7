/**
 * Which IP addresses a client notification may go to: a pure function over IPv4 and IPv6 literals.
 * Only public unicast addresses pass; everything a server-side request forgery could aim at
 * (loopback, private networks, link-local and the cloud metadata service, unique-local, CGNAT,
 * multicast, reserved and documentation ranges, and the IPv4 forms hidden inside IPv6) does not.
 *
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 * @module
 */

/**
 * What kind of address an IP literal is. Only `public` is a destination by default.
 */
export type AddressCategory =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid'

type Ipv4Rule = readonly [base: string, prefix: number, category: AddressCategory]

// First match wins: the metadata address sits inside link-local, broadcast inside 240/4.
const IPV4_RULES: readonly Ipv4Rule[] = [
  ['169.254.169.254', 32, 'metadata'],
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
]

const IPV4_TABLE = IPV4_RULES.map(([base, prefix, category]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return { network: ((parseIpv4(base) as number) & mask) >>> 0, mask, category }
})

/**
 * The category of an IPv4 or IPv6 literal (`10.1.2.3`, `::ffff:127.0.0.1`, `fe80::1%eth0`, with or
 * without brackets). Anything that is not an IP literal is `invalid`.
 */
export function classifyAddress(address: string): AddressCategory {
  let text = address
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  const v4 = parseIpv4(text)
  if (v4 !== undefined) return classifyIpv4(v4)
  const v6 = parseIpv6(text)
  return v6 === undefined ? 'invalid' : classifyIpv6(v6)
}

/** Whether `address` is a public unicast IP literal: a destination allowed by default. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public'
}

function classifyIpv4(value: number): AddressCategory {
  for (const rule of IPV4_TABLE) if ((value & rule.mask) >>> 0 === rule.network) return rule.category
  return 'public'
}

function classifyIpv6(g: readonly number[]): AddressCategory {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g
  const embedded = ((g6 << 16) | g7) >>> 0
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeroTo(8)) return 'unspecified'
  if (zeroTo(7) && g7 === 1) return 'loopback'
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address inside.
  if (zeroTo(5) && g5 === 0xffff) return classifyIpv4(embedded)
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIpv4(embedded)
  }
  // ::a.b.c.d (IPv4-compatible, deprecated) and the rest of ::/8: nothing public lives there.
  if (g0 === 0) return 'reserved'
  if (g0 === 0x2002) return classifyIpv4(((g1 << 16) | g2) >>> 0) // 6to4 carries the IPv4 address
  // fd00:ec2::254, AWS's IPv6 instance metadata service (inside unique-local, named for the message).
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 + g3 + g4 + g5 + g6 === 0 && g7 === 0x254) return 'metadata'
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local'
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'
  if ((g0 & 0xffc0) === 0xfec0) return 'private' // site-local, deprecated
  if ((g0 & 0xff00) === 0xff00) return 'multicast'
  if (g0 === 0x64 && g1 === 0xff9b) return 'reserved' // 64:ff9b:1::/48, local-use NAT64
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved' // discard-only
  if (g0 === 0x2001 && g1 === 0) return 'reserved' // Teredo: the IPv4 address inside is obfuscated
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved' // documentation
  if (g0 === 0x3fff && g1 < 0x1000) return 'reserved' // documentation (RFC 9637)
  // Global unicast is 2000::/3; anything else is unassigned.
  return (g0 & 0xe000) === 0x2000 ? 'public' : 'reserved'
}

/** A dotted-quad IPv4 literal as an unsigned 32-bit number; `undefined` if it is not one. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    // Decimal only, no leading zeros: `010` is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    value = value * 256 + n
  }
  return value
}

/** An IPv6 literal as eight 16-bit groups; `undefined` if it is not one. A zone (`%eth0`) is ignored. */
function parseIpv6(text: string): number[] | undefined {
  const zone = text.indexOf('%')
  const bare = zone === -1 ? text : text.slice(0, zone)
  if (zone === text.length - 1 || bare === '' || !/^[0-9a-fA-F:.]+$/.test(bare)) return undefined
  const halves = bare.split('::')
  if (halves.length > 2) return undefined
  const groups = (half: string, last: boolean): number[] | undefined => {
    if (half === '') return []
    const out: number[] = []
    const pieces = half.split(':')
    for (const [i, piece] of pieces.entries()) {
      if (piece.includes('.')) {
        // A dotted IPv4 tail, only as the last piece.
        const v4 = last && i === pieces.length - 1 ? parseIpv4(piece) : undefined
        if (v4 === undefined) return undefined
        out.push(v4 >>> 16, v4 & 0xffff)
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined
        out.push(Number.parseInt(piece, 16))
      }
    }
    return out
  }
  const head = groups(halves[0] as string, halves.length === 1)
  const tail = halves.length === 2 ? groups(halves[1] as string, true) : []
  if (head === undefined || tail === undefined) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  if (missing < 1) return undefined
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}
