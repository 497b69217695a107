/**
 * Digital zoom of a playing video (VI-10): the part of the picture on show, as a square-in-picture-proportions
 * window in picture coordinates (0..1): left `x`, top `y`, size `size` (1 = the whole picture, 1/8 the most zoom).
 * The player shows it with CSS `object-view-box`, so the video element, its native controls and the watermark
 * layer stay as they are.
 */
export interface ZoomWindow {
  x: number
  y: number
  size: number
}

export const WHOLE: ZoomWindow = { x: 0, y: 0, size: 1 }
export const MAX_ZOOM = 8

/** Where the picture is drawn inside an element of width × height with object-fit: contain. */
export function pictureBox(width: number, height: number, videoWidth: number, videoHeight: number) {
  const aspect = videoWidth > 0 && videoHeight > 0 ? videoWidth / videoHeight : width / height
  const drawnWidth = Math.min(width, height * aspect)
  const drawnHeight = drawnWidth / aspect
  return {
    left: (width - drawnWidth) / 2,
    top: (height - drawnHeight) / 2,
    width: drawnWidth,
    height: drawnHeight,
  }
}

function clamp(value: number, min: number, max: number) {
  return Math.min(max, Math.max(min, value))
}

/** Keeps a window inside the picture and its size within the zoom limits. */
export function fit(window: ZoomWindow): ZoomWindow {
  const size = clamp(window.size, 1 / MAX_ZOOM, 1)
  return { size, x: clamp(window.x, 0, 1 - size), y: clamp(window.y, 0, 1 - size) }
}

/**
 * Zooms by `factor` (> 1 in, < 1 out) keeping the picture point under (`u`, `v`) — the pointer's place in the drawn
 * picture, 0..1 — where it is.
 */
export function zoomAt(window: ZoomWindow, u: number, v: number, factor: number): ZoomWindow {
  const pointX = window.x + u * window.size
  const pointY = window.y + v * window.size
  const size = clamp(window.size / factor, 1 / MAX_ZOOM, 1)
  return fit({ size, x: pointX - u * size, y: pointY - v * size })
}

/**
 * Zooms into a box dragged over the drawn picture (corners in 0..1 of the drawn picture): the box's centre goes to
 * the middle and its longer side fills the view.
 */
export function zoomToBox(
  window: ZoomWindow,
  u0: number,
  v0: number,
  u1: number,
  v1: number,
): ZoomWindow {
  const left = window.x + Math.min(u0, u1) * window.size
  const top = window.y + Math.min(v0, v1) * window.size
  const width = Math.abs(u1 - u0) * window.size
  const height = Math.abs(v1 - v0) * window.size
  const size = clamp(Math.max(width, height), 1 / MAX_ZOOM, 1)
  return fit({ size, x: left + width / 2 - size / 2, y: top + height / 2 - size / 2 })
}

/** The CSS `object-view-box` of a window (none for the whole picture). */
export function viewBox(window: ZoomWindow): string {
  if (window.size >= 1) return 'none'
  const percent = (value: number) => `${(value * 100).toFixed(3)}%`
  return `inset(${percent(window.y)} ${percent(1 - window.x - window.size)} ${percent(1 - window.y - window.size)} ${percent(window.x)})`
}
