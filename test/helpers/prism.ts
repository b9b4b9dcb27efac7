/**
 * Contract-test harness: Stoplight Prism serving Authlete's OpenAPI documents (the CIBA, token and
 * resource excerpts, copied verbatim into test/fixtures/openapi/; `CALL_DOCUMENTS` names the one of
 * each call of the table), so a test can check that a request (and a response) agrees with
 * the vendor's document. Everything stays on loopback: Prism listens on 127.0.0.1, reads the document
 * from disk (its $refs are all local), and in proxy mode only forwards to a loopback upstream.
 *
 * What Prism does, found by running it (@stoplight/prism-cli 5.14.2 on Node 22):
 *
 * - Mock mode (`startPrism(spec)`): `prism mock <doc> --host 127.0.0.1 --port 0 --errors`.
 *   A valid request gets the document's 200 example. A request that breaks the document gets the
 *   document's own 400 response (its example body, which says nothing about the request) and the
 *   violation is named in the `sl-violations` header (read it with `violations(res)`), e.g.
 *   `[{"location":["request","body","reason"],"code":"enum","message":"Request body property reason must
 *   be equal to one of the allowed values: ..."}]`. A request without the credentials the operation
 *   requires gets 401 and `sl-violations` says "Invalid security scheme used". Prism answers 422 with a
 *   problem+json body naming the violation only when the document has no 400/422 response, which is not
 *   the case here. `--errors` changes nothing for requests; it turns RESPONSE violations into a 500.
 * - Security: the v2 document requires HTTP Basic on every operation, so Prism rejects a missing or
 *   non-Basic Authorization with 401. Prism's Basic check wants the base64 token to decode to exactly one
 *   ':' (a secret that contains ':' is rejected). The v3 excerpt declares the `bearer` scheme but no
 *   `security` requirement (neither top-level nor per operation), so Prism accepts a v3 request with no
 *   Authorization header at all.
 * - Form bodies (application/x-www-form-urlencoded): Prism splits the body on '&' into an object, so
 *   a repeated key keeps only its LAST value, and with no `encoding` entry in the document (there is none)
 *   every value stays a string. An array property such as v3's `clientCertificatePath` therefore cannot
 *   be sent as a form at all: `clientCertificatePath=a&clientCertificatePath=b`, `=a` and `=a,b` are each
 *   rejected with 400 "must be array"; `clientCertificatePath[]=a` passes only because Prism ignores the
 *   unknown key. Send arrays (and /complete's `properties` and `scopes`) as JSON.
 * - Response validation: Prism checks responses only in proxy mode (`startPrism(spec, { upstream })`:
 *   `prism proxy <doc> <upstream> --host 127.0.0.1 --port 0 --errors`). It forwards a valid request to the
 *   upstream and validates the upstream's answer against the document; with `--errors` an answer that
 *   breaks the document becomes a 500 application/problem+json whose `validation` array (and the
 *   `sl-violations` header) names each violation. In proxy mode a request that breaks the document is not
 *   forwarded: Prism answers 422 problem+json naming the violation in the body (v2 without Basic: 401
 *   problem+json "Invalid security scheme used").
 *   Without a server, `checkResponse()` runs the very validator proxy mode uses (@stoplight/prism-http's
 *   `validateOutput`) in-process.
 * - Prism 5.15+ declares engines node >=24.14 (5.16.0: >=24.18), so npm picks 5.14.2 (node >=18.20.1)
 *   on Node 22. 5.16.0 does run on Node 22 (engines only warns), but it never answers a request whose
 *   JSON body is malformed, on Node 22 and 24 alike (5.14.2 answers 400 invalid_json). 5.14.2 has no
 *   install scripts and no @scarf/scarf (5.16.0 brings it, with a telemetry postinstall); SCARF_ANALYTICS
 *   is set to false anyway.
 * - Mock mode answers a body in a media type the document does not list with 400 (the document has no
 *   415) and `sl-violations` code 415; a malformed JSON body with 400 {"error":{"code":"invalid_json"}}.
 * - Startup takes 2-3 s per Prism process on this 2-core machine, about 5.5 s for three started side by
 *   side; most of it is loading faker, which Prism always requires (`startupMs` reports it).
 * - Prism never touches the network here: the contract tests pass inside a network namespace that has
 *   nothing but loopback (`unshare -n`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { AUTHLETE_CALL, type AuthleteCallName } from '../../src/operations/table.js'

export type Spec = 'v3' | 'v2'

/** The four CIBA operations, named by the last segment of their path. */
export const OPERATIONS = ['authentication', 'issue', 'fail', 'complete'] as const
export type Operation = (typeof OPERATIONS)[number]

/** The documents Prism serves (verbatim copies of the vendor's excerpts). */
export const SPEC_FILES: Readonly<Record<Spec, string>> = {
  v3: fileURLToPath(new URL('../fixtures/openapi/authlete-v3-ciba.yaml', import.meta.url)),
  v2: fileURLToPath(new URL('../fixtures/openapi/authlete-v2-ciba.yaml', import.meta.url)),
}

/**
 * Which excerpt: the four CIBA calls; the token calls and the service's configuration and JWKS; or
 * the calls of the tokens at work (userinfo, introspection, revocation).
 */
export type Document = 'ciba' | 'token' | 'resource'

/** The token excerpts (verbatim copies): /auth/token, /issue, /fail, GET /service/configuration, /service/jwks/get. */
export const TOKEN_SPEC_FILES: Readonly<Record<Spec, string>> = {
  v3: fileURLToPath(new URL('../fixtures/openapi/authlete-v3-token.yaml', import.meta.url)),
  v2: fileURLToPath(new URL('../fixtures/openapi/authlete-v2-token.yaml', import.meta.url)),
}

/**
 * The resource excerpts (verbatim copies): /auth/userinfo, /auth/userinfo/issue, /auth/introspection,
 * /auth/introspection/standard, /auth/revocation.
 */
export const RESOURCE_SPEC_FILES: Readonly<Record<Spec, string>> = {
  v3: fileURLToPath(new URL('../fixtures/openapi/authlete-v3-resource.yaml', import.meta.url)),
  v2: fileURLToPath(new URL('../fixtures/openapi/authlete-v2-resource.yaml', import.meta.url)),
}

const DOCUMENT_FILES: Readonly<Record<Document, Readonly<Record<Spec, string>>>> = {
  ciba: SPEC_FILES,
  token: TOKEN_SPEC_FILES,
  resource: RESOURCE_SPEC_FILES,
}

function specFile(spec: Spec, document: Document = 'ciba'): string {
  return DOCUMENT_FILES[document][spec]
}

/** The excerpt that documents each call of the table of calls (src/operations/table.ts). */
export const CALL_DOCUMENTS: Readonly<Record<AuthleteCallName, Document>> = {
  backchannelAuthentication: 'ciba',
  backchannelIssue: 'ciba',
  backchannelFail: 'ciba',
  backchannelComplete: 'ciba',
  token: 'token',
  tokenIssue: 'token',
  tokenFail: 'token',
  userinfo: 'resource',
  userinfoIssue: 'resource',
  introspection: 'resource',
  introspectionStandard: 'resource',
  revocation: 'resource',
  serviceConfiguration: 'token',
  serviceJwks: 'token',
}

/** Credentials a test can hand the SDK; Prism checks only their shape, never their value. */
export const SERVICE_ID = '715948317'
export const ACCESS_TOKEN = 'prism-access-token'
export const API_KEY = 'prism-api-key'
export const API_SECRET = 'prism-api-secret'

/** The request path of an operation: v3 `/api/{serviceId}/backchannel/authentication[/op]`, v2 `/api/backchannel/...`. */
export function operationPath(spec: Spec, operation: Operation, serviceId: string = SERVICE_ID): string {
  const suffix = operation === 'authentication' ? '' : `/${operation}`
  const prefix = spec === 'v3' ? `/api/${encodeURIComponent(serviceId)}` : '/api'
  return `${prefix}/backchannel/authentication${suffix}`
}

/** The Authorization header the document asks for: v3 `Bearer <token>`, v2 `Basic base64(key:secret)`. */
export function authorization(spec: Spec): string {
  return spec === 'v3'
    ? `Bearer ${ACCESS_TOKEN}`
    : `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`
}

/** One violation as Prism reports it (in `sl-violations`, a problem+json `validation`, or `checkResponse`). */
export interface Violation {
  location: string[]
  severity: string
  code?: string | number
  message: string
}

export interface PrismServer {
  /** `http://127.0.0.1:{port}`: use it as the SDK's `baseUrl`; the paths are `operationPath(spec, op)`. */
  url: string
  spec: Spec
  mode: 'mock' | 'proxy'
  /** Milliseconds from spawn to "Prism is listening". */
  startupMs: number
  /** What Prism has logged so far (its last 500 lines), for a failing test's message. */
  logs(): string
  /** Stops Prism (its whole process group) and waits until it has exited. */
  close(): Promise<void>
}

export interface StartPrismOptions {
  /** Run `prism proxy` in front of this loopback server instead of `prism mock`. */
  upstream?: string
  /** How long to wait for Prism to listen (default 30 s: the CI machine has 2 cores). */
  timeoutMs?: number
  /** Which excerpt to serve (default `ciba`). */
  document?: Document
}

const localRequire = createRequire(import.meta.url)
const CLI_PACKAGE_JSON = localRequire.resolve('@stoplight/prism-cli/package.json')
const CLI_DIR = path.dirname(CLI_PACKAGE_JSON)
const CLI_BIN = path.join(
  CLI_DIR,
  (JSON.parse(readFileSync(CLI_PACKAGE_JSON, 'utf8')) as { bin: { prism: string } }).bin.prism,
)

/**
 * Preloaded into Prism: it exits when its stdin (a pipe from this process) closes, so a test worker that
 * dies without calling close() (even by SIGKILL) leaves no Prism behind.
 */
const EXIT_WITH_PARENT = 'data:text/javascript,process.stdin.on("end",()=>process.exit(0)).resume()'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group is already gone.
  }
}

function prismEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SCARF_ANALYTICS: 'false',
    DO_NOT_TRACK: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  }
  // Nothing may send Prism's traffic anywhere but loopback; nor may the test runner's own Node flags leak in.
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NODE_OPTIONS'])
    delete env[name]
  return env
}

/**
 * Starts Prism on 127.0.0.1 (a free port chosen by the OS) with the `v3` or `v2` document, as a child
 * process of this Node binary (process.execPath), and resolves once it listens.
 */
export async function startPrism(spec: Spec, options: StartPrismOptions = {}): Promise<PrismServer> {
  const { upstream, timeoutMs = 30_000, document } = options
  if (upstream !== undefined && !LOOPBACK_HOSTS.has(new URL(upstream).hostname)) {
    throw new Error(`startPrism: upstream must be a loopback URL, got ${upstream}`)
  }
  const mode = upstream === undefined ? 'mock' : 'proxy'
  const args = [
    '--import',
    EXIT_WITH_PARENT,
    CLI_BIN,
    mode,
    specFile(spec, document),
    ...(upstream === undefined ? [] : [upstream]),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--errors',
  ]
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: CLI_DIR,
    env: prismEnv(),
    detached: true, // its own process group, so close() can end Prism and anything it forks
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  running.add(child)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of running) killGroup(c, 'SIGKILL')
    })
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => running.delete(child))

  const lines: string[] = []
  const keep = (line: string) => {
    lines.push(line)
    if (lines.length > 500) lines.shift()
  }
  let url: string | undefined
  const ready = new Promise<string>((resolve, reject) => {
    let pending = ''
    // Prism logs every request; keep reading so its stdout pipe never fills up.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) {
        keep(line)
        const match = /Prism is listening on (http:\/\/\S+)/.exec(line)
        if (match?.[1] !== undefined && url === undefined) {
          url = match[1]
          resolve(url)
        }
      }
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line !== '') keep(line)
    })
    child.once('error', reject)
    child.once('exit', (code, signal) =>
      reject(new Error(`Prism exited (${signal ?? code}) before listening:\n${lines.join('\n')}`)),
    )
  })

  const close = async () => {
    killGroup(child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
    child.stdin?.destroy()
  }

  let timer: NodeJS.Timeout | undefined
  try {
    const listening = await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Prism did not listen within ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        )
      }),
    ])
    return {
      url: listening,
      spec,
      mode,
      startupMs: Math.round(performance.now() - started),
      logs: () => lines.join('\n'),
      close,
    }
  } catch (error) {
    await close()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** The violations Prism put in a response's `sl-violations` header (empty when there is none). */
export function violations(response: { headers: { get(name: string): string | null } }): Violation[] {
  const header = response.headers.get('sl-violations')
  return header === null ? [] : (JSON.parse(header) as Violation[])
}

// --- Response validation in-process, with Prism's own validator -------------------------------------

/** The parts of @stoplight/prism-http this file uses (it ships no types we can import from here). */
export interface HttpOperation {
  method: string
  path: string
}
interface PrismDiagnostic {
  path?: string[]
  code?: string | number
  severity: number
  message: string
}
type Either<L, R> = { _tag: 'Left'; left: L } | { _tag: 'Right'; right: R }
interface PrismHttp {
  getHttpOperationsFromSpec(spec: string): Promise<HttpOperation[]>
}
interface PrismValidator {
  validateOutput(input: {
    resource: HttpOperation
    element: { statusCode: number; headers: Record<string, string>; body: unknown }
  }): Either<PrismDiagnostic[], unknown>
}

/**
 * Prism's @stoplight/prism-http, the copy prism-cli itself uses (resolved from prism-cli, not from
 * hoisting), loaded on first use: it takes about 2 s (it pulls in faker).
 */
let prismLibrary: { http: PrismHttp; validator: PrismValidator } | undefined
function prismHttpLibrary(): { http: PrismHttp; validator: PrismValidator } {
  if (prismLibrary === undefined) {
    const prismRequire = createRequire(CLI_PACKAGE_JSON)
    const main = prismRequire.resolve('@stoplight/prism-http')
    prismLibrary = {
      http: prismRequire(main) as PrismHttp,
      validator: prismRequire(path.join(path.dirname(main), 'validator')) as PrismValidator,
    }
  }
  return prismLibrary
}

const SEVERITY = ['Error', 'Warning', 'Information', 'Hint']
const operationsCache = new Map<string, Promise<HttpOperation[]>>()

function templateToRegExp(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+')
  return new RegExp(`^${source}$`)
}

/** The operations of `spec`'s `document`, as Prism reads them (method in lower case, path template). */
export function documentOperations(spec: Spec, document: Document): Promise<HttpOperation[]> {
  const file = specFile(spec, document)
  let operations = operationsCache.get(file)
  if (operations === undefined) {
    operations = prismHttpLibrary().http.getHttpOperationsFromSpec(file)
    operationsCache.set(file, operations)
  }
  return operations
}

/**
 * Validates a response against the document's schema for that operation and status, with the validator
 * Prism's proxy mode uses. `operationPath` is the document's path template
 * (`/api/{serviceId}/backchannel/authentication/issue`) or a request path (`/api/715948317/...`, query
 * ignored). A string body is parsed as JSON when the content type is JSON. Resolves to the violations
 * (location starts with "response"), `[]` when the response agrees with the document. A status the
 * document does not define is a violation too (severity Error for 2xx, Warning otherwise).
 */
export async function checkResponse(
  spec: Spec,
  operationPath: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  { document = 'ciba', method = 'post' }: { document?: Document; method?: 'post' | 'get' } = {},
): Promise<Violation[]> {
  const operations = documentOperations(spec, document)
  const requestPath = operationPath.split('?')[0] ?? operationPath
  const operation = (await operations).find(
    (op) => op.method === method && (op.path === requestPath || templateToRegExp(op.path).test(requestPath)),
  )
  if (operation === undefined)
    throw new Error(`checkResponse: no ${method.toUpperCase()} ${operationPath} in the ${spec} document`)
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  const parsed =
    typeof body === 'string' && /json/i.test(lowered['content-type'] ?? '')
      ? (JSON.parse(body) as unknown)
      : body
  const result = prismHttpLibrary().validator.validateOutput({
    resource: operation,
    element: { statusCode: status, headers: lowered, body: parsed },
  })
  if (result._tag === 'Right') return []
  return result.left.map((d) => ({
    location: ['response', ...(d.path ?? [])],
    severity: SEVERITY[d.severity] ?? String(d.severity),
    ...(d.code === undefined ? {} : { code: d.code }),
    message: d.message,
  }))
}

/** The path template of a token document's operation (`/auth/token`, `/service/jwks/get`) in `spec`. */
export function tokenOperationPath(spec: Spec, operation: string): string {
  return spec === 'v3' ? `/api/{serviceId}${operation}` : `/api${operation}`
}

/**
 * {@link checkResponse} against the `spec` token document, for a JSON response to `method`
 * `operation` (e.g. `'post', '/auth/token'`) with `status`; `[]` when it agrees.
 */
export function checkTokenResponse(
  spec: Spec,
  method: 'get' | 'post',
  operation: string,
  status: number,
  body: unknown,
): Promise<Violation[]> {
  return checkResponse(spec, tokenOperationPath(spec, operation), status, body, undefined, {
    document: 'token',
    method,
  })
}

/** The path template of the call `name` of the table in `spec`: `/api/{serviceId}/auth/userinfo`, `/api/auth/userinfo`. */
export function callPath(spec: Spec, name: AuthleteCallName): string {
  const { path } = AUTHLETE_CALL[name]
  return spec === 'v3' ? `/api/{serviceId}${path}` : `/api${path}`
}

/**
 * {@link checkResponse} for the call `name` of the table of calls, in the document that documents
 * it ({@link CALL_DOCUMENTS}), on its method and path; `[]` when the JSON `body` agrees.
 */
export function checkCallResponse(
  spec: Spec,
  name: AuthleteCallName,
  status: number,
  body: unknown,
): Promise<Violation[]> {
  const method = AUTHLETE_CALL[name].method === 'GET' ? 'get' : 'post'
  return checkResponse(spec, callPath(spec, name), status, body, undefined, {
    document: CALL_DOCUMENTS[name],
    method,
  })
}
