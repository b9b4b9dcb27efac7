// The client's options as they come from the environment: strings, checked at run time.
import { describe, expectTypeOf, it } from 'vitest'
import type { AuthleteClientOptions } from '../../src/index.js'

describe('AuthleteClientOptions', () => {
  it('takes region from the environment, a string or undefined', () => {
    const options = {
      serviceId: process.env.AUTHLETE_SERVICE_ID,
      accessToken: 'token',
      region: process.env.AUTHLETE_REGION,
    }
    expectTypeOf(options).toExtend<AuthleteClientOptions>()
  })

  it('still offers the regions as literals', () => {
    expectTypeOf<'jp'>().toExtend<NonNullable<AuthleteClientOptions['region']>>()
  })
})
