/**
 * The device page's script, run in the browser under the page's Content-Security-Policy (a nonce, and
 * Trusted Types where the browser has them). No framework: it lists the requests the event stream
 * sends, renders every text from the client with `textContent` (never as HTML), posts the user's
 * answer as JSON, and offers Web Push when the page was given a VAPID key.
 *
 * @module
 */

/** The script, as the page embeds it. Its settings come from the `<body>`'s `data-` attributes. */
export const PAGE_SCRIPT = `'use strict'
;(() => {
  const body = document.body
  const base = body.dataset.base
  const vapidKey = body.dataset.vapidKey
  const list = document.getElementById('requests')
  const empty = document.getElementById('empty')
  const status = document.getElementById('status')
  const shown = new Map()
  // Decided here, and being decided here: an update of the list does not speak for these.
  const mine = new Set()
  const answering = new Set()
  let streamed = false
  let rendered = 0

  const say = (text) => {
    status.textContent = text
  }
  const el = (tag, text, className) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (className) node.className = className
    return node
  }
  const nameOf = (request) => request.clientName || 'An application'
  const clock = (seconds) => Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0')

  function section(item, title, lines) {
    if (lines.length === 0) return
    item.append(el('h3', title))
    const ul = el('ul')
    for (const line of lines) ul.append(el('li', line))
    item.append(ul)
  }

  function render(request) {
    const id = 'request-' + ++rendered
    const item = el('li', undefined, 'request')
    item.setAttribute('aria-labelledby', id)
    const title = el('h2', nameOf(request) + ' asks you to approve a sign-in')
    title.id = id
    item.append(title)
    if (request.bindingMessage) {
      const binding = el('p', undefined, 'binding')
      binding.append(el('span', 'Check that the application shows: '), el('strong', request.bindingMessage))
      item.append(binding)
    }
    const left = el('p', undefined, 'time')
    const remaining = el('span')
    left.append('Time left: ', remaining)
    item.append(left)
    section(item, 'Access asked for', request.scopes.map((s) => (s.description ? s.description + ' (' + s.name + ')' : s.name)))
    section(item, 'Information asked for', request.claimNames)
    request.authorizationDetailLines.forEach((lines, i) =>
      section(item, request.authorizationDetailLines.length > 1 ? 'Details ' + (i + 1) : 'Details', lines),
    )
    section(item, 'Context', request.requestContextLines)
    const actions = el('div', undefined, 'actions')
    const approve = el('button', 'Approve', 'approve')
    const deny = el('button', 'Deny', 'deny')
    approve.type = deny.type = 'button'
    approve.addEventListener('click', () => decide(request, 'approve'))
    deny.addEventListener('click', () => decide(request, 'deny'))
    actions.append(approve, deny)
    item.append(actions)
    const deadline = Date.now() + request.expiresIn * 1000
    return { request, item, remaining, deadline, buttons: [approve, deny] }
  }

  function tick() {
    for (const entry of shown.values()) {
      const seconds = Math.max(0, Math.round((entry.deadline - Date.now()) / 1000))
      entry.remaining.textContent = clock(seconds)
      if (seconds === 0) leave(entry.request.authReqId, nameOf(entry.request) + ': this request expired.')
    }
  }

  /** Removes a request from the list; focus moves on rather than into nothing. */
  function leave(authReqId, message) {
    const entry = shown.get(authReqId)
    if (!entry) return
    const hadFocus = entry.item.contains(document.activeElement)
    const next = entry.item.nextElementSibling || entry.item.previousElementSibling
    shown.delete(authReqId)
    entry.item.remove()
    if (message) say(message)
    empty.hidden = shown.size > 0
    if (hadFocus) (next ? next.querySelector('button') : status).focus()
  }

  function update(requests) {
    const ids = new Set(requests.map((r) => r.authReqId))
    for (const [authReqId, entry] of shown) {
      if (ids.has(authReqId) || mine.has(authReqId) || answering.has(authReqId)) continue
      const expired = entry.deadline <= Date.now() + 1000
      leave(authReqId, nameOf(entry.request) + (expired ? ': this request expired.' : ': this request was already decided elsewhere.'))
    }
    for (const request of requests) {
      if (shown.has(request.authReqId) || mine.has(request.authReqId)) continue
      const entry = render(request)
      shown.set(request.authReqId, entry)
      list.append(entry.item)
    }
    empty.hidden = shown.size > 0
    tick()
  }

  // Buttons that wait for an answer say so (aria-disabled) but keep the focus, which disabled would drop.
  const busy = (entry, waiting) => {
    for (const button of entry.buttons) button.setAttribute('aria-disabled', String(waiting))
  }

  async function decide(request, decision) {
    const entry = shown.get(request.authReqId)
    if (!entry || answering.has(request.authReqId)) return
    busy(entry, true)
    const name = nameOf(request)
    let answer
    answering.add(request.authReqId)
    try {
      answer = await fetch(base + '/requests/' + encodeURIComponent(request.authReqId), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision }),
      })
    } catch {
      answering.delete(request.authReqId)
      busy(entry, false)
      say('Your answer could not be sent; check the connection and try again.')
      return
    }
    answering.delete(request.authReqId)
    if (answer.status === 200) {
      mine.add(request.authReqId)
      leave(request.authReqId, decision === 'approve' ? 'You approved the request of ' + name + '.' : 'You denied the request of ' + name + '.')
    } else if (answer.status === 409) {
      leave(request.authReqId, name + ': this request was already decided.')
    } else if (answer.status === 404) {
      leave(request.authReqId, name + ': this request is no longer waiting (it expired).')
    } else if (answer.status === 401) {
      busy(entry, false)
      say('You are signed out: sign in again to answer.')
    } else if (answer.status === 403) {
      busy(entry, false)
      say('This page may not send answers to this server: it is not the address the server expects. Open the page at the address your service gave you.')
    } else {
      busy(entry, false)
      say('Your answer could not be recorded now; try again in a moment.')
    }
  }

  fetch(base + '/requests', { headers: { accept: 'application/json' } })
    .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
    .then((requests) => {
      if (!streamed) update(requests)
    })
    .catch((why) => say(why === 401 ? 'You are signed out: sign in again to see your requests.' : 'The requests could not be loaded; retrying.'))

  const events = new EventSource(base + '/events')
  events.addEventListener('message', (event) => {
    streamed = true
    update(JSON.parse(event.data))
  })
  setInterval(tick, 1000)

  // Web Push: "Notify me on this browser", where the browser can and the server gave a key.
  const notify = document.getElementById('notify')
  if (vapidKey && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window) {
    const button = document.getElementById('notify-button')
    const scope = base + '/'
    const workerUrl = base + '/sw.js'
    // Under Trusted Types (Chromium), a service worker's URL must come from a policy: this one
    // lets through exactly the page's own worker.
    const policy = window.trustedTypes
      ? window.trustedTypes.createPolicy('authlete-ciba-device', {
          createScriptURL: (url) => {
            if (url !== workerUrl) throw new TypeError('not the device worker')
            return url
          },
        })
      : { createScriptURL: (url) => url }
    const key = Uint8Array.from(atob(vapidKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    let current = null
    const show = (subscription) => {
      current = subscription
      button.textContent = subscription ? 'Stop notifications on this browser' : 'Notify me on this browser'
      notify.hidden = false
    }
    const registration = () =>
      navigator.serviceWorker.register(policy.createScriptURL(workerUrl), { scope }).then(async (r) => {
        const worker = r.installing || r.waiting
        if (worker && !r.active) {
          await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
        }
        return r
      })
    navigator.serviceWorker
      .getRegistration(scope)
      .then((r) => (r ? r.pushManager.getSubscription() : null))
      .then(show, () => show(null))
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        if (current) {
          await fetch(base + '/subscriptions', {
            method: 'DELETE',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ endpoint: current.endpoint }),
          })
          await current.unsubscribe()
          show(null)
          say('This browser will not be notified any more.')
          return
        }
        if ((await Notification.requestPermission()) !== 'granted') {
          say('Notifications are blocked for this site: allow them in the browser’s settings.')
          return
        }
        const subscription = await (await registration()).pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
        const answer = await fetch(base + '/subscriptions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(subscription),
        })
        if (!answer.ok) throw new Error(String(answer.status))
        show(subscription)
        say('This browser will be notified of new requests.')
      } catch {
        say('This browser could not be set up for notifications.')
      } finally {
        button.disabled = false
      }
    })
  }
})()
`
