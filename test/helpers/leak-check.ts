import { afterAll, beforeAll, expect } from 'vitest'

/**
 * Checks, once the file's tests are done, that no rejection went unhandled while they ran and that
 * nothing is left running: no socket, no immediate, no timer but the one vitest itself holds.
 * Call it at the top level of a test file, after the hooks that close what the file opened (hooks
 * of `afterAll` run in reverse order of registration, so call it first to have it run last).
 */
export function useLeakCheck(): void {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    expect(unhandled).toEqual([])
    await expectNothingRunning()
  })
}

/**
 * Waits (bounded, 2 s) until no socket or immediate is active, then expects none, and at most one
 * timer. A destroyed socket leaves the list once its close callbacks ran: hence the wait.
 */
export async function expectNothingRunning(): Promise<void> {
  const ours = () => process.getActiveResourcesInfo().filter((r) => /TCP|Immediate/.test(r))
  for (let i = 0; i < 100 && ours().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(ours()).toEqual([])
  expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(1)
}

/**
 * The rejections left unhandled while `run` ran, and in the two turns after it (rejections left
 * unhandled are reported once the microtasks of a turn have run).
 */
export async function unhandledRejectionsDuring(run: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    await run()
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  return unhandled
}
