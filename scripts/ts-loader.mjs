// Lets a child `node` process run this package's TypeScript sources directly (Node 22.18+ strips
// types by itself): the sources import './x.js', as compiled output does, so map those to './x.ts'.
// The package's own mocks entry (`authlete-ciba/mocks`, which the bin loads by name) resolves to its
// sources too, as in vitest.config.ts, never to a build that may be stale or absent.
import { registerHooks } from 'node:module'

const SOURCES = { 'authlete-ciba/mocks': new URL('../mocks/index.ts', import.meta.url).href }

registerHooks({
  resolve(specifier, context, nextResolve) {
    const source = SOURCES[specifier]
    if (source !== undefined) return nextResolve(source, context)
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
