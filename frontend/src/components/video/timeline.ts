/**
 * The playback timeline of a recorded range (VI-7): positions on the bar are fractions of [from, to), and the media
 * time of a moment counts from the first recorded segment, which starts at the even Unix second at or before `from`.
 */
export interface TimelineRange {
  /** Start of the range, ms since the epoch. */
  from: number
  /** End of the range, ms since the epoch. */
  to: number
}

/** The media time (s) at which the recording's first segment starts, relative to `from` (≤ 0). */
export function segmentOffset(range: TimelineRange): number {
  return (Math.floor(range.from / 2000) * 2000 - range.from) / 1000
}

/** The media time (s) of a position on the bar (0..1). */
export function mediaTimeAt(range: TimelineRange, fraction: number): number {
  const clamped = Math.min(1, Math.max(0, fraction))
  return (clamped * (range.to - range.from)) / 1000 - segmentOffset(range)
}

/** The position on the bar (0..1) of a media time (s). */
export function fractionOf(range: TimelineRange, mediaTime: number): number {
  const span = (range.to - range.from) / 1000
  return span <= 0 ? 0 : Math.min(1, Math.max(0, (mediaTime + segmentOffset(range)) / span))
}

/** The wall-clock moment (ms) shown at a media time (s). */
export function momentOf(range: TimelineRange, mediaTime: number): number {
  return Math.floor(range.from / 2000) * 2000 + mediaTime * 1000
}

const steps = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800] // seconds

/**
 * Tick marks for the bar: round clock times (every 10 s … 3 h) at most `most` of them inside the range, each with
 * its position (0..1) and moment (ms).
 */
export function ticks(range: TimelineRange, most = 6): { fraction: number; at: number }[] {
  const span = (range.to - range.from) / 1000
  if (span <= 0) return []
  const step = (steps.find((s) => span / s <= most) ?? steps[steps.length - 1]!) * 1000
  const result: { fraction: number; at: number }[] = []
  for (let at = Math.ceil(range.from / step) * step; at <= range.to; at += step) {
    result.push({ fraction: (at - range.from) / (range.to - range.from), at })
  }
  return result
}

/** Clock time on the burnt-in clock's zone (Asia/Shanghai), HH:mm:ss. */
export const clockTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})
