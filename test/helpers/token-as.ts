/**
 * An AS's token endpoint for the simulator's tests, on 127.0.0.1 (node:http), built by hand on raw
 * `fetch` calls to Authlete's paths (not on the package's own token endpoint code): the Basic
 * credentials and the client's form body go to `/auth/token` (v3, Bearer), the `DPoP` header as
 * `dpop` with `htm` `POST` (and `htu` when configured), and the answer's action becomes the status
 * as Authlete's Java `TokenRequestHandler` maps it. It also serves the discovery document
 * (`/.well-known/openid-configuration`) and the JWK Set (`/jwks`) from `/service/configuration` and
 * `/service/jwks/get`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TestTokenEndpointOptions {
  /** Authlete's base URL (`https://us.authlete.com`, or a stand-in's `url`). */
  authleteBaseUrl: string
  /** @default '715948317' */
  serviceId?: string
  /**
   * The `htu` to pass with a DPoP proof: the AS's public token endpoint URL.
   * @default undefined (not passed: Authlete uses the token endpoint it was configured with)
   */
  htu?: string
}

export interface TestTokenEndpoint {
  /** `http://127.0.0.1:{port}/token` */
  url: string
  /** `http://127.0.0.1:{port}/.well-known/openid-configuration` */
  configurationUrl: string
  /** `http://127.0.0.1:{port}/jwks` */
  jwksUrl: string
  close(): Promise<void>
}

const STATUS: Readonly<Record<string, number>> = { OK: 200, BAD_REQUEST: 400, INVALID_CLIENT: 401 }

/** `[clientId, clientSecret]` of a Basic header (form-decoded, RFC 6749 §2.3.1), or `[]`. */
function basicCredentials(header: string | undefined): [string, string] | [] {
  if (header?.startsWith('Basic ') !== true) return []
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return []
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '))
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))]
}

export async function startTestTokenEndpoint(options: TestTokenEndpointOptions): Promise<TestTokenEndpoint> {
  const api = `${options.authleteBaseUrl}/api/${options.serviceId ?? '715948317'}`
  const authorization = { authorization: 'Bearer service-token' }

  async function token(req: http.IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const [clientId, clientSecret] = basicCredentials(req.headers.authorization)
    const fields = new URLSearchParams({ parameters: Buffer.concat(chunks).toString('utf8') })
    if (clientId !== undefined && clientSecret !== undefined) {
      fields.set('clientId', clientId)
      fields.set('clientSecret', clientSecret)
    }
    const dpop = req.headers.dpop
    if (typeof dpop === 'string') {
      fields.set('dpop', dpop)
      fields.set('htm', 'POST')
      if (options.htu !== undefined) fields.set('htu', options.htu)
    }
    const response = await fetch(`${api}/auth/token`, {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: fields,
    })
    const answer = (await response.json()) as { action?: string; responseContent?: string }
    return { status: STATUS[answer.action ?? ''] ?? 500, body: answer.responseContent ?? '{}' }
  }

  async function get(path: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${api}${path}`, { headers: authorization })
    return { status: response.status, body: await response.text() }
  }

  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/'
    let answer: { status: number; body: string }
    if (req.method === 'POST' && path === '/token') answer = await token(req)
    else if (path === '/.well-known/openid-configuration') answer = await get('/service/configuration')
    else if (path === '/jwks') answer = await get('/service/jwks/get')
    else answer = { status: 404, body: '{}' }
    res
      .writeHead(answer.status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        pragma: 'no-cache',
      })
      .end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/token`,
    configurationUrl: `${origin}/.well-known/openid-configuration`,
    jwksUrl: `${origin}/jwks`,
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
