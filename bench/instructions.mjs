// Instructions per call, counted by valgrind's cachegrind: a measure that the machine's load does not
// move, beside the CPU-time A/Bs that it does (on a shared machine, the same build's A/B ratio has
// moved from 1.04 to 1.18 between one quarter of an hour and the next).
//
// A kind is run twice under cachegrind, `SHORT` and `LONG` calls at concurrency 32 against the
// stand-in: the difference of the two counts, divided by the difference of the calls, is one call's
// count at steady state (start-up, imports and the JIT's warm-up cancel out). Only the client
// process is counted. One count moves by about ±2 % with the JIT's choices (now and then by more),
// so each kind is counted `REPEATS` times and the median is the figure.
//
//   node bench/instructions.mjs <baseUrl> <kind> <calls>   (the counted process: `calls` calls)
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

const SHORT = 10_000
const LONG = 30_000
const REPEATS = 3

/** Whether valgrind is installed (Debian's `valgrind`): without it the count is left out. */
export async function canCount() {
  try {
    await run('valgrind', ['--version'])
    return true
  } catch {
    return false
  }
}

/** The client process's instructions for `calls` calls of `kind` (a kind of `calls.mjs`). */
async function countOnce(baseUrl, kind, calls) {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      // V8 writes the code it runs: valgrind must see code change outside of files.
      '--smc-check=all-non-file',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      fileURLToPath(import.meta.url),
      baseUrl,
      kind,
      String(calls),
    ],
    { maxBuffer: 1 << 24 },
  )
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)
  if (!refs) throw new Error(`no instruction count from valgrind for ${kind}:\n${stderr.slice(-2000)}`)
  return Number(refs[1].replaceAll(',', ''))
}

/** One call's instructions of `kind`: the median of `REPEATS` counts (each from a short and a long run). */
export async function instructionsPerCall(baseUrl, kind) {
  const counts = []
  for (let i = 0; i < REPEATS; i++) {
    // The two runs at once: the machine's two cores, and the counts do not depend on the load.
    const [short, long] = await Promise.all([countOnce(baseUrl, kind, SHORT), countOnce(baseUrl, kind, LONG)])
    counts.push((long - short) / (LONG - SHORT))
  }
  const sorted = [...counts].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)], counts }
}

// The counted process itself.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { drive, makeCall } = await import('./calls.mjs')
  const [baseUrl, kind, calls] = process.argv.slice(2)
  await drive(await makeCall(kind, baseUrl), Number(calls), 32)
  process.exit(0)
}
