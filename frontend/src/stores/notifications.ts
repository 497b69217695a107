import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import * as api from '@/api/governance'
import { isAbortError } from '@/api/http'
import type { Notification } from '@/api/contract'
import { createPoller } from '@/utils/poller'

export const NOTIFICATION_POLL_MS = 30_000

/** The signed-in user's notification centre: the newest messages and the unread count (the bell's badge). */
export const useNotificationsStore = defineStore('notifications', () => {
  const items = shallowRef<Notification[]>([])
  const total = ref(0)
  const unread = ref(0)
  const loading = ref(false)
  const error = ref<unknown>(null)
  const drawerOpen = ref(false)
  const unreadOnly = ref(false)

  let controller: AbortController | null = null

  async function refresh(background = false): Promise<void> {
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    try {
      const page = await api.listNotifications(
        { unreadOnly: unreadOnly.value, skip: 0, take: 50 },
        current.signal,
        background,
      )
      items.value = page.items
      total.value = page.total
      unread.value = page.unread
      error.value = null
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

  const poller = createPoller(refresh, () => NOTIFICATION_POLL_MS)

  async function startPolling(): Promise<void> {
    await poller.start()
  }

  function stopPolling(): void {
    poller.stop()
    controller?.abort()
    controller = null
  }

  async function markRead(ids?: number[]): Promise<void> {
    await api.markNotificationsRead(ids)
    await refresh()
  }

  function openDrawer(): void {
    drawerOpen.value = true
    void refresh()
  }

  function reset(): void {
    stopPolling()
    items.value = []
    total.value = 0
    unread.value = 0
    error.value = null
    drawerOpen.value = false
  }

  return {
    items,
    total,
    unread,
    loading,
    error,
    drawerOpen,
    unreadOnly,
    refresh,
    startPolling,
    stopPolling,
    markRead,
    openDrawer,
    reset,
  }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useNotificationsStore, import.meta.hot))
}
