/**
 * The grid of a split screen: n cells in `columns` × `columns`, 6 and 8 with a large first cell (2×2 of 3×3, 3×3 of
 * 4×4). Used by the split screen and by every screen of the video wall.
 */
export function splitLayout(cells: number): { columns: number; bigSpan: number } {
  const columns =
    ({ 1: 1, 4: 2, 6: 3, 8: 4, 9: 3, 16: 4 } as Record<number, number>)[cells] ??
    Math.ceil(Math.sqrt(cells))
  const bigSpan = ({ 6: 2, 8: 3 } as Record<number, number>)[cells] ?? 1
  return { columns, bigSpan }
}

/** The style of cell `index` (0-based) in the grid of `cells`: the first cell of 6 and 8 spans several. */
export function cellStyle(cells: number, index: number): Record<string, string> | undefined {
  const { bigSpan } = splitLayout(cells)
  return index === 0 && bigSpan > 1
    ? { gridColumn: `span ${bigSpan}`, gridRow: `span ${bigSpan}` }
    : undefined
}
