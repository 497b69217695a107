import type { EChartsOption } from 'echarts'
import type { DeviceStatus, DeviceStatusCount, DeviceTypeCount, StationCount } from '@/api/contract'
import { formatNumber } from '@/utils/format'

type Translate = (key: string) => string

export const STATUS_COLORS: Record<DeviceStatus, string> = {
  online: '#67c23a',
  offline: '#909399',
  fault: '#f56c6c',
}
const TOTAL_COLOR = '#4a7dd6'
const ONLINE_COLOR = STATUS_COLORS.online
const NOT_ONLINE_COLOR = '#c8d3e6'

/** Grouped bars: total vs online per device type, in the API's order. */
export function deviceTypeOption(
  rows: DeviceTypeCount[],
  t: Translate,
  locale: string,
): EChartsOption {
  const fmt = (value: unknown) => formatNumber(Number(value), locale)
  return {
    color: [TOTAL_COLOR, ONLINE_COLOR],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: fmt },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 44, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((row) => t(`deviceType.${row.type}`)),
      axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
    series: [
      {
        name: t('dashboard.charts.total'),
        type: 'bar',
        barMaxWidth: 28,
        // value labels keep small categories (drones, high-point cameras) readable
        label: {
          show: true,
          position: 'top',
          fontSize: 11,
          color: '#606266',
          formatter: (p) => fmt(p.value),
        },
        data: rows.map((row) => row.count),
      },
      {
        name: t('dashboard.charts.online'),
        type: 'bar',
        barMaxWidth: 28,
        data: rows.map((row) => row.online),
      },
    ],
  }
}

/** Donut of devices by status. */
export function deviceStatusOption(
  rows: DeviceStatusCount[],
  t: Translate,
  locale: string,
): EChartsOption {
  return {
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { name: string; value: number; percent: number }
        return `${p.name}: ${formatNumber(p.value, locale)} (${p.percent.toFixed(1)}%)`
      },
    },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['48%', '72%'],
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: {
          formatter: (params: unknown) => {
            const p = params as { name: string; value: number }
            return `${p.name}\n${formatNumber(p.value, locale)}`
          },
        },
        data: rows.map((row) => ({
          name: t(`deviceStatus.${row.status}`),
          value: row.count,
          itemStyle: { color: STATUS_COLORS[row.status] },
        })),
      },
    ],
  }
}

/** Stations sorted by device count, largest on top; online and not-online stacked. */
export function sortStations(rows: StationCount[]): StationCount[] {
  return [...rows].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
}

export const STATION_ROW_HEIGHT = 28

export function stationOption(rows: StationCount[], t: Translate, locale: string): EChartsOption {
  // ECharts draws category axes bottom-up; reverse so the largest station is at the top.
  const sorted = sortStations(rows).reverse()
  const fmt = (value: unknown) => formatNumber(Number(value), locale)
  return {
    color: [ONLINE_COLOR, NOT_ONLINE_COLOR],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: fmt },
    legend: { top: 0 },
    grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
    yAxis: {
      type: 'category',
      data: sorted.map((row) => row.name),
      axisLabel: { width: 140, overflow: 'truncate' },
    },
    series: [
      {
        name: t('dashboard.charts.online'),
        type: 'bar',
        stack: 'devices',
        barMaxWidth: 18,
        data: sorted.map((row) => row.online),
      },
      {
        name: t('dashboard.charts.notOnline'),
        type: 'bar',
        stack: 'devices',
        barMaxWidth: 18,
        data: sorted.map((row) => Math.max(row.count - row.online, 0)),
        label: {
          show: true,
          position: 'right',
          color: '#606266',
          formatter: (params: unknown) => {
            const index = (params as { dataIndex: number }).dataIndex
            return fmt(sorted[index]?.count ?? 0)
          },
        },
      },
    ],
  }
}
