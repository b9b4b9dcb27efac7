import { defineConfig, type Options } from 'tsup'

// Runtime dependencies and the optional msw peer stay imports: the consumer's copies are used.
const external = [
  'undici',
  'zod',
  'msw',
  'msw/experimental',
  'msw/node',
  '@mswjs/interceptors/http',
  'web-push',
]

/**
 * Keeps these imports as imports of files built beside them, so that evaluation order holds: the
 * Node.js version guard runs before undici loads, and the bin checks the version before it loads
 * the command (which loads the main entry).
 */
function siblings(map: Record<string, string>): NonNullable<Options['esbuildPlugins']>[number] {
  return {
    name: 'siblings',
    setup(build) {
      // tsup builds its CJS output through esbuild's ESM format; the extension tells them apart.
      const cjs = build.initialOptions.outExtension?.['.js'] === '.cjs'
      const filter = new RegExp(
        `^(${Object.keys(map)
          .map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
          .join('|')})$`,
      )
      build.onResolve({ filter }, ({ path }) => {
        const target = map[path] as string
        return { path: cjs ? target.replace(/\.js$/, '.cjs') : target, external: true }
      })
    },
  }
}

export default defineConfig([
  {
    entry: { 'node-guard': 'src/node-guard.ts' },
    format: ['esm', 'cjs'],
    target: 'node22',
    platform: 'node',
    clean: true,
  },
  {
    // One build, ES modules. The CommonJS entries (scripts/cjs-entries.mjs, after tsup) load it through
    // require(esm) (Node.js 22.12+; this package needs 22.19): one copy of the code, so no
    // dual-package hazard, and half the size.
    entry: {
      index: 'src/index.ts',
      'mocks/index': 'mocks/index.ts',
      'redis/index': 'redis/index.ts',
      'pending-store-tests/index': 'src/pending/store-tests.ts',
    },
    format: ['esm'],
    dts: true,
    // Not minified, with source maps: an error thrown at startup (a bad option) prints a readable
    // line of the package's code, and under --enable-source-maps a stack trace names the source's
    // file and line. The sources themselves are not in the maps: the dist is readable as it is.
    sourcemap: true,
    esbuildOptions(options) {
      options.sourcesContent = false
    },
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    external,
    // dist/mocks/index.js imports the guard built beside the main entry, as dist/index.js does.
    esbuildPlugins: [
      siblings({ './node-guard.js': './node-guard.js', '../src/node-guard.js': '../node-guard.js' }),
    ],
  },
  {
    // The device entry: it imports the main entry built beside it (dist/index.js) rather than a copy
    // of it, as the bin does; what it shares of src/ that the main entry does not export (the
    // guarded delivery, the store call, the input checks) is bundled in.
    entry: { 'device/index': 'device/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    esbuildOptions(options) {
      options.sourcesContent = false
    },
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    external,
    esbuildPlugins: [
      siblings({ '../src/node-guard.js': '../node-guard.js', '../src/index.js': '../index.js' }),
    ],
  },
  {
    // The bin (cli/, beside src): ESM only, no types. cli.js checks the Node.js version, then imports
    // cli-main.js, which imports the main entry (dist/index.js) rather than a copy of it, and loads the
    // mocks entry as the package's own export (`authlete-ciba/mocks`) when asked for a stand-in.
    entry: { cli: 'cli/bin.ts', 'cli-main': 'cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    esbuildOptions(options) {
      options.sourcesContent = false
    },
    target: 'node22',
    platform: 'node',
    treeshake: true,
    external,
    esbuildPlugins: [siblings({ './main.js': './cli-main.js', '../src/index.js': './index.js' })],
  },
])
