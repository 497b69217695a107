import { onScopeDispose, ref, shallowRef, toValue, type MaybeRefOrGetter } from 'vue'
import { getDashboardSummary } from '@/api/dashboard'
import { isAbortError } from '@/api/http'
import type { DashboardSummary } from '@/api/contract'

export interface UseDashboardSummaryOptions {
  /** How often to refresh while the server reports demo data is still being seeded. */
  seedingRefreshMs?: MaybeRefOrGetter<number>
}

/** Loads the dashboard summary and keeps refreshing it while the server is seeding. */
export function useDashboardSummary(options: UseDashboardSummaryOptions = {}) {
  const summary = shallowRef<DashboardSummary | null>(null)
  const loading = ref(false)
  const error = ref<unknown>(null)
  const updatedAt = ref<Date | null>(null)

  let controller: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let disposed = false

  function clearTimer() {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
  }

  /** Loads the summary; `background` marks the automatic refresh while seeding (not user activity). */
  async function refresh(background = false): Promise<void> {
    clearTimer()
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    try {
      summary.value = await getDashboardSummary(current.signal, background)
      updatedAt.value = new Date()
      error.value = null
    } catch (e) {
      if (isAbortError(e)) {
        return
      }
      error.value = e
    } finally {
      if (controller === current) {
        controller = null
        loading.value = false
      }
    }
    if (!disposed && summary.value?.seeding && !error.value) {
      timer = setTimeout(() => void refresh(true), toValue(options.seedingRefreshMs) ?? 3_000)
    }
  }

  onScopeDispose(() => {
    disposed = true
    clearTimer()
    controller?.abort()
  })

  return { summary, loading, error, updatedAt, refresh }
}
