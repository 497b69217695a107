import type { DrawnArea } from '@/composables/useAreaDrawing'

/** Metres per degree of latitude (and of longitude at the equator), on a sphere of the WGS 84 mean radius. */
const METRES_PER_DEGREE = 111_195

/**
 * An area as a closed ring of `[lng, lat]` corners (the first not repeated), for searches that take a polygon: a
 * rectangle's four corners, a circle as a regular polygon of `sides` corners on it, a polygon as drawn.
 */
export function areaRing(area: DrawnArea, sides = 48): [number, number][] {
  if (area.rectangle) {
    const [west, south, east, north] = area.rectangle as [number, number, number, number]
    return [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
    ]
  }
  if (area.circle) {
    const [lng, lat, metres] = area.circle as [number, number, number]
    const dLat = metres / METRES_PER_DEGREE
    const dLng = metres / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180))
    return Array.from({ length: sides }, (_, i) => {
      const angle = (2 * Math.PI * i) / sides
      return [lng + dLng * Math.cos(angle), lat + dLat * Math.sin(angle)] as [number, number]
    })
  }
  return (area.polygon ?? []).map(([lng, lat]) => [lng!, lat!] as [number, number])
}

/** A ring as the searches' `polygon` parameter: `lng,lat;lng,lat;…` to five decimals (about 1 m). */
export function ringParameter(ring: [number, number][]): string {
  return ring.map(([lng, lat]) => `${lng.toFixed(5)},${lat.toFixed(5)}`).join(';')
}
