// Browser end-to-end test of the sign-in page, dashboard and jobs panel against a running server.
// Run with `npm run test:e2e` (node's built-in test runner); environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { request } from 'playwright-core'
import {
  ADMIN,
  ARTIFACTS,
  BASE_URL,
  byTestId,
  closeBrowser,
  openPage,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

const EXPECTED_TOTAL = '16,231'
const SEED_TIMEOUT_MS = 120_000
const TEST_TIMEOUT_MS = 240_000

before(startBrowser)
after(closeBrowser)

describe('CityEye web UI', { timeout: TEST_TIMEOUT_MS }, () => {
  test('a wrong password shows the server error on the sign-in page', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, { username: ADMIN.username, password: 'definitely-wrong' })
      const error = page.locator(byTestId('login-error'))
      await error.waitFor({ state: 'visible' })
      const text = (await error.textContent())?.trim() ?? ''
      assert.ok(text.length > 0, 'login error has text')
      assert.equal(new URL(page.url()).pathname, '/login')
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('admin signs in, sees the dashboard, and signs out', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')

      // The server may still be seeding demo data: the page must refresh itself (every 3 s while it is). No reload
      // here, so a broken automatic refresh fails this test.
      const total = page.locator(byTestId('kpi-total-devices'))
      await page.waitForFunction(
        ([selector, expected]) =>
          document.querySelector(selector)?.textContent?.includes(expected) ?? false,
        [byTestId('kpi-total-devices'), EXPECTED_TOTAL],
        { timeout: SEED_TIMEOUT_MS },
      )
      let text = ''
      text = (await total.textContent())?.trim() ?? ''
      assert.ok(
        text.includes(EXPECTED_TOTAL),
        `total devices shows ${EXPECTED_TOTAL}, got "${text}"`,
      )
      assert.match(
        (await page.locator(byTestId('kpi-online-rate')).textContent()) ?? '',
        /\d+(\.\d+)?%/,
      )

      for (const chart of ['chart-by-type', 'chart-by-status', 'chart-by-station']) {
        await page
          .locator(`${byTestId(chart)} canvas`)
          .first()
          .waitFor({ state: 'attached' })
      }
      await page.waitForTimeout(800) // let the chart entry animations finish for the screenshot
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true })

      await page.locator(byTestId('user-menu')).click()
      await page.locator(byTestId('logout')).click()
      await waitForPath(page, '/login')

      await page.goto('/')
      await waitForPath(page, '/login')
      await page.locator(byTestId('login-username')).waitFor({ state: 'visible' })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('the jobs panel lists the demo-seed job as succeeded', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')
      await page.locator(byTestId('jobs-button')).click()
      const drawer = page.locator(byTestId('jobs-drawer'))
      await drawer.waitFor({ state: 'visible' })
      // The panel polls every 2 s while a job is active, so this turns green without a reload.
      await drawer
        .locator('[data-testid="job-item"][data-job-kind="demo-seed"][data-job-status="succeeded"]')
        .first()
        .waitFor({ state: 'visible', timeout: SEED_TIMEOUT_MS })
      await page.waitForTimeout(500) // drawer slide-in animation
      await page.screenshot({ path: path.join(ARTIFACTS, 'jobs-drawer.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('after an administrator resets a password, the user must change it before anything else', async () => {
    const station = { username: 'station', password: 'Station#2026' }
    const reset = 'Reset#Station2026'
    const chosen = 'Chosen#Station2026'
    // The administrator resets the station user's password through the API, as the user page will.
    const api = await request.newContext({
      baseURL: BASE_URL,
      extraHTTPHeaders: { 'X-CityEye-Request': '1' },
    })
    const stationApi = await request.newContext({
      baseURL: BASE_URL,
      extraHTTPHeaders: { 'X-CityEye-Request': '1' },
    })
    const { context, page, pageErrors } = await openPage()
    try {
      const me = await stationApi.post('/api/auth/login', { data: station })
      assert.equal(me.status(), 200)
      const stationId = (await me.json()).id
      assert.equal((await api.post('/api/auth/login', { data: ADMIN })).status(), 200)
      const resetResponse = await api.post(`/api/users/${stationId}/password-reset`, {
        data: { newPassword: reset },
      })
      assert.equal(resetResponse.status(), 204)

      await signIn(page, { username: station.username, password: reset })
      await waitForPath(page, '/account/password')
      await page.locator(byTestId('password-forced')).waitFor({ state: 'visible' })
      // Nothing else opens meanwhile.
      await page.goto('/')
      await waitForPath(page, '/account/password')

      await page.locator(byTestId('password-current')).fill(reset)
      await page.locator(byTestId('password-new')).fill('short')
      await page.locator(byTestId('password-confirm')).fill('short')
      await page.locator(byTestId('password-submit')).click()
      // The server's policy answer, translated: at least 8 characters.
      await page.getByText('密码至少 8 个字符。').waitFor({ state: 'visible' })
      await page.screenshot({ path: path.join(ARTIFACTS, 'change-password.png'), fullPage: true })

      await page.locator(byTestId('password-new')).fill(chosen)
      await page.locator(byTestId('password-confirm')).fill(chosen)
      await page.locator(byTestId('password-submit')).click()
      await waitForPath(page, '/')
      await page.locator(byTestId('kpi-total-devices')).waitFor({ state: 'visible' })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
      await api.dispose()
      await stationApi.dispose()
    }
  })
})
