// Browser end-to-end test of the operation log (操作日志): an auditor finds what another user just did, and checks
// the SM3 chain. Environment in support.mjs.
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

const AUDITOR = { username: 'auditor', password: 'Auditor#2026' }
const CLERK = { username: 'clerk', password: 'Clerk#2026' }

before(startBrowser)
after(closeBrowser)

describe('operation log', { timeout: 180_000 }, () => {
  test("an auditor finds another user's search in the log and sees the chain intact", async () => {
    const marker = `e2elog${Date.now()}`
    const clerk = await openPage()
    try {
      await signIn(clerk.page, CLERK)
      await waitForPath(clerk.page, '/')
      await clerk.page.goto(`/archive?q=${marker}`)
      await clerk.page.locator(byTestId('device-total')).waitFor({ state: 'visible' })
    } finally {
      await clerk.context.close()
    }

    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, AUDITOR)
      await waitForPath(page, '/')
      await page.locator(byTestId('nav-logs')).click()
      await waitForPath(page, '/logs')
      await page
        .locator(`input${byTestId('logs-user')}, ${byTestId('logs-user')} input`)
        .fill('clerk')
      await page
        .locator(`input${byTestId('logs-text')}, ${byTestId('logs-text')} input`)
        .fill(marker)
      // The drain moves the journal into the store every 500 ms: search until the entry is there.
      const rows = page.locator(`${byTestId('logs-table')} .el-table__body .el-table__row`)
      for (let i = 0; i < 20; i++) {
        const answered = page.waitForResponse((r) => r.url().includes('/api/logs/operations?'))
        await page.locator(byTestId('logs-search')).click()
        const page1 = await (await answered).json()
        if (page1.total > 0) {
          break
        }
        await page.waitForTimeout(500)
      }
      await rows.filter({ hasText: marker }).first().waitFor({ state: 'visible' })
      assert.equal(await rows.count(), 1)
      const text = (await rows.first().textContent()) ?? ''
      assert.match(text, new RegExp(`/api/devices/search\\?q=${marker}`))
      assert.match(text, /clerk/)
      assert.match(text, /上海市公安局青浦分局/)

      await page.locator(byTestId('logs-verify')).click()
      await page.locator(byTestId('logs-chain')).waitFor({ state: 'visible' })
      assert.match((await page.locator(byTestId('logs-chain')).textContent()) ?? '', /日志链完整/)
      await page.screenshot({ path: path.join(ARTIFACTS, 'logs.png') })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
