// Browser end-to-end tests of the tag centre (归类治理, issue 10): a clerk labels three devices found by their
// initials in 标注工作台, sees the labelled count and ratio move in 标注统计 and filters the archive search by the
// new tag; an administrator merges two place types in 标签字典 and sees the device counts add up. Environment in
// support.mjs.
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

const CLERK = { username: 'clerk', password: 'Clerk#2026' }

/** The number in a KPI card ("1,234" → 1234). */
async function kpi(page, id) {
  const text = (await page.locator(byTestId(id)).textContent()) ?? ''
  return Number(text.replace(/[^\d.]/g, ''))
}

/** Types a new or existing name into a filterable select and takes it. */
async function pick(page, testId, name) {
  await page.locator(byTestId(testId)).click()
  await page.keyboard.type(name)
  await page.keyboard.press('Enter')
}

describe('tags', { timeout: 300_000 }, () => {
  test('three devices found by initials are labelled, counted in the statistics and found by their tag', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, CLERK)
      await waitForPath(page, '/')
      await page.goto('/tags/stats')
      await page.locator(byTestId('tag-sub-units')).locator('.el-table__row').first().waitFor()
      const before = await kpi(page, 'tag-labelled-devices')
      const total = await kpi(page, 'tag-total-devices')
      assert.ok(total > 10_000, `the district has ${total} devices`)

      // 夏阳街道 by its initials; the first three devices found are checked.
      await page.goto('/tags/workbench')
      await page.locator(byTestId('workbench-keyword')).fill('xyjd')
      await page.locator(byTestId('workbench-find')).click()
      const rows = page.locator(
        `${byTestId('workbench-devices')} .el-table__body-wrapper .el-table__row`,
      )
      await rows.nth(2).waitFor()
      let alreadyLabelled = 0
      for (let i = 0; i < 3; i++) {
        alreadyLabelled += await rows.nth(i).locator('.dot').count()
        await rows.nth(i).locator('.el-checkbox').click()
      }
      const names = await Promise.all(
        [0, 1, 2].map(
          async (i) => (await rows.nth(i).locator('td').nth(1).textContent())?.trim() ?? '',
        ),
      )
      for (const name of names) assert.match(name, /夏阳/)

      // A new place type and part: shown green as new, created on labelling.
      const type = `学校${Date.now() % 1_000_000}`
      await pick(page, 'pick-place-type', type)
      await pick(page, 'pick-place-part', '校门')
      const chips = page.locator(byTestId('chosen-tag'))
      await chips.nth(1).waitFor()
      assert.equal(await page.locator(`${byTestId('chosen-tag')}.el-tag--success`).count(), 2)
      await page.locator(byTestId('apply-label')).click()
      await page.locator('.el-message--success').getByText('新标注 3 个设备').waitFor()

      // The rows are marked labelled; the first one's tags show beside its snapshot.
      await rows.nth(0).locator('.dot').waitFor()
      await rows.nth(0).locator('td').nth(2).click()
      await page.locator(byTestId('device-labels')).getByText(`${type} / 校门`).waitFor()
      await page.waitForFunction(
        (selector) => (document.querySelector(selector)?.naturalWidth ?? 0) > 0,
        byTestId('workbench-snapshot'),
        { timeout: 30_000 },
      )
      // The new names are tags now: still chosen, shown as existing (blue).
      assert.equal(await page.locator(`${byTestId('chosen-tag')}.el-tag--primary`).count(), 2)
      await page.waitForTimeout(500)
      await page.screenshot({ path: path.join(ARTIFACTS, 'tag-workbench.png') })

      // The statistics count them.
      await page.goto('/tags/stats')
      await page.waitForFunction(
        ([id, expected]) =>
          Number(
            (document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '').replace(
              /[^\d]/g,
              '',
            ),
          ) === expected,
        ['tag-labelled-devices', before + 3 - alreadyLabelled],
      )
      await page.waitForTimeout(1500) // the charts animate to their values
      await page.screenshot({ path: path.join(ARTIFACTS, 'tag-stats.png'), fullPage: true })

      // The archive search filtered by the new place type finds exactly the three.
      await page.goto('/archive')
      await page.locator(byTestId('device-total')).getByText(/共/).waitFor()
      await page.locator(byTestId('filter-tag')).click()
      await page.keyboard.type(type)
      await page.locator('.el-select-dropdown__item', { hasText: type }).first().click()
      await page.keyboard.press('Escape')
      await page.locator(byTestId('device-total')).getByText('共 3 台设备').waitFor()
      const found = await page
        .locator(`${byTestId('device-table')} .el-table__body-wrapper .el-table__row`)
        .allTextContents()
      for (const name of names)
        assert.ok(
          found.some((row) => row.includes(name)),
          `${name} is not among ${found}`,
        )
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('merging two place types in the dictionary relabels their devices once', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page)
      await waitForPath(page, '/')
      const stamp = Date.now() % 1_000_000
      const a = await callApi(page, 'POST', '/api/tags', {
        category: 'scene',
        kind: 'placeType',
        name: `菜场${stamp}`,
      })
      const b = await callApi(page, 'POST', '/api/tags', {
        category: 'scene',
        kind: 'placeType',
        name: `农贸市场${stamp}`,
      })
      assert.equal(a.status, 201)
      const devices = (
        await callApi(page, 'GET', '/api/devices/search?q=zjj&pageSize=3')
      ).body.items.map((d) => d.id)
      assert.equal(
        (
          await callApi(page, 'POST', `/api/tags/${a.body.tag.id}/labels`, {
            deviceIds: devices.slice(0, 2),
          })
        ).status,
        200,
      )
      assert.equal(
        (
          await callApi(page, 'POST', `/api/tags/${b.body.tag.id}/labels`, {
            deviceIds: devices.slice(1),
          })
        ).status,
        200,
      )

      await page.goto('/tags/dictionary')
      await page.locator(byTestId('tag-search')).fill(String(stamp))
      await page.keyboard.press('Enter')
      const table = page.locator(byTestId('tag-table'))
      const rowOf = (name) => table.locator('.el-table__row', { hasText: name })
      await rowOf(`菜场${stamp}`).waitFor()
      assert.equal(
        (await rowOf(`菜场${stamp}`).locator(byTestId('tag-devices')).textContent())?.trim(),
        '2',
      )
      assert.equal(
        (await rowOf(`农贸市场${stamp}`).locator(byTestId('tag-devices')).textContent())?.trim(),
        '2',
      )

      await rowOf(`菜场${stamp}`).locator(byTestId('tag-merge')).click()
      await page.locator(byTestId('merge-target')).click()
      await page.locator('.el-select-dropdown__item', { hasText: `农贸市场${stamp}` }).click()
      await page.locator(byTestId('merge-confirm')).click()
      await page.locator('.el-message--success').getByText('合并完成').waitFor({ timeout: 30_000 })
      await rowOf(`菜场${stamp}`).waitFor({ state: 'detached' })
      assert.equal(
        (await rowOf(`农贸市场${stamp}`).locator(byTestId('tag-devices')).textContent())?.trim(),
        '3',
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'tag-dictionary.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
