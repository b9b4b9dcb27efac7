#!/usr/bin/env node
// The `authlete-ciba` bin. It checks the Node.js version before anything loads undici, and says what
// is wrong in one line; then it loads the command (main.ts) dynamically.
import { nodeVersionProblem } from '../src/node-version.js'

const problem = nodeVersionProblem()
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`)
  process.exit(1)
}
const { main } = await import('./main.js')
process.exitCode = await main(process.argv.slice(2))
