/**
 * The client application's backchannel authentication request (CIBA Core §7.1), as the client
 * stand-in sends it: the parameters form-encoded, the client authenticated with
 * `client_secret_basic` (or `client_secret_post`), `authorization_details` (RFC 9396) as JSON.
 *
 * @see https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1
 * @module
 */

/** A backchannel authentication request of the client application. */
export interface CibaAuthenticationRequest {
  /** The AS's backchannel authentication endpoint. */
  endpoint: string | URL
  clientId: string
  clientSecret: string
  /**
   * How the client authenticates.
   * @default 'client_secret_basic'
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | undefined
  /**
   * `scope`.
   * @default 'openid'
   */
  scope?: string | undefined
  /** `login_hint`. */
  loginHint?: string | undefined
  /** `binding_message`. */
  bindingMessage?: string | undefined
  /** `user_code`. */
  userCode?: string | undefined
  /** `acr_values`. */
  acrValues?: string | undefined
  /** `requested_expiry`, in seconds. */
  requestedExpiry?: number | undefined
  /** RFC 9396 `authorization_details`: sent as JSON. */
  authorizationDetails?: ReadonlyArray<Record<string, unknown>> | undefined
  /**
   * `client_notification_token` (ping and push modes).
   * @default none
   */
  clientNotificationToken?: string | undefined
  /**
   * Any other parameter, as sent.
   * @default none
   */
  parameters?: Readonly<Record<string, string>> | undefined
  /**
   * Aborts the request.
   * @default undefined
   */
  signal?: AbortSignal | undefined
}

/** The AS's answer: `{"auth_req_id","expires_in","interval"}`, or an error. */
export interface CibaAuthenticationResponse {
  status: number
  /** The JSON body, or `undefined` when it is not a JSON object. */
  body: Record<string, unknown> | undefined
}

/** RFC 6749 §2.3.1: the client ID and secret are form-encoded before they are joined. */
export const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)

/** Sends `request` and resolves with the status and the parsed JSON, whatever the status. */
export async function sendBackchannelAuthentication(
  request: CibaAuthenticationRequest,
): Promise<CibaAuthenticationResponse> {
  const body = new URLSearchParams({ scope: request.scope ?? 'openid' })
  const optional: Array<[string, string | undefined]> = [
    ['login_hint', request.loginHint],
    ['binding_message', request.bindingMessage],
    ['user_code', request.userCode],
    ['acr_values', request.acrValues],
    ['requested_expiry', request.requestedExpiry === undefined ? undefined : String(request.requestedExpiry)],
    [
      'authorization_details',
      request.authorizationDetails === undefined ? undefined : JSON.stringify(request.authorizationDetails),
    ],
    ['client_notification_token', request.clientNotificationToken],
    ...Object.entries(request.parameters ?? {}),
  ]
  for (const [name, value] of optional) if (value !== undefined) body.set(name, value)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (request.authMethod === 'client_secret_post') {
    body.set('client_id', request.clientId)
    body.set('client_secret', request.clientSecret)
  } else {
    const credentials = `${formEncode(request.clientId)}:${formEncode(request.clientSecret)}`
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
  }
  const response = await fetch(request.endpoint, {
    method: 'POST',
    headers,
    body,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  })
  let json: unknown
  try {
    json = JSON.parse(await response.text())
  } catch {
    json = undefined
  }
  return {
    status: response.status,
    body:
      typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : undefined,
  }
}
