import type { WatermarkDecode, WatermarkStyle, WatermarkStyleResponse } from '@/api/contract'
import { http } from './http'

export function getWatermarkStyle(signal?: AbortSignal): Promise<WatermarkStyleResponse> {
  return http.get<WatermarkStyleResponse>('/api/watermark/style', { signal })
}

export function saveWatermarkStyle(style: WatermarkStyle): Promise<WatermarkStyleResponse> {
  return http.put<WatermarkStyleResponse>('/api/watermark/style', style)
}

/** A 640x360 PNG of a style (saved or not) over a neutral picture, with the signed-in user's marks. */
export function previewWatermark(style: WatermarkStyle, signal?: AbortSignal): Promise<Blob> {
  return http.post<Blob>('/api/watermark/preview', style, { signal, blob: true })
}

/** The signed-in user's watermark tile (visible text and covert dots of this minute), laid over video. */
export function watermarkOverlay(signal?: AbortSignal): Promise<Blob> {
  return http.get<Blob>('/api/watermark/overlay', { signal, blob: true, background: true })
}

/** Recovers who leaked an image from its covert watermark; a 422 `watermark.notFound` when it has none. */
export function decodeWatermark(image: File): Promise<WatermarkDecode> {
  const form = new FormData()
  form.append('image', image, image.name)
  return http.post<WatermarkDecode>('/api/watermark/decode', form)
}
