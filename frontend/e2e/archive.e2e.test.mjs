// Browser end-to-end tests of the video archive (视频档案): pinyin search, the device file, editing with the
// ledger's rules shown inline, importing a spreadsheet with bad rows, and selecting devices on the map. Run with `npm run test:e2e`; environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { makeXlsx } from './xlsx.mjs'
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

before(startBrowser)
after(closeBrowser)

/** The text input of a device-file field in the edit form. */
const field = (page, key) =>
  page.locator(`input${byTestId(`field-${key}`)}, ${byTestId(`field-${key}`)} input`)

/** Searches the archive for `q` (typed, then Enter) and waits for the table to show the result. */
async function search(page, q) {
  const input = page.locator(
    `input${byTestId('device-search')}, ${byTestId('device-search')} input`,
  )
  await input.fill(q)
  // The table shows the previous result until the search answers: wait for that answer, then for the rows.
  const answered = page.waitForResponse(
    (response) =>
      response.url().includes('/api/devices/search') &&
      new URL(response.url()).searchParams.get('q') === q &&
      new URL(response.url()).searchParams.get('pageSize') !== '8',
  )
  await input.press('Enter')
  await answered
  await page.waitForURL((url) => url.searchParams.get('q') === q)
  // The loading mask fades out (and a second one may fade in and out meanwhile): wait until none is showing.
  await page.waitForFunction(
    (selector) =>
      [...document.querySelectorAll(selector)].every(
        (mask) =>
          getComputedStyle(mask).display === 'none' ||
          mask.classList.contains('el-loading-fade-leave-active'),
      ),
    `${byTestId('device-table')} .el-loading-mask`,
  )
  await page
    .locator(`${byTestId('device-table')} .el-table__row`)
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 })
}

describe('video archive', { timeout: TEST_TIMEOUT_MS }, () => {
  test('pinyin initials find a device, highlight it, and open its file', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, CLERK)
      await waitForPath(page, '/')
      await page.locator(byTestId('nav-archive')).click()
      await waitForPath(page, '/archive')
      // The business-group tree shows the district with its device count.
      await page
        .locator(`${byTestId('tree-business-groups')} .el-tree-node`)
        .first()
        .waitFor({ state: 'visible' })
      assert.match(
        (await page.locator(byTestId('tree-business-groups')).textContent()) ?? '',
        /青浦分局视频资源\s*16,2\d\d/,
      )

      await search(page, 'zjj fsq')
      const rows = page.locator(`${byTestId('device-table')} .el-table__row`)
      const count = await rows.count()
      assert.ok(count > 0, 'some devices match')
      for (let i = 0; i < count; i++) {
        const name = (await rows.nth(i).locator('.name').textContent()) ?? ''
        assert.ok(
          name.startsWith('朱家角镇') && name.includes('放生桥'),
          `"${name}" matches 朱家角 … 放生桥`,
        )
      }
      // Typed pinyin lights up the Chinese characters it stands for.
      const marks = await rows.first().locator('mark').allTextContents()
      assert.deepEqual(marks, ['朱家角', '放生桥'])
      assert.match(
        (await page.locator(byTestId('device-total')).textContent()) ?? '',
        new RegExp(`共 ${count} 台设备`),
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'archive-search.png'), fullPage: true })

      const name = (await rows.first().locator('.name').textContent()) ?? ''
      await rows.first().click()
      await page.waitForURL((url) => /^\/archive\/devices\/\d+$/.test(url.pathname))
      await page.locator(byTestId('value-gbCode')).waitFor({ state: 'visible' })
      assert.equal((await page.locator(byTestId('device-title')).textContent())?.trim(), name)
      assert.match((await page.locator(byTestId('value-gbCode')).textContent()) ?? '', /^\d{20}$/)
      assert.equal((await page.locator(byTestId('value-region')).textContent())?.trim(), '朱家角镇')
      await page.locator(byTestId('tab-management')).click()
      await page.locator(byTestId('value-constructionProject')).waitFor({ state: 'visible' })
      assert.match(
        (await page.locator(byTestId('value-constructionProject')).textContent()) ?? '',
        /青浦区/,
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'archive-device.png'), fullPage: true })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('an edit that breaks the rules shows each violation at its field, and a good edit makes a version', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, CLERK)
      await waitForPath(page, '/')
      await page.goto('/archive?q=' + encodeURIComponent('ltz cyjng'))
      await page
        .locator(`${byTestId('device-table')} .el-table__row`)
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 })
      await page
        .locator(`${byTestId('device-table')} .el-table__row`)
        .first()
        .click()
      await page.locator(byTestId('device-edit')).click()

      // Outside the district, and a keyboard code that is not digits: both refused by the server's rules.
      await field(page, 'longitude').fill('120.5')
      await field(page, 'keyboardCode').fill('12ab')
      await page.locator(byTestId('device-save')).click()
      const longitude = page.locator(`${byTestId('item-longitude')} .el-form-item__error`)
      await longitude.waitFor({ state: 'visible' })
      assert.equal((await longitude.textContent())?.trim(), '坐标不在青浦区范围内。')
      assert.equal(
        (
          await page.locator(`${byTestId('item-keyboardCode')} .el-form-item__error`).textContent()
        )?.trim(),
        '格式不正确。',
      )
      assert.match(
        (await page.locator(byTestId('device-form-error')).textContent()) ?? '',
        /2 个字段不符合规则/,
      )
      await page.screenshot({
        path: path.join(ARTIFACTS, 'archive-edit-violations.png'),
        fullPage: true,
      })

      // Put the values right and change the maintainer: saved as a new version with the change recorded.
      await field(page, 'longitude').fill('121.045')
      await field(page, 'keyboardCode').fill('150999')
      await page.locator(byTestId('tab-management')).click()
      await field(page, 'maintainer').fill('上海测试维保有限公司')
      await page.locator(byTestId('device-save')).click()
      await page.locator(byTestId('device-edit')).waitFor({ state: 'visible' })
      await page.locator(byTestId('tab-versions')).click()
      const latest = page.locator(`${byTestId('versions-table')} .el-table__row`).first()
      await latest.waitFor({ state: 'visible' })
      const text = (await latest.textContent()) ?? ''
      assert.match(text, /修改/)
      assert.match(text, /clerk/)
      assert.match(text, /上海测试维保有限公司/)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('an import with bad rows writes nothing and reports each problem by row and field', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, CLERK)
      await waitForPath(page, '/')
      await page.goto('/archive')
      const header = [
        '国标编码',
        '设备名称',
        '键盘码',
        '设备类型',
        '设备状态',
        '管辖单位',
        '行政区划',
        'IP 地址',
        '分辨率',
        '厂商',
        '型号',
        '经度',
        '纬度',
      ]
      const row = (serial, longitude = '121.1') => [
        `3101180100132${String(serial).padStart(7, '0')}`,
        `导入浏览器测试点位${serial}_智能枪机`,
        `77${serial}`,
        '智能枪机',
        '在线',
        '夏阳派出所',
        '夏阳街道',
        `10.252.0.${serial % 250}`,
        '1920x1080',
        '海康威视',
        'DS-E2E',
        longitude,
        '31.15',
      ]
      const file = makeXlsx([header, row(970001), row(970002, '120.5'), row(970001)])

      await page.locator(byTestId('device-import')).click()
      await page.locator(`${byTestId('import-file')} input[type=file]`).setInputFiles({
        name: '设备台账.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: file,
      })
      await page.locator(byTestId('import-start')).click()
      await page.locator(byTestId('import-report')).waitFor({ state: 'visible', timeout: 60_000 })

      assert.match(
        (await page.locator(byTestId('import-report')).textContent()) ?? '',
        /未写入任何数据/,
      )
      assert.match(
        (await page.locator(byTestId('import-summary')).textContent()) ?? '',
        /共 3 行.*有问题 2/,
      )
      const problems = await page
        .locator(`${byTestId('import-problems')} .el-table__row`)
        .allTextContents()
      assert.ok(
        problems.some(
          (p) => p.startsWith('3') && p.includes('经度') && p.includes('坐标不在青浦区范围内'),
        ),
        problems.join(' | '),
      )
      assert.ok(
        problems.some((p) => p.startsWith('4') && p.includes('国标编码') && p.includes('已被使用')),
        problems.join(' | '),
      )
      assert.equal(
        (await page.locator(byTestId('import-report-xlsx')).getAttribute('href')) !== null,
        true,
      )
      await page.screenshot({
        path: path.join(ARTIFACTS, 'archive-import-report.png'),
        fullPage: true,
      })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('the map draws every device and a rectangle selects the devices inside it on the server', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, { username: 'investigator', password: 'Investigator#2026' })
      await waitForPath(page, '/')
      const navigated = Date.now()
      await page.locator(byTestId('nav-map')).click()
      await waitForPath(page, '/map')
      const footer = page.locator(byTestId('map-visible'))
      await page.waitForFunction(
        (selector) => document.querySelector(selector)?.getAttribute('data-drawn-ms'),
        byTestId('map-visible'),
        { timeout: 60_000 },
      )
      const drawnMs = Number(await footer.getAttribute('data-drawn-ms'))
      console.log(
        `map: 16,231 markers drawn ${drawnMs} ms after the page started (${Date.now() - navigated} ms after the click)`,
      )
      assert.match((await footer.textContent()) ?? '', /显示 16,2\d\d 台设备/)

      await page.locator(byTestId('tool-rectangle')).click()
      const box = await page.locator(byTestId('map')).boundingBox()
      const x = box.x + box.width * 0.45
      const y = box.y + box.height * 0.3
      await page.mouse.move(x, y)
      await page.mouse.down()
      await page.mouse.move(x + 120, y + 90, { steps: 8 })
      await page.mouse.up()
      const total = page.locator(byTestId('map-selection-total'))
      await total.waitFor({ state: 'visible' })
      const selected = Number(((await total.textContent()) ?? '').replace(/[^0-9]/g, ''))
      assert.ok(
        selected > 0 && selected < 16231,
        `a part of the district is selected (${selected})`,
      )
      const listed = await page.locator(`${byTestId('map-selection')} .result`).count()
      assert.equal(listed, Math.min(selected, 200))
      // Drawing leaves the map Leaflet's own classes (a class bound on its element once wiped them, and the map's
      // canvas then spilled over the page).
      assert.ok(
        await page
          .locator(byTestId('map'))
          .evaluate((map) => map.classList.contains('leaflet-container')),
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'map-rectangle.png') })

      await page.locator(byTestId('map-clear')).click()
      assert.equal(await total.count(), 0)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
