import { describe, expect, it } from 'vitest'
import { sortStations, stationOption } from './chartOptions'

const t = (key: string) => key

describe('station chart', () => {
  const rows = [
    { organisationId: 1, name: 'B所', count: 10, online: 8 },
    { organisationId: 2, name: 'A所', count: 30, online: 20 },
    { organisationId: 3, name: 'C所', count: 10, online: 10 },
  ]

  it('sorts stations by device count, largest first', () => {
    expect(sortStations(rows).map((row) => row.organisationId)).toEqual([2, 1, 3])
  })

  it('puts the largest station at the top and stacks online with the rest', () => {
    const option = stationOption(rows, t, 'zh-CN') as {
      yAxis: { data: string[] }
      series: { data: number[] }[]
    }
    expect(option.yAxis.data).toEqual(['C所', 'B所', 'A所'])
    expect(option.series[0]?.data).toEqual([10, 8, 20])
    expect(option.series[1]?.data).toEqual([0, 2, 10])
  })
})
