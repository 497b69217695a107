// Browser end-to-end tests of ledger governance: the data audit with its notification in the message centre,
// ministry/province networking points through the review workflow, and the rules page. Environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ARTIFACTS,
  byTestId,
  closeBrowser,
  openPage,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

const CLERK = { username: 'clerk', password: 'Clerk#2026' }
const TEST_TIMEOUT_MS = 240_000

/** Takes every networking point back to nothing (reject what is declared, then withdraw), as the signed-in admin. */
async function withdrawAllPoints(page) {
  await page.evaluate(async () => {
    const post = (action, body) =>
      fetch(`/api/archive/networking-points/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CityEye-Request': '1' },
        body: JSON.stringify(body),
      })
    const all = await (await fetch('/api/archive/networking-points?take=100')).json()
    const ids = all.items.map((p) => p.deviceId)
    if (ids.length > 0) {
      await post('reject', { deviceIds: ids, comment: 'e2e cleanup' })
      await post('withdraw', { deviceIds: ids })
    }
  })
}

before(startBrowser)
after(closeBrowser)

describe('ledger governance', { timeout: TEST_TIMEOUT_MS }, () => {
  test('an audit on demand shows findings per rule and unit, and notifies archive staff', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, CLERK)
      await waitForPath(page, '/')
      await page.locator(byTestId('nav-audit')).click()
      await waitForPath(page, '/archive/audit')
      const runsBefore = await page.evaluate(async () => {
        const response = await fetch('/api/archive/audit/runs?take=30')
        return (await response.json()).total
      })
      await page.locator(byTestId('audit-start')).click()
      // The new run appears, finishes, and the page shows it (newest finished run) with the whole ledger audited.
      await page.waitForFunction(
        async (before) => {
          const response = await fetch('/api/archive/audit/runs?take=30')
          const runs = await response.json()
          return runs.total > before && runs.items[0].status === 'succeeded'
        },
        runsBefore,
        { timeout: 120_000, polling: 500 },
      )
      await page.reload()
      await page.locator(byTestId('audit-devices')).waitFor({ state: 'visible' })
      assert.match((await page.locator(byTestId('audit-devices')).textContent()) ?? '', /16,2\d\d/)
      const rules = page.locator(`${byTestId('audit-rules')} .el-table__row`)
      await rules.first().waitFor({ state: 'visible' })
      assert.match(
        (await page.locator(byTestId('audit-rules')).textContent()) ?? '',
        /维护单位应填写/,
      )
      assert.match((await page.locator(byTestId('audit-units')).textContent()) ?? '', /派出所/)

      // Clicking a rule lists its findings by device and field.
      await rules.filter({ hasText: '维护单位应填写' }).first().click()
      const findings = page.locator(`${byTestId('audit-findings')} .el-table__row`)
      await page.waitForFunction(
        (selector) =>
          [...document.querySelectorAll(selector)].every((row) =>
            row.textContent.includes('维护单位'),
          ),
        `${byTestId('audit-findings')} .el-table__row`,
      )
      assert.ok((await findings.count()) > 0)
      assert.match((await findings.first().textContent()) ?? '', /必填|required/i)
      await page.screenshot({ path: path.join(ARTIFACTS, 'audit.png'), fullPage: true })

      // The message centre has the summary; opening it leads to the run.
      await page.locator(byTestId('notifications-button')).click()
      const items = page.locator(byTestId('notification-item'))
      await items.first().waitFor({ state: 'visible' })
      assert.match((await items.first().textContent()) ?? '', /数据审计完成/)
      await page.waitForTimeout(500) // the drawer slides in
      await page.screenshot({ path: path.join(ARTIFACTS, 'notifications.png') })
      await items.first().click()
      await page.waitForURL(
        (url) => url.pathname === '/archive/audit' && url.searchParams.has('run'),
      )
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('networking points are marked from a search, declared against the rules, and reviewed', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')
      await withdrawAllPoints(page)
      await page.locator(byTestId('nav-networking')).click()
      await waitForPath(page, '/archive/networking')

      await page.locator(byTestId('networking-add')).click()
      const dialog = page.locator(byTestId('networking-add-dialog'))
      await dialog
        .locator(
          `input${byTestId('networking-add-search')}, ${byTestId('networking-add-search')} input`,
        )
        .fill('zjj fsq')
      await dialog
        .locator(
          `input${byTestId('networking-add-search')}, ${byTestId('networking-add-search')} input`,
        )
        .press('Enter')
      const rows = dialog.locator('.el-table__body .el-table__row')
      await rows.first().waitFor({ state: 'visible' })
      await rows.nth(0).locator('.el-checkbox').click()
      await rows.nth(1).locator('.el-checkbox').click()
      await page.locator(byTestId('networking-add-ok')).click()
      const outcome = page.locator(byTestId('outcome-dialog'))
      await outcome.waitFor({ state: 'visible' })
      assert.match((await outcome.textContent()) ?? '', /成功 2 个/)
      await outcome.getByRole('button', { name: '关闭', exact: true }).click()

      // The two drafts are listed; declare them (a device that breaks a rule would be listed with the reason).
      const drafts = page.locator(`${byTestId('networking-table')} .el-table__body .el-table__row`)
      await page.getByRole('tab', { name: /草稿/ }).click()
      await drafts.filter({ hasText: '朱家角' }).first().waitFor({ state: 'visible' })
      const draftCount = await drafts.count()
      assert.ok(draftCount >= 2)
      await page.locator(`${byTestId('networking-table')} .el-table__header .el-checkbox`).click()
      await page.locator(byTestId('networking-declare')).click()
      await outcome.waitFor({ state: 'visible' })
      const declared = (await outcome.textContent()) ?? ''
      assert.match(declared, /成功 \d+ 个/)
      await outcome.getByRole('button', { name: '关闭', exact: true }).click()

      // Review: start and reject one with a reason; the history shows each step with who did it.
      await page.getByRole('tab', { name: /已申报/ }).click()
      const declaredRows = page.locator(
        `${byTestId('networking-table')} .el-table__body .el-table__row`,
      )
      await declaredRows.first().waitFor({ state: 'visible' })
      await declaredRows.first().locator('.el-checkbox').click()
      await page.locator(byTestId('networking-reject')).click()
      await page
        .locator(
          `textarea${byTestId('networking-comment')}, ${byTestId('networking-comment')} textarea`,
        )
        .fill('图像模糊，请整改后重报')
      await page.locator(byTestId('networking-comment-ok')).click()
      await outcome.waitFor({ state: 'visible' })
      assert.match((await outcome.textContent()) ?? '', /成功 1 个/)
      await outcome.getByRole('button', { name: '关闭', exact: true }).click()
      await page.getByRole('tab', { name: /已驳回/ }).click()
      const rejected = page
        .locator(`${byTestId('networking-table')} .el-table__body .el-table__row`)
        .first()
      await rejected.waitFor({ state: 'visible' })
      assert.match((await rejected.textContent()) ?? '', /已驳回.*图像模糊/)
      await rejected.getByRole('button', { name: '历史' }).click()
      const timeline = page.locator('.el-timeline')
      await timeline.waitFor({ state: 'visible' })
      assert.match((await timeline.textContent()) ?? '', /草稿.*已申报.*已驳回/s)
      await page.waitForTimeout(500) // the drawer slides in
      await page.screenshot({ path: path.join(ARTIFACTS, 'networking-points.png') })

      await page.keyboard.press('Escape')
      await withdrawAllPoints(page)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('the rules page lists every rule and the sync page explains an empty connector', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')
      await page.locator(byTestId('nav-rules')).click()
      await waitForPath(page, '/archive/rules')
      const rows = page.locator(`${byTestId('rules-table')} .el-table__body .el-table__row`)
      await rows.first().waitFor({ state: 'visible' })
      assert.ok((await rows.count()) >= 43)
      assert.match(
        (await page.locator(byTestId('rules-table')).textContent()) ?? '',
        /坐标位于青浦区行政边界内/,
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'rules.png'), fullPage: true })

      await page.locator(byTestId('nav-sync')).click()
      await waitForPath(page, '/archive/sync')
      await page.locator(byTestId('sync-sources')).waitFor({ state: 'visible' })
      await page.screenshot({ path: path.join(ARTIFACTS, 'sync.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
