// Runs examples/authorization-server on this repository's sources: `authlete-ciba` and its
// subpaths resolve to the TypeScript entries (Node 22.18+ strips the types), and the sources'
// './x.js' imports to './x.ts', as scripts/ts-loader.mjs does. Express comes from the example's
// own install (`npm install` in examples/authorization-server).
import { registerHooks } from 'node:module'

const root = new URL('../../', import.meta.url)
const ENTRIES = {
  'authlete-ciba': 'src/index.ts',
  'authlete-ciba/mocks': 'mocks/index.ts',
  'authlete-ciba/redis': 'redis/index.ts',
  'authlete-ciba/device': 'device/index.ts',
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const entry = ENTRIES[specifier]
    if (entry) return { url: new URL(entry, root).href, shortCircuit: true }
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
