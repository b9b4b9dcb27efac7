/**
 * The device page (`GET {basePath}`): one HTML document, no framework and no third-party script, under
 * a strict Content-Security-Policy: its one script and one style carry a fresh nonce, nothing else
 * runs, nothing loads from elsewhere, no other site may frame it, and (where the browser has Trusted
 * Types) no string becomes HTML or a script URL.
 *
 * @see https://www.w3.org/TR/CSP3/
 * @module
 */

import { randomBytes } from 'node:crypto'
import { COMMON_HEADERS } from './http.js'
import { PAGE_SCRIPT } from './page-script.js'

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0 auto; max-width: 40rem; padding: 1rem; }
h1 { font-size: 1.5rem; }
#requests { list-style: none; padding: 0; }
.request { border: 1px solid; border-radius: 0.5rem; margin: 1rem 0; padding: 0.5rem 1rem 1rem; }
.request h2 { font-size: 1.2rem; }
.request h3 { font-size: 1rem; margin-bottom: 0; }
.binding strong { display: block; font: bold 1.75rem/1.3 ui-monospace, monospace; letter-spacing: 0.05em;
  border: 2px solid; border-radius: 0.25rem; padding: 0.25rem 0.5rem; margin-top: 0.25rem; overflow-wrap: anywhere; }
.actions { display: flex; gap: 1rem; margin-top: 1rem; }
button { font: inherit; padding: 0.5rem 1.5rem; border-radius: 0.25rem; cursor: pointer; }
button:focus-visible, #status:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
.approve { font-weight: bold; }
#status { min-height: 1.5em; font-weight: bold; }
`

/** What the page needs to know. */
export interface PageSettings {
  basePath: string
  /** The VAPID public key, when the page offers Web Push. */
  vapidPublicKey: string | undefined
  /** The page's title and heading. */
  title: string
}

/** The page, with a fresh nonce, and the headers that confine it. */
export function page(settings: PageSettings): Response {
  const nonce = randomBytes(18).toString('base64')
  const vapid =
    settings.vapidPublicKey === undefined ? '' : ` data-vapid-key="${attribute(settings.vapidPublicKey)}"`
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${text(settings.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-base="${attribute(settings.basePath)}"${vapid}>
<main>
<h1>${text(settings.title)}</h1>
<p id="status" role="status" aria-live="polite" tabindex="-1"></p>
<p id="empty">No request is waiting for you.</p>
<ul id="requests" aria-label="Requests waiting for your answer"></ul>
<p id="notify" hidden><button type="button" id="notify-button">Notify me on this browser</button></p>
</main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`
  return new Response(html, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...COMMON_HEADERS,
      'content-security-policy': contentSecurityPolicy(nonce),
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    },
  })
}

/** The page's policy: its own nonce'd script and style; fetch, events and its worker from itself. */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types authlete-ciba-device',
  ].join('; ')
}

/** The service worker's script. */
export function script(source: string): Response {
  return new Response(source, {
    status: 200,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
      // A worker is checked for updates anyway; no-cache keeps it from being stale.
      'cache-control': 'no-cache',
    },
  })
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const text = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
const attribute = text
