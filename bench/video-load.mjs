// Video figures for bench/video.sh (issue 9), in Debian's headless chromium through the SPA, as a user sees them.
//   node bench/video-load.mjs BASE_URL DEVICES SECONDS
// Signs in as investigator, opens the split screen with the latency overlay and:
//  1. cold: plays DEVICES online cameras one after another in a 1-split (each starts a new encoder), reading the
//     overlay's time from click to first frame; warm: the same cameras again while their encoders still run;
//  2. plays nine cameras at once in a 9-split for SECONDS and counts how far each picture advanced (a picture that
//     advanced less than 90 % of the wall time stalled), with the CPU the node's ffmpeg processes used meanwhile;
//  3. times 20 snapshots and 3 downloads of 60 s of recording.
// Prints one JSON line.
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../frontend/package.json'))
const { chromium } = require('playwright-core')
const [, , base, devicesText, secondsText] = process.argv
const count = Number(devicesText)
const seconds = Number(secondsText)

/** CPU seconds (user + system) of every ffmpeg process now running. */
function ffmpegCpuSeconds() {
  let ticks = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (!stat.includes('(ffmpeg)')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** Raises the investigator's stream limit (UM-2, default 4) so that one user can watch nine cameras. */
async function allowStreams(limit) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
    body: JSON.stringify({ username: 'admin', password: 'Admin#2026' }),
  })
  if (!login.ok) throw new Error(`admin sign-in: ${login.status}`)
  const headers = { cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), 'X-CityEye-Request': '1' }
  const page = await (await fetch(`${base}/api/users?pageSize=100`, { headers })).json()
  const id = page.items.find((u) => u.username === 'investigator').id
  const user = await (await fetch(`${base}/api/users/${id}`, { headers })).json()
  const update = await fetch(`${base}/api/users/${id}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      displayName: user.displayName,
      organisationId: user.organisationId,
      roleIds: user.roleIds,
      enabled: user.enabled,
      validFrom: user.validFrom,
      validUntil: user.validUntil,
      maxStreams: limit,
      phone: user.phone,
      policeNumber: user.policeNumber,
    }),
  })
  if (!update.ok) throw new Error(`stream limit: ${update.status} ${await update.text()}`)
}
await allowStreams(16)

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  await page.goto('/login')
  await page.locator('[data-testid="login-username"]').fill('investigator')
  await page.locator('[data-testid="login-password"]').fill('Investigator#2026')
  await page.locator('[data-testid="login-submit"]').click()
  await page.waitForURL((url) => url.pathname === '/')
  await page.goto('/video/split')
  await page.locator('[data-testid="device-list"] li .device-name').first().waitFor()
  await page.getByText('时延').click()
  await page.locator('[data-testid="layout"]').getByText('1 分屏').click()
  const items = page.locator('[data-testid="device-list"] li:not(.empty)')

  async function firstFrame(index) {
    await items.nth(index).click()
    const overlay = page.locator('[data-testid="first-frame"]')
    await page.waitForFunction(() => /\d+ ms/.test(document.querySelector('[data-testid="first-frame"]')?.textContent ?? ''))
    const ms = Number(/(\d+) ms/.exec(await overlay.textContent())[1])
    await page.locator('[data-testid="close"]').click()
    await page.waitForFunction(() => !document.querySelector('[data-device]'))
    return ms
  }
  const cold = []
  for (let i = 0; i < count; i++) cold.push(await firstFrame(i))
  const warm = []
  for (let i = 0; i < count; i++) warm.push(await firstFrame(i))

  // Nine at once.
  await page.locator('[data-testid="layout"]').getByText('9 分屏').click()
  for (let i = 0; i < 9; i++) await items.nth(count + i).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-state="playing"]').length === 9, null, { timeout: 60_000 })
  await page.waitForTimeout(3_000)
  const times = () => page.$$eval('[data-testid="video-grid"] video', (videos) => videos.map((v) => v.currentTime))
  const before = await times()
  const cpuBefore = ffmpegCpuSeconds()
  const started = performance.now()
  await page.waitForTimeout(seconds * 1000)
  const wall = (performance.now() - started) / 1000
  const cpu = ffmpegCpuSeconds() - cpuBefore
  const after = await times()
  const advanced = after.map((t, i) => t - before[i])
  const stalled = advanced.filter((a) => a < 0.9 * wall).length
  await page.locator('[data-testid="close-all"]').click()

  // Snapshots and downloads of 60 s.
  const device = (await (await page.request.get('/api/devices/search?status=Online&pageSize=1')).json()).items[0]
  const snapshots = []
  for (let i = 0; i < 20; i++) {
    const t = performance.now()
    const response = await page.request.get(`/api/devices/${device.id}/snapshot`)
    if (!response.ok()) throw new Error(`snapshot ${response.status()}`)
    await response.body()
    snapshots.push(performance.now() - t)
  }
  const downloads = []
  for (let i = 0; i < 3; i++) {
    const to = new Date(Date.now() - (i + 1) * 3_600_000)
    const from = new Date(to.getTime() - 60_000)
    const t = performance.now()
    const response = await page.request.get(
      `/api/devices/${device.id}/recording?from=${from.toISOString()}&to=${to.toISOString()}`,
      { timeout: 120_000 },
    )
    if (!response.ok()) throw new Error(`download ${response.status()}`)
    await response.body()
    downloads.push(performance.now() - t)
  }
  console.log(
    JSON.stringify({
      coldMs: cold,
      warmMs: warm,
      coldP50: percentile(cold, 50),
      warmP50: percentile(warm, 50),
      nine: { seconds: Math.round(wall), advanced: advanced.map((a) => Number(a.toFixed(1))), stalled },
      ffmpegCorePerStream: Number((cpu / wall / 9).toFixed(3)),
      snapshotP50: Math.round(percentile(snapshots, 50)),
      snapshotP99: Math.round(percentile(snapshots, 99)),
      download60sMs: downloads.map((d) => Math.round(d)),
    }),
  )
} finally {
  await browser.close()
}
