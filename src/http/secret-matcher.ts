/**
 * Where any of many secrets occurs in a text, in one pass over it: an Aho–Corasick automaton of the
 * secrets, built once per list of secrets. The work is linear in the text and in the secrets'
 * total length, however many there are: a client controls how many secret values its request
 * carries (every repeated `password=` is one), and an error may echo the whole request.
 *
 * @see https://doi.org/10.1145/360825.360855 (Aho, Corasick: Efficient string matching, 1975)
 * @internal
 * @module
 */

/** Characters of a token run: next to one of them a short secret is part of another word. */
const WORD = /[A-Za-z0-9\-._~+/=]/

/** Whether the character at `at` makes a word of the short secret it touches. */
function touches(text: string, at: number, after: boolean): boolean {
  const char = text.charAt(at)
  if (!WORD.test(char)) return false
  // A period that ends a sentence (nothing of a word after it) is punctuation, not part of a token.
  return !(after && char === '.' && !WORD.test(text.charAt(at + 1)))
}

export class SecretMatcher {
  /** Automaton transitions taken by the scans so far: the work done, which the tests hold linear. */
  steps = 0
  /** `node * 65536 + code unit` → child node; node 0 is the root. */
  readonly #next = new Map<number, number>()
  readonly #fail: Int32Array
  readonly #depth: Int32Array
  /** The longest secret that ends at a node (its own, or along its failure links); 0 if none. */
  readonly #longest: Int32Array
  /** The deepest node along a node's failure links (itself included) that ends a short secret; -1 if none. */
  readonly #short: Int32Array
  readonly #shortBelow: number

  /**
   * `secrets` of `shortBelow` characters or more are found wherever they occur; shorter ones only
   * where no word character touches them (see `redact.ts`).
   */
  constructor(secrets: readonly string[], shortBelow: number) {
    this.#shortBelow = shortBelow
    let size = 1
    for (const secret of secrets) size += secret.length
    const depth = new Int32Array(size)
    const parent = new Int32Array(size)
    const code = new Int32Array(size)
    const ends = new Uint8Array(size)
    let nodes = 1
    for (const secret of secrets) {
      if (secret === '') continue
      let node = 0
      for (let i = 0; i < secret.length; i++) {
        const c = secret.charCodeAt(i)
        const key = node * 65536 + c
        let child = this.#next.get(key)
        if (child === undefined) {
          child = nodes++
          this.#next.set(key, child)
          depth[child] = (depth[node] as number) + 1
          parent[child] = node
          code[child] = c
        }
        node = child
      }
      ends[node] = 1
    }
    // Breadth first (by depth, a counting sort): a node's failure link is shallower than it.
    const byDepth = new Int32Array(nodes)
    const counts = new Int32Array(size + 1)
    for (let v = 0; v < nodes; v++) {
      const at = (depth[v] as number) + 1
      counts[at] = (counts[at] as number) + 1
    }
    for (let d = 1; d <= size; d++) counts[d] = (counts[d] as number) + (counts[d - 1] as number)
    for (let v = 0; v < nodes; v++) {
      const d = depth[v] as number
      byDepth[counts[d] as number] = v
      counts[d] = (counts[d] as number) + 1
    }
    const fail = new Int32Array(nodes)
    const longest = new Int32Array(nodes)
    const short = new Int32Array(nodes).fill(-1)
    for (let k = 1; k < nodes; k++) {
      const v = byDepth[k] as number
      const p = parent[v] as number
      if (p !== 0) {
        let f = fail[p] as number
        for (;;) {
          const g = this.#next.get(f * 65536 + (code[v] as number))
          if (g !== undefined) {
            fail[v] = g
            break
          }
          if (f === 0) break
          f = fail[f] as number
        }
      }
      const ending = ends[v] === 1
      longest[v] = ending ? (depth[v] as number) : (longest[fail[v] as number] as number)
      short[v] = ending && (depth[v] as number) < shortBelow ? v : (short[fail[v] as number] as number)
    }
    this.#fail = fail
    this.#depth = depth
    this.#longest = longest
    this.#short = short
  }

  /**
   * The ranges of `text` the secrets cover, as `[start, end)` pairs in the order of their ends: at
   * each position, the longest long secret that ends there (it covers every shorter one ending there
   * too), else each short secret ending there that stands alone.
   */
  scan(text: string): number[] {
    const ranges: number[] = []
    const next = this.#next
    const fail = this.#fail
    const depth = this.#depth
    const longest = this.#longest
    const short = this.#short
    const shortBelow = this.#shortBelow
    let state = 0
    let steps = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      for (;;) {
        steps++
        const g = next.get(state * 65536 + c)
        if (g !== undefined) {
          state = g
          break
        }
        if (state === 0) break
        state = fail[state] as number
      }
      const end = i + 1
      const length = longest[state] as number
      if (length >= shortBelow) {
        ranges.push(end - length, end)
        continue
      }
      // At most shortBelow - 1 short secrets end here, one per length.
      for (let u = short[state] as number; u > 0; u = short[fail[u] as number] as number) {
        steps++
        const start = end - (depth[u] as number)
        if (!touches(text, start - 1, false) && !touches(text, end, true)) {
          ranges.push(start, end)
          break
        }
      }
    }
    this.steps += steps
    return ranges
  }
}
