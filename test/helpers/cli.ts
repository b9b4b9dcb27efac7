import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { HttpHandler } from 'msw'
import { expect } from 'vitest'
import { main } from '../../cli/main.js'
import { type AuthleteStandIn, authleteHandlers, startAuthleteStandIn } from '../../mocks/index.js'

const loader = fileURLToPath(new URL('../../scripts/ts-loader.mjs', import.meta.url))
/** The bin's source. */
export const BIN = fileURLToPath(new URL('../../cli/bin.ts', import.meta.url))

/** What a run of the command printed, and its exit code. */
export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `authlete-ciba ...args` in this process (the bin's `main`), with only `env` as its
 * environment: no AUTHLETE_* variable of the machine leaks in.
 */
export async function run(
  args: string[],
  env: Record<string, string> = {},
  stop?: AbortSignal,
): Promise<Run> {
  const output = { stdout: '', stderr: '' }
  const code = await main(
    args,
    env,
    {
      out: (text) => {
        output.stdout += text
      },
      err: (text) => {
        output.stderr += text
      },
    },
    stop,
  )
  return { code, ...output }
}

/** A long-running command (`stand-in`) in this process: what it printed so far, and a way to stop it. */
export interface Running {
  readonly stdout: string
  readonly stderr: string
  /** Resolves with the first match of `pattern` in stdout, once it is printed. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>
  /** Stops it (as SIGINT would) and resolves with its run. */
  stop(): Promise<Run>
}

export function start(args: string[], env: Record<string, string> = {}): Running {
  const stopper = new AbortController()
  const output = { stdout: '', stderr: '' }
  let waiters: Array<() => void> = []
  const wake = () => {
    const woken = waiters
    waiters = []
    for (const waiter of woken) waiter()
  }
  const done = main(
    args,
    env,
    {
      out: (text) => {
        output.stdout += text
        wake()
      },
      err: (text) => {
        output.stderr += text
        wake()
      },
    },
    stopper.signal,
  )
  let ended = false
  // It ended by itself (a usage error, say): wake whoever waits, to fail with what it printed.
  void done.finally(() => {
    ended = true
    wake()
  })
  return {
    get stdout() {
      return output.stdout
    },
    get stderr() {
      return output.stderr
    },
    async waitFor(pattern) {
      for (;;) {
        const match = pattern.exec(output.stdout)
        if (match) return match
        if (ended) throw new Error(`ended before printing ${pattern}: ${JSON.stringify(output)}`)
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    async stop() {
      stopper.abort()
      const code = await done
      return { code, ...output }
    },
  }
}

/**
 * Runs `node ...nodeArgs script ...args` in a child process that strips the TypeScript types, with
 * only `env` as its environment. Never rejects.
 */
export function runNode(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', loader, script, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    )
  })
}

export const TOKEN = 'cli-SECRET-token-8f2k'
export const SECRET = 'cli-SECRET-apisecret-3k9'
export const V3_ENV = { AUTHLETE_SERVICE_ID: '715948317', AUTHLETE_ACCESS_TOKEN: TOKEN }

/** Neither Authlete credential appears in what the command printed. */
export function expectNoSecret({ stdout, stderr }: Run) {
  for (const text of [stdout, stderr]) {
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain(SECRET)
  }
}

/** A stand-in answering with the given handler factory on its own URL (the default handlers without one). */
export async function standIn(handler?: (baseUrl: string) => HttpHandler): Promise<AuthleteStandIn> {
  return startAuthleteStandIn({
    handlers: (baseUrl) => (handler ? [handler(baseUrl)] : authleteHandlers({ baseUrl })),
  })
}
