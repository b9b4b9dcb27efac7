// Does a shared deadline timer pay? The client arms one setTimeout per call and clears it when the
// call settles. This compares, at concurrency c, that pattern with one shared deadline queue (a FIFO
// of deadlines, since calls of one client share a timeout, and one timer armed for its head), and
// with no timer at all, in CPU µs per call.  node bench/timers.mjs [concurrency]
// Measured 2026-11-29 (2 cores, Node 22.23): per-call timers cost 0.2-0.3 µs at c=32 and 0.5-0.9 µs
// at c=1 over no timer; the shared queue saved nothing at c=32 and at most ~0.3 µs at c=1 (it re-arms
// whenever the queue empties), against ~70 µs of CPU per call: not worth a second clock.
const N = 400_000
const c = Number(process.argv[2] ?? 32)
const noop = () => {}
class SharedDeadlines {
  queue = []
  head = 0
  timer = null
  add(entry) {
    this.queue.push(entry)
    if (this.timer === null) this.arm()
  }
  arm() {
    while (this.head < this.queue.length && this.queue[this.head].done) this.head++
    if (this.head === this.queue.length) {
      this.queue.length = 0
      this.head = 0
      this.timer = null
      return
    }
    const delay = Math.max(0, this.queue[this.head].at - performance.now())
    this.timer = setTimeout(() => {
      const now = performance.now()
      while (
        this.head < this.queue.length &&
        (this.queue[this.head].done || this.queue[this.head].at <= now)
      ) {
        const e = this.queue[this.head++]
        if (!e.done) {
          e.done = true
          e.fire()
        }
      }
      this.timer = null
      this.arm()
    }, delay)
    this.timer.unref()
  }
}
async function run(kind) {
  const shared = new SharedDeadlines()
  let next = 0
  const worker = async () => {
    while (next < N) {
      next++
      if (kind === 'per-call') {
        const t = setTimeout(noop, 10_000)
        await null
        clearTimeout(t)
      } else if (kind === 'shared') {
        const e = { at: performance.now() + 10_000, done: false, fire: noop }
        shared.add(e)
        await null
        e.done = true
      } else {
        await null
      }
    }
  }
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: c }, worker))
  const u = process.cpuUsage(cpu)
  if (shared.timer) clearTimeout(shared.timer)
  return (u.user + u.system) / N
}
for (let r = 0; r < 3; r++) {
  const res = {}
  for (const k of ['none', 'per-call', 'shared']) res[k] = (await run(k)).toFixed(3)
  console.log(`c=${c}`, JSON.stringify(res))
}
