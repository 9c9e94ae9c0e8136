// Browser tests of the notification settings (消息设置) and the delivery status (消息发送记录)
// against a running server with the demo data: a handler changes the channels of a notice kind
// (a refused change shows the server's error beside the row) and finds it saved after a reload; the
// administrator changes the staff quiet hours; the administrator finds failed SMS rows (the demo has
// no SMS gateway) with their error and retries one; an auditor sees the list without retrying.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/notifications.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { adminUser, apiGet, baseUrl, byTestId, launch, login, logout, password, screenshot, waitForLoaded } from '../lib/harness.mjs'

const handlerUser = process.env.LIANXIN_HANDLER_USER ?? 'handler01'
const handlerPassword = process.env.LIANXIN_HANDLER_PASSWORD ?? password
const auditorUser = process.env.LIANXIN_AUDITOR_USER ?? 'auditor01'
const auditorPassword = process.env.LIANXIN_AUDITOR_PASSWORD ?? password
const SMS_UNCONFIGURED = 'SMS gateway not configured (sms_gateway_url)'

async function chooseOption(page, text) {
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor()
  await option.click()
}

// Sets an Element Plus time-select (filterable) by typing the time and picking the one option left.
async function pickTime(page, testId, value) {
  const input = page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first()
  await input.click()
  await input.fill(value)
  await page.locator('.el-select-dropdown__item:visible', { hasText: value }).first().click()
  await page.waitForFunction(([id, time]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value') === time, [testId, value])
}

// The page from its top, after any toast has gone.
async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await screenshot(page, name)
}

// The state tag of a preference row: default, custom or modified (unsaved).
async function prefState(page, kind) {
  return byTestId(page, `pref-state-${kind}`).getAttribute('data-state')
}

async function prefChecked(page, kind, channel) {
  return (await byTestId(page, `pref-${kind}-${channel}`).getAttribute('data-checked')) === 'true'
}

async function waitForPrefs(page) {
  await byTestId(page, 'preferences-table').waitFor()
  await waitForLoaded(page, 'preferences-table')
  await byTestId(page, 'pref-state-claim_chased').waitFor()
}

describe('Notifications (消息设置 / 消息发送记录)', () => {
  let browser
  let page

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('a handler opens 消息设置 from the bell, changes a channel and finds it saved after a reload', async () => {
    await login(page, handlerUser, handlerPassword)
    await byTestId(page, 'notification-bell').click()
    await byTestId(page, 'notification-settings-link').click()
    await page.waitForURL(/\/notifications\/settings$/)
    await waitForPrefs(page)

    // Every claim notice kind is listed with its channels; untouched kinds are marked default.
    for (const kind of ['claim_reminder', 'claim_breach', 'claim_escalated', 'claim_dispatched', 'claim_chased', 'claim_returned'])
      await byTestId(page, `pref-state-${kind}`).waitFor()
    assert.equal(await prefState(page, 'claim_chased'), 'default')
    assert.equal(await prefChecked(page, 'claim_chased', 'in_app'), true)
    assert.equal(await prefChecked(page, 'claim_chased', 'sms'), false)
    assert.equal(await prefChecked(page, 'claim_breach', 'sms'), true, 'an overdue claim is sent by SMS by default')
    // The quiet hours are shown to everyone, changed by administrators only.
    assert.ok((await byTestId(page, 'quiet-hours-text').innerText()).trim().length > 0, 'the quiet hours are shown')
    assert.equal(await byTestId(page, 'quiet-hours-form').count(), 0, 'a handler cannot change the quiet hours')

    // No channel at all is refused by the server; the message appears beside the row.
    await byTestId(page, 'pref-claim_returned-in_app').click()
    assert.equal(await prefState(page, 'claim_returned'), 'modified')
    await byTestId(page, 'pref-save').click()
    const rowError = byTestId(page, 'pref-error-claim_returned')
    await rowError.waitFor()
    assert.match(await rowError.innerText(), /至少选择一个/)
    await shot(page, '40-notification-settings-refused')
    await byTestId(page, 'pref-claim_returned-in_app').click()
    assert.equal(await prefState(page, 'claim_returned'), 'default')

    // Chases also by SMS.
    await byTestId(page, 'pref-claim_chased-sms').click()
    await byTestId(page, 'pref-save').click()
    await page.locator('.el-message--success').first().waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="pref-state-claim_chased"]')?.getAttribute('data-state') === 'custom')
    assert.equal(await byTestId(page, 'pref-error-claim_returned').count(), 0, 'the earlier error is gone')

    await page.reload()
    await waitForPrefs(page)
    assert.equal(await prefState(page, 'claim_chased'), 'custom', 'the choice was saved')
    assert.equal(await prefChecked(page, 'claim_chased', 'in_app'), true)
    assert.equal(await prefChecked(page, 'claim_chased', 'sms'), true)
    assert.equal(await prefState(page, 'claim_returned'), 'default', 'the other kinds keep their defaults')
    const saved = await apiGet(page, '/notifications/preferences')
    assert.deepEqual([...saved.items.find((item) => item.kind === 'claim_chased').channels].sort(), ['in_app', 'sms'])
    await shot(page, '41-notification-settings')

    // Back to the default (in-app only), saved at once.
    await byTestId(page, 'pref-reset-claim_chased').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="pref-state-claim_chased"]')?.getAttribute('data-state') === 'default')
    await page.reload()
    await waitForPrefs(page)
    assert.equal(await prefState(page, 'claim_chased'), 'default')
    assert.equal(await prefChecked(page, 'claim_chased', 'sms'), false)
    await logout(page)
  })

  it('the administrator changes the staff quiet hours (a refused window shows the error beside the field)', async () => {
    await login(page, adminUser)
    // Also reachable from the user menu.
    await byTestId(page, 'user-menu').click()
    await byTestId(page, 'user-notification-settings').click()
    await page.waitForURL(/\/notifications\/settings$/)
    await byTestId(page, 'quiet-hours-form').waitFor()
    const before = await apiGet(page, '/notifications/quiet-hours')
    assert.equal(before.enabled, true, 'the demo has quiet hours')

    // The same time for start and end is refused beside the end field.
    await pickTime(page, 'quiet-end', before.start)
    await byTestId(page, 'quiet-save').click()
    const endError = page.locator('[data-testid="quiet-hours-form"] .el-form-item', { has: page.locator('[data-testid="quiet-end"]') }).locator('.el-form-item__error')
    await endError.waitFor()
    assert.match(await endError.innerText(), /开始时间/)
    await shot(page, '42-quiet-hours-refused')

    // 22:30 – 07:30, shown after a reload; then back as it was.
    await pickTime(page, 'quiet-start', '22:30')
    await pickTime(page, 'quiet-end', '07:30')
    await byTestId(page, 'quiet-save').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="quiet-hours-text"]')?.textContent?.includes('22:30 – 07:30'))
    await page.reload()
    await page.waitForFunction(() => document.querySelector('[data-testid="quiet-hours-text"]')?.textContent?.includes('22:30 – 07:30'))
    await shot(page, '43-quiet-hours-admin')
    await pickTime(page, 'quiet-start', before.start)
    await pickTime(page, 'quiet-end', before.end)
    await byTestId(page, 'quiet-save').click()
    await page.waitForFunction((text) => document.querySelector('[data-testid="quiet-hours-text"]')?.textContent?.includes(text), `${before.start} – ${before.end}`)
    const restored = await apiGet(page, '/notifications/quiet-hours')
    assert.deepEqual([restored.enabled, restored.start, restored.end], [before.enabled, before.start, before.end])
  })

  it('the administrator finds failed SMS in 消息发送记录 with their error and retries one', async () => {
    await byTestId(page, 'menu-system').click()
    await byTestId(page, 'menu-outbox').click()
    await page.waitForURL(/\/system\/outbox$/)
    await waitForLoaded(page, 'outbox-table')
    assert.ok((await page.locator('[data-testid="outbox-status"]').count()) > 0, 'the outbox has rows')

    // Only failed SMS: the demo has no SMS gateway, so its SMS rows fail (the delivery worker runs
    // every second; wait for it if the server has just started).
    await byTestId(page, 'outbox-filter-status').click()
    await chooseOption(page, '发送失败')
    await waitForLoaded(page, 'outbox-table')
    await byTestId(page, 'outbox-filter-channel').click()
    await chooseOption(page, '短信')
    for (let i = 0; i < 30; i++) {
      await waitForLoaded(page, 'outbox-table')
      if ((await page.locator('[data-testid="outbox-status"]').count()) > 0) break
      await page.waitForTimeout(1000)
      await byTestId(page, 'outbox-search').click()
    }
    await waitForLoaded(page, 'outbox-table')
    const statuses = await page.locator('[data-testid="outbox-status"]').evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-status')))
    assert.ok(statuses.length > 0, 'failed SMS rows are listed')
    assert.ok(statuses.every((status) => status === 'failed'), 'only failed rows are listed')
    const channels = await page.locator('[data-testid="outbox-channel"]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-channel')))
    assert.ok(channels.every((channel) => channel === 'sms'), 'only SMS rows are listed')
    const firstRow = page.locator('[data-testid="outbox-table"] .el-table__body-wrapper tr.el-table__row').first()
    assert.equal((await firstRow.locator('[data-testid="outbox-error"]').innerText()).trim(), SMS_UNCONFIGURED)
    assert.match(await firstRow.locator('[data-testid="outbox-status"]').innerText(), /发送失败/)
    await shot(page, '44-outbox-failed-sms')

    // Retry the first: back to pending at once, and the worker's next attempt fails again.
    const id = Number(await firstRow.locator('[data-testid="outbox-status"]').getAttribute('data-id'))
    const attempts = Number((await firstRow.locator('[data-testid="outbox-attempts"]').innerText()).trim())
    await firstRow.locator('[data-testid="outbox-retry"]').click()
    await page.locator('.el-message-box .el-button--primary').click()
    await page.locator('.el-message--success').first().waitFor()
    await page.waitForFunction((rowId) => document.querySelector(`[data-testid="outbox-status"][data-id="${rowId}"]`)?.getAttribute('data-status') === 'pending', id)
    await screenshot(page, '45-outbox-retried')
    let again = null
    for (let i = 0; i < 30 && !again; i++) {
      await page.waitForTimeout(500)
      const list = await apiGet(page, `/outbox?status=failed&channel=sms&page_size=200`)
      again = list.items.find((row) => row.id === id && row.attempts === attempts + 1) ?? null
    }
    assert.ok(again, `notification ${id} was attempted again`)
    assert.equal(again.last_error, SMS_UNCONFIGURED)
    await byTestId(page, 'outbox-search').click()
    await waitForLoaded(page, 'outbox-table')
    const retried = page.locator('[data-testid="outbox-table"] .el-table__body-wrapper tr.el-table__row', {
      has: page.locator(`[data-testid="outbox-status"][data-id="${id}"]`),
    })
    await retried.waitFor()
    assert.equal((await retried.locator('[data-testid="outbox-attempts"]').innerText()).trim(), String(attempts + 1))

    // The retry is in the audit log.
    const audit = await apiGet(page, `/audit?entity=notification&entity_id=${id}&page_size=5`)
    assert.ok(audit.items.some((entry) => entry.action === 'retry'), 'the retry is audited')

    // A row's details: the SMS text and its claim.
    await retried.locator('.el-table__expand-icon').click()
    await byTestId(page, 'outbox-detail').first().waitFor()
    assert.match(await byTestId(page, 'outbox-detail').first().innerText(), /【连心】/)
    await shot(page, '46-outbox-detail')
    await logout(page)
  })

  it('an auditor sees the delivery status but cannot retry', async () => {
    await login(page, auditorUser, auditorPassword)
    await byTestId(page, 'menu-system').click()
    await byTestId(page, 'menu-outbox').click()
    await page.waitForURL(/\/system\/outbox$/)
    await waitForLoaded(page, 'outbox-table')
    assert.ok((await page.locator('[data-testid="outbox-status"]').count()) > 0, 'the auditor sees rows')
    assert.equal(await byTestId(page, 'outbox-retry').count(), 0, 'no retry for an auditor')
    assert.equal(await byTestId(page, 'menu-users').count(), 0, 'the auditor has no user administration')

    // The same page in English.
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="menu-outbox"]')?.textContent?.includes('Delivery status'))
    await page.locator('[data-testid="outbox-status"]', { hasText: /Sent|Failed|Pending|Given up/ }).first().waitFor()
    await shot(page, '47-outbox-en')
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="menu-outbox"]')?.textContent?.includes('消息发送记录'))
    await logout(page)
  })
})
