import { describe, expect, it } from 'vitest'
import { WHOLE, fit, pictureBox, viewBox, zoomAt, zoomToBox } from './digitalZoom'

describe('digital zoom', () => {
  it('keeps the point under the pointer where it is', () => {
    const zoomed = zoomAt(WHOLE, 0.25, 0.75, 2)
    expect(zoomed.size).toBeCloseTo(0.5)
    // The picture point at (0.25, 0.75) stays at a quarter across and three quarters down.
    expect(zoomed.x + 0.25 * zoomed.size).toBeCloseTo(0.25)
    expect(zoomed.y + 0.75 * zoomed.size).toBeCloseTo(0.75)
    // Zooming out past the whole picture stops there.
    expect(zoomAt(zoomed, 0.5, 0.5, 0.1)).toEqual(WHOLE)
    // At most 8×.
    expect(zoomAt(WHOLE, 0.5, 0.5, 100).size).toBeCloseTo(1 / 8)
  })

  it('fills the view with a dragged box, centred, inside the picture', () => {
    const box = zoomToBox(WHOLE, 0.6, 0.2, 0.8, 0.3)
    expect(box.size).toBeCloseTo(0.2)
    expect(box.x + box.size / 2).toBeCloseTo(0.7)
    expect(box.y + box.size / 2).toBeCloseTo(0.25)
    // A box at the edge is pushed back inside.
    const edge = zoomToBox(WHOLE, 0.9, 0.9, 1, 1)
    expect(edge.x + edge.size).toBeLessThanOrEqual(1)
    expect(fit({ x: -1, y: 2, size: 0.5 })).toEqual({ x: 0, y: 0.5, size: 0.5 })
  })

  it('maps to object-view-box and finds the drawn picture in a letterboxed element', () => {
    expect(viewBox(WHOLE)).toBe('none')
    expect(viewBox({ x: 0.25, y: 0.5, size: 0.25 })).toBe('inset(50.000% 50.000% 25.000% 25.000%)')
    // A 16:9 picture in a square element is drawn across the full width, centred vertically.
    expect(pictureBox(400, 400, 1600, 900)).toEqual({ left: 0, top: 87.5, width: 400, height: 225 })
  })
})
