import * as L from 'leaflet'
import { ref, type ShallowRef } from 'vue'

export type AreaTool = 'rectangle' | 'circle' | 'polygon'

/**
 * An area drawn on the map, as `POST /api/devices/select` takes it: a rectangle `[west, south, east, north]`, a
 * circle `[lng, lat, metres]` or a polygon `[[lng, lat], …]`.
 */
export interface DrawnArea {
  rectangle?: number[]
  circle?: number[]
  polygon?: number[][]
}

const STYLE = { color: '#f59e0b', weight: 2 }

/** The most corners a polygon takes (a search sends them in its URL). */
export const MAX_CORNERS = 200

/**
 * Drawing an area on a Leaflet map (TG-6 and the capture searches' region): a rectangle or a circle by dragging, a
 * polygon by clicking its corners and double-clicking the last. The map stops panning while a tool is on; the shape
 * stays on the map until cleared or replaced. `attach` once the map exists.
 */
export function useAreaDrawing(map: ShallowRef<L.Map | null>, onArea: (area: DrawnArea) => void) {
  const tool = ref<AreaTool | null>(null)
  let shape: L.Layer | null = null
  let origin: L.LatLng | null = null
  let corners: L.LatLng[] = []

  function startTool(next: AreaTool) {
    clearShape()
    tool.value = next
    map.value?.dragging.disable()
    map.value?.doubleClickZoom.disable()
  }

  function stopTool() {
    tool.value = null
    origin = null
    corners = []
    map.value?.dragging.enable()
    map.value?.doubleClickZoom.enable()
  }

  function clearShape() {
    if (shape) {
      map.value?.removeLayer(shape)
      shape = null
    }
    stopTool()
  }

  function replaceShape(layer: L.Layer) {
    if (shape) {
      map.value?.removeLayer(shape)
    }
    shape = layer.addTo(map.value!)
  }

  function onDown(event: L.LeafletMouseEvent) {
    if (tool.value === 'rectangle' || tool.value === 'circle') {
      origin = event.latlng
    }
  }

  function onMove(event: L.LeafletMouseEvent) {
    if (!origin) {
      return
    }
    if (tool.value === 'rectangle') {
      replaceShape(L.rectangle(L.latLngBounds(origin, event.latlng), STYLE))
    } else if (tool.value === 'circle') {
      replaceShape(L.circle(origin, { ...STYLE, radius: origin.distanceTo(event.latlng) }))
    }
  }

  function onUp(event: L.LeafletMouseEvent) {
    if (!origin || !tool.value || tool.value === 'polygon') {
      return
    }
    const start = origin
    const kind = tool.value
    if (map.value && map.value.latLngToContainerPoint(start).distanceTo(event.containerPoint) < 4) {
      // A click, not a drag: no area yet.
      origin = null
      return
    }
    stopTool()
    if (kind === 'rectangle') {
      const bounds = L.latLngBounds(start, event.latlng)
      onArea({
        rectangle: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
      })
    } else {
      onArea({ circle: [start.lng, start.lat, Math.max(1, start.distanceTo(event.latlng))] })
    }
  }

  function onClick(event: L.LeafletMouseEvent) {
    if (tool.value !== 'polygon' || corners.length >= MAX_CORNERS) {
      return
    }
    // The two clicks of the double click that ends a polygon land on one spot: one corner.
    const last = corners[corners.length - 1]
    if (last && map.value!.latLngToContainerPoint(last).distanceTo(event.containerPoint) < 4) {
      return
    }
    corners.push(event.latlng)
    replaceShape(L.polygon(corners, STYLE))
  }

  function onDoubleClick() {
    if (tool.value !== 'polygon' || corners.length < 3) {
      return
    }
    const ring = corners.map((p) => [p.lng, p.lat])
    stopTool()
    onArea({ polygon: ring })
  }

  function attach(m: L.Map) {
    m.on('mousedown', onDown)
    m.on('mousemove', onMove)
    m.on('mouseup', onUp)
    m.on('click', onClick)
    m.on('dblclick', onDoubleClick)
  }

  return { tool, startTool, stopTool, clearShape, attach }
}
