/**
 * This package's version, sent in the `User-Agent` header (`authlete-ciba/{VERSION}`). A test keeps
 * it equal to `package.json`'s.
 *
 * @see https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/backchannel/authentication/issue
 */
export const VERSION = '0.1.0'
