import { ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { isAbortError, isApiError } from '@/api/http'
import { problemMessage } from '@/i18n/problems'

/**
 * A paged list page's state: the current page and size, the last answer, loading and a translated error. `load`
 * cancels the request before it (so a slow older answer never overwrites a newer one), `search` goes back to page 1,
 * and changing the page or its size loads again.
 */
export function usePagedList<T>(
  fetch: (page: number, pageSize: number, signal: AbortSignal) => Promise<T>,
  initialPageSize = 20,
) {
  const { t, te } = useI18n()
  const page = ref(1)
  const pageSize = ref(initialPageSize)
  const result = ref<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<string | null>(null)
  let controller: AbortController | null = null

  async function load() {
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    try {
      result.value = await fetch(page.value, pageSize.value, current.signal)
      error.value = null
    } catch (e) {
      if (!isAbortError(e)) {
        error.value = isApiError(e) ? problemMessage(e, t, te) : t('errors.unknown')
      }
    } finally {
      if (controller === current) {
        loading.value = false
      }
    }
  }

  function search() {
    if (page.value !== 1) {
      page.value = 1
    } else {
      void load()
    }
  }

  watch([page, pageSize], () => void load())
  return { page, pageSize, result, loading, error, load, search }
}
