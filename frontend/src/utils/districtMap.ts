import * as L from 'leaflet'
import type { MapConfig } from '@/api/contract'

/**
 * A Leaflet map of the district in an element: the configured tiles when there are any, the district outline (the
 * offline base layer, filled more strongly without tiles), fitted to the configured bounds.
 */
export function districtMap(
  element: HTMLElement,
  config: MapConfig,
  outline: GeoJSON.GeoJsonObject,
  options: L.MapOptions = {},
): L.Map {
  const [west, south, east, north] = config.bounds as [number, number, number, number]
  const m = L.map(element, {
    maxZoom: 19,
    minZoom: 8,
    attributionControl: !!config.tileUrl,
    ...options,
  })
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution ?? '', maxZoom: 19 }).addTo(m)
  }
  L.geoJSON(outline, {
    style: {
      color: '#1d4ed8',
      weight: 2,
      fillColor: '#dbeafe',
      fillOpacity: config.tileUrl ? 0.08 : 0.5,
    },
    interactive: false,
  }).addTo(m)
  m.fitBounds([
    [south, west],
    [north, east],
  ])
  return m
}
