// Runs after tsup: writes the CommonJS entries of the package. Each runs the Node.js version guard,
// then loads the ES module build through require(esm), so that CommonJS and ESM consumers share one
// copy of the code (no dual-package hazard). Its types are the ESM build's, as a .d.cts without the
// doc comments: the same declarations (a re-export of the ESM ones would break `module: node16`
// with `skipLibCheck: false`), at a third of the size; the docs ship once, in the .d.ts.
import { readFile, writeFile } from 'node:fs/promises'

/** A doc comment that carries `@module`, with the blank line after it. */
const MODULE_COMMENT = /\/\*\*(?:(?!\*\/)[\s\S])*?@module(?:(?!\*\/)[\s\S])*?\*\/\n?/g

for (const [entry, guard] of [
  ['index', './node-guard.cjs'],
  ['mocks/index', '../node-guard.cjs'],
  ['redis/index', '../node-guard.cjs'],
  ['device/index', '../node-guard.cjs'],
  ['pending-store-tests/index', '../node-guard.cjs'],
]) {
  const name = entry.split('/').pop()
  await writeFile(
    `dist/${entry}.cjs`,
    [
      "'use strict'",
      '// The version guard first: on an older Node.js, require(esm) itself would fail unclearly.',
      `require('${guard}')`,
      `module.exports = require('./${name}.js')`,
      '',
    ].join('\n'),
  )
  // A source file's own comment (`@module`) says what the file is for its reader; in the bundled
  // declarations it documents nothing a caller sees.
  const types = (await readFile(`dist/${entry}.d.ts`, 'utf8')).replace(MODULE_COMMENT, '')
  await writeFile(`dist/${entry}.d.ts`, types)
  await writeFile(`dist/${entry}.d.cts`, types.replace(/\/\*\*[\s\S]*?\*\/\s*/g, ''))
}
