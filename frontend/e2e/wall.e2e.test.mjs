// Browser end-to-end test of the video wall (电视墙): an administrator creates a wall in the console; a display
// computer (a second browser context, signed in as an investigator who has no console rights) opens the wall page;
// a camera sent from the console plays there at once, and a swap moves it to another screen. Environment in
// support.mjs.
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

const INVESTIGATOR = { username: 'investigator', password: 'Investigator#2026' }

before(startBrowser)
after(closeBrowser)

const cellOf = (screen, cell) => `[data-screen="${screen}"] [data-cell="${cell}"]`

/** The playing time of the video in a wall cell, or -1 when it has none yet. */
const playedSeconds = (page, selector) =>
  page.$eval(`${selector} video`, (video) => video.currentTime).catch(() => -1)

describe('video wall', { timeout: 300_000 }, () => {
  test('a camera sent from the console plays on the wall page open in a second browser', async () => {
    const console_ = await openPage()
    const display = await openPage()
    try {
      const { page } = console_
      await signIn(page)
      await waitForPath(page, '/')
      await page.goto('/video/wall')

      // A new wall of one row and two screens.
      const name = `指挥中心 ${Date.now() % 100000}`
      await page.locator(byTestId('wall-new')).click()
      await page.locator(byTestId('wall-name')).fill(name)
      await page.locator('.el-dialog .el-input-number').nth(0).locator('input').fill('1')
      await page.locator('.el-dialog .el-input-number').nth(1).locator('input').fill('2')
      await page.locator(byTestId('wall-name')).click()
      await page.locator(byTestId('wall-save')).click()
      await page.locator(byTestId('wall-select')).getByText(name).waitFor()
      await page.locator(`${byTestId('wall-console')} [data-screen="1"]`).waitFor()
      assert.equal(await page.locator(`${byTestId('wall-console')} [data-screen]`).count(), 2)
      const wallId = await page.evaluate(async (wallName) => {
        const walls = await (await fetch('/api/walls')).json()
        return walls.find((w) => w.name === wallName).id
      }, name)

      // The display computer opens the wall page; the console sees it come online.
      await signIn(display.page, INVESTIGATOR)
      await waitForPath(display.page, '/')
      await display.page.goto(`/wall/${wallId}`)
      await display.page.locator('[data-screen="1"]').waitFor()
      await page.locator(byTestId('wall-displays')).getByText('显示屏在线 1').waitFor()

      // Pick the first cell of the first screen, then click online devices until one plays on the wall.
      await page.locator(`${byTestId('wall-console')} ${cellOf(0, 0)}`).click()
      const items = page.locator(`${byTestId('device-list')} li:not(.empty)`)
      await items.first().waitFor()
      const onWall = display.page.locator(`${cellOf(0, 0)} [data-state="playing"]`)
      let sent = ''
      for (let attempt = 0; attempt < 4 && !(await onWall.count()); attempt++) {
        await page.locator(`${byTestId('wall-console')} ${cellOf(0, 0)}`).click()
        sent = (await items.nth(attempt).locator('.device-name').textContent()) ?? ''
        await items.nth(attempt).click()
        await page
          .locator(`${byTestId('wall-console')} ${cellOf(0, 0)}`)
          .getByText(sent)
          .waitFor()
        await display.page
          .waitForSelector(
            `${cellOf(0, 0)} [data-state="playing"], ${cellOf(0, 0)} [data-state="failed"]`,
            {
              timeout: 30_000,
            },
          )
          .catch(() => undefined)
      }
      await onWall.waitFor({ timeout: 30_000 })
      // The wall shows the camera the console sent, by name, and its picture moves.
      assert.equal(
        (await display.page.locator(`${cellOf(0, 0)} .name`).textContent())?.trim(),
        sent,
      )
      const first = await playedSeconds(display.page, cellOf(0, 0))
      await display.page.waitForTimeout(2_000)
      assert.ok(
        (await playedSeconds(display.page, cellOf(0, 0))) > first + 1,
        'the wall video does not play',
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'wall-console.png') })
      await display.page.screenshot({ path: path.join(ARTIFACTS, 'wall-page.png') })

      // Swap it to the second screen's third cell: the wall page follows.
      await page.locator(`${byTestId('wall-console')} ${cellOf(0, 0)}`).click()
      await page.locator(byTestId('wall-swap')).click()
      await page.locator(`${byTestId('wall-console')} ${cellOf(1, 2)}`).click()
      await display.page
        .locator(`${cellOf(1, 2)} [data-state="playing"]`)
        .waitFor({ timeout: 30_000 })
      assert.equal(await display.page.locator(`${cellOf(0, 0)} video`).count(), 0)
      assert.deepEqual(console_.pageErrors, [])
      assert.deepEqual(display.pageErrors, [])
    } finally {
      await console_.context.close()
      await display.context.close()
    }
  })
})
