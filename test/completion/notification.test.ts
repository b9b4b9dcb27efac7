// Delivering a client notification: what the client's endpoint receives, what counts as delivered,
// redirects never followed, http: and non-public addresses refused (checked at connect time through
// an injected lookup and a connector stubbed to record and refuse, so nothing leaves the machine),
// the retries allowed, the deadline, and the token kept out of every error.
// Every real delivery goes to a loopback server, with allowPrivateNetwork: true.
import net from 'node:net'
import { inspect } from 'node:util'
import { type buildConnector, interceptors, buildConnector as realConnector } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AuthleteError,
  AuthleteInputError,
  AuthleteNotificationError,
  type ClientNotification,
  createNotificationDispatcher,
  deliverClientNotification,
  isAuthleteError,
  type NotificationDelivery,
  type NotificationLookup,
} from '../../src/index.js'
import { closedPort, type Loopback, startLoopback } from '../helpers/loopback.js'

const TOKEN = 'cn-token-8f3a1c9e'
const CONTENT = '{"auth_req_id":"req-1"}'
const LOCAL = { allowPrivateNetwork: true, allowInsecureHttp: true } as const

const servers: Loopback[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function endpoint(status = 204, headers: Record<string, string> = {}) {
  const server = await startLoopback((_request, res) => {
    res.writeHead(status, headers)
    res.end()
  })
  servers.push(server)
  let connections = 0
  let closed = 0
  server.server.on('connection', (socket) => {
    connections++
    socket.on('close', () => closed++)
  })
  return Object.assign(server, { connections: () => connections, closed: () => closed })
}

function notification(url: string): ClientNotification {
  return { clientNotificationEndpoint: url, clientNotificationToken: TOKEN, responseContent: CONTENT }
}

function failed(result: NotificationDelivery): AuthleteNotificationError {
  if (result.delivered) throw new Error(`expected a failure, got ${result.status}`)
  return result.error
}

/** A connector that records what it was asked to connect to and refuses: nothing leaves the machine. */
function refusingConnector() {
  const targets: buildConnector.Options[] = []
  const connector: buildConnector.connector = (options, callback) => {
    targets.push(options)
    callback(
      Object.assign(new Error(`connect ECONNREFUSED ${options.hostname}`), { code: 'ECONNREFUSED' }),
      null,
    )
  }
  return { connector, targets }
}

function answering(...addresses: string[]) {
  const names: string[] = []
  const lookup: NotificationLookup = async (hostname) => {
    names.push(hostname)
    return addresses.map((address) => ({ address, family: net.isIP(address) }))
  }
  return { lookup, names }
}

describe('a delivery', () => {
  it('POSTs responseContent as JSON with the bearer token, to the path and query as registered', async () => {
    const server = await endpoint(204)
    const result = await deliverClientNotification(notification(`${server.url}/cb?client=1`), LOCAL)
    expect(result).toEqual({ delivered: true, status: 204, attempts: 1 })
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/cb?client=1')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request?.body).toBe(CONTENT)
  })

  it.each([200, 202, 204])('any 2xx is delivered: %i', async (status) => {
    const server = await endpoint(status)
    expect(await deliverClientNotification(notification(`${server.url}/cb`), LOCAL)).toEqual({
      delivered: true,
      status,
      attempts: 1,
    })
  })

  it.each([400, 401, 404, 500])('another status is a failure, not repeated: %i', async (status) => {
    const server = await endpoint(status)
    const error = failed(await deliverClientNotification(notification(`${server.url}/cb`), LOCAL))
    expect(error).toBeInstanceOf(AuthleteNotificationError)
    expect(error).toBeInstanceOf(AuthleteError)
    expect(error).toMatchObject({
      code: 'AUTHLETE_NOTIFICATION_FAILED',
      reason: 'status',
      status,
      attempts: 1,
      method: 'POST',
      url: `${server.url}/cb`,
    })
    expect(isAuthleteError(error, 'AUTHLETE_NOTIFICATION_FAILED')).toBe(true)
    expect(server.requests).toHaveLength(1)
  })

  it('a redirect is never followed: reason redirect, and its target receives nothing', async () => {
    const target = await endpoint(204)
    const redirecting = await endpoint(302, { location: `${target.url}/elsewhere` })
    const error = failed(await deliverClientNotification(notification(`${redirecting.url}/cb`), LOCAL))
    expect(error).toMatchObject({ reason: 'redirect', status: 302 })
    expect(redirecting.requests).toHaveLength(1)
    expect(target.requests).toHaveLength(0)
    expect(target.connections()).toBe(0)
  })

  it("a redirect is not followed through a dispatcher composed with undici's redirect interceptor", async () => {
    const target = await endpoint(204)
    const server = await endpoint(307, { location: `${target.url}/elsewhere` })
    const dispatcher = createNotificationDispatcher({ allowPrivateNetwork: true }).compose(
      interceptors.redirect({ maxRedirections: 3 }),
    )
    try {
      const error = failed(
        await deliverClientNotification(notification(`${server.url}/cb`), {
          allowInsecureHttp: true,
          dispatcher,
        }),
      )
      expect(error).toMatchObject({ reason: 'redirect', status: 307 })
      expect(target.requests).toEqual([])
    } finally {
      await dispatcher.close()
    }
  })

  it('the error shows the endpoint without userinfo or query, and never the token', async () => {
    const server = await endpoint(500)
    const withSecrets = server.url.replace('http://', 'http://user:pw@')
    const error = failed(await deliverClientNotification(notification(`${withSecrets}/cb?k=${TOKEN}`), LOCAL))
    expect(error.url).toBe(`${server.url}/cb`)
    expect(server.requests[0]?.url).toBe(`/cb?k=${TOKEN}`)
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`) // userinfo not sent
    expectNoToken(error)
  })
})

describe('refused before anything is sent', () => {
  it('plain http: without allowInsecureHttp', async () => {
    const server = await endpoint(204)
    const error = failed(
      await deliverClientNotification(notification(`${server.url}/cb`), { allowPrivateNetwork: true }),
    )
    expect(error).toMatchObject({ reason: 'insecure-url', url: `${server.url}/cb` })
    expect(server.connections()).toBe(0)
  })

  it.each(['ftp://127.0.0.1/cb', 'not a url', 'javascript:alert(1)'])(
    '%j is not an https: URL',
    async (url) => {
      const error = failed(await deliverClientNotification(notification(url), LOCAL))
      expect(error.reason).toBe('insecure-url')
    },
  )

  it('a loopback endpoint without allowPrivateNetwork: not even a connection', async () => {
    const server = await endpoint(204)
    const error = failed(
      await deliverClientNotification(notification(`${server.url}/cb`), { allowInsecureHttp: true }),
    )
    // Nothing was sent: no attempt is counted.
    expect(error).toMatchObject({ reason: 'refused-address', attempts: 0 })
    expect(error.cause).toBeInstanceOf(Error)
    expect(String((error.cause as Error).message)).toContain('127.0.0.1 is not a public address (loopback)')
    expect(server.connections()).toBe(0)
  })

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '192.168.0.10',
    '100.64.0.1',
    '169.254.169.254',
    '169.254.1.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
  ])('a host name that resolves to %s (by default)', async (address) => {
    const { lookup, names } = answering(address)
    const { connector, targets } = refusingConnector()
    const error = failed(
      await deliverClientNotification(notification('https://client.example/cb'), { lookup, connector }),
    )
    expect(error.reason).toBe('refused-address')
    expect(names).toEqual(['client.example'])
    expect(targets).toEqual([]) // never asked to connect
  })

  it.each([
    'https://127.0.0.1/cb',
    'https://10.0.0.1/cb',
    'https://[::1]/cb',
    'https://[::ffff:7f00:1]/cb',
    'https://[fd00:ec2::254]/cb',
    'https://2130706433/cb', // 127.0.0.1, as the URL parser reads it
    'https://0x7f.1/cb',
  ])('an IP literal: %s (no lookup either)', async (url) => {
    const { lookup, names } = answering('93.184.216.34')
    const { connector, targets } = refusingConnector()
    const error = failed(await deliverClientNotification(notification(url), { lookup, connector }))
    expect(error.reason).toBe('refused-address')
    expect(names).toEqual([])
    expect(targets).toEqual([])
  })

  it('a name that mixes public and private answers is refused as a whole', async () => {
    const { lookup } = answering('93.184.216.34', '10.0.0.7')
    const { connector, targets } = refusingConnector()
    const error = failed(
      await deliverClientNotification(notification('https://client.example/cb'), { lookup, connector }),
    )
    expect(error.reason).toBe('refused-address')
    expect(targets).toEqual([])
  })

  it('a public answer is connected to as that very address (pinned), with the name for TLS', async () => {
    const { lookup } = answering('93.184.216.34', '2606:4700:4700::1111')
    const { connector, targets } = refusingConnector()
    const error = failed(
      await deliverClientNotification(notification('https://client.example:8443/cb'), {
        lookup,
        connector,
        attempts: 1,
      }),
    )
    expect(error).toMatchObject({ reason: 'network', causeCode: 'ECONNREFUSED', mayHaveBeenProcessed: false })
    // Both addresses tried in order, each as an IP: a second DNS answer cannot differ from the checked one.
    expect(
      targets.map(({ hostname, servername, port, protocol }) => ({ hostname, servername, port, protocol })),
    ).toEqual([
      { hostname: '93.184.216.34', servername: 'client.example', port: '8443', protocol: 'https:' },
      { hostname: '2606:4700:4700::1111', servername: 'client.example', port: '8443', protocol: 'https:' },
    ])
  })

  it('the address the socket actually reached is checked before a byte is written', async () => {
    // DNS says public; the connector (standing for anything between) lands on loopback instead.
    const server = await endpoint(204)
    const { lookup } = answering('93.184.216.34')
    const reached: string[] = []
    const connector: buildConnector.connector = (options, callback) => {
      reached.push(options.hostname)
      const socket = net.connect(server.port, '127.0.0.1')
      socket.once('connect', () => callback(null, socket))
      socket.once('error', (error) => callback(error, null))
    }
    const error = failed(
      await deliverClientNotification(notification('http://client.example/cb'), {
        allowInsecureHttp: true,
        lookup,
        connector,
      }),
    )
    expect(error.reason).toBe('refused-address')
    expect(String((error.cause as Error).message)).toContain('client.example resolves to 127.0.0.1')
    expect(reached).toEqual(['93.184.216.34'])
    // The refused socket is destroyed: once the server saw it close, whatever it carried has arrived.
    await vi.waitFor(() => expect(server.closed()).toBe(1), { timeout: 2000, interval: 5 })
    expect(server.connections()).toBe(1)
    expect(server.requests).toHaveLength(0)
  })

  it('allowPrivateNetwork lets a host name that resolves to loopback through, still pinned', async () => {
    const server = await endpoint(204)
    const { lookup, names } = answering('127.0.0.1')
    const result = await deliverClientNotification(notification(`http://client.test:${server.port}/cb`), {
      ...LOCAL,
      lookup,
    })
    expect(result).toEqual({ delivered: true, status: 204, attempts: 1 })
    expect(names).toEqual(['client.test'])
    expect(server.requests[0]?.headers.host).toBe(`client.test:${server.port}`)
  })

  it('createNotificationDispatcher refuses an unknown option, naming the closest one', () => {
    expect(() => createNotificationDispatcher({ allowPrivateNetwrk: true } as never)).toThrow(
      /allowPrivateNetwrk.*did you mean "allowPrivateNetwork"/,
    )
    // A per-delivery option is not the dispatcher's.
    expect(() => createNotificationDispatcher({ allowInsecureHttp: true } as never)).toThrow(
      AuthleteInputError,
    )
    expect(() => createNotificationDispatcher({ lookup: 'dns' } as never)).toThrow(
      /lookup: must be a function/,
    )
  })

  it('a shared dispatcher from createNotificationDispatcher keeps the check', async () => {
    const server = await endpoint(204)
    const dispatcher = createNotificationDispatcher()
    try {
      const error = failed(
        await deliverClientNotification(notification(`${server.url}/cb`), {
          allowInsecureHttp: true,
          dispatcher,
        }),
      )
      expect(error.reason).toBe('refused-address')
      expect(server.connections()).toBe(0)
    } finally {
      await dispatcher.close()
    }
  })
})

describe('a delivery that gave up connects no more', () => {
  /** A connector that records each connect and leaves it pending until the test answers it. */
  function heldConnector() {
    const held: Array<{ hostname: string; callback: buildConnector.Callback }> = []
    const connector: buildConnector.connector = (options, callback) => {
      held.push({ hostname: options.hostname, callback })
    }
    return { connector, held }
  }
  const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  const HOST_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']

  it.each([
    ['its own dispatcher', false],
    ['a shared createNotificationDispatcher', true],
  ])(
    'through %s: a connect that fails after the deadline does not lead to the next address',
    async (_name, shared) => {
      const { lookup } = answering(...HOST_ADDRESSES)
      const { connector, held } = heldConnector()
      const dispatcher = shared
        ? createNotificationDispatcher({ allowPrivateNetwork: true, lookup, connector })
        : undefined
      const error = failed(
        await deliverClientNotification(notification('http://client.test/cb'), {
          ...LOCAL,
          lookup,
          connector,
          dispatcher,
          timeoutMs: 50,
        }),
      )
      expect(error).toMatchObject({ reason: 'timeout', attempts: 1 })
      expect(held.map((h) => h.hostname)).toEqual(['127.0.0.2'])
      // The connect in flight at the deadline is refused afterwards: the host's next address is not tried.
      held[0]?.callback(refused(), null)
      expect(held).toHaveLength(1)
      await dispatcher?.close()
    },
  )

  it('a socket that the connector hands over after the deadline is destroyed, never used', async () => {
    const server = await endpoint(204)
    const { lookup } = answering('127.0.0.1')
    const { connector, held } = heldConnector()
    const dispatcher = createNotificationDispatcher({ allowPrivateNetwork: true, lookup, connector })
    const error = failed(
      await deliverClientNotification(notification(`http://client.test:${server.port}/cb`), {
        ...LOCAL,
        dispatcher,
        timeoutMs: 50,
      }),
    )
    expect(error.reason).toBe('timeout')
    const socket = net.connect(server.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    held[0]?.callback(null, socket)
    expect(socket.destroyed).toBe(true)
    expect(server.requests).toHaveLength(0)
    await dispatcher.close()
  })
})

describe('what is repeated, within the deadline', () => {
  it('a refused connection (nothing sent) is repeated', async () => {
    const server = await endpoint(204)
    let refusals = 0
    const real = realConnector({})
    const connector: buildConnector.connector = (options, callback) => {
      if (refusals++ === 0) {
        return callback(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null)
      }
      real(options, callback)
    }
    const result = await deliverClientNotification(notification(`${server.url}/cb`), { ...LOCAL, connector })
    expect(result).toEqual({ delivered: true, status: 204, attempts: 2 })
    expect(server.requests).toHaveLength(1)
  })

  it('a port nobody listens on: attempts, then reason network ECONNREFUSED', async () => {
    const port = await closedPort()
    const error = failed(
      await deliverClientNotification(notification(`http://127.0.0.1:${port}/cb`), { ...LOCAL, attempts: 2 }),
    )
    expect(error).toMatchObject({ reason: 'network', causeCode: 'ECONNREFUSED', attempts: 2 })
  })

  it('503 with Retry-After: 0, then 204: delivered on the second attempt', async () => {
    let calls = 0
    const server = await startLoopback((_request, res) => {
      res.writeHead(calls++ === 0 ? 503 : 204, calls === 1 ? { 'retry-after': '0' } : {})
      res.end()
    })
    servers.push(server)
    const result = await deliverClientNotification(notification(`${server.url}/cb`), LOCAL)
    expect(result).toEqual({ delivered: true, status: 204, attempts: 2 })
    expect(server.requests.map((request) => request.body)).toEqual([CONTENT, CONTENT])
  })

  it('a 200 with a large body is delivered: the status is the answer, the body is not kept', async () => {
    const server = await startLoopback((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('x'.repeat(1_000_000))
    })
    servers.push(server)
    const result = await deliverClientNotification(notification(`${server.url}/cb`), LOCAL)
    expect(result).toEqual({ delivered: true, status: 200, attempts: 1 })
  })

  it('a 200 whose body is cut off is delivered: the status is the answer', async () => {
    const server = await startLoopback((_request, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('0123456789')
      setImmediate(() => res.socket?.destroy())
    })
    servers.push(server)
    const result = await deliverClientNotification(notification(`${server.url}/cb`), LOCAL)
    expect(result).toEqual({ delivered: true, status: 200, attempts: 1 })
  })

  it('a 200 whose body never ends is delivered at its status, within the deadline', async () => {
    const server = await startLoopback((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('x') // and nothing more
    })
    servers.push(server)
    const result = await deliverClientNotification(notification(`${server.url}/cb`), {
      ...LOCAL,
      timeoutMs: 2000,
    })
    expect(result).toEqual({ delivered: true, status: 200, attempts: 1 })
  })

  it('a 503 with Retry-After: 0 whose body is cut off while the repeat is out: the repeat is answered', async () => {
    let first: import('node:net').Socket | undefined
    const server = await startLoopback((request, res) => {
      if (first === undefined) {
        first = request.socket
        res.writeHead(503, { 'retry-after': '0', 'content-length': '100' })
        res.write('0123456789')
        return
      }
      // The first answer's connection breaks while the repeat waits for its own answer.
      first.destroy()
      setTimeout(() => {
        res.writeHead(204)
        res.end()
      }, 50)
    })
    servers.push(server)
    const result = await deliverClientNotification(notification(`${server.url}/cb`), LOCAL)
    expect(result).toEqual({ delivered: true, status: 204, attempts: 2 })
  })

  it('a 500 with a large error page fails with its status, and is not repeated', async () => {
    const server = await startLoopback((_request, res) => {
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end(`<html>${'x'.repeat(100_000)}</html>`)
    })
    servers.push(server)
    const error = failed(await deliverClientNotification(notification(`${server.url}/cb`), LOCAL))
    expect(error).toMatchObject({ reason: 'status', status: 500, attempts: 1, mayHaveBeenProcessed: true })
    expect(server.requests).toHaveLength(1)
  })

  it('deliveries through one shared dispatcher reuse its kept-alive connections', async () => {
    const server = await endpoint(204)
    const dispatcher = createNotificationDispatcher({ allowPrivateNetwork: true })
    try {
      for (let i = 0; i < 6; i++) {
        const result = await deliverClientNotification(notification(`${server.url}/cb`), {
          allowInsecureHttp: true,
          dispatcher,
        })
        expect(result).toEqual({ delivered: true, status: 204, attempts: 1 })
      }
    } finally {
      await dispatcher.close()
    }
    expect(server.requests).toHaveLength(6)
    // undici's pool may open a second connection while the first is being released; no more.
    expect(new Set(server.requests.map((request) => request.socket)).size).toBeLessThanOrEqual(2)
  })

  it('429 whose Retry-After ends past the deadline: fails at once with the status', async () => {
    const server = await endpoint(429, { 'retry-after': '30' })
    const started = Date.now()
    const error = failed(
      await deliverClientNotification(notification(`${server.url}/cb`), { ...LOCAL, timeoutMs: 2000 }),
    )
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toMatchObject({ reason: 'status', status: 429, attempts: 1 })
    expect(server.requests).toHaveLength(1)
  })

  it('an endpoint that never answers: reason timeout at the deadline', async () => {
    const server = await startLoopback(() => {}) // holds every request
    servers.push(server)
    const started = Date.now()
    const error = failed(
      await deliverClientNotification(notification(`${server.url}/cb`), { ...LOCAL, timeoutMs: 200 }),
    )
    const elapsed = Date.now() - started
    // Written, then no answer: the client may have it.
    expect(error).toMatchObject({ reason: 'timeout', attempts: 1, mayHaveBeenProcessed: true })
    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(1500)
    expect(server.requests).toHaveLength(1) // sent once, never repeated
  })
})

describe('the notification token appears nowhere', () => {
  it('not in a failure whose cause chain names it (a connector echoing it, standing for any library)', async () => {
    const connector: buildConnector.connector = (_options, callback) => {
      const inner = new Error(`socket hang up; Authorization: Bearer ${TOKEN}`)
      callback(
        Object.assign(new Error(`request failed for ${TOKEN}`, { cause: inner }), { code: 'EPROTO' }),
        null,
      )
    }
    const error = failed(
      await deliverClientNotification(notification('http://127.0.0.1:1/cb'), { ...LOCAL, connector }),
    )
    expect(error).toMatchObject({ reason: 'network', causeCode: 'EPROTO' })
    expect((error.cause as Error).message).toBe('request failed for [REDACTED]')
    expectNoToken(error)
  })

  it('not in a timeout, a redirect, a refused address', async () => {
    const hold = await startLoopback(() => {})
    servers.push(hold)
    const redirect = await endpoint(307, { location: 'https://elsewhere.example/' })
    for (const [url, options] of [
      [`${hold.url}/cb`, { ...LOCAL, timeoutMs: 100 }],
      [`${redirect.url}/cb`, LOCAL],
      [`${redirect.url}/cb`, { allowInsecureHttp: true }],
    ] as const) {
      expectNoToken(failed(await deliverClientNotification(notification(url), options)))
    }
  })
})

describe('options', () => {
  it.each([
    // deliverClientNotification's own options: named as given (complete's are notification.*).
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
    [{ attempts: 0 }, 'attempts'],
    [{ attempts: 11 }, 'attempts'],
    [{ lookup: 'dns' }, 'lookup'],
    [{ timeout: 5 }, 'timeout'],
  ])('%j is refused before anything is sent, naming %s', async (options, field) => {
    const error = await deliverClientNotification(
      notification('https://client.example/cb'),
      options as never,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteInputError)
    expect((error as AuthleteInputError).field).toBe(field)
  })

  it('no token: no Authorization header (the client will refuse it, as it should)', async () => {
    const server = await endpoint(401)
    const { clientNotificationToken: _token, ...anonymous } = notification(`${server.url}/cb`)
    const error = failed(await deliverClientNotification(anonymous, LOCAL))
    expect(error.status).toBe(401)
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })
})

function expectNoToken(error: AuthleteNotificationError) {
  const texts = [error.message, String(error.stack), JSON.stringify(error), inspect(error, { depth: 10 })]
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    texts.push(cause.message, String(cause.stack), inspect(cause, { depth: 10 }))
  }
  for (const text of texts) expect(text).not.toContain(TOKEN)
}
