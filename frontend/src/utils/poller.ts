/**
 * Calls `refresh(true)` again and again, waiting `delay()` milliseconds after each call ends (so slow answers never
 * pile up). `refreshNow()` runs at once and re-arms the timer; `stop()` ends the loop. Used by the stores that keep
 * the header's badges current (jobs, notifications); `true` marks the timer's calls as background polling. Every
 * start, refresh and stop begins a new generation, so a timer call still in flight never arms a second loop.
 */
export function createPoller(refresh: (background: boolean) => Promise<void>, delay: () => number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let polling = false
  let generation = 0

  function schedule(): void {
    if (!polling) {
      return
    }
    const mine = generation
    timer = setTimeout(async () => {
      timer = null
      await refresh(true)
      if (mine === generation) {
        schedule()
      }
    }, delay())
  }

  function clear(): void {
    generation++
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
      clear()
      await refresh(false)
      schedule()
    },
    /** Refreshes now (as user activity) and re-arms the timer. */
    async refreshNow(): Promise<void> {
      clear()
      const mine = generation
      await refresh(false)
      if (mine === generation) {
        schedule()
      }
    },
    stop(): void {
      polling = false
      clear()
    },
  }
}
