/** Display time zone: the platform serves Qingpu district, Shanghai. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai'

const numberFormats = new Map<string, Intl.NumberFormat>()

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, options)
    numberFormats.set(key, format)
  }
  return format
}

/** Integer with thousands separators: 16231 → "16,231". Non-finite input renders as "–". */
export function formatNumber(value: number | null | undefined, locale = 'zh-CN'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–'
  }
  return numberFormat(locale, { maximumFractionDigits: 0, useGrouping: true }).format(value)
}

/** Ratio 0..1 as a percentage: 0.9234 → "92.3%". */
export function formatPercent(
  ratio: number | null | undefined,
  locale = 'zh-CN',
  fractionDigits = 1,
): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) {
    return '–'
  }
  return numberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(ratio)
}

/** ISO 8601 instant shown as local Shanghai time: "2026-11-25 23:08:04". */
export function formatDateTime(iso: string | null | undefined, locale = 'zh-CN'): string {
  if (!iso) {
    return '–'
  }
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) {
    return '–'
  }
  const parts = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: DISPLAY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((part) => part.type === type)?.value ?? '00'
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`
}
