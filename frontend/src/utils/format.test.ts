import { describe, expect, it } from 'vitest'
import { formatDateTime, formatNumber, formatPercent } from './format'

describe('formatNumber', () => {
  it('groups thousands in both locales', () => {
    expect(formatNumber(16231)).toBe('16,231')
    expect(formatNumber(16231, 'en-US')).toBe('16,231')
    expect(formatNumber(1234567, 'zh-CN')).toBe('1,234,567')
  })

  it('renders small numbers and zero unchanged', () => {
    expect(formatNumber(0)).toBe('0')
    expect(formatNumber(999)).toBe('999')
  })

  it('rounds fractions to integers', () => {
    expect(formatNumber(1234.6)).toBe('1,235')
  })

  it('renders missing or non-finite values as a dash', () => {
    expect(formatNumber(null)).toBe('–')
    expect(formatNumber(undefined)).toBe('–')
    expect(formatNumber(Number.NaN)).toBe('–')
  })
})

describe('formatPercent', () => {
  it('turns a 0..1 ratio into a percentage with one decimal', () => {
    expect(formatPercent(0.9234)).toBe('92.3%')
    expect(formatPercent(1)).toBe('100.0%')
    expect(formatPercent(0)).toBe('0.0%')
  })

  it('honours the fraction digits', () => {
    expect(formatPercent(0.5, 'en-US', 0)).toBe('50%')
  })

  it('renders missing values as a dash', () => {
    expect(formatPercent(undefined)).toBe('–')
  })
})

describe('formatDateTime', () => {
  it('shows UTC instants in Shanghai time', () => {
    expect(formatDateTime('2026-11-25T15:08:04Z')).toBe('2026-11-25 23:08:04')
    expect(formatDateTime('2026-12-31T16:00:00.000Z', 'en-US')).toBe('2027-01-01 00:00:00')
  })

  it('renders missing or invalid input as a dash', () => {
    expect(formatDateTime(null)).toBe('–')
    expect(formatDateTime('not a date')).toBe('–')
  })
})
