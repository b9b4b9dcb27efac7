// The calls the benchmark makes, one factory per kind of client, for every operation. Kinds:
//   floor         undici.request + JSON.parse (the floor of earlier runs)
//   dispatch      the tightest undici client: Pool.dispatch with a minimal handler, precomputed
//                 headers, JSON.parse
//   dispatch+zod  the same plus a zod parse of the answer: what validation costs
//   sdk           authlete-ciba (dist)
//   official      @authlete/typescript-sdk (issue only)
//   fetch         global fetch + json() (issue only)
// An operation other than issue is named after a colon: `dispatch:complete`.
import { z } from 'zod'

export const serviceId = '715948317'
/** The service of the poll login: the stand-in answers its /complete with NO_ACTION. */
export const POLL_SERVICE_ID = '715948318'
export const token = 'bench-token-0123456789'
const ticket = 'c9bpMTl4R3VXYWZJcVdxdWRfRjJkMGpYcDhfUUhZdFpBZ1lIbkE'
const authReqId = '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE'
const FORM = 'application/x-www-form-urlencoded'
/** The client's token request in poll and ping modes, as the AS receives it (CIBA Core §10.1). */
const TOKEN_PARAMETERS = `grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba&auth_req_id=${authReqId}`
const CLIENT = { clientId: '26862190133482', clientSecret: 'client-secret' }

const s = z.string().nullish()
const n = z.int().nullish()
const b = z.boolean().nullish()
const strings = z.array(z.string()).nullish()
const pairs = z.array(z.looseObject({ key: s, value: s })).nullish()
const result = { resultCode: s, resultMessage: s, action: z.string(), responseContent: s }
const tokenInfo = z
  .looseObject({
    clientId: n,
    clientIdAlias: s,
    clientIdAliasUsed: b,
    subject: s,
    scopes: strings,
    expiresAt: n,
    properties: pairs,
    resources: strings,
  })
  .nullish()

// What the SDK sends per operation, the action that means the call went through, and a zod model of
// the answer as strict as the SDK's own (compiled once).
export const OPERATIONS = {
  issue: {
    path: '/backchannel/authentication/issue',
    contentType: FORM,
    body: `ticket=${ticket}`,
    action: 'OK',
    schema: z.looseObject({
      ...result,
      authReqId: s,
      expiresIn: z.int32().min(0).nullish(),
      interval: z.int32().min(0).nullish(),
    }),
    method: 'backchannelIssue',
    sdk: (client) => client.backchannelIssue(ticket),
  },
  authentication: {
    path: '/backchannel/authentication',
    contentType: FORM,
    body: `parameters=${encodeURIComponent('scope=openid&login_hint=john&binding_message=W4SCT')}&clientId=26862190133482&clientSecret=client-secret`,
    action: 'USER_IDENTIFICATION',
    method: 'backchannelAuthentication',
    schema: z.looseObject({
      ...result,
      ticket: s,
      clientId: n,
      clientIdAliasUsed: b,
      clientName: s,
      clientNotificationToken: s,
      deliveryMode: s,
      hint: s,
      hintType: s,
      requestedExpiry: n,
      scopes: z.array(z.looseObject({ name: s, defaultEntry: b })).nullish(),
      serviceAttributes: pairs,
      userCodeRequired: b,
      acrs: strings,
    }),
    sdk: (client) =>
      client.backchannelAuthentication({
        parameters: 'scope=openid&login_hint=john&binding_message=W4SCT',
        clientId: '26862190133482',
        clientSecret: 'client-secret',
      }),
  },
  fail: {
    path: '/backchannel/authentication/fail',
    contentType: FORM,
    body: `ticket=${ticket}&reason=UNKNOWN_USER_ID`,
    action: 'BAD_REQUEST',
    method: 'backchannelFail',
    schema: z.looseObject(result),
    sdk: (client) => client.backchannelFail({ ticket, reason: 'UNKNOWN_USER_ID' }),
  },
  complete: {
    path: '/backchannel/authentication/complete',
    contentType: 'application/json',
    body: JSON.stringify({ ticket, result: 'AUTHORIZED', subject: 'john', authTime: 1700000000 }),
    action: 'NOTIFICATION',
    method: 'backchannelComplete',
    schema: z.looseObject({
      ...result,
      clientId: n,
      clientName: s,
      deliveryMode: s,
      clientNotificationEndpoint: s,
      clientNotificationToken: s,
      authReqId: s,
    }),
    sdk: (client) =>
      client.backchannelComplete({ ticket, result: 'AUTHORIZED', subject: 'john', authTime: 1700000000 }),
  },
  token: {
    path: '/auth/token',
    contentType: FORM,
    body: `parameters=${encodeURIComponent(TOKEN_PARAMETERS)}&clientId=${CLIENT.clientId}&clientSecret=${CLIENT.clientSecret}`,
    action: 'OK',
    method: 'token',
    schema: z.looseObject({
      ...result,
      username: s,
      password: s,
      ticket: s,
      accessToken: s,
      accessTokenExpiresAt: n,
      accessTokenDuration: n,
      refreshToken: s,
      refreshTokenExpiresAt: n,
      refreshTokenDuration: n,
      idToken: s,
      grantType: s,
      clientId: n,
      clientIdAlias: s,
      clientIdAliasUsed: b,
      subject: s,
      scopes: strings,
      properties: pairs,
      jwtAccessToken: s,
      resources: strings,
      accessTokenResources: strings,
      additionalClaims: s,
      serviceAttributes: pairs,
      clientAttributes: pairs,
      clientAuthMethod: s,
      grantId: s,
      audiences: strings,
      subjectTokenInfo: tokenInfo,
      actorTokenInfo: tokenInfo,
      previousRefreshTokenUsed: b,
      dpopNonce: s,
      requestedIdTokenClaims: strings,
      refreshTokenScopes: strings,
    }),
    sdk: (client) => client.token({ parameters: TOKEN_PARAMETERS, ...CLIENT }),
  },
}

// /complete in poll mode: nothing to deliver (the poll login's service answers NO_ACTION).
OPERATIONS.completePoll = { ...OPERATIONS.complete, action: 'NO_ACTION' }

/** The access tokens a resource server checks: one per concurrent check, so that none shares a call. */
const ACCESS_TOKENS = Array.from(
  { length: 1024 },
  (_, i) => `C4SrUTijIj2IxqE1xBASr3dxQWgso3BpY49g8Cy${String(i).padStart(4, '0')}`,
)
let nextToken = 0
const introspectionSchema = z.looseObject({
  ...result,
  clientId: n,
  clientIdAlias: s,
  clientIdAliasUsed: b,
  expiresAt: n,
  subject: s,
  scopes: strings,
  existent: b,
  usable: b,
  sufficient: b,
  refreshable: b,
  properties: pairs,
  serviceAttributes: pairs,
  clientAttributes: pairs,
})
/** `/auth/introspection` as a resource server calls it: the token and the scopes it requires. */
const introspection = {
  path: '/auth/introspection',
  contentType: 'application/json',
  body: JSON.stringify({ token: ACCESS_TOKENS[0], scopes: ['openid'] }),
  action: 'OK',
  method: 'introspection',
  schema: introspectionSchema,
}
OPERATIONS.introspection = {
  ...introspection,
  sdk: (client) => client.introspection({ token: ACCESS_TOKENS[nextToken++ & 1023], scopes: ['openid'] }),
}
// validateAccessToken: the Bearer token read from the request, the call, the verdict mapped. Its
// promise is awaited as it is, as a call's is (an `async` wrapper here would bill the harness's own
// continuation to the check); `unwrap` then reads the answer out of the verdict.
OPERATIONS.validate = {
  ...introspection,
  sdk: (client, lib) =>
    lib.validateAccessToken(
      client,
      {
        authorization: `Bearer ${ACCESS_TOKENS[nextToken++ & 1023]}`,
        dpop: undefined,
        method: 'GET',
        url: 'https://api.example.com/api/me',
      },
      { scopes: ['openid'] },
    ),
  unwrap: (result) => {
    if (!result.valid) throw new Error(`validateAccessToken: ${result.status}`)
    return result.answer
  },
}

/** The request headers as the SDK sends them (a flat array for dispatch, an object for the rest). */
function headerList(contentType) {
  return [
    'authorization',
    `Bearer ${token}`,
    'content-type',
    contentType,
    'accept',
    'application/json',
    'user-agent',
    'bench',
  ]
}

/**
 * The smallest undici dispatch handler that reads a JSON answer: no stream, no abort handling,
 * no limits. What a hand-written client at the bottom of undici costs.
 */
class MinimalHandler {
  constructor(resolve, reject) {
    this.resolve = resolve
    this.reject = reject
    this.chunks = []
  }
  onRequestStart() {}
  onResponseStart(_controller, status) {
    this.status = status
  }
  onResponseData(_controller, chunk) {
    this.chunks.push(chunk)
  }
  onResponseEnd() {
    const chunks = this.chunks
    const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')
    this.resolve(JSON.parse(text))
  }
  onResponseError(_controller, error) {
    this.reject(error)
  }
}

/**
 * A whole CIBA login as an authorization server runs it: `handleBackchannelAuthentication` (the
 * client's request: /backchannel/authentication, the hooks, /issue), then
 * `completeBackchannelAuthentication` (/complete, and the ping delivered to the stand-in's own
 * loopback endpoint), then `handleTokenRequest` (the client's token request: /auth/token).
 * `login-floor` makes the same five HTTP exchanges as `dispatch` calls.
 */
async function makeLogin(kind, baseUrl) {
  // The poll login: the same calls on a service whose /complete answers NO_ACTION (nothing to deliver).
  const poll = kind.startsWith('poll')
  const service = poll ? POLL_SERVICE_ID : serviceId
  if (kind === 'login-floor' || kind === 'poll-floor') {
    const [authentication, issue, complete, tokenCall] = await Promise.all(
      ['authentication', 'issue', poll ? 'completePoll' : 'complete', 'token'].map((op) =>
        makeCall(`dispatch:${op}`, baseUrl, service),
      ),
    )
    if (poll) {
      return async () => {
        await authentication()
        await issue()
        await complete()
        await tokenCall()
      }
    }
    const { Pool } = await import('undici')
    const pool = new Pool(baseUrl)
    const notify = {
      origin: baseUrl,
      path: '/cb',
      method: 'POST',
      headers: ['authorization', 'Bearer my-client-notification-token', 'content-type', 'application/json'],
      body: '{"auth_req_id":"_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE"}',
    }
    return async () => {
      await authentication()
      await issue()
      await complete()
      const status = await new Promise((resolve, reject) =>
        pool.dispatch(notify, {
          onRequestStart() {},
          onResponseStart(_c, code) {
            this.code = code
          },
          onResponseData() {},
          onResponseEnd() {
            resolve(this.code)
          },
          onResponseError(_c, error) {
            reject(error)
          },
        }),
      )
      if (status !== 204) throw new Error(`notification: ${status}`)
      await tokenCall()
    }
  }
  // `login@/path/to/dist`: the same login on another build, for an A/B of two builds in one process.
  const at = kind.indexOf('@')
  const {
    AuthleteClient,
    completeBackchannelAuthentication,
    createNotificationDispatcher,
    handleBackchannelAuthentication,
    handleTokenRequest,
  } = await import(at === -1 ? '../dist/index.js' : `file://${kind.slice(at + 1)}/index.js`)
  const authlete = new AuthleteClient({ serviceId: service, accessToken: token, baseUrl, timeoutMs: 30_000 })
  // One dispatcher for every delivery, as a long-running authorization server keeps one.
  const notification = {
    allowInsecureHttp: true,
    allowPrivateNetwork: true,
    dispatcher: createNotificationDispatcher({ allowPrivateNetwork: true }),
  }
  const user = { subject: 'john' }
  const hooks = {
    identifyUser: async () => user,
    startAuthentication: async () => {},
  }
  const body = 'scope=openid&login_hint=john&binding_message=W4SCT'
  const tokenRequest = {
    body: TOKEN_PARAMETERS,
    authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
    dpop: undefined,
  }
  return async () => {
    const answer = await handleBackchannelAuthentication(authlete, { body, authorization: undefined }, hooks)
    if (answer.status !== 200) throw new Error(`endpoint: ${answer.status} ${answer.body}`)
    const outcome = await completeBackchannelAuthentication(
      authlete,
      { ticket, result: 'AUTHORIZED', subject: 'john' },
      { notification },
    )
    if (poll ? outcome.action !== 'NO_ACTION' : !outcome.notification?.delivered) {
      throw new Error(poll ? `complete: ${outcome.action}` : 'notification not delivered')
    }
    const tokens = await handleTokenRequest(authlete, tokenRequest)
    if (tokens.status !== 200) throw new Error(`token endpoint: ${tokens.status} ${tokens.body}`)
  }
}

/** A function making one call of `kind` to the stand-in at `baseUrl`. */
export async function makeCall(kind, baseUrl, service = serviceId) {
  if (/^(login|poll)(-floor|@|$)/.test(kind)) return makeLogin(kind, baseUrl)
  const [client, opName = 'issue'] = kind.split(':')
  const operation = OPERATIONS[opName]
  if (!operation) throw new Error(`unknown operation ${opName}`)
  const url = `${baseUrl}/api/${service}${operation.path}`
  const expect = (json) => {
    if (json.action !== operation.action) throw new Error(`not ${operation.action}`)
  }
  if (client === 'floor') {
    const { Agent, request } = await import('undici')
    const dispatcher = new Agent({ keepAliveTimeout: 60_000 })
    const list = headerList(operation.contentType)
    const headers = {}
    for (let i = 0; i < list.length; i += 2) headers[list[i]] = list[i + 1]
    return async () => {
      const res = await request(url, { method: 'POST', headers, body: operation.body, dispatcher })
      expect(JSON.parse(await res.body.text()))
    }
  }
  if (client === 'dispatch' || client === 'dispatch+zod') {
    const { Pool } = await import('undici')
    const pool = new Pool(baseUrl)
    const options = {
      origin: baseUrl,
      path: `/api/${service}${operation.path}`,
      method: 'POST',
      headers: headerList(operation.contentType),
      body: operation.body,
    }
    const validate = client === 'dispatch+zod'
    return async () => {
      const json = await new Promise((resolve, reject) =>
        pool.dispatch(options, new MinimalHandler(resolve, reject)),
      )
      expect(validate ? operation.schema.parse(json) : json)
    }
  }
  if (client === 'sdk+tracing') {
    // The SDK with a subscriber on its tracing channel (a no-op one): what tracing costs when on. A
    // subscription is the whole process's: it is made for this kind's batches only (`enter`, `leave`
    // around each), or every other SDK kind in the process would be measured traced too.
    const diagnosticsChannel = await import('node:diagnostics_channel')
    const noop = () => {}
    const subscriber = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop }
    const channel = diagnosticsChannel.tracingChannel(`authlete-ciba:${operation.method}`)
    const call = await makeCall(opName === 'issue' ? 'sdk' : `sdk:${opName}`, baseUrl)
    const traced = () => call()
    traced.enter = () => channel.subscribe(subscriber)
    traced.leave = () => channel.unsubscribe(subscriber)
    return traced
  }
  if (client === 'sdk' || client === 'soak') {
    const lib = await import('../dist/index.js')
    const authlete = new lib.AuthleteClient({ serviceId, accessToken: token, baseUrl, timeoutMs: 30_000 })
    const unwrap = operation.unwrap
    if (unwrap) return async () => expect(unwrap(await operation.sdk(authlete, lib)))
    return async () => expect(await operation.sdk(authlete, lib))
  }
  if (client === 'official' && opName === 'issue') {
    const { Authlete } = await import('@authlete/typescript-sdk')
    const authlete = new Authlete({ bearer: token, serverURL: baseUrl })
    return async () =>
      expect(await authlete.ciba.issue({ serviceId, backchannelAuthenticationIssueRequest: { ticket } }))
  }
  if (client === 'fetch' && opName === 'issue') {
    const headers = { authorization: `Bearer ${token}`, 'content-type': FORM, accept: 'application/json' }
    return async () =>
      expect(await (await fetch(url, { method: 'POST', headers, body: operation.body })).json())
  }
  throw new Error(`unknown client ${kind}`)
}

/** Runs `count` calls with `concurrency` workers; records each latency when `latencies` is given. */
export async function drive(call, count, concurrency, latencies, onProgress) {
  let next = 0
  async function worker() {
    while (next < count) {
      const i = next++
      const started = performance.now()
      await call()
      if (latencies) latencies[i] = performance.now() - started
      if (onProgress) onProgress(i + 1)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
