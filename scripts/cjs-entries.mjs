// Runs after tsup: writes the CommonJS entries of the package. Each runs the Node.js version guard,
// then loads the ES module build through require(esm), so that CommonJS and ESM consumers share one
// copy of the code (no dual-package hazard); its types are the ESM build's, as a .d.cts.
import { copyFile, writeFile } from 'node:fs/promises'

for (const [entry, guard] of [
  ['index', './node-guard.cjs'],
  ['mocks/index', '../node-guard.cjs'],
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
  await copyFile(`dist/${entry}.d.ts`, `dist/${entry}.d.cts`)
}
