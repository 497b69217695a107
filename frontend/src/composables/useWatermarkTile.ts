import { onBeforeUnmount, ref, type Ref } from 'vue'
import { watermarkOverlay } from '@/api/watermark'

export interface WatermarkTile {
  url: string
  width: number
  height: number
}

/** Every player on the page shares one tile, fetched again each minute (the covert mark carries the minute). */
const tile: Ref<WatermarkTile | null> = ref(null)
const failed = ref(false)
let users = 0
let timer: ReturnType<typeof setInterval> | undefined

async function refresh(): Promise<void> {
  try {
    const blob = await watermarkOverlay()
    const bitmap = await createImageBitmap(blob)
    const previous = tile.value
    tile.value = { url: URL.createObjectURL(blob), width: bitmap.width, height: bitmap.height }
    bitmap.close()
    failed.value = false
    if (previous) {
      URL.revokeObjectURL(previous.url)
    }
  } catch {
    failed.value = true
  }
}

/** The signed-in user's watermark tile while the calling component is mounted; `failed` when it cannot be had. */
export function useWatermarkTile(): { tile: Ref<WatermarkTile | null>; failed: Ref<boolean> } {
  users += 1
  if (users === 1) {
    void refresh()
    timer = setInterval(() => void refresh(), 60_000)
  }
  onBeforeUnmount(() => {
    users -= 1
    if (users === 0) {
      clearInterval(timer)
      timer = undefined
    }
  })
  return { tile, failed }
}
