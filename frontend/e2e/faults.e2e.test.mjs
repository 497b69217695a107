// Browser end-to-end test of fault tickets (故障申报, VI-12): an administrator reports a fault from a playing cell
// of the split screen, finds it under 已申报 in 故障工单 with the snapshot the node took, assigns it, records the
// handling and verifies it. Environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ARTIFACTS,
  byTestId,
  closeBrowser,
  openPage,
  openSplit,
  playOne,
  startBrowser,
} from './support.mjs'

before(startBrowser)
after(closeBrowser)

describe('fault tickets', { timeout: 300_000 }, () => {
  test('a fault reported from the player is assigned, handled and verified in 故障工单', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      const items = await openSplit(page, undefined, { layout: '1 分屏' })
      const cell = await playOne(page, items)
      const device = (await cell.locator('.name').textContent())?.trim() ?? ''
      assert.ok(device.length > 0)

      const description = `画面有遮挡 ${Date.now() % 100000}`
      await cell.hover()
      await cell.locator(byTestId('fault-report')).click()
      const dialog = page.locator(`.el-dialog${byTestId('fault-dialog')}`)
      await dialog.getByText('画面异常').click()
      await dialog.locator(`textarea${byTestId('fault-description')}`).fill(description)
      await dialog.locator(byTestId('fault-submit')).click()
      await page.locator('.el-message--success').getByText('已申报').waitFor()

      // The ticket waits under 已申报 with the snapshot taken when it was reported.
      await page.goto('/video/faults')
      await page
        .locator(byTestId('fault-tabs'))
        .getByText(/^已申报/)
        .click()
      const row = page.locator('.fault-row', { hasText: description })
      await row.waitFor()
      assert.ok(((await row.textContent()) ?? '').includes(device))
      await row.click()
      const drawer = page.locator(byTestId('fault-drawer'))
      const image = drawer.locator(byTestId('fault-snapshot'))
      await image.waitFor()
      await page.waitForFunction(
        (selector) => (document.querySelector(selector)?.naturalWidth ?? 0) > 0,
        byTestId('fault-snapshot'),
      )
      assert.equal((await drawer.locator(byTestId('fault-state')).textContent())?.trim(), '已申报')

      // Assign it (to the administrator, a dispatcher who may also handle), handle, verify.
      await drawer.locator(byTestId('fault-assignee')).click()
      await page.locator('.el-select-dropdown__item', { hasText: '(admin)' }).click()
      await drawer.locator(`textarea${byTestId('fault-comment')}`).fill('请维护单位核实')
      await drawer.locator(byTestId('fault-assign')).click()
      await drawer.locator(byTestId('fault-state')).getByText('已派单').waitFor()
      await drawer.locator(`textarea${byTestId('fault-comment')}`).fill('已清理镜头遮挡')
      await drawer.locator(byTestId('fault-handle')).click()
      await drawer.locator(byTestId('fault-state')).getByText('已处理').waitFor()
      await drawer.locator(byTestId('fault-verify')).click()
      await drawer.locator(byTestId('fault-state')).getByText('已验收').waitFor()
      const history = (await drawer.locator(byTestId('fault-history')).textContent()) ?? ''
      for (const step of ['申报', '派单', '处理完成', '验收通过', '已清理镜头遮挡']) {
        assert.ok(history.includes(step), `the history lacks ${step}: ${history}`)
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'fault-ticket.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
