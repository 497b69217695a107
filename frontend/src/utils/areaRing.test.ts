import { describe, expect, it } from 'vitest'
import { areaRing, ringParameter } from './areaRing'

describe('areaRing', () => {
  it('gives a rectangle its four corners, counter-clockwise from the south-west', () => {
    expect(areaRing({ rectangle: [121.1, 31.1, 121.2, 31.2] })).toEqual([
      [121.1, 31.1],
      [121.2, 31.1],
      [121.2, 31.2],
      [121.1, 31.2],
    ])
  })

  it("puts a circle's corners on the circle, wider in longitude away from the equator", () => {
    const ring = areaRing({ circle: [121.1, 31.15, 1000] }, 4)
    expect(ring).toHaveLength(4)
    // East and north corners: 1 km is 0.008993° of latitude and 0.008993 / cos(31.15°) of longitude.
    expect(ring[0]![0] - 121.1).toBeCloseTo(0.008993 / Math.cos((31.15 * Math.PI) / 180), 5)
    expect(ring[0]![1]).toBeCloseTo(31.15, 9)
    expect(ring[1]![0]).toBeCloseTo(121.1, 9)
    expect(ring[1]![1] - 31.15).toBeCloseTo(0.008993, 5)
    expect(areaRing({ circle: [121.1, 31.15, 500] })).toHaveLength(48)
  })

  it('keeps a polygon as drawn and writes the parameter to five decimals', () => {
    const ring = areaRing({
      polygon: [
        [121.1, 31.1],
        [121.2, 31.1],
        [121.15, 31.2],
      ],
    })
    expect(ringParameter(ring)).toBe('121.10000,31.10000;121.20000,31.10000;121.15000,31.20000')
    expect(areaRing({})).toEqual([])
  })
})
