// `npm start`: one backchannelIssue call, shown end to end. Without AUTHLETE_* credentials in the
// environment it runs against an embedded stand-in Authlete (this package's own mock handlers on a
// loopback port, reached through a real HTTP connection); with them, against the real Authlete.
// Usage: npm start [-- <ticket>]   (the ticket also comes from AUTHLETE_TICKET)
import { startAuthleteStandIn } from '../mocks/index.js'
import { main } from '../src/cli/main.js'

const env = process.env
const hasCredentials = Boolean(env.AUTHLETE_ACCESS_TOKEN || (env.AUTHLETE_API_KEY && env.AUTHLETE_API_SECRET))
const ticket = process.argv[2] ?? env.AUTHLETE_TICKET ?? 'demo-ticket'

if (hasCredentials) {
  console.log('Calling the real Authlete with the AUTHLETE_* credentials from the environment.\n')
  process.exitCode = await main(['issue', ticket], env)
} else {
  const standIn = await startAuthleteStandIn()
  console.log(
    [
      'No AUTHLETE_* credentials in the environment: this demo uses an EMBEDDED STAND-IN Authlete,',
      `not the real service. It serves authlete-ciba/mocks' default handlers at ${standIn.url}.`,
      'Set AUTHLETE_SERVICE_ID + AUTHLETE_ACCESS_TOKEN (or AUTHLETE_API_KEY + AUTHLETE_API_SECRET) to call Authlete.',
      '',
    ].join('\n'),
  )
  try {
    process.exitCode = await main(['issue', ticket, '--base-url', standIn.url], {
      AUTHLETE_SERVICE_ID: '715948317',
      AUTHLETE_ACCESS_TOKEN: 'stand-in-token',
    })
  } finally {
    await standIn.close()
  }
  console.log(`(answered by the stand-in at ${standIn.url}: ${standIn.requestCount} request over HTTP)`)
}
