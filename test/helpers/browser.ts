// Headless Chromium for the device's tests: Debian's `chromium` (installed by .ci/run when missing),
// driven by playwright-core, which downloads no browser. Its traffic stays on loopback: every request
// to another address is aborted before it leaves, and name resolution is off but for loopback.
// Console errors and page errors are collected, for the tests that expect none.
import { existsSync } from 'node:fs'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

/** Where Debian's package puts it; CHROMIUM names another. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

/** Whether a browser is installed here (CI installs one, and fails the run rather than skip). */
export const chromiumInstalled = existsSync(CHROMIUM)

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/

export function isLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url)
    // data: and blob: never leave the browser; everything else must go to loopback.
    return protocol === 'data:' || protocol === 'blob:' || LOOPBACK.test(hostname)
  } catch {
    return false
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      // As root (the CI container), Chromium starts only without its sandbox.
      '--no-sandbox',
      // No name resolves but loopback's: a bug cannot reach a real host by name.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
    ],
  })
}

/** A page whose requests go to loopback only, and what its console said. */
export interface WatchedPage {
  page: Page
  context: BrowserContext
  /** Console errors, page errors and requests refused for leaving loopback, in order. */
  problems: string[]
  /** The requests aborted because they went elsewhere than loopback. */
  blocked: string[]
}

export async function openPage(
  browser: Browser,
  options: { cookies?: Array<{ name: string; value: string; url: string }> } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext()
  // Within a test's own time: a wait that fails says what it waited for.
  context.setDefaultTimeout(5000)
  const blocked: string[] = []
  const problems: string[] = []
  await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      blocked.push(route.request().url())
      problems.push(`request to ${route.request().url()} blocked`)
      return route.abort('blockedbyclient')
    },
  )
  if (options.cookies) await context.addCookies(options.cookies)
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return { page, context, problems, blocked }
}
