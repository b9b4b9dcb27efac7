/**
 * The device page's service worker (`{basePath}/sw.js`): it shows each Web Push message as a
 * notification (the client's name, and the binding message to compare), and opens the page, or
 * brings it forward, when the notification is clicked.
 *
 * @see https://www.w3.org/TR/push-api/#receiving-a-push-message
 * @module
 */

/** The worker's script for a page at `pagePath`. */
export function serviceWorkerScript(pagePath: string): string {
  return `'use strict'
const PAGE = ${JSON.stringify(pagePath)}
self.addEventListener('push', (event) => {
  let data = {}
  try {
    data = event.data ? event.data.json() : {}
  } catch {}
  const title = (data.clientName || 'An application') + ' asks you to approve a sign-in'
  const body = data.bindingMessage ? 'Check that the application shows: ' + data.bindingMessage : 'Open to approve or deny'
  event.waitUntil(self.registration.showNotification(title, { body, tag: data.authReqId, data: { page: PAGE } }))
})
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).pathname === PAGE && 'focus' in client) return client.focus()
      }
      return self.clients.openWindow(PAGE)
    }),
  )
})
`
}
