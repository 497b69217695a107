// Browser end-to-end test of the plan centre (视频预案, issue 10): an administrator stages three cameras, makes a
// basic plan of them with 从暂存架新建, sends it to a video wall with one click and finds it by part of its name with
// its device and view counts. Environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ARTIFACTS,
  byTestId,
  callApi,
  closeBrowser,
  openPage,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

before(startBrowser)
after(closeBrowser)

describe('plans', { timeout: 300_000 }, () => {
  test('a plan made from the staging rack goes to the video wall with one click', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')
      const stamp = Date.now() % 1_000_000
      const devices = (await callApi(page, 'GET', '/api/devices/search?q=zjj&pageSize=3&sort=name'))
        .body.items
      assert.equal(devices.length, 3)
      await callApi(page, 'DELETE', '/api/video/stage')
      assert.equal(
        (await callApi(page, 'POST', '/api/video/stage', { deviceIds: devices.map((d) => d.id) }))
          .status,
        200,
      )
      const wall = await callApi(page, 'POST', '/api/walls', {
        name: `预案墙${stamp}`,
        rows: 1,
        columns: 2,
      })
      assert.equal(wall.status, 201)

      await page.goto('/plans')
      await page
        .locator(byTestId('plan-tree'))
        .getByText(/^基础预案/)
        .click()
      await page.locator(byTestId('plan-from-stage')).click()
      const editor = page.locator(`.el-dialog${byTestId('plan-editor')}`)
      await editor.waitFor()
      const rows = editor.locator(
        `${byTestId('plan-device-list')} .el-table__body-wrapper .el-table__row`,
      )
      await rows.nth(2).waitFor()
      assert.equal(await rows.count(), 3)
      // The layout shows the staged cameras in rack order.
      assert.equal(
        (await editor.locator(byTestId('plan-cell-0')).textContent())?.includes(devices[0].name),
        true,
      )
      const name = `朱家角巡查${stamp}`
      await editor.locator(byTestId('plan-name')).fill(name)
      await editor.locator(byTestId('plan-save')).click()
      await page.locator('.el-message--success').getByText(`已保存「${name}」`).waitFor()

      const detail = page.locator(byTestId('plan-detail'))
      await detail
        .locator(`${byTestId('plan-devices')} .el-table__body-wrapper .el-table__row`)
        .nth(2)
        .waitFor()
      await detail.locator(byTestId('plan-to-wall')).click()
      await page.locator(byTestId('plan-wall')).click()
      await page.locator('.el-select-dropdown__item', { hasText: `预案墙${stamp}` }).click()
      await page.locator(byTestId('plan-wall-send')).click()
      await page
        .locator('.el-message--success')
        .getByText(`已将 3 个设备上墙：预案墙${stamp}`)
        .waitFor()
      await page.waitForTimeout(500)
      await page.screenshot({ path: path.join(ARTIFACTS, 'plan-detail.png') })

      // The wall shows the three cameras in plan order over its two screens.
      const state = (await callApi(page, 'GET', `/api/walls/${wall.body.id}`)).body
      const shown = state.screens.flatMap((s) => s.devices.map((d) => d.id))
      assert.deepEqual(new Set(shown), new Set(devices.map((d) => d.id)))
      assert.equal(state.screens[0].devices[0].id, devices[0].id)

      // Found by part of its name, with its devices and one view.
      await page.keyboard.press('Escape')
      await detail.waitFor({ state: 'hidden' })
      await page.locator(byTestId('plan-search')).fill(`巡查${stamp}`)
      await page.keyboard.press('Enter')
      const row = page.locator(`${byTestId('plan-table')} .el-table__row`, { hasText: name })
      await row.waitFor()
      const cells = await row.locator('td').allTextContents()
      assert.deepEqual(
        cells.slice(3).map((c) => c.trim()),
        ['3', '1'],
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'plan-centre.png') })

      await callApi(page, 'DELETE', `/api/walls/${wall.body.id}`)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
