// The example authorization server (examples/authorization-server) in a child process, on this
// repository's sources, talking to an Authlete of the test's (a stand-in's URL): what a test drives
// as a client application would. It needs the example's own install (Express).
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const example = fileURLToPath(new URL('../../examples/authorization-server/', import.meta.url))
const loader = fileURLToPath(new URL('./example-loader.mjs', import.meta.url))

/** Whether the example's dependencies are installed (`npm install` in examples/authorization-server). */
export const exampleInstalled = existsSync(`${example}node_modules/express/package.json`)

export interface ExampleAuthorizationServer {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  /** What it printed, stdout and stderr interleaved. */
  readonly log: string[]
  /** Resolves with its exit code once it exits. */
  readonly exited: Promise<number | null>
  close(): Promise<void>
}

export interface ExampleOptions {
  /** The Authlete it talks to (`AUTHLETE_BASE_URL`). */
  authleteUrl: string
  /** @default a free loopback port */
  port?: number | undefined
  /** More environment variables. */
  env?: Record<string, string> | undefined
  /** Its command line's arguments after `server.ts` (`--interactive`). */
  args?: string[] | undefined
}

/** Starts the example on loopback and resolves once it answers. */
export async function startExampleAuthorizationServer(
  options: ExampleOptions,
): Promise<ExampleAuthorizationServer> {
  const port = options.port ?? (await freePort())
  const log: string[] = []
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', loader, 'server.ts', ...(options.args ?? [])],
    {
      cwd: example,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: String(port),
        AUTHLETE_SERVICE_ID: '715948317',
        AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
        AUTHLETE_BASE_URL: options.authleteUrl,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  // It prints its URL once it listens and its routes are in place.
  const url = `http://127.0.0.1:${port}`
  const ready = `CIBA authorization server on ${url}`
  let listening!: () => void
  const started = new Promise<void>((resolve) => {
    listening = resolve
  })
  const record = (chunk: Buffer) => {
    log.push(String(chunk))
    if (log.join('').includes(ready)) listening()
  }
  child.stdout?.on('data', record)
  child.stderr?.on('data', record)
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    started.then(() => 'started' as const),
    exited.then(() => 'exited' as const),
    new Promise<'late'>((resolve) => {
      timer = setTimeout(resolve, 30_000, 'late')
    }),
  ])
  clearTimeout(timer)
  if (outcome !== 'started') {
    child.kill()
    throw new Error(
      `the example ${outcome === 'late' ? 'did not start within 30 s' : `exited (${child.exitCode})`}:\n${log.join('')}`,
    )
  }
  return {
    url,
    log,
    exited,
    async close() {
      child.kill()
      await exited
    },
  }
}

/** A port free on 127.0.0.1 now (the example's issuer must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
