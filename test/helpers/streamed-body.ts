// A request body the test controls, pulled one read at a time: for the endpoints' bounded body reads.
import { deferred } from './backchannel-client.js'

const KIB = 1024
/** The size of each chunk of {@link streamedBody}, unless told otherwise. */
export const CHUNK = 64 * KIB

export interface StreamedBody {
  stream: ReadableStream<Uint8Array>
  /** Bytes the reader has pulled so far. */
  readonly pulled: number
  /** The reason the stream was cancelled with, once it was. */
  readonly cancelled: { reason: unknown } | undefined
}

/**
 * A body of `chunks` chunks of `size` bytes of `a` (Infinity: it never ends), then one of `last`
 * bytes if `last` is given, pulled one read at a
 * time (no read-ahead); after `stallAfter` chunks it delivers nothing more until `resume()`. A
 * safety stop errors the stream past 8 MiB, so a reader that ignores the limit fails fast.
 */
export function streamedBody(options: { chunks: number; size?: number; last?: number; stallAfter?: number }) {
  const { chunks, size = CHUNK, last = 0, stallAfter = Number.POSITIVE_INFINITY } = options
  let pulled = 0
  let sent = 0
  let cancelled: { reason: unknown } | undefined
  const stall = deferred<void>()
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent === stallAfter) await stall.promise
        if (sent === chunks + (last > 0 ? 1 : 0)) return controller.close()
        if (pulled >= 8 * 1024 * KIB) return controller.error(new Error('safety stop: read past 8 MiB'))
        const bytes = sent === chunks ? last : size
        sent++
        pulled += bytes
        controller.enqueue(new Uint8Array(bytes).fill(0x61))
      },
      cancel(reason) {
        cancelled = { reason }
      },
    },
    { highWaterMark: 0 },
  )
  const body: StreamedBody & { resume(): void } = {
    stream,
    get pulled() {
      return pulled
    },
    get cancelled() {
      return cancelled
    },
    resume: () => stall.resolve(),
  }
  return body
}

export function post(
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
  url = 'https://as.example/backchannel/authentication',
) {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
    duplex: 'half',
  } as RequestInit)
}
