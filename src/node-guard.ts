/**
 * The first module the main entry evaluates, before undici: on an unsupported Node.js it throws an
 * error whose only line says the version found and the one required (no stack: the frames would
 * be this file's, and say nothing).
 *
 * @internal
 * @module
 */

import { nodeVersionProblem } from './node-version.js'

const problem = nodeVersionProblem()
if (problem !== undefined) {
  const error = new Error(problem)
  error.stack = `Error: ${problem}`
  throw error
}
