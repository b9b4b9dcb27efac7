// npm start -- --interactive: this server's own client application (the client stand-in of
// authlete-ciba/mocks) starts a login for john, with a binding message and authorization details
// (RFC 9396); you approve or deny it in a browser, on the device page; the client then polls the
// token endpoint, as a poll-mode client does, prints what it got, and uses the access token at
// /userinfo and at this server's API (/api/me).
import { randomInt } from 'node:crypto'
import { startCibaClientStandIn } from 'authlete-ciba/mocks'

const CLIENT = { clientId: 'my-client', clientSecret: 'my-secret' }

export async function playInteractively(url: string): Promise<void> {
  const client = await startCibaClientStandIn()
  try {
    // A code the user compares: the client shows it, the device page shows it.
    const bindingMessage = `DEMO-${randomInt(1000, 10_000)}`
    const started = await client.requestAuthentication({
      endpoint: `${url}/backchannel/authentication`,
      ...CLIENT,
      scope: 'openid email profile',
      loginHint: 'john',
      bindingMessage,
      authorizationDetails: [
        {
          type: 'payment_initiation',
          actions: ['initiate'],
          locations: ['https://bank.example/payments'],
          instructedAmount: { currency: 'EUR', amount: '42.00' },
          creditorName: 'Demo Shop',
        },
      ],
    })
    const authReqId = started.body?.auth_req_id
    if (started.status !== 200 || typeof authReqId !== 'string') {
      console.log(`[client] the request was refused: ${started.status} ${JSON.stringify(started.body)}`)
      return
    }
    console.log(
      [
        '',
        `[client] Demo Shop asks John to approve a payment. Its screen shows: ${bindingMessage}`,
        `[client] Open ${url}/ in a browser, continue as John Smith (john), check the code and approve or deny.`,
        `[client] Waiting for the answer (it expires in ${started.body?.expires_in} s) …`,
      ].join('\n'),
    )
    const answer = await client.pollTokens({
      tokenEndpoint: `${url}/token`,
      authReqId,
      ...CLIENT,
      interval: Number(started.body?.interval ?? 5),
    })
    if (answer.status === 200) {
      const idToken = String(answer.body?.id_token ?? '')
      const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString() || '{}')
      console.log(
        `[client] approved: the tokens came (${answer.body?.token_type}, scope "${answer.body?.scope}", expires in ${answer.body?.expires_in} s)`,
      )
      console.log(`[client] the ID token says: sub=${claims.sub}, name=${claims.name ?? '-'}`)
      // The tokens at work: the user's claims at /userinfo, then one call of this server's API.
      const bearer = { authorization: `Bearer ${String(answer.body?.access_token ?? '')}` }
      const userinfo = await fetch(`${url}/userinfo`, { headers: bearer })
      console.log(`[client] GET /userinfo: ${userinfo.status} ${await userinfo.text()}`)
      const me = await fetch(`${url}/api/me`, { headers: bearer })
      console.log(`[client] GET /api/me: ${me.status} ${await me.text()}`)
    } else {
      console.log(`[client] no tokens: ${answer.body?.error ?? answer.status}`)
    }
  } finally {
    await client.close()
  }
}
