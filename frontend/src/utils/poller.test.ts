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

  it('never runs two loops when a refresh is asked for while a timer call is in flight', async () => {
    const calls: boolean[] = []
    let release: (() => void) | null = null
    const poller = createPoller(
      (background) =>
        new Promise<void>((resolve) => {
          calls.push(background)
          release = background ? resolve : null
          if (!background) {
            resolve()
          }
        }),
      () => 100,
    )
    await poller.start()
    await vi.advanceTimersByTimeAsync(100) // the timer call starts and waits
    expect(calls).toEqual([false, true])
    await poller.refreshNow() // re-arms while the timer call is still in flight
    ;(release as (() => void) | null)?.()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(100)
    // One loop: exactly one more background call per 100 ms, not two.
    expect(calls.filter((c) => c)).toHaveLength(2)
    poller.stop()
  })
})
