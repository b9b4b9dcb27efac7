import net, { type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { expectNoSecret, run, start, V3_ENV } from '../helpers/cli.js'
import { closedPort } from '../helpers/loopback.js'

describe('authlete-ciba --stand-in', () => {
  it('backchannel-authentication runs against the embedded simulator with no credentials: USER_IDENTIFICATION, exit 0', async () => {
    const result = await run(['backchannel-authentication', 'scope=openid&login_hint=john', '--stand-in'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Authlete http:\/\/127\.0\.0\.1:\d+ \(API v3\)\n/)
    expect(result.stdout).toContain('  action             USER_IDENTIFICATION\n')
    expect(result.stdout).toContain('  clientIdAlias      stand-in-client\n')
    expect(result.stdout).toContain('  clientAuthMethod   CLIENT_SECRET_BASIC\n')
  })

  it('backchannel-issue and backchannel-complete answer as Authlete does for a ticket it does not know (a fresh service each run)', async () => {
    const issue = await run(['backchannel-issue', 'other-runs-ticket', '--stand-in', '--json'])
    expect(issue.code).toBe(2)
    expect(JSON.parse(issue.stdout).action).toBe('INVALID_TICKET')
    const complete = await run([
      'backchannel-complete',
      't',
      '--result',
      'AUTHORIZED',
      '--subject',
      'john',
      '--stand-in',
      '--json',
    ])
    expect(complete.code).toBe(2)
    expect(JSON.parse(complete.stdout).action).toBe('SERVER_ERROR')
  })

  it('refuses --stand-in with --base-url', async () => {
    const result = await run(['backchannel-issue', 't', '--stand-in', '--base-url', 'https://x.example'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('give --stand-in, or --base-url / --region, not both')
  })
})

describe('authlete-ciba --stand-in with AUTHLETE_* variables set', () => {
  it('says on stderr which it ignores, and calls its own service anyway', async () => {
    const result = await run(['backchannel-issue', 't', '--stand-in', '--json'], {
      ...V3_ENV,
      AUTHLETE_API_KEY: '5593494639',
      AUTHLETE_BASE_URL: 'https://authlete.example',
      AUTHLETE_REGION: 'jp',
    })
    expect(result.stderr).toBe(
      'authlete-ciba: --stand-in ignores AUTHLETE_SERVICE_ID, AUTHLETE_ACCESS_TOKEN, AUTHLETE_API_KEY, AUTHLETE_BASE_URL, AUTHLETE_REGION: it calls its own simulated service\n',
    )
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout).action).toBe('INVALID_TICKET')
    expectNoSecret(result)
  })

  it('says nothing of AUTHLETE_CLIENT_SECRET, which it uses as its client secret, nor of empty variables', async () => {
    const result = await run(
      ['backchannel-authentication', 'scope=openid&login_hint=john', '--stand-in', '--json'],
      {
        AUTHLETE_CLIENT_SECRET: 'my-client-secret',
        AUTHLETE_SERVICE_ID: '',
      },
    )
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout).action).toBe('USER_IDENTIFICATION')
  })
})

/** `authlete-ciba stand-in` in this process, and its URL once it printed it. */
async function serve(args: string[] = [], env: Record<string, string> = {}) {
  const running = start(['stand-in', ...args], env)
  const [, url = ''] = await running.waitFor(/^Authlete stand-in at (http:\/\/127\.0\.0\.1:\d+):/m)
  return { running, url }
}

/** Whether something accepts connections on `url`'s port. */
function listening(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('authlete-ciba stand-in', () => {
  it('prints its URL, the --base-url and the variables to use, then serves until stopped', async () => {
    const { running, url } = await serve()
    try {
      expect(running.stdout).toBe(
        [
          `Authlete stand-in at ${url}: a simulated service with one client, stand-in-client (secret stand-in-secret, poll mode)`,
          `Give the other commands --base-url ${url} and any service credentials, e.g.`,
          '  export AUTHLETE_SERVICE_ID=715948317 AUTHLETE_ACCESS_TOKEN=stand-in-token AUTHLETE_CLIENT_SECRET=stand-in-secret',
          `  authlete-ciba backchannel-authentication 'scope=openid&login_hint=john' --client-id stand-in-client --base-url ${url}`,
          'It keeps its state until it stops (Ctrl-C).',
          '',
        ].join('\n'),
      )
      expect(running.stderr).toBe('')
      expect(await listening(url)).toBe(true)
    } finally {
      const stopped = await running.stop()
      expect(stopped).toMatchObject({ code: 0, stderr: 'authlete-ciba: stand-in stopped\n' })
    }
    expect(await listening(url)).toBe(false)
  })

  it('one service for a whole login: backchannel-authentication → backchannel-issue → backchannel-complete, as its lines say', async () => {
    const { running, url } = await serve()
    const env = {
      AUTHLETE_SERVICE_ID: '715948317',
      AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
      AUTHLETE_CLIENT_SECRET: 'stand-in-secret',
    }
    try {
      const common = ['--json', '--base-url', url]
      const authentication = await run(
        [
          'backchannel-authentication',
          'scope=openid&login_hint=john',
          '--client-id',
          'stand-in-client',
          ...common,
        ],
        env,
      )
      expect(authentication.code).toBe(0)
      const { ticket } = JSON.parse(authentication.stdout) as { ticket: string }
      const issue = await run(['backchannel-issue', ...common, '--', ticket], env)
      expect(issue.code).toBe(0)
      const { authReqId } = JSON.parse(issue.stdout) as { authReqId: string }
      const complete = await run(
        ['backchannel-complete', '--result', 'AUTHORIZED', '--subject', 'john', ...common, '--', ticket],
        env,
      )
      expect(complete.code).toBe(0)
      expect(JSON.parse(complete.stdout)).toMatchObject({ action: 'NO_ACTION', authReqId })
      // The ticket is used up, as at Authlete.
      const again = await run(['backchannel-issue', ...common, '--', ticket], env)
      expect(JSON.parse(again.stdout).action).not.toBe('OK')
    } finally {
      await running.stop()
    }
  })

  it('--port: listens there', async () => {
    const port = await closedPort()
    const { running, url } = await serve(['--port', String(port)])
    await running.stop()
    expect(url).toBe(`http://127.0.0.1:${port}`)
  })

  it('a port in use: a usage error naming it, exit 1', async () => {
    const busy = net.createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as AddressInfo
    try {
      expect(await run(['stand-in', '--port', String(port)])).toEqual({
        code: 1,
        stdout: '',
        stderr: `authlete-ciba: the stand-in cannot listen on 127.0.0.1:${port} (EADDRINUSE)\nUsage: authlete-ciba stand-in [--port N] [--client-id ID] [--issuer URL]\nRun "authlete-ciba --help" for every command and option.\n`,
      })
    } finally {
      await new Promise((resolve) => busy.close(resolve))
    }
  })

  it('--client-id and AUTHLETE_CLIENT_SECRET make its client; the secret is never printed', async () => {
    const secret = 'operator-SECRET-4kq9'
    const { running, url } = await serve(['--client-id', 'my-rp'], { AUTHLETE_CLIENT_SECRET: secret })
    try {
      expect(running.stdout).toContain(
        `one client, my-rp (the secret in AUTHLETE_CLIENT_SECRET, poll mode)\n`,
      )
      expect(running.stdout).toContain(
        '  export AUTHLETE_SERVICE_ID=715948317 AUTHLETE_ACCESS_TOKEN=stand-in-token\n',
      )
      expect(running.stdout).toContain(`--client-id my-rp --base-url ${url}\n`)
      const env = { ...V3_ENV, AUTHLETE_CLIENT_SECRET: secret }
      const ok = await run(
        [
          'backchannel-authentication',
          'scope=openid&login_hint=john',
          '--client-id',
          'my-rp',
          '--json',
          '--base-url',
          url,
        ],
        env,
      )
      expect(JSON.parse(ok.stdout).action).toBe('USER_IDENTIFICATION')
      const wrong = await run(
        [
          'backchannel-authentication',
          'scope=openid&login_hint=john',
          '--client-id',
          'my-rp',
          '--json',
          '--base-url',
          url,
        ],
        { ...env, AUTHLETE_CLIENT_SECRET: 'another' },
      )
      expect(JSON.parse(wrong.stdout).action).toBe('UNAUTHORIZED')
    } finally {
      await running.stop()
    }
    expect(running.stdout + running.stderr).not.toContain(secret)
  })
})

describe('authlete-ciba stand-in --issuer', () => {
  it('names the issuer in its discovery document, with its endpoints below it', async () => {
    const { running, url } = await serve(['--issuer', 'http://127.0.0.1:3000'])
    try {
      const result = await run(['service-configuration', '--json', '--base-url', url], {
        AUTHLETE_SERVICE_ID: '715948317',
        AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
      })
      expect(JSON.parse(result.stdout)).toMatchObject({
        issuer: 'http://127.0.0.1:3000',
        token_endpoint: 'http://127.0.0.1:3000/token',
        backchannel_authentication_endpoint: 'http://127.0.0.1:3000/backchannel/authentication',
        jwks_uri: 'http://127.0.0.1:3000/jwks',
      })
    } finally {
      await running.stop()
    }
  })

  it.each(['not a url', 'ftp://as.example', 'https://as.example/?x=1'])('refuses %j', async (issuer) => {
    const result = await run(['stand-in', '--issuer', issuer])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--issuer must be an http(s) URL without a query or fragment')
  })
})
