import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import * as jobsApi from '@/api/jobs'
import { isAbortError } from '@/api/http'
import type { Job, JobStatus } from '@/api/contract'
import { createPoller } from '@/utils/poller'

export const ACTIVE_POLL_MS = 2_000
export const IDLE_POLL_MS = 15_000

const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running']

export function isActiveJob(job: Pick<Job, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(job.status)
}

export const useJobsStore = defineStore('jobs', () => {
  const items = shallowRef<Job[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  const drawerOpen = ref(false)

  const activeCount = computed(() => items.value.filter(isActiveJob).length)

  let controller: AbortController | null = null

  /** Loads the newest jobs; `background` marks timer-driven polls (not user activity). */
  async function refresh(background = false): Promise<void> {
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    try {
      const page = await jobsApi.listJobs({ skip: 0, take: 20 }, current.signal, background)
      items.value = page.items
      total.value = page.total
      error.value = null
      loaded.value = true
    } catch (e) {
      if (!isAbortError(e)) {
        error.value = e
      }
    } finally {
      if (controller === current) {
        controller = null
        loading.value = false
      }
    }
  }

  const poller = createPoller(refresh, () =>
    activeCount.value > 0 ? ACTIVE_POLL_MS : IDLE_POLL_MS,
  )

  /** Starts polling: every 2 s while a job is queued or running, otherwise every 15 s. */
  async function startPolling(): Promise<void> {
    await poller.start()
  }

  function stopPolling(): void {
    poller.stop()
    controller?.abort()
    controller = null
  }

  /** Refreshes now and re-arms the timer (e.g. after a cancel, or a job was started elsewhere). */
  async function refreshNow(): Promise<void> {
    await poller.refreshNow()
  }

  async function cancel(id: string): Promise<Job> {
    const job = await jobsApi.cancelJob(id)
    items.value = items.value.map((item) => (item.id === job.id ? job : item))
    void refreshNow()
    return job
  }

  function openDrawer(): void {
    drawerOpen.value = true
    void refreshNow()
  }

  function reset(): void {
    stopPolling()
    items.value = []
    total.value = 0
    loaded.value = false
    error.value = null
    drawerOpen.value = false
  }

  return {
    items,
    total,
    loading,
    loaded,
    error,
    drawerOpen,
    activeCount,
    refresh,
    refreshNow,
    startPolling,
    stopPolling,
    cancel,
    openDrawer,
    reset,
  }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useJobsStore, import.meta.hot))
}
