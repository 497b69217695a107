// Browser end-to-end tests of national cryptography (CR-1 to CR-3): an administrator signs a file with the node's
// site certificate (PKCS#7 detached) on the signing tool and checks it there, then checks an altered copy; a role and
// a user changed directly in the database (SQLite, the e2e node's data folder) are refused (the user's sign-in is
// turned away) and reported on the integrity page. Environment in support.mjs; E2E_DATA_DIR names the node's data
// folder (./test.sh sets it).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN,
  ARTIFACTS,
  byTestId,
  callApi,
  closeBrowser,
  openPage,
  signIn,
  startBrowser,
  waitForPath,
} from './support.mjs'

const AUDITOR = { username: 'auditor', password: 'Auditor#2026' }
const DATA_DIR = process.env.E2E_DATA_DIR

before(startBrowser)
after(closeBrowser)

/** Runs one statement on the node's SQLite file, as someone with access to the server would. */
function tamper(sql, ...values) {
  execFileSync('python3', [
    '-c',
    'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=30); c.execute(sys.argv[2], sys.argv[3:]); c.commit()',
    path.join(DATA_DIR, 'cityeye.db'),
    sql,
    ...values.map(String),
  ])
}

describe('national cryptography', { timeout: 300_000 }, () => {
  test('a file signed on the signing tool verifies, an altered copy does not', async () => {
    const { page, pageErrors } = await openPage()
    try {
      await signIn(page, ADMIN)
      await waitForPath(page, '/')
      await page.goto('/crypto/signing')
      const original = Buffer.from('青浦分局 · 完整性保护工具 · ' + 'x'.repeat(2000))
      await page
        .locator(`${byTestId('sign-file')} input[type=file]`)
        .setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: original })
      await page.locator(byTestId('sign-submit')).click()
      await page.locator(byTestId('sign-result')).waitFor()
      assert.match(await page.locator(byTestId('sign-result')).innerText(), /PKCS#7 分离式/)
      const saved = page.waitForEvent('download')
      await page.locator(byTestId('sign-download')).click()
      const download = await saved
      assert.equal(download.suggestedFilename(), 'report.txt.p7s')
      const signature = await readFile(await download.path())
      assert.equal(signature[0], 0x30, 'the signature is DER')

      const verify = async (buffer) => {
        await page
          .locator(`${byTestId('verify-file')} input[type=file]`)
          .setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer })
        await page.locator(`${byTestId('verify-signature')} input[type=file]`).setInputFiles({
          name: 'report.txt.p7s',
          mimeType: 'application/pkcs7-signature',
          buffer: signature,
        })
        await page.locator(byTestId('verify-submit')).click()
        const outcome = page.locator(byTestId('verify-outcome'))
        await outcome.waitFor()
        return outcome.innerText()
      }
      assert.match(await verify(original), /验签通过/)
      assert.match(await page.locator(byTestId('verify-result')).innerText(), /localhost/)
      await page.screenshot({ path: path.join(ARTIFACTS, 'crypto-signing.png'), fullPage: true })
      assert.match(await verify(Buffer.concat([original, Buffer.from('!')])), /验签失败/)
      assert.deepEqual(pageErrors, [])
    } finally {
      await page.context().close()
    }
  })

  test('an investigator signs in with a certificate and key issued by the node', async () => {
    const admin = await openPage()
    const user = await openPage()
    try {
      await signIn(admin.page, ADMIN)
      await waitForPath(admin.page, '/')
      const users = await callApi(admin.page, 'GET', '/api/users?q=investigator')
      const investigator = users.body.items.find((u) => u.username === 'investigator')
      const issued = await callApi(admin.page, 'POST', '/api/crypto/certificates', {
        kind: 'user',
        userId: investigator.id,
      })
      assert.equal(issued.status, 201, JSON.stringify(issued.body))

      await user.page.goto('/login')
      await user.page.getByRole('tab', { name: '证书登录' }).click()
      await user.page
        .locator(`${byTestId('login-key-file')} input[type=file]`)
        .setInputFiles({
          name: 'investigator.key',
          mimeType: 'application/x-pem-file',
          buffer: Buffer.from(issued.body.privateKey),
        })
      await user.page
        .locator(`${byTestId('login-certificate-file')} input[type=file]`)
        .setInputFiles({
          name: 'investigator.crt',
          mimeType: 'application/x-pem-file',
          buffer: Buffer.from(issued.body.certificate.certificate),
        })
      await user.page.screenshot({ path: path.join(ARTIFACTS, 'crypto-certificate-login.png') })
      await user.page.locator(byTestId('login-certificate-submit')).click()
      await waitForPath(user.page, '/')
      const me = await callApi(user.page, 'GET', '/api/auth/me')
      assert.equal(me.body.username, 'investigator')
      assert.deepEqual(user.pageErrors, [])

      // The sign-in is in the security log as a certificate sign-in.
      const events = await callApi(admin.page, 'GET', '/api/auth/events')
      assert.ok(
        events.body.some(
          (e) =>
            e.event === 'login.succeeded' &&
            e.username === 'investigator' &&
            /^certificate /.test(e.detail ?? ''),
        ),
        'no certificate sign-in event',
      )
    } finally {
      await admin.context.close()
      await user.context.close()
    }
  })

  test('a role and a user changed in the database are refused and reported', async (t) => {
    if (!DATA_DIR) {
      t.skip('E2E_DATA_DIR is not set: the test changes the node’s SQLite file (./test.sh sets it)')
      return
    }
    const admin = await openPage()
    const auditor = await openPage()
    const victim = await openPage()
    const suffix = Date.now().toString(36)
    let roleId
    let userId
    try {
      await signIn(admin.page, ADMIN)
      await waitForPath(admin.page, '/')
      const organisations = await callApi(admin.page, 'GET', '/api/organisations')
      const role = await callApi(admin.page, 'POST', '/api/roles', {
        name: `tamper-${suffix}`,
        displayName: `篡改演示${suffix}`,
        kind: 'function',
        permissions: ['dashboard.view'],
      })
      assert.equal(role.status, 201, JSON.stringify(role.body))
      roleId = role.body.role.id
      const user = await callApi(admin.page, 'POST', '/api/users', {
        username: `tamper${suffix}`,
        password: 'Tamper#2026x',
        displayName: '篡改演示用户',
        organisationId: organisations.body[0].id,
        roleIds: [roleId],
      })
      assert.equal(user.status, 201, JSON.stringify(user.body))
      userId = user.body.id

      // Someone with access to the database gives the role user management, and raises the user's stream limit.
      tamper(
        'INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)',
        roleId,
        'users.manage',
      )
      tamper('UPDATE users SET max_streams = 64 WHERE id = ?', userId)

      // The user is turned away at sign-in with the reason.
      await signIn(victim.page, { username: `tamper${suffix}`, password: 'Tamper#2026x' })
      const error = victim.page.getByText('未通过完整性校验')
      await error.waitFor()
      assert.equal(new URL(victim.page.url()).pathname, '/login')

      // The auditor's integrity page names both rows.
      await signIn(auditor.page, AUDITOR)
      await waitForPath(auditor.page, '/')
      await auditor.page.goto('/crypto/integrity')
      const findings = auditor.page.locator(byTestId('integrity-findings'))
      await findings.waitFor()
      const text = await findings.innerText()
      assert.match(text, new RegExp(`tamper-${suffix}`))
      assert.match(text, new RegExp(`tamper${suffix}`))
      assert.match(text, /HMAC-SM3 不符/)
      assert.match(
        await auditor.page.locator(byTestId('integrity-overall')).innerText(),
        /发现完整性问题/,
      )
      assert.match(await auditor.page.locator(byTestId('integrity-access')).innerText(), /被篡改/)
      await auditor.page.screenshot({
        path: path.join(ARTIFACTS, 'crypto-integrity.png'),
        fullPage: true,
      })
      assert.deepEqual(auditor.pageErrors, [])
    } finally {
      if (userId) await callApi(admin.page, 'DELETE', `/api/users/${userId}`)
      if (roleId) await callApi(admin.page, 'DELETE', `/api/roles/${roleId}`)
      await admin.context.close()
      await auditor.context.close()
      await victim.context.close()
    }
  })
})
