import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'mocks/index': 'mocks/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  sourcemap: false,
  splitting: false,
  treeshake: true,
  // Runtime dependencies and the optional msw peer stay imports: the consumer's copies are used.
  external: ['undici', 'zod', 'msw', 'msw/experimental', '@mswjs/interceptors/http'],
})
