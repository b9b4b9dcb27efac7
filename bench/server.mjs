// The stand-in Authlete of the benchmark, in its own process: node:http, keep-alive, a realistic
// answer per operation (the issue OK body is ~330 bytes). Prints its port on stdout, then serves
// until killed.
import http from 'node:http'

const authReqId = '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE'
const accessToken = 'C4SrUTijIj2IxqE1xBASr3dxQWgso3BpY49g8CyjGjQ'
const refreshToken = '60k0cZ38sJcpTgdxvG9Sqa-3RG5AmGExGpFB-1imSxo'
const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
// An RS256 ID token of the usual size (a 2048-bit signature); nothing checks its signature here.
const idToken = [
  b64({ alg: 'RS256', kid: 'bench-key-1', typ: 'JWT' }),
  b64({
    iss: 'https://as.example.com',
    sub: 'john',
    aud: ['26862190133482'],
    exp: 1700003600,
    iat: 1700000000,
    auth_time: 1700000000,
    at_hash: 'lR2Qu6x3rX0cKmg5pYQw9A',
    urn_auth_req_id: authReqId,
  }),
  b64('s'.repeat(256)),
].join('.')
const answers = {
  '/backchannel/authentication': {
    resultCode: 'A179001',
    resultMessage: '[A179001] The backchannel authentication request was processed successfully.',
    action: 'USER_IDENTIFICATION',
    clientId: 26862190133482,
    clientIdAliasUsed: false,
    clientName: 'My CIBA Client',
    clientNotificationToken: 'my-client-notification-token',
    deliveryMode: 'PING',
    hint: 'john',
    hintType: 'LOGIN_HINT',
    requestedExpiry: 0,
    scopes: [{ defaultEntry: false, name: 'openid' }],
    serviceAttributes: [{ key: 'attribute1-key', value: 'attribute1-value' }],
    ticket: 'Y1qeCf0A-JUz6caceaBfd2AaBYNZ-X-WGTP5Qv47cQI',
    userCodeRequired: false,
  },
  '/backchannel/authentication/issue': {
    resultCode: 'A183001',
    resultMessage: '[A183001] An auth_req_id was issued successfully.',
    action: 'OK',
    responseContent: JSON.stringify({ auth_req_id: authReqId, interval: 5, expires_in: 600 }),
    authReqId,
    expiresIn: 600,
    interval: 5,
  },
  '/backchannel/authentication/fail': {
    resultCode: 'A185001',
    resultMessage:
      '[A185001] Successfully generated an error response for the backchannel authentication request.',
    action: 'BAD_REQUEST',
    responseContent: '{"error":"unknown_user_id"}',
  },
  '/backchannel/authentication/complete': {
    resultCode: 'A200401',
    resultMessage:
      '[A200401] The result of the end-user authentication and authorization needs to be sent to the client (mode = ping, result = AUTHORIZED).',
    action: 'NOTIFICATION',
    clientId: 26862190133482,
    clientName: 'My CIBA Client',
    deliveryMode: 'PING',
    // Filled in with this server's own loopback address once it listens: the login benchmark
    // delivers the ping here (never anywhere else).
    clientNotificationEndpoint: '',
    clientNotificationToken: 'my-client-notification-token',
    authReqId,
    responseContent: JSON.stringify({ auth_req_id: authReqId }),
  },
  '/auth/token': {
    resultCode: 'A050001',
    resultMessage:
      '[A050001] The token request (grant_type=urn:openid:params:grant-type:ciba) was processed successfully.',
    action: 'OK',
    responseContent: JSON.stringify({
      access_token: accessToken,
      refresh_token: refreshToken,
      scope: 'openid',
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: 3600,
    }),
    accessToken,
    accessTokenDuration: 3600,
    accessTokenExpiresAt: 1700003600000,
    clientId: 26862190133482,
    clientIdAliasUsed: false,
    clientAuthMethod: 'CLIENT_SECRET_BASIC',
    grantType: 'CIBA',
    idToken,
    refreshToken,
    refreshTokenDuration: 86400,
    refreshTokenExpiresAt: 1700086400000,
    scopes: ['openid'],
    serviceAttributes: [{ key: 'attribute1-key', value: 'attribute1-value' }],
    subject: 'john',
  },
}
answers['/auth/introspection'] = {
  resultCode: 'A056001',
  resultMessage: '[A056001] The access token is valid.',
  action: 'OK',
  responseContent: 'Bearer error="invalid_request"',
  clientId: 26862190133482,
  clientIdAliasUsed: false,
  existent: true,
  expiresAt: 1700003600000,
  refreshable: true,
  scopes: ['openid'],
  serviceAttributes: [{ key: 'attribute1-key', value: 'attribute1-value' }],
  subject: 'john',
  sufficient: true,
  usable: true,
}
let bodies = []
const noActionBody = Buffer.from(
  JSON.stringify({
    resultCode: 'A198001',
    resultMessage: '[A198001] The authentication request was completed successfully (poll mode).',
    action: 'NO_ACTION',
    clientId: 26862190133482,
    clientIdAliasUsed: false,
    deliveryMode: 'POLL',
  }),
)
const noAction = {
  body: noActionBody,
  headers: { 'content-type': 'application/json', 'content-length': String(noActionBody.length) },
}
const encode = () =>
  Object.entries(answers).map(([suffix, answer]) => {
    const body = Buffer.from(JSON.stringify(answer))
    return {
      suffix,
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    }
  })

const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    // The client notification endpoint of the login benchmark.
    if (req.url === '/cb') {
      res.writeHead(204)
      res.end()
      return
    }
    // The poll login's service: /complete has nothing to deliver.
    if (req.url === '/api/715948318/backchannel/authentication/complete') {
      res.writeHead(200, noAction.headers)
      res.end(noAction.body)
      return
    }
    const found = bodies.find((b) => req.url.endsWith(b.suffix))
    if (!found) {
      res.writeHead(404)
      res.end()
      return
    }
    res.writeHead(200, found.headers)
    res.end(found.body)
  })
})

server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  answers['/backchannel/authentication/complete'].clientNotificationEndpoint =
    `http://127.0.0.1:${server.address().port}/cb`
  bodies = encode()
  // Longest suffix first: /backchannel/authentication is a suffix of none of the others' paths.
  bodies.sort((a, b) => b.suffix.length - a.suffix.length)
  const issue = bodies.find((b) => b.suffix.endsWith('/issue'))
  process.stdout.write(`${JSON.stringify({ port: server.address().port, bodyBytes: issue.body.length })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
