// The stand-in Authlete of the benchmark, in its own process: node:http, keep-alive, a realistic OK
// body (~330 bytes). Prints its port on stdout, then serves until killed.
import http from 'node:http'

const authReqId = '_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE'
const body = Buffer.from(
  JSON.stringify({
    resultCode: 'A183001',
    resultMessage: '[A183001] An auth_req_id was issued successfully.',
    action: 'OK',
    responseContent: JSON.stringify({ auth_req_id: authReqId, interval: 5, expires_in: 600 }),
    authReqId,
    expiresIn: 600,
    interval: 5,
  }),
)
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) }

const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, headers)
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, bodyBytes: body.length })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
