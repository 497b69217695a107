// Browser end-to-end tests of the video computing centre (视频计算): an investigator uploads a real photo, picks a
// face and finds that person's captures among the demo captures (vectors from the real models), checks the
// identity against the person library and the people seen with them, then stages three results and sees their trajectory on the shelf's map.
// The node must run with demo captures (test.sh starts it with CityEye:DemoCaptures); the test waits for that job.
// Environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN,
  ARTIFACTS,
  byTestId,
  closeBrowser,
  openPage,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

const INVESTIGATOR = { username: 'investigator', password: 'Investigator#2026' }
// A group photo of @vladmandic/face-api (MIT), a dev dependency of the model service; the demo captures contain
// the faces of this photo seen at several cameras.
const PHOTO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../vision/model-service/node_modules/@vladmandic/face-api/demo/sample1.jpg',
)

before(startBrowser)
after(closeBrowser)

/** Waits until the demo-captures job has finished (it runs after the district is seeded). */
async function waitForDemoCaptures(page) {
  const deadline = Date.now() + 15 * 60_000
  while (Date.now() < deadline) {
    const response = await page.request.get('/api/jobs?kind=demo-captures&pageSize=1')
    const body = await response.json()
    const job = body.items?.[0]
    if (job?.status === 'succeeded') {
      return job
    }
    assert.ok(
      !job || job.status === 'queued' || job.status === 'running',
      `demo captures ${job?.status}: ${job?.error}`,
    )
    await page.waitForTimeout(3_000)
  }
  throw new Error('the demo captures did not finish in 15 minutes')
}

/** Signs in as the administrator in a context of its own and waits for the demo captures. */
async function demoCapturesReady() {
  const admin = await openPage()
  try {
    await signIn(admin.page, ADMIN)
    await waitForPath(admin.page, '/')
    await waitForDemoCaptures(admin.page)
  } finally {
    await admin.context.close()
  }
}

describe('video computing', { timeout: 1_200_000 }, () => {
  test('an uploaded photo finds that person at several cameras, and three results make a trajectory', async () => {
    await demoCapturesReady()

    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, INVESTIGATOR)
      await waitForPath(page, '/')
      // Start from an empty shelf so the test can run again on the same node.
      const current = await (await page.request.get('/api/shelf')).json()
      if (current.items.length > 0) {
        await page.request.post('/api/shelf/items/remove', {
          data: { captureIds: current.items.map((i) => i.captureId) },
          headers: { 'X-CityEye-Request': '1' },
        })
      }

      await page.locator(byTestId('nav-image-search')).click()
      await waitForPath(page, '/captures/image')
      await page.locator(byTestId('image-input')).setInputFiles(PHOTO)
      // The models find the faces (and persons) of the group photo; the first face is chosen.
      await page.locator(byTestId('targets-found')).waitFor({ state: 'visible', timeout: 60_000 })
      const boxes = page.locator(byTestId('target-box'))
      assert.ok((await boxes.count()) >= 3, 'several targets are boxed on the photo')
      assert.ok(
        (await page.locator(`${byTestId('target-box')}.face`).count()) >= 1,
        'a face is boxed',
      )
      await page
        .locator(`${byTestId('target-box')}.face`)
        .first()
        .click()

      await page.locator(byTestId('image-search')).click()
      await page.locator(byTestId('result-count')).waitFor({ state: 'visible', timeout: 60_000 })
      const similarities = await page.locator(byTestId('similarity')).allTextContents()
      const strong = similarities.map((s) => parseFloat(s)).filter((s) => s >= 70)
      assert.ok(
        strong.length >= 3,
        `that person is found at several cameras: ${similarities.slice(0, 8).join(' ')}`,
      )
      await page.screenshot({
        path: path.join(ARTIFACTS, 'captures-image-search.png'),
        fullPage: true,
      })

      // The best hit's detail: identity from the person library.
      await page.locator(byTestId('capture-card')).first().click()
      await page.locator(byTestId('identify')).click()
      const identity = page.locator(`${byTestId('identity')} .candidate`)
      await identity.first().waitFor({ state: 'visible' })
      assert.equal(await identity.count(), 3)
      // The people of the group photo were generated walking together: the co-traveller analysis finds them.
      await page.locator(byTestId('co-travellers')).click()
      await page
        .locator(`${byTestId('co-traveller-list')} .companion`)
        .first()
        .waitFor({ state: 'visible' })
      await page.screenshot({ path: path.join(ARTIFACTS, 'captures-detail.png') })
      // The camera's recorded video around the capture (VC-15) plays in a dialog.
      await page.locator(byTestId('capture-playback')).click()
      await page
        .locator(`${byTestId('video-dialog')} [data-state="playing"]`)
        .waitFor({ state: 'visible', timeout: 30_000 })
      await page.screenshot({ path: path.join(ARTIFACTS, 'captures-playback.png') })
      await page.keyboard.press('Escape')
      await page.locator(byTestId('video-dialog')).waitFor({ state: 'hidden' })
      await page.keyboard.press('Escape')

      // Three results on the shelf, ordered by time on the map.
      const picks = page.locator(`${byTestId('capture-card')} .pick`)
      for (let i = 0; i < 3; i++) {
        await picks.nth(i).click()
      }
      await page.locator(byTestId('stage-selected')).click()
      await page.locator('.el-message--success').waitFor({ state: 'visible' })
      await page.locator(byTestId('nav-shelf')).click()
      await waitForPath(page, '/captures/shelf')
      await page.locator(byTestId('shelf-item')).nth(2).waitFor({ state: 'visible' })
      assert.equal(await page.locator(byTestId('shelf-item')).count(), 3)
      const summary = page.locator(byTestId('trajectory-summary'))
      await summary.filter({ hasText: '3' }).waitFor({ state: 'visible' })
      await page.locator('.trajectory-stop').nth(2).waitFor({ state: 'visible' })
      assert.equal(await page.locator('.trajectory-stop').count(), 3)
      assert.ok(
        (await page.locator(`${byTestId('trajectory-map')} path.leaflet-interactive`).count()) >= 1,
        'the path is drawn',
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'captures-shelf.png'), fullPage: true })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
  test('a vehicle search narrowed to an area drawn on the map finds captures inside it only', async () => {
    await demoCapturesReady()
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, INVESTIGATOR)
      await waitForPath(page, '/')
      await page.goto('/captures/vehicles')
      const all = page.waitForResponse((r) => r.url().includes('/api/captures?'))
      await page.locator(byTestId('capture-search')).click()
      const everywhere = await (await all).json()
      assert.ok(everywhere.total > 0, 'no vehicle captures in the demo')

      // Drag a rectangle over the western part of the district: the dialog counts the devices in it.
      await page.locator(byTestId('capture-area')).click()
      const map = page.locator(byTestId('area-map'))
      await map.locator('canvas').first().waitFor()
      await page.locator(byTestId('area-rectangle')).click()
      const box = await map.boundingBox()
      const counted = page.waitForResponse((r) => r.url().endsWith('/api/devices/select'))
      await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.05)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 5 })
      await page.mouse.move(box.x + box.width * 0.58, box.y + box.height * 0.95, { steps: 5 })
      await page.mouse.up()
      const inArea = (await (await counted).json()).total
      const district = (await (await page.request.get('/api/devices/map')).json()).ids.length
      assert.ok(
        inArea > 0 && inArea < district,
        `${inArea} of ${district} devices in the drawn area`,
      )
      await page.locator(byTestId('area-devices')).getByText(`区域内 ${inArea} 个点位`).waitFor()
      await page.screenshot({ path: path.join(ARTIFACTS, 'capture-area-picker.png') })
      await page.locator(byTestId('area-apply')).click()
      await page
        .locator(byTestId('capture-area-chosen'))
        .getByText(`地图区域 · ${inArea} 个点位`)
        .waitFor()

      // The search sends the rectangle as a polygon, and every capture found lies inside it.
      const narrowed = page.waitForResponse(
        (r) => r.url().includes('/api/captures?') && r.url().includes('polygon='),
      )
      await page.locator(byTestId('capture-search')).click()
      const response = await narrowed
      assert.equal(response.status(), 200)
      const found = await response.json()
      const ring = new URL(response.url()).searchParams
        .get('polygon')
        .split(';')
        .map((p) => p.split(',').map(Number))
      assert.equal(ring.length, 4)
      const [lngs, lats] = [ring.map((p) => p[0]), ring.map((p) => p[1])]
      assert.ok(
        found.total > 0 && found.total <= everywhere.total,
        `${found.total} of ${everywhere.total}`,
      )
      for (const capture of found.items) {
        assert.ok(
          capture.longitude >= Math.min(...lngs) &&
            capture.longitude <= Math.max(...lngs) &&
            capture.latitude >= Math.min(...lats) &&
            capture.latitude <= Math.max(...lats),
          `capture ${capture.id} at ${capture.longitude},${capture.latitude} outside the area`,
        )
      }
      await page.locator(byTestId('capture-total')).getByText(String(found.total)).waitFor()

      // A polygon of three clicks, the last a double click, has three corners.
      await page.locator(byTestId('capture-area-chosen')).click()
      await page.locator(byTestId('area-polygon')).click()
      const polygonCounted = page.waitForRequest((r) => r.url().endsWith('/api/devices/select'))
      await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.3)
      await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.4)
      await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.7)
      assert.equal((await polygonCounted).postDataJSON().polygon.length, 3)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
