// Cold import time of one target, in a fresh process: node import-time.mjs <sdk|undici+zod|official>
const target = process.argv[2]
const started = performance.now()
if (target === 'sdk') await import('../dist/index.js')
else if (target === 'undici+zod') await Promise.all([import('undici'), import('zod')])
else if (target === 'official') await import('@authlete/typescript-sdk')
else throw new Error(`unknown target ${target}`)
process.stdout.write(`${performance.now() - started}\n`)
