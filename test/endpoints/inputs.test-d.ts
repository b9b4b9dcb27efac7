// The endpoints' inputs name every field they read: a framework's request object (here Node's, which
// Express's extends, with the body a parser set) does not stand for one, where it would lose the
// Authorization and DPoP headers.
import type { IncomingMessage } from 'node:http'
import { describe, it } from 'vitest'
import { type AuthleteClient, handleBackchannelAuthentication, handleTokenRequest } from '../../src/index.js'

declare const authlete: AuthleteClient
declare const req: IncomingMessage & { body: Record<string, string> }

describe('endpoint inputs', () => {
  it('the token endpoint refuses the request object and takes its fields', () => {
    // @ts-expect-error: no `authorization`, no `dpop`
    void handleTokenRequest(authlete, req)
    void handleTokenRequest(authlete, {
      body: req.body,
      authorization: req.headers.authorization,
      dpop: req.headers.dpop === undefined ? undefined : String(req.headers.dpop),
    })
    // @ts-expect-error: the DPoP header is a field to give, even as undefined
    void handleTokenRequest(authlete, { body: req.body, authorization: req.headers.authorization })
  })

  it('the backchannel endpoint refuses the request object and takes its fields', () => {
    const hooks = { identifyUser: () => ({ subject: 'john' }), startAuthentication: () => {} }
    // @ts-expect-error: no `authorization`
    void handleBackchannelAuthentication(authlete, req, hooks)
    void handleBackchannelAuthentication(
      authlete,
      { body: req.body, authorization: req.headers.authorization },
      hooks,
    )
  })
})
