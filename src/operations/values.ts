/**
 * The enumerated request values Authlete documents, in a module of their own (no zod, no checks),
 * so that the mocks can share them without bundling the operations.
 *
 * @module
 */

/**
 * The reasons documented for `/fail`, each an `error` code of CIBA Core §13 in upper case.
 */
export const BACKCHANNEL_FAIL_REASONS = [
  'ACCESS_DENIED',
  'EXPIRED_LOGIN_HINT_TOKEN',
  'INVALID_BINDING_MESSAGE',
  'INVALID_TARGET',
  'INVALID_USER_CODE',
  'MISSING_USER_CODE',
  'SERVER_ERROR',
  'UNAUTHORIZED_CLIENT',
  'UNKNOWN_USER_ID',
] as const

/** The results documented for `/complete`. */
export const BACKCHANNEL_COMPLETE_RESULTS = ['AUTHORIZED', 'ACCESS_DENIED', 'TRANSACTION_FAILED'] as const

/**
 * The reasons documented for `/auth/token/fail`. (authlete-java-common 4.46 adds `INVALID_CLIENT`,
 * `UNAUTHORIZED_CLIENT` and `INVALID_SCOPE`, which the OpenAPI document does not list yet.)
 */
export const TOKEN_FAIL_REASONS = ['UNKNOWN', 'INVALID_RESOURCE_OWNER_CREDENTIALS', 'INVALID_TARGET'] as const
