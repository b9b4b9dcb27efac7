import { defineConfig } from 'tsup'

// Runtime dependencies and the optional msw peer stay imports: the consumer's copies are used.
const external = ['undici', 'zod', 'msw', 'msw/experimental', 'msw/node', '@mswjs/interceptors/http']

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'mocks/index': 'mocks/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    external,
  },
  {
    // The bin: ESM only, no types; it imports the main entry (dist/index.js) rather than a copy.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    treeshake: true,
    external,
    esbuildPlugins: [
      {
        name: 'main-entry-external',
        setup(build) {
          // src/cli/main.ts imports '../index.js'; in dist the bin sits beside index.js.
          build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.js', external: true }))
        },
      },
    ],
  },
])
