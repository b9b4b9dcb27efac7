// Reads a text/event-stream answer as a browser's EventSource does: each event's `data` lines, once
// a blank line ends it; comments and `retry` kept apart.
export interface EventStreamReader {
  /** The next event's data, parsed as JSON; rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<unknown>
  /** Every line read so far, comments and fields included. */
  readonly lines: string[]
  /** How many events arrived so far, taken or not. */
  readonly received: number
  /** Stops reading (the page goes away). */
  cancel(): Promise<void>
}

export function readEventStream(body: ReadableStream<Uint8Array>): EventStreamReader {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  const lines: string[] = []
  const events: unknown[] = []
  const waiting: Array<() => void> = []
  let buffer = ''
  let data: string[] = []
  let ended = false
  let received = 0
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += value
        let newline = buffer.indexOf('\n')
        while (newline !== -1) {
          const line = buffer.slice(0, newline)
          buffer = buffer.slice(newline + 1)
          lines.push(line)
          if (line === '') {
            if (data.length > 0) {
              events.push(JSON.parse(data.join('\n')))
              received++
            }
            data = []
          } else if (line.startsWith('data: ')) data.push(line.slice(6))
          newline = buffer.indexOf('\n')
        }
        for (const wake of waiting.splice(0)) wake()
      }
    } catch {
      // Cancelled.
    } finally {
      ended = true
      for (const wake of waiting.splice(0)) wake()
    }
  })()
  return {
    lines,
    get received() {
      return received
    },
    async next(timeoutMs = 5000) {
      const until = Date.now() + timeoutMs
      while (events.length === 0) {
        if (ended) throw new Error('the stream ended')
        const left = until - Date.now()
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiting.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return events.shift()
    },
    cancel: () => reader.cancel().catch(() => {}),
  }
}
