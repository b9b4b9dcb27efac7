/**
 * The table of Authlete calls: one row per call, its name (the `AuthleteClient` method's), its
 * HTTP method and its path below `/api/{serviceId}` (v3) or `/api` (v2). The one place a path is
 * written: the operations, the mocks (their v3 and v2 paths), the simulator, the CLI's commands
 * and the tests that go through every call all read it. No zod, no checks: data only, so that
 * the mocks and the bin can load it without the operations.
 *
 * @internal
 * @module
 */

/** One Authlete call. */
export interface AuthleteCallRow<Name extends string = string> {
  /** The client method's name, which is the call's name everywhere (mocks, simulator, CLI, docs). */
  readonly name: Name
  /** `GET` for a call that only reads the service's settings (no body), else `POST`. */
  readonly method: 'GET' | 'POST'
  /** The path below `/api/{serviceId}` (v3) or `/api` (v2). */
  readonly path: `/${string}`
}

/**
 * The calls, in the order of a CIBA login and of the tokens' use after it (userinfo, a resource
 * server's check, revocation), then the service's settings; the docs and the CLI list them so.
 */
export const AUTHLETE_CALLS = [
  { name: 'backchannelAuthentication', method: 'POST', path: '/backchannel/authentication' },
  { name: 'backchannelIssue', method: 'POST', path: '/backchannel/authentication/issue' },
  { name: 'backchannelFail', method: 'POST', path: '/backchannel/authentication/fail' },
  { name: 'backchannelComplete', method: 'POST', path: '/backchannel/authentication/complete' },
  { name: 'token', method: 'POST', path: '/auth/token' },
  { name: 'tokenIssue', method: 'POST', path: '/auth/token/issue' },
  { name: 'tokenFail', method: 'POST', path: '/auth/token/fail' },
  { name: 'userinfo', method: 'POST', path: '/auth/userinfo' },
  { name: 'userinfoIssue', method: 'POST', path: '/auth/userinfo/issue' },
  { name: 'introspection', method: 'POST', path: '/auth/introspection' },
  { name: 'introspectionStandard', method: 'POST', path: '/auth/introspection/standard' },
  { name: 'revocation', method: 'POST', path: '/auth/revocation' },
  { name: 'serviceConfiguration', method: 'GET', path: '/service/configuration' },
  { name: 'serviceJwks', method: 'GET', path: '/service/jwks/get' },
] as const satisfies readonly AuthleteCallRow[]

/** The name of a call of the table: `backchannelIssue`, `token`, … */
export type AuthleteCallName = (typeof AUTHLETE_CALLS)[number]['name']

/** The table by name: `AUTHLETE_CALL.backchannelIssue.path`. */
export const AUTHLETE_CALL = Object.freeze(
  Object.fromEntries(AUTHLETE_CALLS.map((row) => [row.name, row])),
) as { readonly [Name in AuthleteCallName]: Extract<(typeof AUTHLETE_CALLS)[number], { name: Name }> }

/** A call's name in kebab case, as the CLI's command and a file name: `backchannel-issue`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}
