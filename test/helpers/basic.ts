/**
 * A client's HTTP Basic credentials, as a client sends them to the authorization server
 * (client_secret_basic): `Basic base64(id:secret)`, each half form-urlencoded first, as RFC 6749
 * §2.3.1 has it. The one builder of such a header in the tests.
 *
 * Not Authlete's own API v2 credentials (`apiKey:apiSecret`), which the transport sends as they
 * are, without form-encoding: a test writes those out. Nor a header made malformed on purpose.
 */
export function basic(clientId: string, clientSecret: string): string {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${Buffer.from(`${form(clientId)}:${form(clientSecret)}`).toString('base64')}`
}
