import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { DeviceField, DictionaryItem } from '@/api/contract'
import { listDictionaryItems, listFields } from '@/api/devices'

const fields = ref<DeviceField[]>([])
const dictionaryItems = ref<DictionaryItem[]>([])
let loading: Promise<void> | null = null

/**
 * The ledger's field definitions and dictionaries, loaded once per page load: forms, tables and filters are built
 * from them, so fields and dictionary values added by a city dictionary import appear without code changes.
 */
export function useArchiveCatalog() {
  const { locale } = useI18n()

  function load(force = false): Promise<void> {
    if (!loading || force) {
      loading = Promise.all([listFields(), listDictionaryItems()])
        .then(([f, d]) => {
          fields.value = f
          dictionaryItems.value = d
        })
        .catch((error: unknown) => {
          loading = null
          throw error
        })
    }
    return loading
  }

  const english = computed(() => locale.value === 'en-US')

  const dictionaries = computed(() => {
    const map = new Map<string, DictionaryItem[]>()
    for (const item of dictionaryItems.value) {
      if (!map.has(item.dictionary)) {
        map.set(item.dictionary, [])
      }
      map.get(item.dictionary)!.push(item)
    }
    return map
  })

  function itemLabel(item: DictionaryItem): string {
    return english.value && item.labelEn ? item.labelEn : item.label
  }

  /** The label of a dictionary code in the user's language; the code itself when the dictionary lacks it. */
  function labelOf(dictionary: string | null | undefined, code: string | null | undefined): string {
    if (!code) {
      return ''
    }
    const item = dictionary
      ? dictionaries.value.get(dictionary)?.find((i) => i.code === code)
      : undefined
    return item ? itemLabel(item) : code
  }

  function fieldLabel(field: DeviceField): string {
    return english.value ? field.labelEn : field.label
  }

  const fieldsByKey = computed(() => new Map(fields.value.map((f) => [f.key, f])))

  return { fields, dictionaries, load, labelOf, itemLabel, fieldLabel, fieldsByKey }
}
