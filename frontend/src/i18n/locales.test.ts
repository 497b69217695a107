import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import enUS from './locales/en-US.json'
import zhCN from './locales/zh-CN.json'

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      keys(child, prefix ? `${prefix}.${key}` : key),
    )
  }
  return [prefix]
}

function placeholders(messages: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const key of keys(messages)) {
    const text = key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages)
    out[key] = [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
  }
  return out
}

describe('locale files', () => {
  it('zh-CN and en-US have the same keys', () => {
    expect(keys(enUS).sort()).toEqual(keys(zhCN).sort())
  })

  it('no message is empty', () => {
    for (const messages of [zhCN, enUS]) {
      const empty = Object.entries(placeholders(messages)).filter(([key]) => {
        const text = key
          .split('.')
          .reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], messages)
        return typeof text !== 'string' || text.trim() === ''
      })
      expect(empty).toEqual([])
    }
  })

  it('both locales use the same placeholders', () => {
    expect(placeholders(enUS)).toEqual(placeholders(zhCN))
  })

  it('translates every device type and status code the API sends', () => {
    const types = [
      'smartBullet',
      'hdBullet',
      'hdDome',
      'highPoint',
      'drone',
      'wirelessEmergency',
      'vehicleMounted',
    ]
    for (const messages of [zhCN, enUS]) {
      expect(Object.keys(messages.deviceType).sort()).toEqual([...types].sort())
      expect(Object.keys(messages.deviceStatus).sort()).toEqual(['fault', 'offline', 'online'])
      expect(Object.keys(messages.jobs.status).sort()).toEqual([
        'cancelled',
        'failed',
        'queued',
        'running',
        'succeeded',
      ])
    }
  })

  it('translates every error code the API sends, with the same arguments as the server text', () => {
    // The server's codes and English texts (CityEye.Core.Validation.ErrorCodes).
    const source = readFileSync(
      resolve(process.cwd(), '../api/CityEye.Core/Validation/ErrorCodes.cs'),
      'utf8',
    )
    const codeOf = new Map(
      [...source.matchAll(/public const string (\w+) = "([^"]+)";/g)].map((m) => [m[1]!, m[2]!]),
    )
    const english = new Map(
      [...source.matchAll(/\[(\w+)\] = "([^"]*)",/g)].map((m) => [codeOf.get(m[1]!)!, m[2]!]),
    )
    expect(codeOf.size).toBeGreaterThan(20)
    expect(english.size).toBe(codeOf.size)
    const zh = placeholders(zhCN)
    const en = placeholders(enUS)
    for (const [code, text] of english) {
      const server = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
      expect(zh[`problems.${code}`], code).toEqual(server)
      expect(en[`problems.${code}`], code).toEqual(server)
    }
    expect(keys(zhCN.problems).length).toBe(codeOf.size)
  })
})
