import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const loader = fileURLToPath(new URL('../../scripts/ts-loader.mjs', import.meta.url))

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/**
 * Runs `test/fixtures/{name}` in a child `node` that strips the TypeScript types (strict about
 * unhandled rejections), with `nodeArgs` before it and `args` after. Never rejects.
 */
export function runFixture(
  name: string,
  nodeArgs: string[] = [],
  args: string[] = [],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildResult> {
  const fixture = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
  const started = performance.now()
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--unhandled-rejections=strict', ...nodeArgs, '--import', loader, fixture, ...args],
      { timeout: options.timeoutMs ?? 20_000, env: options.env ?? process.env },
      (_error, stdout, stderr) =>
        resolve({
          code: child.exitCode,
          signal: child.signalCode,
          stdout,
          stderr,
          ms: performance.now() - started,
        }),
    )
  })
}
