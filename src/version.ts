/**
 * This package's version, sent in the `User-Agent` header (`authlete-ciba/{VERSION}`). A test keeps
 * it equal to `package.json`'s.
 */
export const VERSION = '0.1.0'
