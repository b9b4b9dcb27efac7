// The house's rules, read off the code's own imports: src/ imports nothing outside src/, each layer
// of src/ imports only the layers below it, the entries beside src/ reach it through its public
// entry, and no files import each other in a loop (type-only imports included).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** Every .ts file below `dir` (relative to the root), recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
}

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')` with a literal.
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

interface Import {
  /** The file imported, relative to the root. */
  target: string
  /** `import type …`: nothing of it is loaded or bundled. */
  typeOnly: boolean
}

/** The files of this repository that `file` imports; package imports left out. */
function importsOf(file: string): Import[] {
  const code = readFileSync(join(root, file), 'utf8')
  const found: Import[] = []
  for (const match of code.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3]
    if (!specifier?.startsWith('.')) continue
    const target = relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, '.ts')
    const typeOnly =
      /^\s*(?:import|export)\s+type\s/.test(match[0]) || code.slice(0, match.index).endsWith('typeof ')
    found.push({ target, typeOnly })
  }
  return found
}

const FILES = [
  ...sources('src'),
  ...sources('cli'),
  ...sources('mocks'),
  ...sources('redis'),
  ...sources('device'),
]
const IMPORTS = new Map(FILES.map((file) => [file, importsOf(file)]))
const GRAPH = new Map([...IMPORTS].map(([file, found]) => [file, found.map(({ target }) => target)]))

/**
 * What an entry beside src/ loads of src/ other than its public entry: the Node.js version check,
 * which must run before the entry (and undici) loads; the CLI's spelling suggestion, one pure
 * function the bin bundles rather than export it from the package; the rule of a deadline option;
 * the table of calls, data the
 * bin's commands and the mocks derive from; and the calls' secret fields with the redaction that
 * reads them, which the bin runs over what it prints (an answer that echoes the request).
 */
const BESIDE_SRC_MAY_LOAD = new Set([
  // The one rule of a deadline option, which the Redis entry's waitTimeoutMs follows too.
  'src/deadline.ts',
  'src/node-guard.ts',
  'src/node-version.ts',
  'src/input.ts',
  'src/operations/table.ts',
  'src/operations/secrets.ts',
  'src/http/redact.ts',
])

/**
 * What device/ loads of src/ beside its public entry: the version check; the guarded POST of client
 * notifications, through which Web Push messages leave (one guard for both); a store call within its
 * deadline, and the deadline and input rules every entry shares; the reporter every `onError` goes
 * through, and the bounded body read of the endpoints. Its build bundles them; the main entry itself is imported, not copied.
 */
const DEVICE_MAY_LOAD = new Set([
  'src/node-guard.ts',
  'src/endpoints/report.ts',
  'src/endpoints/request-input.ts',
  'src/deadline.ts',
  'src/input.ts',
  'src/pending/store-call.ts',
  'src/completion/deliver.ts',
])

/** src/'s layers, bottom up: a file imports files of its own layer or of the layers below. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['src/errors.ts', 'src/version.ts', 'src/node-version.ts'],
  ['src/input.ts', 'src/deadline.ts', 'src/node-guard.ts'],
  ['src/http/'],
  ['src/transport/'],
  ['src/operations/'],
  ['src/client.ts'],
  ['src/pending/'],
  ['src/completion/'],
  ['src/endpoints/'],
  ['src/deprecated.ts'],
  ['src/index.ts'],
]

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((places) => places.some((place) => file === place || file.startsWith(place)))
  if (layer === -1) throw new Error(`${file} is in no layer of src/: add it to LAYERS`)
  return layer
}

describe('the layers of the house', () => {
  it('the graph is read: each folder has files, and their imports are found', () => {
    for (const dir of [
      'src/http/',
      'src/transport/',
      'src/operations/',
      'src/pending/',
      'src/completion/',
      'src/endpoints/',
      'cli/',
      'mocks/simulator/',
      'device/',
    ]) {
      expect(FILES.some((file) => file.startsWith(dir))).toBe(true)
    }
    expect(GRAPH.get('src/client.ts')).toContain('src/transport/transport.ts')
  })

  it('src/ imports nothing outside src/', () => {
    const outside = [...GRAPH]
      .filter(([file]) => file.startsWith('src/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('src/')).map((t) => `${file} → ${t}`))
    expect(outside).toEqual([])
  })

  it('each layer of src/ imports only its own layer and the layers below', () => {
    const upward = [...GRAPH]
      .filter(([file]) => file.startsWith('src/'))
      .flatMap(([file, targets]) =>
        targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} → ${t}`),
      )
    expect(upward).toEqual([])
  })

  it('cli/ and redis/ load src/ through its public entry only (types and the version check aside); mocks/ never reach into the transport', () => {
    const inward = [...IMPORTS]
      .filter(([file]) => file.startsWith('cli/') || file.startsWith('redis/'))
      .flatMap(([file, found]) =>
        found
          .filter(
            ({ target, typeOnly }) => target.startsWith('src/') && target !== 'src/index.ts' && !typeOnly,
          )
          .filter(({ target }) => !BESIDE_SRC_MAY_LOAD.has(target))
          .map(({ target }) => `${file} → ${target}`),
      )
    expect(inward).toEqual([])
    const transport = [...GRAPH]
      .filter(([file]) => file.startsWith('mocks/'))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) => t.startsWith('src/http/') || t.startsWith('src/transport/'))
          .map((t) => `${file} → ${t}`),
      )
    expect(transport).toEqual([])
    // The bin loads the mocks by the package's own name (authlete-ciba/mocks), never by path.
    const cliToMocks = [...IMPORTS]
      .filter(([file]) => file.startsWith('cli/'))
      .flatMap(([file, found]) =>
        found
          .filter(({ target, typeOnly }) => target.startsWith('mocks/') && !typeOnly)
          .map(({ target }) => `${file} → ${target}`),
      )
    expect(cliToMocks).toEqual([])
  })

  it('device/ is a layer above src/: it loads src/ through its public entry and the modules named above; redis/ loads only its types; nothing below loads it', () => {
    const inward = [...IMPORTS]
      .filter(([file]) => file.startsWith('device/'))
      .flatMap(([file, found]) =>
        found
          .filter(
            ({ target, typeOnly }) => target.startsWith('src/') && target !== 'src/index.ts' && !typeOnly,
          )
          .filter(({ target }) => !DEVICE_MAY_LOAD.has(target))
          .map(({ target }) => `${file} → ${target}`),
      )
    expect(inward).toEqual([])
    const elsewhere = [...IMPORTS]
      .filter(([file]) => file.startsWith('device/'))
      .flatMap(([file, found]) =>
        found
          .filter(({ target }) => !target.startsWith('src/') && !target.startsWith('device/'))
          .map(({ target }) => `${file} → ${target}`),
      )
    expect(elsewhere).toEqual([])
    const upward = [...IMPORTS]
      .filter(([file]) => !file.startsWith('device/'))
      .flatMap(([file, found]) =>
        found
          .filter(
            ({ target, typeOnly }) =>
              target.startsWith('device/') && !(typeOnly && file.startsWith('redis/')),
          )
          .map(({ target }) => `${file} → ${target}`),
      )
    expect(upward).toEqual([])
    expect(GRAPH.get('redis/subscriptions.ts')).toContain('device/subscription-store.ts')
  })

  it('no files import each other in a loop', () => {
    const loops: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const path: string[] = []
    const visit = (file: string) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        loops.push([...path.slice(path.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'open')
      path.push(file)
      for (const target of GRAPH.get(file) ?? []) visit(target)
      path.pop()
      state.set(file, 'done')
    }
    for (const file of GRAPH.keys()) visit(file)
    expect(loops).toEqual([])
  })
})
