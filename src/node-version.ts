/**
 * The Node.js versions this package runs on. undici 8 needs Node.js 22.19: on an older one,
 * importing it dies inside undici with `TypeError: Cannot read properties of undefined (reading
 * 'bind')`, which says nothing of the cause. Pure and dependency-free, so that the guards can run
 * it before undici is loaded.
 *
 * @internal
 * @module
 */

/** The oldest supported Node.js, as `[major, minor]`. */
export const MIN_NODE_VERSION = [22, 19] as const

/** One line saying what is wrong with `version` (e.g. `20.20.2`), or `undefined` when it will do. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const [needMajor, needMinor] = MIN_NODE_VERSION
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined
  return `authlete-ciba needs Node.js ${needMajor}.${needMinor} or later; this is Node.js ${version}`
}
