import { describe, expect, it } from 'vitest'
import { USAGE } from '../../cli/main.js'
import { AUTHLETE_CALLS, kebabCase } from '../../src/operations/table.js'
import { expectNoSecret, run, V3_ENV } from '../helpers/cli.js'

const HELP = 'Run "authlete-ciba --help" for every command and option.\n'
const ISSUE = 'Usage: authlete-ciba backchannel-issue <ticket>\n'

describe('a usage error names what is wrong, in one line, with the usage line and where help is', () => {
  it.each([
    [
      'two words after "--" (an option put after it)',
      ['backchannel-issue', '--', '-t', '--stand-in'],
      'backchannel-issue takes one <ticket>, got 2: "-t" and "--stand-in" (after "--" every word is an argument: put the options before it)\n' +
        ISSUE,
    ],
    [
      'two tickets',
      ['backchannel-issue', 'a', 'b'],
      `backchannel-issue takes one <ticket>, got 2: "a" and "b"\n${ISSUE}`,
    ],
    [
      'issue without its ticket',
      ['backchannel-issue'],
      `backchannel-issue needs <ticket> (the ticket of backchannel-authentication's answer)\n${ISSUE}`,
    ],
    [
      'authenticate without its parameters',
      ['backchannel-authentication'],
      "backchannel-authentication needs <parameters> (the client's request body, e.g. 'scope=openid&login_hint=john')\n" +
        'Usage: authlete-ciba backchannel-authentication <parameters> [--client-id ID] [--client-certificate FILE]\n',
    ],
    [
      'fail without --reason',
      ['backchannel-fail', 't'],
      'backchannel-fail needs --reason (e.g. UNKNOWN_USER_ID)\n' +
        'Usage: authlete-ciba backchannel-fail <ticket> --reason REASON [--error-description TEXT] [--error-uri URI]\n',
    ],
    [
      'complete without --subject',
      ['backchannel-complete', 't', '--result', 'AUTHORIZED'],
      "backchannel-complete needs --subject (the user's subject)\n" +
        'Usage: authlete-ciba backchannel-complete <ticket> --result RESULT --subject SUBJECT [--auth-time S] [--acr ACR] [--claims JSON] [--scopes "a b"] [--error-description TEXT] [--error-uri URI]\n',
    ],
    [
      'a misspelt flag: the closest one',
      ['backchannel-issue', 't', '--jsn'],
      `unknown option --jsn (did you mean "--json"?)\n${ISSUE}`,
    ],
    [
      'a misspelt flag with a value',
      ['backchannel-issue', 't', '--timout', '500'],
      `unknown option --timout (did you mean "--timeout"?)\n${ISSUE}`,
    ],
    ['a misspelt flag before any command', ['--jsn'], 'unknown option --jsn (did you mean "--json"?)\n'],
    [
      'an unknown flag with nothing close',
      ['backchannel-issue', 't', '--bogus'],
      `unknown option --bogus\n${ISSUE}`,
    ],
    ['an unknown short flag', ['backchannel-issue', 't', '-x'], `unknown option -x\n${ISSUE}`],
    ['a misspelt command', ['isue', 't'], 'unknown command "isue" (did you mean "backchannel-issue"?)\n'],
    [
      'an unknown command',
      ['nope', 'x'],
      'unknown command "nope": the commands are backchannel-authentication, backchannel-issue, backchannel-fail, backchannel-complete, token, token-issue, token-fail, userinfo, userinfo-issue, introspection, introspection-standard, revocation, service-configuration, service-jwks, stand-in and vapid-keys\n',
    ],
    [
      'no command',
      [],
      'no command: give one of backchannel-authentication, backchannel-issue, backchannel-fail, backchannel-complete, token, token-issue, token-fail, userinfo, userinfo-issue, introspection, introspection-standard, revocation, service-configuration, service-jwks, stand-in or vapid-keys\n',
    ],
    [
      'a flag without its value',
      ['backchannel-issue', 't', '--base-url'],
      `--base-url needs a value\n${ISSUE}`,
    ],
    [
      'a flag whose value looks like a flag',
      ['backchannel-issue', 't', '--base-url', '--json'],
      `--base-url needs a value, got "--json" (write --base-url=--json if that is the value)\n${ISSUE}`,
    ],
    ['a value for a switch', ['backchannel-issue', 't', '--json=yes'], `--json takes no value\n${ISSUE}`],
    [
      'a flag of another command',
      ['backchannel-issue', 't', '--reason', 'X'],
      `--reason does not apply to "backchannel-issue"\n${ISSUE}`,
    ],
    [
      'a call flag for the stand-in',
      ['stand-in', '--json'],
      '--json does not apply to "stand-in"\nUsage: authlete-ciba stand-in [--port N] [--client-id ID] [--issuer URL]\n',
    ],
    [
      'a port out of range',
      ['stand-in', '--port', '70000'],
      '--port must be a port number (0 to 65535)\nUsage: authlete-ciba stand-in [--port N] [--client-id ID] [--issuer URL]\n',
    ],
    [
      'control characters in what is quoted back are escaped',
      ['\u001b]0;x\u0007'],
      'unknown command "\\u001b]0;x\\u0007": the commands are backchannel-authentication, backchannel-issue, backchannel-fail, backchannel-complete, token, token-issue, token-fail, userinfo, userinfo-issue, introspection, introspection-standard, revocation, service-configuration, service-jwks, stand-in and vapid-keys\n',
    ],
  ])('%s', async (_what, args, message) => {
    const result = await run(args, V3_ENV)
    expect(result).toEqual({ code: 1, stdout: '', stderr: `authlete-ciba: ${message}${HELP}` })
  })

  it('never the whole help: three lines at most', async () => {
    for (const args of [
      ['backchannel-issue'],
      ['backchannel-issue', 't', '--jsn'],
      ['nope'],
      ['backchannel-complete', 't', '--subject', 's'],
    ]) {
      const { stderr } = await run(args, V3_ENV)
      expect(stderr.split('\n').length - 1).toBeLessThanOrEqual(3)
      expect(stderr).not.toContain('Exit codes')
    }
  })
})

describe('usage and configuration errors', () => {
  it.each([
    [['backchannel-issue'], {}, 'backchannel-issue needs <ticket>'],
    [['backchannel-issue', 'a', 'b'], V3_ENV, 'backchannel-issue takes one <ticket>, got 2'],
    [['nope', 'x'], V3_ENV, 'unknown command "nope"'],
    [['backchannel-issue', 't', '--bogus'], V3_ENV, 'unknown option --bogus'],
    [
      ['backchannel-issue', 't'],
      {},
      'set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (API v3) or AUTHLETE_API_KEY + AUTHLETE_API_SECRET (API v2)',
    ],
    [['backchannel-issue', 't', '--region', 'mars'], V3_ENV, 'check --region or AUTHLETE_REGION'],
    [['backchannel-issue', 't', '--region', 'mars'], V3_ENV, '(must be one of'],
    [['backchannel-issue', 't', '--timeout', 'soon'], V3_ENV, 'check --timeout (milliseconds)'],
    [
      ['backchannel-issue', 't', '--region', 'jp', '--base-url', 'https://x.example'],
      V3_ENV,
      'give --region or --base-url, not both',
    ],
    [
      ['backchannel-issue', 't', '--base-url', 'http://authlete.example'],
      V3_ENV,
      'needs --allow-insecure-http',
    ],
    [['backchannel-issue', 't', '--reason', 'X'], V3_ENV, '--reason does not apply to "backchannel-issue"'],
    [
      ['backchannel-authentication', 'scope=openid', '--client-certificate', '/nonexistent/cert.pem'],
      V3_ENV,
      '--client-certificate: cannot read /nonexistent/cert.pem (ENOENT)',
    ],
    [['backchannel-fail', 't'], V3_ENV, 'backchannel-fail needs --reason'],
    [['backchannel-complete', 't', '--result', 'AUTHORIZED'], V3_ENV, 'backchannel-complete needs --subject'],
    [['backchannel-complete', 't', '--subject', 's'], V3_ENV, 'backchannel-complete needs --result'],
    [
      ['backchannel-complete', 't', '--result', 'AUTHORIZED', '--subject', 's', '--auth-time', 'now'],
      V3_ENV,
      '--auth-time must be a number of seconds since the epoch',
    ],
  ])('usage or configuration error %j: exit 1', async (args, env, words) => {
    const result = await run(args, env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(words)
    expectNoSecret(result)
  })

  it('a configuration error says what to set, exactly, without the usage', async () => {
    expect(await run(['backchannel-issue', 't'], {})).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'authlete-ciba: set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (API v3) or AUTHLETE_API_KEY + AUTHLETE_API_SECRET (API v2): one of the two; or try --stand-in\n',
    })
  })

  it("a configuration error speaks of variables and flags only, never of the library's option names", async () => {
    const none = await run(['backchannel-issue', 't'], {})
    const insecure = await run(['backchannel-issue', 't', '--base-url', 'http://authlete.example'], V3_ENV)
    for (const result of [none, insecure]) {
      expect(result.code).toBe(1)
      expect(result.stderr).not.toMatch(/serviceId|accessToken|apiKey|apiSecret|allowInsecureHttp|baseUrl/)
    }
    expect(insecure.stderr).toContain('--allow-insecure-http')
  })

  it('a ticket that starts with "-" is taken after "--", as --help says', async () => {
    const help = await run(['--help'])
    expect(help.stdout).toContain('A ticket that starts with "-" goes after "--"')
    const result = await run(['backchannel-issue', '--stand-in', '--json', '--', '-8v6PSYU9xFX4'])
    expect(JSON.parse(result.stdout).action).toBe('INVALID_TICKET')
  })

  it('--help names each call with its method and path, under its command', async () => {
    const help = (await run(['--help'])).stdout
    for (const { name, method, path } of AUTHLETE_CALLS) {
      const verb = method === 'GET' ? 'GET ' : ''
      expect(help).toMatch(new RegExp(`\\n  ${kebabCase(name)}\\n    ${verb}${path}[: ]`))
    }
  })

  it('--help and --version exit 0', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('authlete-ciba backchannel-issue <ticket>')
    expect(help.stdout).toContain('authlete-ciba backchannel-authentication <parameters>')
    expect(help.stdout).toContain('authlete-ciba backchannel-fail <ticket> --reason REASON')
    expect(help.stdout).toContain(
      'authlete-ciba backchannel-complete <ticket> --result RESULT --subject SUBJECT',
    )
    expect(help.stdout).toContain('authlete-ciba service-configuration\n')
    expect(help.stdout).toContain('authlete-ciba service-jwks\n')
    expect(help.stdout).toContain('authlete-ciba stand-in [--port N] [--client-id ID] [--issuer URL]')
    const version = await run(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('--help lists each command of the table, its usage line and what it calls', () => {
    expect(USAGE).toMatch(
      /^Usage: authlete-ciba backchannel-authentication <parameters> \[--client-id ID\] \[--client-certificate FILE\]\n {7}authlete-ciba backchannel-issue <ticket>\n/,
    )
    expect(USAGE).toContain(
      '       authlete-ciba backchannel-complete <ticket> --result RESULT --subject SUBJECT [--auth-time S] [--acr ACR]\n' +
        '                     [--claims JSON] [--scopes "a b"] [--error-description TEXT] [--error-uri URI]\n',
    )
    expect(USAGE).toContain(
      "  backchannel-complete\n    /backchannel/authentication/complete: the user's decision (AUTHORIZED, ACCESS_DENIED,\n" +
        '    TRANSACTION_FAILED); shows the notification to deliver, without delivering it\n',
    )
    expect(USAGE).toContain(
      '       authlete-ciba token <parameters> [--client-id ID] [--dpop PROOF] [--htu URL]\n',
    )
    // The exit codes name each row's expected actions, token's included.
    expect(USAGE).toContain(
      'token\nOK or ID_TOKEN_REISSUABLE, token-issue OK, token-fail BAD_REQUEST, userinfo OK, userinfo-issue JSON\nor JWT, introspection OK, introspection-standard OK or JWT, revocation OK, service-configuration\nany, service-jwks any)',
    )
  })

  it.each([
    ['authenticate', 'backchannel-authentication', ['scope=openid&login_hint=john']],
    ['issue', 'backchannel-issue', ['t']],
    ['fail', 'backchannel-fail', ['t', '--reason', 'UNKNOWN_USER_ID']],
    ['complete', 'backchannel-complete', ['t', '--result', 'ACCESS_DENIED', '--subject', 's']],
  ])(
    'the name of before the first release, %s, still runs %s, and says it is deprecated',
    async (old, name, rest) => {
      const renamed = await run([old, ...rest, '--stand-in', '--json'])
      const current = await run([name, ...rest, '--stand-in', '--json'])
      expect(renamed.code).toBe(current.code)
      expect(Object.keys(JSON.parse(renamed.stdout))).toEqual(Object.keys(JSON.parse(current.stdout)))
      expect(renamed.stderr).toBe(`authlete-ciba: "${old}" is deprecated: it is now "${name}"\n`)
      expect(current.stderr).toBe('')
    },
  )
})
