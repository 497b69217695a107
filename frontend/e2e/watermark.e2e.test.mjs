// Browser end-to-end tests of the watermarks (SC-1, SC-2): an investigator plays a camera, whose picture carries the
// viewer's watermark layer (put back when removed from the page); a screenshot of the playing cell and a snapshot
// taken with the player's button are then given to the leak tracer (水印溯源) by an administrator, who reads the
// investigator's name from each. The administrator also changes the watermark style and sees its preview.
// Environment in support.mjs.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN,
  ARTIFACTS,
  byTestId,
  closeBrowser,
  openPage,
  openSplit,
  playOne,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

const INVESTIGATOR = { username: 'investigator', password: 'Investigator#2026' }

before(startBrowser)
after(closeBrowser)

/** Gives an image to the leak tracer page and returns what it shows. */
async function trace(page, name, buffer) {
  await page.goto('/security/decode')
  await page.locator(`${byTestId('decode-upload')} input[type=file]`).setInputFiles({
    name,
    mimeType: name.endsWith('.png') ? 'image/png' : 'image/jpeg',
    buffer,
  })
  const outcome = page.locator(`${byTestId('decode-result')}, ${byTestId('decode-error')}`)
  await outcome.first().waitFor({ timeout: 30_000 })
  return outcome.first().innerText()
}

describe('watermarks', { timeout: 300_000 }, () => {
  test('a screenshot of the player and a snapshot name the investigator who took them', async () => {
    const viewer = await openPage()
    const tracer = await openPage()
    try {
      const items = await openSplit(viewer.page, INVESTIGATOR, { layout: '1 分屏' })
      const cell = await playOne(viewer.page, items)

      // The watermark layer lies over the picture; removed from the page, it comes back.
      const layer = cell.locator(byTestId('watermark'))
      await viewer.page.waitForFunction(
        () =>
          document
            .querySelector('[data-testid="watermark"]')
            ?.getAttribute('style')
            ?.includes('blob:'),
        null,
        { timeout: 15_000 },
      )
      await viewer.page.$eval('[data-testid="watermark"]', (element) => element.remove())
      await viewer.page.waitForTimeout(100)
      assert.equal(await layer.count(), 1, 'the watermark layer was not put back')
      await viewer.page.$eval('[data-testid="watermark"]', (element) =>
        element.setAttribute('style', 'display:none'),
      )
      await viewer.page.waitForTimeout(100)
      assert.match((await layer.getAttribute('style')) ?? '', /background-image/)

      await viewer.page.waitForTimeout(1_000)
      const screenshot = await cell.screenshot({
        path: path.join(ARTIFACTS, 'watermark-player.png'),
      })

      // The player's snapshot button saves the node's JPEG, with the marks burnt in.
      const saved = viewer.page.waitForEvent('download')
      await cell.hover()
      await cell.locator(byTestId('snapshot')).click()
      const download = await saved
      assert.match(download.suggestedFilename(), /^\d{20}\.jpg$/)
      const snapshot = await readFile(await download.path())

      await signIn(tracer.page, ADMIN)
      await waitForPath(tracer.page, '/')
      const fromScreenshot = await trace(tracer.page, 'screen.png', screenshot)
      assert.match(fromScreenshot, /investigator/, fromScreenshot)
      const fromSnapshot = await trace(tracer.page, 'snapshot.jpg', snapshot)
      assert.match(fromSnapshot, /investigator/, fromSnapshot)
      assert.match(fromSnapshot, /青浦区/, fromSnapshot)
      await tracer.page.screenshot({ path: path.join(ARTIFACTS, 'watermark-decode.png') })

      // A picture that never carried a mark: a clear answer, not a guess.
      const blank = await tracer.page.screenshot({ clip: { x: 0, y: 0, width: 400, height: 300 } })
      const none = await trace(tracer.page, 'blank.png', blank)
      assert.match(none, /未在图片中找到本系统的点阵水印/, none)

      assert.deepEqual(viewer.pageErrors, [])
      assert.deepEqual(tracer.pageErrors, [])
    } finally {
      await viewer.context.close()
      await tracer.context.close()
    }
  })

  test('an administrator changes the watermark style and sees its preview', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, ADMIN)
      await waitForPath(page, '/')
      await page.goto('/security/watermark')
      await page.locator(byTestId('preview')).waitFor({ timeout: 15_000 })
      const template = page.locator(byTestId('template'))
      const original = await template.inputValue()

      // A placeholder the node does not know: the field says so.
      await template.fill('{name} {password}')
      await page.getByText('模板只能使用占位符').waitFor()
      await template.fill(`${original} {node}`)
      await page.locator(byTestId('save')).click()
      await page.getByText('水印样式已保存').waitFor()
      await page.screenshot({ path: path.join(ARTIFACTS, 'watermark-settings.png') })
      const saved = await (await page.request.get('/api/watermark/style')).json()
      assert.equal(saved.style.template, `${original} {node}`)
      assert.equal(saved.updatedBy, 'admin')

      await template.fill(original)
      await page.locator(byTestId('save')).click()
      await page.getByText('水印样式已保存').first().waitFor()
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
