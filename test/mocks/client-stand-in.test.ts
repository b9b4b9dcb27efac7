import diagnostics from 'node:diagnostics_channel'
import type http from 'node:http'
import net from 'node:net'
// startCibaClientStandIn: the client application's notification endpoint on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest'
import { type CibaClientStandIn, startCibaClientStandIn } from '../../mocks/index.js'

let rp: CibaClientStandIn | undefined
afterEach(async () => {
  await rp?.close()
  rp = undefined
})

function notify(url: string, body: string, authorization?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  })
}

describe('startCibaClientStandIn', () => {
  it('records a notification with its token check and answers 204', async () => {
    rp = await startCibaClientStandIn()
    expect(rp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ciba\/notification$/)
    expect(rp.token).toMatch(/^[\w-]{43}$/)
    const response = await notify(rp.url, '{"auth_req_id":"r1"}', `Bearer ${rp.token}`)
    expect(response.status).toBe(204)
    expect(rp.notifications).toEqual([
      {
        path: '/ciba/notification',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
        authorization: `Bearer ${rp.token}`,
        authorized: true,
        body: { auth_req_id: 'r1' },
        text: '{"auth_req_id":"r1"}',
      },
    ])
  })

  it('a wrong or missing token is recorded as not authorized; a body that is not JSON as text', async () => {
    rp = await startCibaClientStandIn({ token: 'expected', status: 200 })
    expect((await notify(rp.url, 'not json', 'Bearer other')).status).toBe(200)
    await notify(rp.url, '{}')
    expect(
      rp.notifications.map(({ authorized, authorization, body }) => ({ authorized, authorization, body })),
    ).toEqual([
      { authorized: false, authorization: 'Bearer other', body: undefined },
      { authorized: false, authorization: undefined, body: {} },
    ])
  })

  it('nextNotification: one received before the wait, then the next to arrive, each once', async () => {
    rp = await startCibaClientStandIn()
    await notify(rp.url, '{"n":1}', `Bearer ${rp.token}`)
    expect((await rp.nextNotification()).body).toEqual({ n: 1 })
    const waiting = rp.nextNotification()
    await notify(rp.url, '{"n":2}', `Bearer ${rp.token}`)
    expect((await waiting).body).toEqual({ n: 2 })
    expect(rp.notifications).toHaveLength(2)
  })

  it('nextNotification({ authReqId }) takes the one for that request, leaving the others', async () => {
    rp = await startCibaClientStandIn()
    await notify(rp.url, '{"auth_req_id":"a"}', `Bearer ${rp.token}`)
    await notify(rp.url, '{"auth_req_id":"b"}', `Bearer ${rp.token}`)
    expect((await rp.nextNotification({ authReqId: 'b' })).body).toEqual({ auth_req_id: 'b' })
    expect((await rp.nextNotification()).body).toEqual({ auth_req_id: 'a' })
  })

  it('other methods and paths get 404 and are not recorded', async () => {
    rp = await startCibaClientStandIn()
    expect((await fetch(rp.url)).status).toBe(404)
    expect((await notify(`${new URL(rp.url).origin}/other`, '{}')).status).toBe(404)
    expect(rp.notifications).toEqual([])
  })

  it('a wait gives up on its signal; close() rejects the waits in progress', async () => {
    rp = await startCibaClientStandIn()
    await expect(rp.nextNotification({ signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow('no')
    const waiting = rp.nextNotification()
    await rp.close()
    rp = undefined
    await expect(waiting).rejects.toThrow(/closed/)
  })
})

describe('startCibaClientStandIn and a sender that hangs up', () => {
  it('a sender hanging up in the middle of its body ends that request only: no unhandled rejection, later notifications arrive', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    // The stand-in's side of the connection, from Node's own channel: when it began the request
    // (its handler is reading the body) and when it let the request go.
    const started = Promise.withResolvers<http.IncomingMessage>()
    const onStart = (message: unknown) =>
      started.resolve((message as { request: http.IncomingMessage }).request)
    diagnostics.subscribe('http.server.request.start', onStart)
    const rp = await startCibaClientStandIn()
    try {
      const { hostname, port, pathname } = new URL(rp.url)
      const socket = net.connect(Number(port), hostname)
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"auth`,
      )
      const request = await started.promise
      // Not events.once: it would reject on the 'aborted' error the request emits before 'close'.
      const closed = new Promise((resolve) => request.once('close', resolve))
      socket.destroy()
      await closed
      // A rejection of the handler would be reported once the tasks queued by the close have run.
      await new Promise((resolve) => setImmediate(resolve))
      const response = await fetch(rp.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${rp.token}`, 'content-type': 'application/json' },
        body: '{"auth_req_id":"after"}',
      })
      expect(response.status).toBe(204)
      expect((await rp.nextNotification({ authReqId: 'after' })).body).toEqual({ auth_req_id: 'after' })
      expect(rp.notifications.map((notification) => notification.text)).toEqual(['{"auth_req_id":"after"}'])
      expect(unhandled).toEqual([])
    } finally {
      diagnostics.unsubscribe('http.server.request.start', onStart)
      process.off('unhandledRejection', onUnhandled)
      await rp.close()
    }
  })
})
