import { AuthleteClient } from '../../src/index.js'
import { ACCESS_TOKEN, API_KEY, API_SECRET, type PrismServer, SERVICE_ID, type Spec } from './prism.js'

/** An AuthleteClient (no retry) on the Prism at `url`, with the credentials `spec`'s document asks for. */
export function prismClient(spec: Spec, url: string): AuthleteClient {
  const credentials =
    spec === 'v3'
      ? { serviceId: SERVICE_ID, accessToken: ACCESS_TOKEN }
      : { apiKey: API_KEY, apiSecret: API_SECRET }
  return new AuthleteClient({ ...credentials, baseUrl: url, retry: false })
}

/**
 * `accepted(call)`: what `call` resolves to; when Prism refused the SDK's request, an error that
 * carries the end of that Prism's log (the violation it names).
 */
export function acceptedBy(prism: () => PrismServer) {
  return async function accepted<T>(call: Promise<T>): Promise<T> {
    try {
      return await call
    } catch (error) {
      throw new Error(`Prism refused the SDK's request: ${String(error)}\n${prism().logs().slice(-2000)}`)
    }
  }
}
