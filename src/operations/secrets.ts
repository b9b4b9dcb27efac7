/**
 * The fields of each call's request that carry a secret: kept out of every error of the call (see
 * `Operation.secretFields`) and out of what the CLI prints. Fields of the body by name
 * (`clientSecret`), and parameters of a field that is itself form-encoded (`parameters.password`).
 * Data only, by the call's name, so that the bin reads it without the operations.
 *
 * @internal
 * @module
 */

import type { AuthleteCallName } from './table.js'

/**
 * The secrets among the client authentication fields every call that passes a client's request on
 * takes (`CLIENT_AUTHENTICATION` in request-fields.ts): the secret and the attestation headers.
 */
const CLIENT_AUTHENTICATION_SECRETS: readonly string[] = [
  'clientSecret',
  'oauthClientAttestation',
  'oauthClientAttestationPop',
  'parameters.client_secret',
  'parameters.client_assertion',
]

/**
 * The client's secrets in the request it sent to the authorization server (`parameters`): its
 * client authentication (`client_secret` in the body, `client_assertion`), the tokens and codes it
 * sends, and a signed request object, which may hold any of them.
 */
const CLIENT_REQUEST: readonly string[] = [
  ...CLIENT_AUTHENTICATION_SECRETS,
  'parameters.client_notification_token',
  'parameters.login_hint_token',
  'parameters.id_token_hint',
  'parameters.user_code',
  'parameters.request',
]

/** A token request's secrets: the client's, its grant's, and the headers passed along. */
const TOKEN_REQUEST: readonly string[] = [
  ...CLIENT_AUTHENTICATION_SECRETS,
  'accessToken',
  'dpop',
  ...[
    'password',
    'refresh_token',
    'code',
    'code_verifier',
    'auth_req_id',
    'device_code',
    'subject_token',
    'actor_token',
    'assertion',
  ].map((name) => `parameters.${name}`),
]

/** A token presented at a resource, and its DPoP proof. */
const PRESENTED_TOKEN: readonly string[] = ['token', 'dpop']

/** A revocation request's secrets: the client's authentication and the token to revoke. */
const REVOCATION_REQUEST: readonly string[] = [...CLIENT_AUTHENTICATION_SECRETS, 'parameters.token']

/** By call: the fields that carry a secret (none where absent). */
export const SECRET_FIELDS: { readonly [Name in AuthleteCallName]?: readonly string[] } = Object.freeze({
  backchannelAuthentication: CLIENT_REQUEST,
  // An access token of the caller's (push mode) is a bearer credential.
  backchannelComplete: ['accessToken'],
  token: TOKEN_REQUEST,
  tokenIssue: ['accessToken'],
  userinfo: PRESENTED_TOKEN,
  userinfoIssue: ['token'],
  introspection: PRESENTED_TOKEN,
  // The caller's own credentials may be in the body it sent (client_secret_post).
  introspectionStandard: [
    'sharedKeyForSign',
    'sharedKeyForEncryption',
    ...['token', 'client_secret', 'client_assertion'].map((name) => `parameters.${name}`),
  ],
  revocation: REVOCATION_REQUEST,
})
