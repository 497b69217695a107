// Browser end-to-end tests of user management and the behaviour audit: an administrator creates a device role for one
// police station and a user holding it, that user sees only the station's devices in search and on the map; an
// auditor finds the planted abusive user of the demo history among the anomalies and drills down into the log.
// Environment in support.mjs.
import assert from 'node:assert/strict'
import path from 'node:path'
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

const AUDITOR = { username: 'auditor', password: 'Auditor#2026' }
const STATION = '夏阳派出所'

before(startBrowser)
after(closeBrowser)

/** An Element Plus input by test id (the attribute lands on the native input). */
const field = (id) => `input${byTestId(id)}, ${byTestId(id)} input`

/** Picks `text` in an Element Plus select (single or multiple) found by test id. */
async function choose(page, testId, text) {
  await page.locator(byTestId(testId)).click()
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text })
    .first()
    .click()
}

const api = (page) => ({
  get: async (url) => (await page.request.get(url)).json(),
  delete: (url) => page.request.delete(url, { headers: { 'X-CityEye-Request': '1' } }),
})

describe('users and roles', { timeout: 240_000 }, () => {
  test('a user with a device role for one station sees only its devices in search and on the map', async () => {
    const stamp = Date.now() % 1_000_000
    const roleName = `E2E 夏阳设备 ${stamp}`
    const username = `e2e.xy${stamp}`
    const admin = await openPage()
    let userId = null
    let roleId = null
    try {
      await signIn(admin.page, ADMIN)
      await waitForPath(admin.page, '/')
      const organisations = await api(admin.page).get('/api/organisations')
      const station = organisations.find((o) => o.name === STATION)
      assert.ok(station && station.deviceCount > 0)

      // The device role, through the role editor's organisation tree.
      await admin.page.locator(byTestId('nav-roles')).click()
      await waitForPath(admin.page, '/roles')
      await admin.page.locator(byTestId('roles-create')).click()
      await admin.page.locator(field('role-display-name')).fill(roleName)
      await admin.page.locator(field('role-name')).fill(`e2e-xy-${stamp}`)
      await admin.page.locator(`${byTestId('role-kind')} label`, { hasText: '设备角色' }).click()
      await admin.page
        .locator(`${byTestId('role-organisation-tree')} .el-tree-node__content`, {
          hasText: STATION,
        })
        .first()
        .locator('.el-checkbox')
        .click()
      await admin.page.screenshot({ path: path.join(ARTIFACTS, 'roles-editor.png') })
      await admin.page.locator(byTestId('role-save')).click()
      await admin.page.locator(field('role-display-name')).waitFor({ state: 'hidden' })
      const roles = await api(admin.page).get(`/api/roles?q=${encodeURIComponent(roleName)}`)
      roleId = roles.items[0].id
      const role = await api(admin.page).get(`/api/roles/${roleId}`)
      assert.deepEqual(
        role.deviceGrants.map((g) => [g.kind, g.value]),
        [['organisation', String(station.id)]],
      )
      assert.equal(role.deviceCount, station.deviceCount)
      await admin.page
        .locator(`${byTestId('roles-table')} .el-table__row`, { hasText: roleName })
        .waitFor()
      await admin.page.screenshot({ path: path.join(ARTIFACTS, 'roles.png') })

      // The user, through the user form.
      await admin.page.locator(byTestId('nav-users')).click()
      await waitForPath(admin.page, '/users')
      await admin.page.locator(byTestId('users-counts')).waitFor()
      await admin.page.locator(byTestId('users-create')).click()
      await admin.page.locator(field('user-username')).fill(username)
      await admin.page.locator(field('user-password')).fill('First#2026x')
      await admin.page.locator(field('user-display-name')).fill('端到端 夏阳民警')
      await choose(admin.page, 'user-organisation', STATION)
      await choose(admin.page, 'user-roles', '派出所用户')
      await choose(admin.page, 'user-roles', roleName)
      await admin.page.locator(byTestId('user-save')).click()
      await admin.page.locator(field('user-username')).waitFor({ state: 'hidden' })
      await admin.page.locator(field('users-q')).fill(username)
      await admin.page.locator(byTestId('users-search')).click()
      const row = admin.page.locator(`${byTestId('users-table')} .el-table__row`, {
        hasText: username,
      })
      await row.waitFor()
      assert.match((await row.textContent()) ?? '', new RegExp(roleName))
      await admin.page.screenshot({ path: path.join(ARTIFACTS, 'users.png') })
      userId = (await api(admin.page).get(`/api/users?q=${username}`)).items[0].id

      // The permission page names the device role as the source of the station's devices.
      await admin.page.locator(byTestId(`users-permissions-${username}`)).click()
      await admin.page.locator(byTestId('user-permissions-devices')).waitFor()
      assert.match(
        (await admin.page.locator(byTestId('user-permissions-devices')).textContent()) ?? '',
        new RegExp(`${station.deviceCount}`),
      )
      await admin.page.screenshot({ path: path.join(ARTIFACTS, 'user-permissions.png') })

      // The user signs in, changes the first password, and sees only the station's devices.
      const user = await openPage()
      try {
        await signIn(user.page, { username, password: 'First#2026x' })
        await waitForPath(user.page, '/account/password')
        await user.page.locator(field('password-current')).fill('First#2026x')
        await user.page.locator(field('password-new')).fill('Second#2026y')
        await user.page.locator(field('password-confirm')).fill('Second#2026y')
        await user.page.locator(byTestId('password-submit')).click()
        await waitForPath(user.page, '/')

        await user.page.goto('/archive')
        const total = user.page.locator(byTestId('device-total'))
        await total.waitFor()
        await user.page.waitForFunction(
          ([selector, count]) =>
            (document.querySelector(selector)?.textContent ?? '')
              .replace(/,/g, '')
              .includes(String(count)),
          [byTestId('device-total'), station.deviceCount],
        )
        const organisationsShown = await user.page
          .locator('.el-table__body .el-table__row')
          .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''))
        assert.ok(organisationsShown.length > 0)
        assert.ok(
          organisationsShown.every((text) => text.includes(STATION)),
          organisationsShown.join('\n'),
        )
        await user.page.screenshot({ path: path.join(ARTIFACTS, 'scoped-archive.png') })

        await user.page.locator(byTestId('nav-map')).click()
        await waitForPath(user.page, '/map')
        await user.page.waitForFunction(
          (selector) => document.querySelector(selector)?.getAttribute('data-drawn-ms'),
          byTestId('map-visible'),
          { timeout: 60_000 },
        )
        const footer = (
          (await user.page.locator(byTestId('map-visible')).textContent()) ?? ''
        ).replace(/,/g, '')
        assert.match(footer, new RegExp(`显示 ${station.deviceCount} 台设备`))
        await user.page.screenshot({ path: path.join(ARTIFACTS, 'scoped-map.png') })
        assert.deepEqual(user.pageErrors, [])
      } finally {
        await user.context.close()
      }
      assert.deepEqual(admin.pageErrors, [])
    } finally {
      if (userId !== null) await api(admin.page).delete(`/api/users/${userId}`)
      if (roleId !== null) await api(admin.page).delete(`/api/roles/${roleId}`)
      await admin.context.close()
    }
  })

  test('an auditor finds the planted abusive user among the anomalies and opens their log', async () => {
    const { context, page, pageErrors } = await openPage()
    try {
      await signIn(page, AUDITOR)
      await waitForPath(page, '/')
      await page.locator(byTestId('nav-anomalies')).click()
      await waitForPath(page, '/audit/anomalies')
      // The demo history is written and the model trained in the background after the district is seeded.
      const planted = page.locator(`${byTestId('anomalies-table')} .el-table__row`, {
        hasText: 'jc0017',
      })
      for (let i = 0; i < 90 && (await planted.count()) === 0; i++) {
        await page.waitForTimeout(2_000)
        await page.locator(byTestId('anomalies-search')).click()
        await page.waitForLoadState('networkidle')
      }
      await planted.first().waitFor()
      const rows = await page
        .locator(`${byTestId('anomalies-table')} .el-table__body .el-table__row`)
        .evaluateAll((list) => list.map((r) => r.textContent ?? ''))
      assert.ok(
        rows.some((text) => text.includes('jc0017') && text.includes('夜间批量导出')),
        rows.join('\n'),
      )
      assert.match((await page.locator(byTestId('anomalies-run')).textContent()) ?? '', /用户日/)
      await page.screenshot({ path: path.join(ARTIFACTS, 'anomalies.png'), fullPage: true })

      await page.locator(field('anomalies-user')).fill('jc0017')
      await page.locator(byTestId('anomalies-search')).click()
      await page.locator('[data-testid^="anomaly-logs-"]').first().click()
      await waitForPath(page, '/logs')
      const logRows = page.locator(`${byTestId('logs-table')} .el-table__body .el-table__row`)
      await logRows.first().waitFor()
      const texts = await logRows.evaluateAll((list) => list.map((r) => r.textContent ?? ''))
      assert.ok(
        texts.every((text) => text.includes('jc0017')),
        texts.join('\n'),
      )
      await page.screenshot({ path: path.join(ARTIFACTS, 'anomaly-log.png') })

      await page.locator(byTestId('nav-stats')).click()
      await waitForPath(page, '/stats')
      await page.locator(byTestId('stats-total')).waitFor()
      assert.match(
        (await page.locator(byTestId('stats-total')).textContent()) ?? '',
        /共 [\d,]+ 次操作/,
      )
      await page.locator(`${byTestId('stats-units')} canvas`).waitFor()
      await page.screenshot({ path: path.join(ARTIFACTS, 'stats.png'), fullPage: true })
      assert.deepEqual(pageErrors, [])
    } finally {
      await context.close()
    }
  })
})
