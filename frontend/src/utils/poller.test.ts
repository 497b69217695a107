import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPoller } from './poller'

describe('createPoller', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('refreshes now, then in the background after each delay, until stopped', async () => {
    const calls: boolean[] = []
    let delay = 1000
    const poller = createPoller(
      async (background) => {
        calls.push(background)
      },
      () => delay,
    )

    await poller.start()
    await poller.start() // already running: no second loop
    expect(calls).toEqual([false])

    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toEqual([false])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toEqual([false, true])

    delay = 200
    await vi.advanceTimersByTimeAsync(1000) // the 1 s timer armed before the change
    await vi.advanceTimersByTimeAsync(200)
    expect(calls).toEqual([false, true, true, true])

    await poller.refreshNow()
    expect(calls.at(-1)).toBe(false)

    poller.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls).toHaveLength(5)
  })
})
