// Checks the built package as a consumer sees it: ESM and CJS entries call a stand-in Authlete on
// loopback and get a typed OK, and the main entry loads neither msw nor anything but undici and zod.
import { createRequire, registerHooks } from 'node:module'

const loaded = new Set()
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context)
    loaded.add(result.url)
    return result
  },
})

const esm = await import('../dist/index.js')
const mswLoaded = [...loaded].filter((url) => /[/\\]node_modules[/\\](msw|@mswjs)[/\\]/.test(url))
if (mswLoaded.length > 0) throw new Error(`the main entry loaded msw: ${mswLoaded.join(', ')}`)
const foreign = [...loaded].filter(
  (url) => /node_modules/.test(url) && !/node_modules[/\\](undici|zod)[/\\]/.test(url),
)
if (foreign.length > 0)
  throw new Error(`the main entry loaded more than undici and zod: ${foreign.join(', ')}`)

const { startAuthleteStandIn } = await import('../dist/mocks/index.js')
const cjs = createRequire(import.meta.url)('../dist/index.cjs')
const cjsMocks = createRequire(import.meta.url)('../dist/mocks/index.cjs')
if (typeof cjsMocks.setupAuthleteServer !== 'function')
  throw new Error('the CJS mocks entry lacks setupAuthleteServer')

const standIn = await startAuthleteStandIn()
try {
  for (const [name, { AuthleteClient }] of [
    ['esm', esm],
    ['cjs', cjs],
  ]) {
    const client = new AuthleteClient({
      serviceId: '715948317',
      accessToken: 'smoke-token',
      baseUrl: standIn.url,
    })
    const result = await client.backchannelIssue('smoke-ticket')
    if (
      result.action !== 'OK' ||
      typeof result.authReqId !== 'string' ||
      typeof result.expiresIn !== 'number'
    ) {
      throw new Error(`${name}: expected a typed OK, got ${JSON.stringify(result)}`)
    }
    console.log(
      `${name}: OK authReqId=${result.authReqId} expiresIn=${result.expiresIn} interval=${result.interval}`,
    )
    await client.close()
  }
} finally {
  await standIn.close()
}

// instanceof holds across the two entries loaded into one process (one copy of the code behind both;
// the Symbol.for brand covers two copies of the package, see test/errors.test.ts).
const fromCjs = new cjs.AuthleteClient({ serviceId: '1', accessToken: 'smoke-token' })
const cjsError = await fromCjs.backchannelIssue('').catch((error) => error)
if (!(cjsError instanceof esm.AuthleteError) || !(cjsError instanceof esm.AuthleteInputError))
  throw new Error('an error of the CJS build is not instanceof the ESM classes')
if (cjsError instanceof esm.AuthleteApiError) throw new Error('the brand check ignores the error class')
const esmError = new esm.AuthleteTimeoutError(1, 'headers')
if (!(esmError instanceof cjs.AuthleteError && esmError instanceof cjs.AuthleteTimeoutError))
  throw new Error('an error of the ESM build is not instanceof the CJS classes')
console.log('instanceof across ESM and CJS: OK')
await fromCjs.close()

// The bin, built: --help, then one call against a stand-in.
import { execFile, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'

const help = execFileSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' })
if (!help.startsWith('Usage: authlete-ciba backchannel-authentication'))
  throw new Error('dist/cli.js --help printed no usage')
const cliStandIn = await startAuthleteStandIn()
try {
  // Not execFileSync: the stand-in answers from this process's event loop.
  const { stdout: out } = await promisify(execFile)(
    process.execPath,
    ['dist/cli.js', 'issue', 'smoke', '--json', '--base-url', cliStandIn.url],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AUTHLETE_SERVICE_ID: '1', AUTHLETE_ACCESS_TOKEN: 'smoke-token' },
    },
  )
  if (JSON.parse(out).action !== 'OK') throw new Error(`dist/cli.js: expected OK, got ${out}`)
  // --stand-in loads the mocks entry as the package's own export (authlete-ciba/mocks), not by path.
  if (!readFileSync('dist/cli-main.js', 'utf8').includes('"authlete-ciba/mocks"'))
    throw new Error('dist/cli-main.js does not load the mocks by the package name')
  const { stdout: standIn } = await promisify(execFile)(
    process.execPath,
    ['dist/cli.js', 'backchannel-authentication', 'scope=openid&login_hint=john', '--stand-in', '--json'],
    { encoding: 'utf8', env: { PATH: process.env.PATH } },
  )
  if (JSON.parse(standIn).action !== 'USER_IDENTIFICATION')
    throw new Error(`dist/cli.js --stand-in: expected USER_IDENTIFICATION, got ${standIn}`)
  // stand-in serves one service until SIGTERM, then exits 0.
  const server = spawn(process.execPath, ['dist/cli.js', 'stand-in'], { env: { PATH: process.env.PATH } })
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)))
  let printed = ''
  const url = await new Promise((resolve, reject) => {
    server.stdout.setEncoding('utf8').on('data', (text) => {
      printed += text
      const match = /^Authlete stand-in at (http:\/\/127\.0\.0\.1:\d+):/m.exec(printed)
      if (match) resolve(match[1])
    })
    exited.then(() => reject(new Error(`dist/cli.js stand-in exited early: ${printed}`)))
  })
  const { stdout: served } = await promisify(execFile)(
    process.execPath,
    ['dist/cli.js', 'issue', 'unknown', '--json', '--base-url', url],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AUTHLETE_SERVICE_ID: '1', AUTHLETE_ACCESS_TOKEN: 't' },
    },
  ).catch((error) => error)
  if (JSON.parse(served).action !== 'INVALID_TICKET')
    throw new Error(`dist/cli.js stand-in: expected INVALID_TICKET, got ${served}`)
  server.kill('SIGTERM')
  if ((await exited) !== 0) throw new Error('dist/cli.js stand-in: no clean exit on SIGTERM')
  console.log('cli: OK')
} finally {
  await cliStandIn.close()
}

// On an unsupported Node.js, both builds and the bin fail at once with one line (a preload fakes
// Node.js 20 here; the machine's own Node.js, when older, is tried too: it proves the guard runs
// before undici, which dies on it).
const fake20 = new URL('../test/fixtures/fake-node-20.mjs', import.meta.url).pathname
const expected = /authlete-ciba needs Node\.js 22\.19 or later; this is Node\.js \d+\.\d+\.\d+/
const older = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
  try {
    return (
      Number(execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) <
      22
    )
  } catch {
    return false
  }
})
const runs = [
  [process.execPath, ['--import', fake20, '--input-type=module', '-e', "await import('./dist/index.js')"]],
  [process.execPath, ['--import', fake20, '-e', "require('./dist/index.cjs')"]],
  [process.execPath, ['--import', fake20, 'dist/cli.js', 'issue', 't']],
  ...(older
    ? [
        [older, ['--input-type=module', '-e', "await import('./dist/index.js')"]],
        [older, ['-e', "require('./dist/index.cjs')"]],
        [older, ['dist/cli.js', 'issue', 't']],
      ]
    : []),
]
for (const [node, args] of runs) {
  const outcome = await promisify(execFile)(node, args, { encoding: 'utf8' }).then(
    () => ({ code: 0, stderr: '' }),
    (error) => ({ code: error.code, stderr: error.stderr }),
  )
  if (outcome.code !== 1 || !expected.test(outcome.stderr) || /reading 'bind'/.test(outcome.stderr))
    throw new Error(
      `${node} ${args.join(' ')}: expected the one-line version error, got ${outcome.code}: ${outcome.stderr}`,
    )
}
console.log(`node version guard: OK (${runs.length} runs${older ? `, ${older} included` : ''})`)
