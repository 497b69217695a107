import { describe, expect, it } from 'vitest'
import { cellStyle, splitLayout } from './splitLayout'

describe('splitLayout', () => {
  it('fills a square grid, with one large cell for 6 and 8', () => {
    // Cells covered: the large cell's span squared plus the others must fill columns².
    for (const n of [1, 4, 6, 8, 9, 16]) {
      const { columns, bigSpan } = splitLayout(n)
      expect(bigSpan * bigSpan + (n - 1)).toBe(columns * columns)
    }
    expect(cellStyle(6, 0)).toEqual({ gridColumn: 'span 2', gridRow: 'span 2' })
    expect(cellStyle(6, 1)).toBeUndefined()
    expect(cellStyle(9, 0)).toBeUndefined()
  })
})
