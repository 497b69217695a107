/**
 * Calls `refresh(true)` again and again, waiting `delay()` milliseconds after each call ends (so slow answers never
 * pile up). `refreshNow()` runs at once and re-arms the timer; `stop()` ends the loop. Used by the stores that keep
 * the header's badges current (jobs, notifications); `true` marks the timer's calls as background polling.
 */
export function createPoller(refresh: (background: boolean) => Promise<void>, delay: () => number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let polling = false

  function schedule(): void {
    if (!polling) {
      return
    }
    timer = setTimeout(async () => {
      timer = null
      await refresh(true)
      schedule()
    }, delay())
  }

  function clear(): void {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
  }

  return {
    /** Starts polling (a no-op when it already runs): one call now, then one per delay. */
    async start(): Promise<void> {
      if (polling) {
        return
      }
      polling = true
      await refresh(false)
      schedule()
    },
    /** Refreshes now (as user activity) and re-arms the timer. */
    async refreshNow(): Promise<void> {
      clear()
      await refresh(false)
      schedule()
    },
    stop(): void {
      polling = false
      clear()
    },
  }
}
