import { describe, expect, it } from 'vitest'
import { fractionOf, mediaTimeAt, momentOf, segmentOffset, ticks } from './timeline'

// 10 minutes from an odd second: the recording's first segment starts a second earlier.
const from = Date.UTC(2026, 10, 27, 4, 0, 1)
const range = { from, to: from + 10 * 60_000 }

describe('playback timeline', () => {
  it('maps bar positions, media times and clock moments onto each other', () => {
    expect(segmentOffset(range)).toBe(-1)
    expect(mediaTimeAt(range, 0)).toBe(1)
    expect(mediaTimeAt(range, 0.5)).toBe(301)
    expect(fractionOf(range, 301)).toBeCloseTo(0.5)
    expect(momentOf(range, 301)).toBe(from + 300_000)
    // Clicks beyond the ends stay in the range.
    expect(mediaTimeAt(range, 1.4)).toBe(601)
    expect(fractionOf(range, -5)).toBe(0)
  })

  it('puts round clock times on the bar, at most six', () => {
    const marks = ticks(range)
    expect(marks.length).toBeLessThanOrEqual(6)
    expect(marks.length).toBeGreaterThanOrEqual(4)
    // Every two minutes on the minute, inside the range.
    expect(marks.every((m) => m.at % 120_000 === 0 && m.fraction >= 0 && m.fraction <= 1)).toBe(
      true,
    )
    expect(ticks({ from, to: from })).toEqual([])
  })
})
