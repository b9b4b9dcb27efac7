import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // The package's own mocks entry, by name (the bin loads it so): its sources, as
    // scripts/ts-loader.mjs maps them for child processes, never a build that may be stale or absent.
    alias: [
      {
        find: /^authlete-ciba\/mocks$/,
        replacement: fileURLToPath(new URL('./mocks/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/consumer/**', 'node_modules/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    testTimeout: 15_000,
    pool: 'forks',
  },
})
