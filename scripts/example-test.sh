#!/usr/bin/env bash
# Installs examples/authorization-server in a temporary directory against the packed tarball, starts
# it on a loopback port with the embedded stand-in Authlete (no AUTHLETE_* variables), and drives a
# CIBA login through it: the backchannel authentication request, an unknown user, the device's
# page and decision (authlete-ciba/device, as the demo's signed-in john) and the ping notification,
# then the discovery document, the JWK Set and the token request. Packs nothing itself.
# Usage: scripts/example-test.sh TARBALL
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
dir="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

cp "$root/examples/authorization-server/"{package.json,app.ts,device.ts,interactive.ts,server.ts} "$dir/"
# The tarball instead of file:../.., and the msw versions this repository tests with.
node -e '
  const fs = require("node:fs")
  const [file, tarball, root] = process.argv.slice(1)
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"))
  const version = (name) => require(`${root}/node_modules/${name}/package.json`).version
  pkg.dependencies["authlete-ciba"] = `file:${tarball}`
  for (const name of ["msw", "@mswjs/interceptors"]) pkg.dependencies[name] = version(name)
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2))
' "$dir/package.json" "$tarball" "$root"
cd "$dir"
npm install --no-audit --no-fund --loglevel=error >/dev/null

port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')"
env -u AUTHLETE_SERVICE_ID -u AUTHLETE_ACCESS_TOKEN -u AUTHLETE_API_KEY -u AUTHLETE_API_SECRET \
  HOST=127.0.0.1 PORT="$port" node server.ts > "$dir/server.log" 2>&1 &
server_pid=$!

node --input-type=module - "http://127.0.0.1:$port" <<'JS' || { echo "--- server log"; cat "$dir/server.log"; exit 1; }
const base = process.argv[2]
const check = (ok, what, detail) => {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(detail)}`)
  console.log(`ok - ${what}`)
}
for (let i = 0; ; i++) {
  try { await fetch(`${base}/`); break } catch (error) {
    if (i === 100) throw new Error('the example did not start within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
const basic = `Basic ${Buffer.from('my-client:my-secret').toString('base64')}`
const ciba = (body, authorization = basic) =>
  fetch(`${base}/backchannel/authentication`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body,
  })

const notify = 'client_notification_token=demo-client-notification-token'
let res = await ciba(`scope=openid%20profile%20email&login_hint=john&binding_message=W4SCT&${notify}`)
let body = await res.json()
check(res.status === 200 && typeof body.auth_req_id === 'string', 'a CIBA request is answered 200 with an auth_req_id', body)
check(res.headers.get('cache-control') === 'no-store', 'with Cache-Control: no-store', res.headers.get('cache-control'))

res = await ciba(`scope=openid&login_hint=nobody&${notify}`)
check(res.status === 400 && (await res.json()).error === 'unknown_user_id', 'an unknown user is refused: unknown_user_id', res.status)

res = await ciba('scope=openid&login_hint=john', 'Bearer x')
check(res.status === 401 && res.headers.get('www-authenticate') === 'Basic realm="backchannel/authentication"', 'a non-Basic Authorization is 401', res.status)

// The demo's sign-in: a cookie, as the page at / sets it.
res = await fetch(`${base}/session`, { method: 'POST', body: new URLSearchParams({ user: 'john' }), redirect: 'manual' })
const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
check(res.status === 303 && cookie === 'demo-user=john', 'the demo sign-in sets its cookie', [res.status, cookie])
res = await fetch(`${base}/device`, { headers: { cookie } })
check(res.status === 200 && /script-src 'nonce-/.test(res.headers.get('content-security-policy') ?? ''), 'the device page is served under its policy', res.status)
const pending = await (await fetch(`${base}/device/requests`, { headers: { cookie } })).json()
check(pending.some((login) => login.authReqId === body.auth_req_id && login.bindingMessage === 'W4SCT'), 'the device lists the login', pending)

const decide = (origin) =>
  fetch(`${base}/device/requests/${body.auth_req_id}`, {
    method: 'POST',
    headers: { cookie, origin, 'content-type': 'application/json' },
    body: '{"decision":"approve"}',
  })
res = await decide('https://elsewhere.example')
check(res.status === 403, 'a decision from another origin is refused', res.status)
res = await decide(base)
const outcome = await res.json()
check(res.status === 200 && outcome.result === 'AUTHORIZED', 'the decision completes', outcome)

// What a client application discovers, then its tokens (test/interop drives the example with
// openid-client, ID token validation included).
res = await fetch(`${base}/.well-known/openid-configuration`)
const metadata = await res.json()
check(res.status === 200 && typeof metadata.token_endpoint === 'string' && typeof metadata.jwks_uri === 'string', 'the discovery document is the service\'s', metadata)
res = await fetch(`${base}/jwks`)
const jwks = await res.json()
check(res.status === 200 && Array.isArray(jwks.keys), 'the JWK Set is the service\'s', jwks)

const token = (authorization = basic) =>
  fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams({ grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: body.auth_req_id }),
  })
res = await token()
const tokens = await res.json()
check(res.status === 200 && typeof tokens.access_token === 'string' && tokens.token_type === 'Bearer', 'the client fetches its tokens at /token', { status: res.status, token_type: tokens.token_type, error: tokens.error })
check(res.headers.get('cache-control') === 'no-store' && res.headers.get('pragma') === 'no-cache', 'with Cache-Control: no-store and Pragma: no-cache', [res.headers.get('cache-control'), res.headers.get('pragma')])

const bearer = { authorization: `Bearer ${tokens.access_token}` }
res = await fetch(`${base}/userinfo`, { headers: bearer })
const userinfo = await res.json()
check(res.status === 200 && userinfo.sub === 'john' && userinfo.name === 'John Smith', 'the client reads /userinfo with its access token', { status: res.status, userinfo })
res = await fetch(`${base}/api/me`, { headers: bearer })
const me = await res.json()
check(res.status === 200 && me.subject === 'john', 'the AS\'s API takes the access token (validateAccessToken)', { status: res.status, me })
res = await fetch(`${base}/api/me`)
check(res.status === 401 && res.headers.get('www-authenticate') === 'Bearer', 'the API without a token is 401 with a bare Bearer challenge', res.status)

res = await token('Bearer x')
check(res.status === 401 && res.headers.get('www-authenticate') === 'Basic realm="token"' && (await res.json()).error === 'invalid_client', 'a non-Basic Authorization at /token is 401 invalid_client', res.status)
JS
grep -q '\[client\] notified (token ok)' "$dir/server.log" || { echo "the demo client got no notification with its token"; cat "$dir/server.log"; exit 1; }
echo "ok - the demo client received the ping with its bearer token"
