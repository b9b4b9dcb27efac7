import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type AnyAuthleteError,
  AuthleteError,
  AuthleteNetworkError,
  AuthletePendingError,
  isAuthleteError,
} from '../../src/index.js'

describe('AuthletePendingError', () => {
  it.each(['AUTHLETE_ALREADY_DECIDED', 'AUTHLETE_PENDING_NOT_FOUND', 'AUTHLETE_STORE'] as const)(
    'carries %s, is an AuthleteError, and serialises its code',
    (code) => {
      const error = new AuthletePendingError(code, 'm')
      expect(error).toBeInstanceOf(AuthleteError)
      expect(error).toBeInstanceOf(AuthletePendingError)
      expect(isAuthleteError(error, code)).toBe(true)
      // Nothing of a pending error reached Authlete.
      expect(error.toJSON()).toEqual({
        name: 'AuthletePendingError',
        message: 'm',
        code,
        mayHaveBeenProcessed: false,
      })
    },
  )

  it('is not what another error of the package is', () => {
    expect(new AuthleteNetworkError(new Error('x'))).not.toBeInstanceOf(AuthletePendingError)
    expect(new Error('x')).not.toBeInstanceOf(AuthletePendingError)
  })

  it('narrows by code', () => {
    const error: unknown = new AuthletePendingError('AUTHLETE_STORE', 'm')
    if (isAuthleteError(error, 'AUTHLETE_STORE')) {
      expectTypeOf(error).toExtend<AuthletePendingError>()
      expectTypeOf(error.code).toEqualTypeOf<'AUTHLETE_STORE'>()
    }
    const any = error as AnyAuthleteError
    if (any.code === 'AUTHLETE_ALREADY_DECIDED') expectTypeOf(any).toExtend<AuthletePendingError>()
  })
})
