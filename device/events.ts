/**
 * The device's event stream (`GET {basePath}/events`): the subject's list again whenever it changes,
 * whichever instance of the authorization server saved or decided the request.
 *
 * How a change on another instance is seen: each instance re-reads the list of every subject that
 * has a page open, once per `pollIntervalMs` (one `listBySubject` per subject and interval, however
 * many pages that subject has open), and sends it when it differs from the last one sent. A decision
 * made through this instance re-reads at once. This works with any `PendingStore` (it needs nothing
 * but the store's own calls), survives a store that restarts (the next read sees it again), and
 * bounds the delay by the interval; what it costs is one store call per open subject and interval.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @module
 */

import type { PendingAuthentications } from '../src/index.js'
import { COMMON_HEADERS } from './http.js'
import { type DeviceRequest, viewOf } from './view.js'

/** What a watched subject's pages are sent: its requests, oldest first. */
type Listener = (list: DeviceRequest[]) => void

interface Watch {
  readonly listeners: Set<Listener>
  /** The last list sent, without the seconds left (which change every second). */
  fingerprint: string | undefined
  last: DeviceRequest[] | undefined
  timer: NodeJS.Timeout | undefined
  reading: boolean
  /** Another read was asked for while one was running. */
  again: boolean
}

/** Every subject that has a page open on this instance, and the reads that keep their lists fresh. */
export class RequestWatches {
  readonly #watches = new Map<string, Watch>()
  readonly #pending: PendingAuthentications
  readonly #pollIntervalMs: number
  readonly #scopeDescriptions: Readonly<Record<string, string>> | undefined
  readonly #report: (error: unknown) => void

  constructor(
    pending: PendingAuthentications,
    pollIntervalMs: number,
    scopeDescriptions: Readonly<Record<string, string>> | undefined,
    report: (error: unknown) => void,
  ) {
    this.#pending = pending
    this.#pollIntervalMs = pollIntervalMs
    this.#scopeDescriptions = scopeDescriptions
    this.#report = report
  }

  /** Sends `subject`'s list to `listener` now (once known) and at every change; returns the unsubscribe. */
  watch(subject: string, listener: Listener): () => void {
    let watch = this.#watches.get(subject)
    if (watch === undefined) {
      watch = {
        listeners: new Set(),
        fingerprint: undefined,
        last: undefined,
        timer: undefined,
        reading: false,
        again: false,
      }
      this.#watches.set(subject, watch)
      watch.listeners.add(listener)
      void this.#read(subject, watch)
    } else {
      watch.listeners.add(listener)
      if (watch.last !== undefined) listener(this.#fresh(watch.last))
    }
    const added = watch
    return () => {
      added.listeners.delete(listener)
      if (added.listeners.size === 0 && this.#watches.get(subject) === added) {
        clearTimeout(added.timer)
        this.#watches.delete(subject)
      }
    }
  }

  /** Reads `subject`'s list again now (a decision was made here): its pages see it at once. */
  refresh(subject: string): void {
    const watch = this.#watches.get(subject)
    if (watch === undefined) return
    if (watch.reading) {
      watch.again = true
      return
    }
    clearTimeout(watch.timer)
    void this.#read(subject, watch)
  }

  /** Stops every read (the streams are ended by their owner). */
  close(): void {
    for (const watch of this.#watches.values()) clearTimeout(watch.timer)
    this.#watches.clear()
  }

  async #read(subject: string, watch: Watch): Promise<void> {
    watch.reading = true
    try {
      const now = this.#pending.now()
      const list = (await this.#pending.forSubject(subject)).map((r) =>
        viewOf(r, now, this.#scopeDescriptions),
      )
      const fingerprint = JSON.stringify(list.map(({ expiresIn: _, ...rest }) => rest))
      if (fingerprint !== watch.fingerprint) {
        watch.fingerprint = fingerprint
        watch.last = list
        for (const listener of watch.listeners) listener(list)
      }
    } catch (error) {
      // Kept as it was; the next read tries again.
      this.#report(error)
    } finally {
      watch.reading = false
    }
    if (this.#watches.get(subject) !== watch) return
    if (watch.again) {
      watch.again = false
      void this.#read(subject, watch)
      return
    }
    watch.timer = setTimeout(() => void this.#read(subject, watch), this.#pollIntervalMs)
    // The streams keep the process busy while a page is open; the reads alone do not.
    watch.timer.unref()
  }

  /** The list with its seconds left as of now. */
  #fresh(list: DeviceRequest[]): DeviceRequest[] {
    const now = this.#pending.now()
    return list.map((r) => ({ ...r, expiresIn: Math.max(0, Math.floor((r.expiresAt - now) / 1000)) }))
  }
}

/** A comment line this often keeps proxies from closing an idle stream (WHATWG HTML §9.2.7). */
const KEEP_ALIVE_MS = 15_000
/** How long a browser waits before it reconnects a stream that ended. */
const RETRY_MS = 2000

/**
 * The `text/event-stream` answer for `subject`: its list at once, then at every change, until the
 * page goes away (`signal`) or the handler closes (`closing`).
 */
export function eventStream(
  watches: RequestWatches,
  subject: string,
  signal: AbortSignal,
  streams: Set<() => void>,
  stillSignedIn: () => Promise<string | Response> = async () => subject,
): Response {
  const encoder = new TextEncoder()
  let end: (() => void) | undefined
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          // Ended meanwhile.
        }
      }
      send(`retry: ${RETRY_MS}\n\n`)
      // The first list goes at once; each change after it only to a user still signed in as the
      // subject (a page left open after signing out is told nothing new), in the order they came.
      let first = true
      let sent: Promise<unknown> = Promise.resolve()
      const unwatch = watches.watch(subject, (list) => {
        const data = `data: ${JSON.stringify(list)}\n\n`
        if (first) {
          first = false
          send(data)
          return
        }
        sent = sent.then(async () => {
          const who = await stillSignedIn().catch(() => undefined)
          if (who === subject) send(data)
          else stop()
        })
      })
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS)
      keepAlive.unref()
      end = () => {
        if (!streams.delete(stop)) return
        unwatch()
        clearInterval(keepAlive)
        signal.removeEventListener('abort', stop)
        try {
          controller.close()
        } catch {
          // Cancelled already.
        }
      }
      const stop = () => end?.()
      streams.add(stop)
      if (signal.aborted) stop()
      else signal.addEventListener('abort', stop, { once: true })
    },
    cancel() {
      end?.()
    },
  })
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      ...COMMON_HEADERS,
      // nginx would hold the stream back otherwise.
      'x-accel-buffering': 'no',
    },
  })
}
