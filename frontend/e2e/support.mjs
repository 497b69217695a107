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
