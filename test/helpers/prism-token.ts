/**
 * Prism's response validator (the one its proxy mode runs, as test/helpers/prism.ts loads it) on the
 * vendor's token documents, test/fixtures/openapi/authlete-v{3,2}-token.yaml: `/auth/token` (POST),
 * `/service/configuration` and `/service/jwks/get` (GET). In-process: no server, no network.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Spec, Violation } from './prism.js'

export const TOKEN_SPEC_FILES: Readonly<Record<Spec, string>> = {
  v3: fileURLToPath(new URL('../fixtures/openapi/authlete-v3-token.yaml', import.meta.url)),
  v2: fileURLToPath(new URL('../fixtures/openapi/authlete-v2-token.yaml', import.meta.url)),
}

interface HttpOperation {
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

const localRequire = createRequire(import.meta.url)
const prismRequire = createRequire(localRequire.resolve('@stoplight/prism-cli/package.json'))
const main = prismRequire.resolve('@stoplight/prism-http')
const http = prismRequire(main) as { getHttpOperationsFromSpec(spec: string): Promise<HttpOperation[]> }
const validator = prismRequire(path.join(path.dirname(main), 'validator')) as {
  validateOutput(input: {
    resource: HttpOperation
    element: { statusCode: number; headers: Record<string, string>; body: unknown }
  }): Either<PrismDiagnostic[], unknown>
}

const SEVERITY = ['Error', 'Warning', 'Information', 'Hint']
const operations = new Map<Spec, Promise<HttpOperation[]>>()

/** The path of an operation (`/auth/token`, `/service/jwks/get`) in `spec`. */
export function tokenOperationPath(spec: Spec, operation: string): string {
  return spec === 'v3' ? `/api/{serviceId}${operation}` : `/api${operation}`
}

/**
 * The violations of a JSON response to `method` `operation` (e.g. `'post', '/auth/token'`) with
 * `status`, against the `spec` token document; `[]` when it agrees.
 */
export async function checkTokenResponse(
  spec: Spec,
  method: 'get' | 'post',
  operation: string,
  status: number,
  body: unknown,
): Promise<Violation[]> {
  let list = operations.get(spec)
  if (list === undefined) {
    list = http.getHttpOperationsFromSpec(TOKEN_SPEC_FILES[spec])
    operations.set(spec, list)
  }
  const wanted = tokenOperationPath(spec, operation)
  const resource = (await list).find((op) => op.method === method && op.path === wanted)
  if (resource === undefined) throw new Error(`checkTokenResponse: no ${method} ${wanted} in ${spec}`)
  const result = validator.validateOutput({
    resource,
    element: { statusCode: status, headers: { 'content-type': 'application/json' }, body },
  })
  if (result._tag === 'Right') return []
  return result.left.map((d) => ({
    location: ['response', ...(d.path ?? [])],
    severity: SEVERITY[d.severity] ?? String(d.severity),
    ...(d.code === undefined ? {} : { code: d.code }),
    message: d.message,
  }))
}
