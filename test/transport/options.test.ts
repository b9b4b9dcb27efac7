import { inspect } from 'node:util'
import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { AuthleteClient, AuthleteInputError } from '../../src/index.js'
import { isLoopbackHost } from '../../src/transport/options.js'
import { Transport } from '../../src/transport/transport.js'

const v3 = { serviceId: '715948317', accessToken: 'tok-v3' }
const v2 = { apiKey: '1234', apiSecret: 'sec-v2' }

function inputError(run: () => unknown): AuthleteInputError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect((error as AuthleteInputError).code).toBe('AUTHLETE_INVALID_INPUT')
    return error as AuthleteInputError
  }
  throw new Error('expected an AuthleteInputError')
}

describe('AuthleteClient options', () => {
  it('uses API v3 on https://us.authlete.com when given serviceId and accessToken', () => {
    const client = new AuthleteClient(v3)
    expect(client.apiVersion).toBe('v3')
    expect(client.baseUrl).toBe('https://us.authlete.com')
  })

  it.each([
    ['jp', 'https://jp.authlete.com'],
    ['eu', 'https://eu.authlete.com'],
    ['br', 'https://br.authlete.com'],
    ['us', 'https://us.authlete.com'],
  ] as const)('maps region %s to %s', (region, origin) => {
    expect(new AuthleteClient({ ...v3, region }).baseUrl).toBe(origin)
  })

  it('uses API v2 on https://api.authlete.com when given apiKey and apiSecret', () => {
    const client = new AuthleteClient(v2)
    expect(client.apiVersion).toBe('v2')
    expect(client.baseUrl).toBe('https://api.authlete.com')
  })

  it('keeps a base URL path prefix and drops its trailing slashes', () => {
    const client = new AuthleteClient({ ...v3, baseUrl: 'https://authlete.example.com/gw/v3//' })
    expect(client.baseUrl).toBe('https://authlete.example.com/gw/v3')
  })

  it('percent-encodes the service ID into one path segment', () => {
    expect(new Transport({ ...v3, serviceId: 'a/b c' }).config.apiPath).toBe('/api/a%2Fb%20c')
  })

  it('accepts a numeric service ID', () => {
    expect(new Transport({ ...v3, serviceId: 42 }).config.apiPath).toBe('/api/42')
  })

  it('accepts plain http on loopback hosts', () => {
    for (const host of ['127.0.0.1:8080', 'localhost', '[::1]:9000', '127.1.2.3']) {
      expect(new AuthleteClient({ ...v3, baseUrl: `http://${host}` }).baseUrl).toMatch(/^http:\/\//)
    }
  })

  it('refuses plain http on other hosts, and says how to allow it', () => {
    const error = inputError(() => new AuthleteClient({ ...v3, baseUrl: 'http://authlete.example.com' }))
    expect(error.field).toBe('baseUrl')
    expect(error.message).toContain('allowInsecureHttp: true')
    expect(new AuthleteClient({ ...v3, baseUrl: 'http://10.0.0.5', allowInsecureHttp: true }).baseUrl).toBe(
      'http://10.0.0.5',
    )
  })

  it.each([
    [{ ...v3, ...v2 }, 'credentials', 'not both'],
    [{}, 'credentials', 'give serviceId + accessToken'],
    [{ accessToken: 'tok' }, 'serviceId', 'is required with accessToken'],
    [{ ...v3, accessToken: '' }, 'accessToken', 'visible ASCII'],
    [{ ...v3, accessToken: 'a\r\nX-Injected: 1' }, 'accessToken', 'visible ASCII'],
    [{ ...v3, serviceId: '' }, 'serviceId', 'non-empty'],
    [{ ...v3, serviceId: 1.5 }, 'serviceId', 'non-negative integer'],
    [{ apiKey: '1234' }, 'apiSecret', 'visible ASCII'],
    [{ apiSecret: 's' }, 'apiKey', 'without ":"'],
    [{ apiKey: 'a:b', apiSecret: 's' }, 'apiKey', 'without ":"'],
    [{ ...v2, serviceId: '1' }, 'serviceId', 'is for API v3'],
    [{ ...v2, region: 'jp' }, 'region', 'API v3 only'],
    [{ ...v3, region: 'xx' }, 'region', 'us, jp, eu, br'],
    [{ ...v3, region: 'jp', baseUrl: 'https://x.example' }, 'region', 'not both'],
    [{ ...v3, baseUrl: 'not a url' }, 'baseUrl', 'absolute'],
    [{ ...v3, baseUrl: 'ftp://x.example' }, 'baseUrl', 'https:'],
    [{ ...v3, baseUrl: 'https://u:p@x.example' }, 'baseUrl', 'credentials'],
    [{ ...v3, baseUrl: 'https://x.example/?a=1' }, 'baseUrl', 'query'],
    [{ ...v3, timeoutMs: 0 }, 'timeoutMs', 'from 1 to'],
    [{ ...v3, timeoutMs: Number.NaN }, 'timeoutMs', 'from 1 to'],
    [{ ...v3, timeoutMs: 2 ** 31 }, 'timeoutMs', 'from 1 to'],
    [{ ...v3, maxResponseBytes: 1.5 }, 'maxResponseBytes', 'positive integer'],
    [{ ...v3, userAgent: 'x\ny' }, 'userAgent', 'printable ASCII'],
    [{ ...v3, dispatcher: {} }, 'dispatcher', 'undici Dispatcher'],
    [{ ...v3, retry: { attempts: 0 } }, 'retry.attempts', 'from 1 to 10'],
    [{ ...v3, retry: { backoffMs: -1 } }, 'retry.backoffMs', '>= 0'],
    [{ ...v3, retry: { afterSend: 'yes' } }, 'retry.afterSend', 'boolean'],
    [{ ...v3, retry: 3 }, 'retry', 'object or false'],
  ])('rejects %j naming %s', (options, field, words) => {
    const error = inputError(() => new AuthleteClient(options as never))
    expect(error.field).toBe(field)
    expect(error.message).toContain(words)
    expect(error.message.startsWith(`${field}: `)).toBe(true)
  })

  it.each([
    [{ ...v3, timeout: 1 }, 'timeout: is not an option of AuthleteClient (did you mean "timeoutMs"?)'],
    [
      { ...v3, baseURL: 'https://x.example' },
      'baseURL: is not an option of AuthleteClient (did you mean "baseUrl"?)',
    ],
    [{ ...v3, retries: 2 }, 'retries: is not an option of AuthleteClient (did you mean "retry"?)'],
    [{ ...v3, retry: { attempt: 2 } }, 'retry.attempt: is not a retry option (did you mean "attempts"?)'],
  ])('refuses an unknown option name %j, naming it and the closest known one', (options, message) => {
    const error = inputError(() => new AuthleteClient(options as never))
    expect(error.message).toBe(message)
    expect(error.field).toBe(message.slice(0, message.indexOf(':')))
  })

  it('refuses a nonsense option name without a suggestion', () => {
    const error = inputError(() => new AuthleteClient({ ...v3, zzzzzzzz: 1 } as never))
    expect(error.message).toBe('zzzzzzzz: is not an option of AuthleteClient')
  })

  it('refuses a baseUrl ending in /api, and says to drop it', () => {
    for (const baseUrl of ['https://us.authlete.com/api', 'https://gw.example/authlete/api/']) {
      const error = inputError(() => new AuthleteClient({ ...v3, baseUrl }))
      expect(error.field).toBe('baseUrl')
      expect(error.message).toContain('must not end in /api')
      expect(error.message).toContain('drop it')
    }
    expect(new AuthleteClient({ ...v3, baseUrl: 'https://gw.example/apis' }).baseUrl).toBe(
      'https://gw.example/apis',
    )
  })

  it('refuses a baseUrl with user:password@ outright, without repeating it, even when it does not parse', () => {
    for (const baseUrl of ['https://admin:pw@[bad-host/', 'https://admin:pw@authlete.example']) {
      const error = inputError(() => new AuthleteClient({ ...v3, baseUrl }))
      expect(error.field).toBe('baseUrl')
      expect(error.message).toContain('must not carry credentials')
      expect(error.cause).toBeUndefined()
      expect(`${error.message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`).not.toContain('pw')
    }
  })

  it('accepts optional options given as undefined explicitly', () => {
    const client = new AuthleteClient({
      ...v3,
      baseUrl: undefined,
      region: undefined,
      timeoutMs: undefined,
      retry: undefined,
      dispatcher: undefined,
      maxResponseBytes: undefined,
      userAgent: undefined,
      allowInsecureHttp: undefined,
    })
    expect(client.baseUrl).toBe('https://us.authlete.com')
  })

  it('never puts a credential into an option error', () => {
    const error = inputError(
      () =>
        new AuthleteClient({ serviceId: '1', accessToken: 'SECRET-TOKEN-\u0001', apiSecret: 'SECRET-API' }),
    )
    expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/SECRET/)
  })

  it('sends to the region host through a dispatcher it was given, and never closes that dispatcher', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const answer = { action: 'OK', authReqId: 'r', expiresIn: 60, interval: 5 }
    agent
      .get('https://jp.authlete.com')
      .intercept({ method: 'POST', path: '/api/715948317/backchannel/authentication/issue' })
      .reply(200, answer, { headers: { 'content-type': 'application/json' } })
      .times(2)
    const first = new AuthleteClient({ ...v3, region: 'jp', dispatcher: agent })
    expect(await first.backchannelIssue('t')).toEqual(answer)
    await first.close()
    const second = new AuthleteClient({ ...v3, region: 'jp', dispatcher: agent })
    expect(await second.backchannelIssue('t')).toEqual(answer)
    agent.assertNoPendingInterceptors()
    await agent.close()
  })
})

describe('11. *.localhost is not loopback by name', () => {
  it('http://authlete.localhost:8080 is refused without allowInsecureHttp, accepted with it', () => {
    const options = {
      serviceId: '1',
      accessToken: 'tok_SECRET_Zq81vXw3+/x',
      baseUrl: 'http://authlete.localhost:8080',
    }
    expect(() => new AuthleteClient(options)).toThrow(AuthleteInputError)
    expect(() => new AuthleteClient(options)).toThrow(/plain http: would send credentials in clear text/)
    expect(new AuthleteClient({ ...options, allowInsecureHttp: true }).baseUrl).toBe(
      'http://authlete.localhost:8080',
    )
  })

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['authlete.localhost', false],
    ['localhost.example', false],
    ['localhost.', false],
    ['128.0.0.1', false],
    ['[::ffff:7f00:1]', false],
  ])('isLoopbackHost(%s) is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})
