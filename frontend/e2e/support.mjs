// Shared set-up of the browser end-to-end tests: the server under test, a headless Debian chromium, sign-in.
//   E2E_BASE_URL   server to test (default http://127.0.0.1:5080; it serves the built SPA)
//   CHROMIUM_PATH  browser binary (default /usr/bin/chromium, Debian package `chromium`)
//   E2E_ARTIFACTS  folder for screenshots (default e2e-artifacts)
import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:5080').replace(/\/$/, '')
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? 'e2e-artifacts'
export const ADMIN = { username: 'admin', password: 'Admin#2026' }

/** @type {import('playwright-core').Browser | undefined} */
let browser

export const byTestId = (id) => `[data-testid="${id}"]`

export async function waitForServer(timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${BASE_URL}/readyz`, { signal: AbortSignal.timeout(5_000) })
      if (response.ok) {
        return
      }
      last = `HTTP ${response.status}`
    } catch (error) {
      last = String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
  throw new Error(`${BASE_URL}/readyz not ready after ${timeoutMs} ms (${last})`)
}

/** Waits for the server, then launches the browser (a `before` hook). */
export async function startBrowser() {
  await waitForServer()
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  await mkdir(ARTIFACTS, { recursive: true })
}

export async function closeBrowser() {
  await browser?.close()
}

/** A fresh browser context (own cookies) with the page's errors collected. */
export async function openPage() {
  if (!browser) {
    throw new Error('startBrowser() has not run')
  }
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(error))
  return { context, page, pageErrors }
}

export async function signIn(page, credentials = ADMIN) {
  await page.goto('/login')
  await page.locator(byTestId('login-username')).fill(credentials.username)
  await page.locator(byTestId('login-password')).fill(credentials.password)
  await page.locator(byTestId('login-submit')).click()
}

export async function waitForPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname, { timeout: 15_000 })
}

/**
 * Signs in and opens 分屏调阅 with the layout ("1 分屏" …) and mode ("实时" or "回放") given; returns the locator of
 * the device list's entries once the list has some.
 */
export async function openSplit(page, credentials, { layout, mode } = {}) {
  await signIn(page, credentials)
  await waitForPath(page, '/')
  await page.goto('/video/split')
  if (layout) await page.locator(byTestId('layout')).getByText(layout).click()
  if (mode) await page.locator(byTestId('mode')).getByText(mode).click()
  const items = page.locator(`${byTestId('device-list')} li:not(.empty)`)
  await items.first().waitFor()
  return items
}

/**
 * Clicks the list's devices in turn until a cell plays (a device may go offline between the list and the click) and
 * returns that cell.
 */
export async function playOne(page, items) {
  for (let attempt = 0; attempt < 6; attempt++) {
    if ((await page.locator('[data-state="playing"]').count()) > 0) break
    await items.nth(attempt).click()
    await page
      .waitForSelector('[data-state="playing"], [data-state="failed"]', { timeout: 30_000 })
      .catch(() => undefined)
  }
  const cell = page.locator('[data-state="playing"]').first()
  await cell.waitFor({ timeout: 30_000 })
  return cell
}

/** Calls the API from the page with its session cookie, as the SPA does: { status, body }. */
export async function callApi(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const response = await fetch(url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
        body: body ? JSON.stringify(body) : undefined,
      })
      return { status: response.status, body: await response.json().catch(() => null) }
    },
    [method, url, body],
  )
}
