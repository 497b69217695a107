// Browser end-to-end tests of the video interconnection centre (视频联网): an investigator opens four online cameras
// in a 4-split and sees four live pictures whose clocks move, with the time to the first frame in the debug overlay;
// closing the cells closes the streams on the node. Then plays a camera's recorded video, seeks to a moment and reads
// that moment from the burnt-in clock with Debian's tesseract OCR. Environment in support.mjs.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import {
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

/** A fingerprint of the clock corner (bottom right) of each playing video, drawn through a canvas. */
function clockCorners(page) {
  return page.$$eval('[data-testid="video-grid"] video', (videos) =>
    videos.map((video) => {
      const canvas = document.createElement('canvas')
      canvas.width = 200
      canvas.height = 40
      const context = canvas.getContext('2d')
      if (!context || video.videoWidth === 0) return null
      context.drawImage(
        video,
        video.videoWidth - 200,
        video.videoHeight - 40,
        200,
        40,
        0,
        0,
        200,
        40,
      )
      const pixels = context.getImageData(0, 0, 200, 40).data
      let hash = 0
      for (let i = 0; i < pixels.length; i += 4) hash = (hash * 31 + pixels[i]) >>> 0
      return { hash, width: video.videoWidth, time: video.currentTime }
    }),
  )
}

describe('video interconnection', { timeout: 300_000 }, () => {
  test('four cameras in a 4-split play live pictures with moving clocks', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, INVESTIGATOR)
      await waitForPath(page, '/')
      await page.goto('/video/split')
      await page
        .locator(`${byTestId('device-list')} li .device-name`)
        .first()
        .waitFor()
      await page.getByText('时延').click()

      // Click online devices until four cells play (a device may go offline between the list and the click).
      const items = page.locator(`${byTestId('device-list')} li:not(.empty)`)
      let next = 0
      for (let attempt = 0; attempt < 12; attempt++) {
        const playing = await page.locator('[data-state="playing"]').count()
        if (playing === 4) break
        const failed = page.locator('[data-state="failed"]')
        if ((await failed.count()) > 0) {
          await failed.first().locator(byTestId('close')).click()
        }
        const cells = await page.locator('[data-testid="video-grid"] [data-device]').count()
        if (cells < 4) {
          await items.nth(next++).click()
          continue
        }
        await page.waitForTimeout(1_000)
      }
      await page.waitForFunction(
        () => document.querySelectorAll('[data-state="playing"]').length === 4,
        null,
        { timeout: 30_000 },
      )

      // Four pictures 640×360 whose clock corners change from one second to the next.
      const before = await clockCorners(page)
      await page.waitForTimeout(2_000)
      const later = await clockCorners(page)
      assert.equal(before.length, 4)
      for (let i = 0; i < 4; i++) {
        assert.ok(before[i] && later[i], `video ${i} has no picture`)
        assert.equal(later[i].width, 640)
        assert.ok(later[i].time > before[i].time, `video ${i} does not advance`)
        assert.notEqual(later[i].hash, before[i].hash, `the clock of video ${i} does not move`)
      }

      const overlays = await page.locator(byTestId('first-frame')).allTextContents()
      const firstFrames = overlays.map((text) => Number(/首帧 (\d+) ms/.exec(text)?.[1]))
      assert.equal(firstFrames.filter((ms) => ms > 0).length, 4, overlays.join(' | '))
      console.log(`first frame after click (ms): ${firstFrames.join(', ')}`)
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-split-4.png') })

      const streams = await (await page.request.get('/api/video/streams')).json()
      assert.equal(streams.streams.length, 4)

      // Closing every cell closes the streams on the node.
      await page.locator(byTestId('close-all')).click()
      await page.waitForFunction(() => document.querySelectorAll('[data-device]').length === 0)
      let open = -1
      for (let i = 0; i < 20 && open !== 0; i++) {
        await page.waitForTimeout(250)
        open = (await (await page.request.get('/api/video/streams')).json()).streams.length
      }
      assert.equal(open, 0)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('a recorded range plays, and after a seek the frame shows the recorded time', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, INVESTIGATOR)
      await waitForPath(page, '/')
      await page.goto('/video/split')
      await page.locator(byTestId('layout')).getByText('1 分屏').click()
      await page.locator(byTestId('mode')).getByText('回放').click()
      await page
        .locator(`${byTestId('device-list')} li .device-name`)
        .first()
        .waitFor()
      const opened = page.waitForResponse((r) => r.url().endsWith('/api/video/playback'))
      await page
        .locator(`${byTestId('device-list')} li:not(.empty)`)
        .first()
        .click()
      const playback = await (await opened).json()
      await page.waitForSelector('[data-state="playing"]', { timeout: 30_000 })

      // The first segment of the playlist starts at a Unix second: the media time counts from there.
      const playlist = await (await page.request.get(playback.url)).text()
      const firstSegment = Number(/r(\d+)\.ts/.exec(playlist)[1])

      // The cell's own timeline: a click a quarter along the bar seeks a quarter into the range.
      const bar = page.locator(byTestId('timeline-bar')).first()
      const track = await bar.boundingBox()
      await page.mouse.click(track.x + track.width * 0.25, track.y + track.height / 2)
      const span = (Date.parse(playback.to) - Date.parse(playback.from)) / 1000
      const quarter = Date.parse(playback.from) / 1000 - firstSegment + span * 0.25
      await page.waitForFunction(
        (expected) =>
          Math.abs(
            document.querySelector('[data-testid="video-grid"] video').currentTime - expected,
          ) < 2,
        quarter,
      )
      const seekTo = 125.5
      await page.$eval(
        '[data-testid="video-grid"] video',
        (video, at) =>
          new Promise((resolve) => {
            video.pause()
            video.addEventListener('seeked', () => resolve(undefined), { once: true })
            video.currentTime = at
          }),
        seekTo,
      )
      await page.waitForTimeout(500)
      const clock = await page.$eval('[data-testid="video-grid"] video', (video) => {
        const canvas = document.createElement('canvas')
        canvas.width = 600
        canvas.height = 96
        const context = canvas.getContext('2d')
        // The clock's corner, enlarged twice and inverted (dark digits on light) for the OCR.
        context.filter = 'invert(1) grayscale(1) contrast(3)'
        context.drawImage(
          video,
          video.videoWidth - 300,
          video.videoHeight - 48,
          300,
          48,
          0,
          0,
          600,
          96,
        )
        return canvas.toDataURL('image/png')
      })
      const image = path.join(ARTIFACTS, 'video-playback-clock.png')
      await writeFile(image, Buffer.from(clock.split(',')[1], 'base64'))
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-playback.png') })
      const { stdout } = await promisify(execFile)('tesseract', [
        image,
        'stdout',
        '--psm',
        '7',
        '-c',
        'tessedit_char_whitelist=0123456789:-',
      ])
      const read = /(\d{2}):(\d{2}):(\d{2})\s*$/.exec(stdout.trim())
      assert.ok(read, `no time read from the frame: "${stdout.trim()}"`)
      const expected = new Date((firstSegment + Math.floor(seekTo)) * 1000)
      const shanghai = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Shanghai',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(expected)
      const seconds = (h, m, s) => Number(h) * 3600 + Number(m) * 60 + Number(s)
      const [eh, em, es] = shanghai.split(':')
      const difference = Math.abs(seconds(read[1], read[2], read[3]) - seconds(eh, em, es))
      assert.ok(difference <= 1, `the frame shows ${read.slice(1).join(':')}, expected ${shanghai}`)

      // 截帧 (VC-16): the five frames around this moment, the middle one the frame on show; search by the middle one.
      const cell = page.locator('[data-state="playing"]').first()
      await cell.hover()
      const taken = page.waitForResponse((r) => r.url().endsWith('/api/video/frames'))
      await cell.locator(byTestId('frames')).click()
      const frames = await (await taken).json()
      const asked = Date.parse(frames.at) / 1000
      assert.ok(Math.abs(asked - (firstSegment + seekTo)) < 0.2, `frames asked at ${frames.at}`)
      const dialog = page.locator(`.el-dialog${byTestId('frames-dialog')}`)
      await dialog.locator(byTestId('frame')).nth(4).waitFor()
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="frame"] img')].every(
          (img) => img.naturalWidth === 640,
        ),
      )
      assert.equal(await dialog.locator(`${byTestId('frame')}.centre`).count(), 1)
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-frames.png') })
      await dialog.locator(byTestId('frame')).nth(2).getByText('以图搜图').click()
      await page.waitForURL(
        (url) => url.pathname === '/captures/image' && url.searchParams.has('frameId'),
      )
      await page.waitForFunction(
        () => (document.querySelector('img[draggable="false"]')?.naturalWidth ?? 0) === 640,
      )
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('the people in a frame of recorded video are staged and favourited', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await openSplit(page, INVESTIGATOR, { layout: '1 分屏', mode: '回放' })
      // A camera that shows the pedestrian footage (every eighth device plays opencv-doc's vtest.avi).
      const online = await (
        await page.request.get('/api/devices/search?status=Online&pageSize=200')
      ).json()
      const footage = online.items.find((d) => d.id % 8 === 0)
      assert.ok(footage, 'no online camera with the pedestrian footage')
      await page.locator(byTestId('device-keyword')).fill(footage.gbCode)
      await page.waitForFunction((name) => {
        const items = document.querySelectorAll('[data-testid="device-list"] li:not(.empty)')
        return items.length === 1 && items[0].textContent.includes(name)
      }, footage.name)
      const cell = await playOne(page, page.locator(`${byTestId('device-list')} li:not(.empty)`))
      const group = `截帧目标-${Date.now()}`
      const created = await page.request.post('/api/capture-favourites', {
        data: { name: group },
        headers: { 'X-CityEye-Request': '1' },
      })
      assert.equal(created.status(), 201)
      const groupId = (await created.json()).id

      await cell.locator(byTestId('frames')).click()
      const dialog = page.locator(`.el-dialog${byTestId('frames-dialog')}`)
      await dialog.locator(byTestId('frame')).nth(4).waitFor()
      // The models load on first use and the captures must reach the store: allow a minute and a half.
      const made = page.waitForResponse(
        (r) => /\/api\/video\/frames\/\d+\/captures$/.test(r.url()),
        {
          timeout: 90_000,
        },
      )
      await dialog.locator(byTestId('frame')).nth(2).locator(byTestId('frame-targets')).click()
      const answer = await made
      assert.equal(answer.status(), 200, await answer.text())
      const captures = (await answer.json()).captures
      assert.ok(captures.length > 0, 'no person found in a frame of the pedestrian footage')
      const list = dialog.locator(byTestId('frame-target-list'))
      await list.getByText(`${captures.length} 个`).waitFor()
      assert.equal(await list.locator(byTestId('capture-card')).count(), captures.length)
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="frame-target-list"] img')].every(
          (img) => img.complete && img.naturalWidth > 0,
        ),
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-frame-targets.png') })

      await list.locator(byTestId('frame-stage')).click()
      await page.getByText(`已暂存 ${captures.length} 个目标`).waitFor()
      await list.locator(byTestId('frame-favourite')).click()
      await page.locator('.el-dropdown-menu__item', { hasText: group }).click()
      await page.getByText(`已收藏 ${captures.length} 个目标`).waitFor()
      const shelf = await (await page.request.get('/api/shelf')).json()
      const favoured = await (
        await page.request.get(`/api/capture-favourites/${groupId}/items?page=1&pageSize=100`)
      ).json()
      for (const capture of captures) {
        assert.ok(
          shelf.items.some((i) => i.captureId === capture.id),
          `capture ${capture.id} staged`,
        )
        assert.ok(
          favoured.items.some((i) => i.captureId === capture.id),
          `capture ${capture.id} favourited`,
        )
      }
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('a device on the map shows its live video in a dialog', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, INVESTIGATOR)
      await waitForPath(page, '/')
      await page.goto('/map')
      await page.waitForFunction(
        (selector) => document.querySelector(selector)?.getAttribute('data-drawn-ms'),
        byTestId('map-visible'),
        { timeout: 60_000 },
      )
      // Go to an online device by search (the map centres on it at street level), then click its marker.
      const devices = await (
        await page.request.get('/api/devices/search?status=Online&pageSize=1')
      ).json()
      const device = devices.items[0]
      await page
        .locator(`input${byTestId('map-search')}, ${byTestId('map-search')} input`)
        .fill(device.gbCode)
      await page.locator('.el-autocomplete-suggestion li').first().click()
      await page.keyboard.press('Escape')
      const box = await page.locator(byTestId('map')).boundingBox()
      await page.waitForTimeout(800)
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      await page
        .locator(`${byTestId('video-dialog')} [data-state="playing"]`)
        .waitFor({ state: 'visible', timeout: 30_000 })
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-map-preview.png') })
      assert.ok(
        (
          await page.locator(`${byTestId('video-dialog')} .el-dialog__title`).textContent()
        ).includes(device.name),
      )
      await page.locator(byTestId('preview-file')).click()
      await waitForPath(page, `/archive/devices/${device.id}`)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
  test('a dome camera turns and zooms from the PTZ pad', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      const items = await openSplit(page, INVESTIGATOR, { layout: '1 分屏' })
      await page.locator(byTestId('device-keyword')).fill('球机')
      // The list follows the keyword a moment later: wait until it shows dome cameras only.
      await page.waitForFunction(() => {
        const names = [...document.querySelectorAll('[data-testid="device-list"] li .device-name')]
        return names.length > 0 && names.every((n) => n.textContent?.includes('球机'))
      })
      const cell = await playOne(page, items)
      await cell.hover()
      await cell.locator(byTestId('ptz-toggle')).click()
      const status = cell.locator(byTestId('ptz-status'))
      await status.waitFor()
      const statusIs = (pattern) =>
        page.waitForFunction(
          (source) =>
            new RegExp(source).test(
              document.querySelector('[data-testid="ptz-status"]')?.textContent ?? '',
            ),
          pattern.source,
        )
      // Back to the widest view (the camera keeps its position between runs).
      await cell.locator(byTestId('ptz-zoomOut')).click()
      await cell.locator(byTestId('ptz-zoomOut')).click()
      await statusIs(/×1 /)
      await page.waitForTimeout(500)

      // Left at full speed, then zoom in: the pad shows the new position and the picture's centre changes.
      const centre = () =>
        page.$eval('[data-testid="video-grid"] video', (video) => {
          const canvas = document.createElement('canvas')
          canvas.width = 160
          canvas.height = 90
          canvas.getContext('2d').drawImage(video, 240, 135, 160, 90, 0, 0, 160, 90)
          return canvas.toDataURL()
        })
      await page.waitForTimeout(2_000)
      const picture = await centre()
      const before = await status.innerText()
      await cell
        .locator('.el-slider')
        .first()
        .click({ position: { x: 150, y: 5 } })
      await cell.locator(byTestId('ptz-left')).click()
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid="ptz-status"]')?.textContent !== text,
        before,
      )
      await cell.locator(byTestId('ptz-zoomIn')).click()
      await statusIs(/×2 /)
      await page.waitForTimeout(2_500)
      assert.notEqual(await centre(), picture, 'the picture did not change')
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-ptz.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
  test('the wheel and a dragged box zoom into a playing picture, and the camera goes on the staging rack', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      const items = await openSplit(page, INVESTIGATOR, { layout: '1 分屏' })
      const cell = await playOne(page, items)
      const name = (await cell.locator('.name').textContent())?.trim() ?? ''
      const video = cell.locator(byTestId('video'))
      const box = await video.boundingBox()
      assert.ok(box)
      const viewBox = () => video.evaluate((element) => getComputedStyle(element).objectViewBox)
      assert.equal(await viewBox(), 'none')

      // Two wheel steps in, around the centre: 1.6×.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await page.mouse.wheel(0, -100)
      await page.mouse.wheel(0, -100)
      await cell.locator(byTestId('zoom-level')).getByText('1.6×').waitFor()
      assert.notEqual(await viewBox(), 'none')

      // A box over a quarter of the view's width and height fills it: more than twice the zoom.
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.55, { steps: 5 })
      await page.mouse.up()
      await page.waitForFunction(
        () =>
          parseFloat(document.querySelector('[data-testid="zoom-level"]')?.textContent ?? '0') >
          3.2,
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-digital-zoom.png') })
      await video.dblclick()
      await cell.locator(byTestId('zoom-level')).waitFor({ state: 'detached' })
      assert.equal(await viewBox(), 'none')

      // 暂存: the camera is on the rack in the 暂存 tab.
      await page.locator(byTestId('side-tabs')).getByText('暂存').click()
      await cell.hover()
      await cell.locator(byTestId('stage')).click()
      await page.locator(byTestId('stage-panel')).getByText(name).waitFor()
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })

  test('a favourite group plays, patrols page by page, and what was watched is in the history', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      const items = await openSplit(page, INVESTIGATOR, { layout: '1 分屏' })

      // Two cameras, each added to a new group from the selected cell.
      const name = `巡逻 ${Date.now() % 100000}`
      await page.locator(byTestId('side-tabs')).getByText('收藏').click()
      await page.locator(byTestId('favourite-name')).fill(name)
      await page.locator(byTestId('favourite-create')).click()
      await page.locator(byTestId(`favourite-${name}`)).waitFor()
      const group = page.locator('.el-collapse-item', {
        has: page.locator(byTestId(`favourite-${name}`)),
      })
      for (let i = 0; i < 2; i++) {
        await page.locator(byTestId('side-tabs')).getByText('设备').click()
        await items.nth(i).click()
        await page.locator(byTestId('side-tabs')).getByText('收藏').click()
        const add = group.locator(byTestId('favourite-add'))
        if (!(await add.isVisible())) await page.locator(byTestId(`favourite-${name}`)).click()
        await add.click()
        await page.waitForFunction(
          ([group, count]) =>
            document
              .querySelector(`[data-testid="favourite-${group}"]`)
              ?.parentElement?.textContent?.includes(String(count)),
          [name, i + 1],
        )
      }

      // Patrol in a 1-split: one camera a page, the next page on demand, back to the first after the last.
      await group.locator(byTestId('favourite-patrol')).click()
      const bar = page.locator(byTestId('patrol-bar'))
      await bar.getByText('第 1/2 组').waitFor()
      const first = await page
        .locator('[data-testid="video-grid"] [data-device]')
        .getAttribute('data-device')
      await page.locator(byTestId('patrol-next')).click()
      await bar.getByText('第 2/2 组').waitFor()
      await page.waitForSelector('[data-state="playing"], [data-state="failed"]', {
        timeout: 30_000,
      })
      assert.equal(
        await page.locator('[data-testid="video-grid"] [data-device]').getAttribute('data-state'),
        'playing',
        await page.locator('[data-testid="video-grid"]').innerText(),
      )
      const second = await page
        .locator('[data-testid="video-grid"] [data-device]')
        .getAttribute('data-device')
      assert.notEqual(second, first)
      await page.locator(byTestId('patrol-next')).click()
      await bar.getByText('第 1/2 组').waitFor()
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-patrol.png') })

      // The history lists the cameras watched, newest first, and a click plays one again.
      await page.locator(byTestId('close-all')).click()
      await page.locator(byTestId('side-tabs')).getByText('历史').click()
      const history = page.locator(byTestId('history-item'))
      await history.first().waitFor()
      assert.ok((await history.count()) >= 2)
      await page.getByText('卡片').click()
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-history.png') })
      await history.first().click()
      await page.waitForSelector('[data-state="playing"]', { timeout: 30_000 })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
  test('two cameras play one recorded span in step with one set of controls, and a camera pops out', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      const items = await openSplit(page, INVESTIGATOR, { mode: '回放' })
      await items.nth(0).click()
      await items.nth(1).click()
      await page.locator(byTestId('sync')).click()
      // Two recorded spans are rendered at once by ffmpeg: on 2 busy cores that can take longer than one live stream.
      await page.waitForFunction(
        () => document.querySelectorAll('[data-state="playing"]').length === 2,
        null,
        { timeout: 60_000 },
      )
      await page.locator(byTestId('sync-bar')).waitFor()
      // The span's length is known once the master cell has loaded its playlist.
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid="sync-bar"] .sync-time')[1]?.textContent !==
          '00:00',
      )

      // Seek both to the middle of the span with the one slider: they play on together.
      const slider = page.locator(`${byTestId('sync-slider')} .el-slider__runway`)
      const box = await slider.boundingBox()
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      await page.waitForTimeout(3_000)
      const times = await page.$$eval('[data-testid="video-grid"] [data-device] video', (videos) =>
        videos.map((video) => ({ time: video.currentTime, duration: video.duration })),
      )
      assert.equal(times.length, 2)
      assert.ok(times[0].time > times[0].duration * 0.4, JSON.stringify(times))
      assert.ok(Math.abs(times[0].time - times[1].time) < 0.3, JSON.stringify(times))
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-sync.png') })

      // Pause pauses both.
      await page.locator(byTestId('sync-play')).click()
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="video-grid"] [data-device] video')].every(
          (video) => video.paused,
        ),
      )

      // A cell pops out into a window of its own, which plays the same span.
      const popup = context.waitForEvent('page')
      const cell = page.locator('[data-testid="video-grid"] [data-device]').first()
      await cell.hover()
      await cell.locator(byTestId('popout')).click()
      const window = await popup
      await window.waitForSelector('[data-testid="video-popout"] [data-state="playing"]', {
        timeout: 30_000,
      })
      await window.screenshot({ path: path.join(ARTIFACTS, 'video-popout.png') })
      assert.equal(await page.locator('[data-testid="video-grid"] [data-device]').count(), 1)
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
