// Browser test of the customer archive's data quality (客户档案数据质量) against a running server with
// the demo data. The account manager (am01) takes the outage notices away from every contact of one
// of their key accounts through the API: the edit re-checks the customer at once and opens the
// finding completeness.key_outage_contact (high, −20 points). In the UI: 数据质量 › 我的待整改 lists
// it with what is wrong and what to change; the customer's 360 tab 数据质量 shows the lower score;
// 去修改 from the queue opens the customer on its contacts with the fix to make, the contact is edited
// to take outage notices again, and the score is back up and the finding gone from the queue
// (closed). am01 reports another finding as not a defect (refused without a reason first); the
// leader (leader01) sees it under 待审批 and approves it (dismissed). The overview shows the scores
// and the weekly trend, in Chinese and English; the administrator runs the full pass from 规则 and
// sees its result. The other contacts' notice types are put back at the end.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/quality.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, byTestId, inputOf, launch, login, logout, password, screenshot, waitForLoaded } from '../lib/harness.mjs'

const managerUser = process.env.LIANXIN_MANAGER_USER ?? 'am01'
const leaderUser = process.env.LIANXIN_LEADER_USER ?? 'leader01'
const adminUser = process.env.LIANXIN_ADMIN_USER ?? 'admin'
const RULE = 'completeness.key_outage_contact'

// The layout scrolls inside its main area: show the page from its top, after any toast has gone.
async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await page.waitForTimeout(300) // tags and dialogs zoom in
  await screenshot(page, name)
}

// A write through the API from inside the page (session cookie and CSRF token of the signed-in user).
async function apiSend(page, method, pathAndQuery, body) {
  return page.evaluate(
    async ([verb, url, payload]) => {
      const me = await (await fetch('/api/v1/auth/me', { credentials: 'same-origin' })).json()
      const response = await fetch(url, {
        method: verb,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${verb} ${url} -> HTTP ${response.status}: ${text}`)
      return text ? JSON.parse(text) : null
    },
    [method, `/api/v1${pathAndQuery}`, body],
  )
}

const isApi = (method, path) => (response) => response.request().method() === method && new URL(response.url()).pathname === `/api/v1${path}`

async function confirmBox(page) {
  const button = page.locator('.el-message-box .el-button--primary')
  await button.waitFor()
  await button.click()
}

// The row of a finding in one of the findings tables.
function findingRow(page, tableTestId, { id, customer, rule }) {
  let marker = '[data-testid="quality-finding"]'
  if (id) marker += `[data-id="${id}"]`
  if (customer) marker += `[data-customer="${customer}"]`
  if (rule) marker += `[data-rule="${rule}"]`
  return page.locator(`[data-testid="${tableTestId}"] tr.el-table__row`, { has: page.locator(marker) })
}

// Opens 数据质量 › one tab from the side menu.
async function openQualityTab(page, tab) {
  await byTestId(page, 'menu-quality').click()
  await page.waitForURL(/\/quality/)
  await byTestId(page, `quality-tab-${tab}`).click()
  await page.waitForURL(new RegExp(`tab=${tab}`))
}

// Picks a rule in the findings filter by its Chinese name.
async function filterByRule(page, text) {
  const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/quality/findings' && r.url().includes(`rule=${encodeURIComponent(RULE)}`))
  await byTestId(page, 'quality-filter-rule').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
  await listed
}

describe('Data quality (客户档案数据质量)', () => {
  let browser
  let page
  const scenario = {
    me: null,
    customer: null, // {id, name}
    changed: [], // contacts whose outage notices were taken away: {id, name, notice_types}
    findingId: null,
    scoreBefore: null,
    dismissed: null, // the finding reported as not a defect {id, customer_id}
  }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('am01 takes the outage notices from every contact of a key account (API): the finding opens at once', async () => {
    await login(page, managerUser, password)
    scenario.me = (await apiGet(page, '/auth/me')).user
    const keyAccounts = await apiGet(page, '/customers?is_key_account=true&page=1&page_size=100')
    for (const customer of keyAccounts.items) {
      if (customer.manager_id !== scenario.me.id || customer.status !== 'active') continue
      const quality = await apiGet(page, `/customers/${customer.id}/quality`)
      // Editing a contact also confirms it: keep clear of customers whose contacts are stale, so that
      // the score moves by this rule's 20 points alone.
      if (quality.items.some((item) => item.rule === RULE || item.rule === 'staleness.key_contacts' || item.status !== 'open')) continue
      if (quality.score < 40) continue // room for the 20 points to show
      const detail = await apiGet(page, `/customers/${customer.id}`)
      const takers = detail.contacts.filter((entry) => entry.active && entry.mobile && entry.notice_types.includes('outage'))
      if (takers.length === 0 || takers.length > 3) continue
      scenario.customer = { id: customer.id, name: customer.name }
      scenario.changed = takers.map((entry) => ({ id: entry.id, name: entry.name, notice_types: entry.notice_types }))
      scenario.scoreBefore = quality.score
      break
    }
    assert.ok(scenario.customer, 'a key account of am01 with a contact taking outage notices')

    for (const contact of scenario.changed) {
      const rest = contact.notice_types.filter((code) => code !== 'outage')
      await apiSend(page, 'PATCH', `/contacts/${contact.id}`, { notice_types: rest.length > 0 ? rest : ['bill'] })
    }
    const quality = await apiGet(page, `/customers/${scenario.customer.id}/quality`)
    const finding = quality.items.find((item) => item.rule === RULE)
    assert.ok(finding, 'the edit re-checked the customer and opened the finding')
    assert.equal(finding.status, 'open')
    assert.equal(finding.severity, 'high')
    assert.equal(quality.score, Math.max(0, scenario.scoreBefore - 20))
    scenario.findingId = finding.id
    scenario.scoreBefore = quality.score
  })

  it('the finding is in 数据质量 › 我的待整改 with what is wrong and what to change', async () => {
    await openQualityTab(page, 'mine')
    await waitForLoaded(page, 'quality-mine-table')
    await filterByRule(page, '重点客户没有接收停电通知的联系人')
    const row = findingRow(page, 'quality-mine-table', { id: scenario.findingId })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(scenario.customer.name))
    assert.match(await row.locator('[data-testid="quality-finding-rule"]').innerText(), /重点客户没有接收停电通知的联系人/)
    assert.match(await row.locator('[data-testid="quality-finding-detail"]').innerText(), /没有可接收停电通知/)
    assert.match(await row.locator('[data-testid="quality-finding-fix"]').innerText(), /勾选停电通知/)
    assert.equal(await row.locator('[data-testid="quality-severity"]').getAttribute('data-severity'), 'high')
    assert.match(page.url(), /rule=completeness\.key_outage_contact/, 'the filter is in the URL')
    await shot(page, '120-quality-my-queue')
  })

  it("the customer's 360 tab 数据质量 shows the lower score and the finding", async () => {
    const row = findingRow(page, 'quality-mine-table', { id: scenario.findingId })
    await row.locator('[data-testid="quality-finding-customer"]').click()
    await page.waitForURL(new RegExp(`/customers/${scenario.customer.id}$`))
    await byTestId(page, 'tab-customer-quality').click()
    const score = byTestId(page, 'customer-quality-score')
    await score.waitFor()
    assert.equal(Number(await score.getAttribute('data-score')), scenario.scoreBefore)
    await findingRow(page, 'customer-quality-table', { id: scenario.findingId }).waitFor()
    assert.match(await byTestId(page, 'tab-customer-quality').innerText(), new RegExp(`数据质量\\s*${scenario.scoreBefore}`))
    await shot(page, '121-quality-customer-tab')
  })

  it('去修改 from the queue opens the contacts; the contact takes outage notices again and the score is back up', async () => {
    // Back to the queue: the rule filter is restored from the URL.
    await page.goBack()
    await page.waitForURL(/\/quality\?.*rule=/)
    const row = findingRow(page, 'quality-mine-table', { id: scenario.findingId })
    await row.waitFor()
    await row.locator('[data-testid="quality-fix"]').click()
    await page.waitForURL(new RegExp(`/customers/${scenario.customer.id}\\?.*finding=${scenario.findingId}`))
    // The finding is about all contacts: the contacts tab opens with what to change.
    await page.locator('.el-message', { hasText: '勾选停电通知' }).waitFor()
    const contact = scenario.changed[0]
    const contactRow = page.locator('[data-testid="contacts-table"] tr.el-table__row', { hasText: contact.name }).first()
    await contactRow.waitFor()
    await contactRow.locator('button', { hasText: '编辑' }).click()
    const dialog = byTestId(page, 'contact-dialog')
    await dialog.waitFor()
    const noticeTypes = dialog.locator('.el-form-item', { hasText: '通知类型' }).locator('.el-select')
    await noticeTypes.click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '停电通知' }).first().click()
    await dialog.locator('.el-dialog__title').click() // closes the dropdown
    await shot(page, '122-quality-fix-contact')
    const saved = page.waitForResponse(isApi('PATCH', `/contacts/${contact.id}`))
    await byTestId(page, 'contact-form-save').click()
    assert.equal((await saved).status(), 200)
    await dialog.waitFor({ state: 'hidden' })

    // Saved: the record is checked again, the finding closes and the score is back up by 20.
    await byTestId(page, 'tab-customer-quality').click()
    const expected = Math.min(100, scenario.scoreBefore + 20)
    await page.locator(`[data-testid="customer-quality-score"][data-score="${expected}"]`).waitFor()
    assert.equal(await page.locator(`[data-testid="customer-quality"] [data-testid="quality-finding"][data-rule="${RULE}"]`).count(), 0)
    await shot(page, '123-quality-fixed-score')

    const closed = await apiGet(page, `/quality/findings?status=closed&customer_id=${scenario.customer.id}&rule=${RULE}`)
    const item = closed.items.find((entry) => entry.id === scenario.findingId)
    assert.ok(item, 'the finding is closed')
    assert.ok(item.closed_at)
  })

  it('the finding is gone from the queue', async () => {
    await openQualityTab(page, 'mine')
    await filterByRule(page, '重点客户没有接收停电通知的联系人')
    await waitForLoaded(page, 'quality-mine-table')
    assert.equal(await findingRow(page, 'quality-mine-table', { id: scenario.findingId }).count(), 0)
    assert.equal(await findingRow(page, 'quality-mine-table', { customer: scenario.customer.id, rule: RULE }).count(), 0)
  })

  it('am01 reports another finding as not a defect (refused without a reason first)', async () => {
    await byTestId(page, 'quality-reset').click()
    await waitForLoaded(page, 'quality-mine-table')
    const open = page.locator('[data-testid="quality-mine-table"] [data-testid="quality-finding"][data-status="open"]').first()
    await open.waitFor()
    scenario.dismissed = { id: Number(await open.getAttribute('data-id')), customer_id: Number(await open.getAttribute('data-customer')) }
    const row = findingRow(page, 'quality-mine-table', { id: scenario.dismissed.id })
    await row.locator('[data-testid="quality-dismiss"]').click()
    const dialog = byTestId(page, 'quality-dismiss-dialog')
    await dialog.waitFor()
    await byTestId(page, 'quality-dismiss-submit').click()
    await dialog.locator('.el-form-item__error', { hasText: '请填写理由' }).waitFor()
    await shot(page, '124-quality-dismiss-refused')

    await inputOf(page, 'quality-dismiss-reason').fill('E2E：已与客户电话核实，档案与现场一致，不是档案错误')
    const requested = page.waitForResponse(isApi('POST', `/quality/findings/${scenario.dismissed.id}/dismiss`))
    await byTestId(page, 'quality-dismiss-submit').click()
    assert.equal((await requested).status(), 200)
    await dialog.waitFor({ state: 'hidden' })
    // Live findings include those awaiting a decision: the row shows the status and the reason.
    const marker = page.locator(`[data-testid="quality-mine-table"] [data-testid="quality-finding"][data-id="${scenario.dismissed.id}"]`)
    await page.waitForFunction((id) => document.querySelector(`[data-testid="quality-mine-table"] [data-testid="quality-finding"][data-id="${id}"]`)?.getAttribute('data-status') === 'dismiss_requested', scenario.dismissed.id)
    assert.equal(await marker.getAttribute('data-status'), 'dismiss_requested')
    assert.match(await row.locator('[data-testid="quality-finding-reason"]').innerText(), /已与客户电话核实/)
    assert.equal(await row.locator('[data-testid="quality-dismiss"]').count(), 0, 'no second request')
  })

  it('the leader approves the request under 待审批', async () => {
    await logout(page)
    await login(page, leaderUser, password)
    await byTestId(page, 'menu-quality').click()
    await page.waitForURL(/\/quality/)
    // An approver starts on 我的待整改, with the requests to decide above the queue.
    const approvals = byTestId(page, 'quality-approvals')
    await approvals.waitFor()
    const row = page.locator('[data-testid="quality-approvals-table"] tr.el-table__row', {
      has: page.locator(`[data-testid="quality-approval"][data-id="${scenario.dismissed.id}"]`),
    })
    await row.waitFor()
    assert.match(await row.locator('[data-testid="quality-approval-reason"]').innerText(), /已与客户电话核实/)
    assert.match(await row.innerText(), new RegExp(scenario.me.display_name))
    await shot(page, '125-quality-approvals')
    const decided = page.waitForResponse(isApi('POST', `/quality/findings/${scenario.dismissed.id}/dismissal`))
    await row.locator('[data-testid="quality-approve"]').click()
    await confirmBox(page)
    const response = await decided
    assert.equal(response.status(), 200, await response.text())
    await row.waitFor({ state: 'detached' })
    const dismissed = await apiGet(page, `/quality/findings?status=dismissed&customer_id=${scenario.dismissed.customer_id}`)
    assert.ok(
      dismissed.items.some((entry) => entry.id === scenario.dismissed.id),
      'the finding is dismissed',
    )
  })

  it('the overview shows the scores, the trend, bureaus, managers and rules, in Chinese and English', async () => {
    await byTestId(page, 'quality-tab-overview').click()
    await byTestId(page, 'quality-overview').waitFor()
    const score = page.locator('[data-testid="quality-kpi"][data-kpi="score"] [data-testid="quality-score"]')
    await score.waitFor()
    assert.match(await score.innerText(), /^\d+(\.\d)?$/)
    await byTestId(page, 'quality-bureaus-table').waitFor()
    await page.locator('[data-testid="quality-bureaus-table"] tr.el-table__row').first().waitFor()
    await shot(page, '126-quality-overview')

    await byTestId(page, 'lang-switch').click()
    await byTestId(page, 'quality-tab-overview').filter({ hasText: 'Overview' }).waitFor()
    assert.match(await page.locator('[data-testid="quality-kpi"][data-kpi="score"]').innerText(), /Data-quality score/)
    await shot(page, '127-quality-overview-en')
    await byTestId(page, 'lang-switch').click()
    await byTestId(page, 'quality-tab-overview').filter({ hasText: '总览' }).waitFor()

    // The leader reads the rules but cannot switch them.
    await byTestId(page, 'quality-tab-rules').click()
    await page.locator(`[data-testid="quality-rule"][data-rule="${RULE}"]`).waitFor()
    assert.equal(await byTestId(page, 'quality-rule-switch').count(), 0)
    assert.equal(await byTestId(page, 'quality-run').count(), 0)
  })

  it('the administrator runs the full pass from 规则 and sees its result', async () => {
    await logout(page)
    await login(page, adminUser, password)
    await openQualityTab(page, 'rules')
    await page.locator(`[data-testid="quality-rule"][data-rule="${RULE}"]`).waitFor()
    assert.ok((await byTestId(page, 'quality-rule-switch').count()) > 0, 'the company-level administrator may switch rules')
    // The module's settings with their sources.
    await page.locator('[data-testid="settings-tab"][data-module="quality"] [data-testid="verification-tag"]').first().waitFor()
    const ran = page.waitForResponse(isApi('POST', '/quality/runs'))
    await byTestId(page, 'quality-run').click()
    await confirmBox(page)
    const response = await ran
    assert.equal(response.status(), 200)
    const result = await response.json()
    assert.ok(result.customers > 0)
    const shown = byTestId(page, 'quality-run-result')
    await shown.waitFor()
    assert.match(await shown.innerText(), new RegExp(`检查客户 ${result.customers} 户`))
    assert.match(await byTestId(page, 'quality-last-pass').innerText(), new RegExp(`检查客户 ${result.customers} 户`))
    await shot(page, '128-quality-rules-run')
  })

  it('puts the other contacts back (API)', async () => {
    await logout(page)
    await login(page, managerUser, password)
    for (const contact of scenario.changed.slice(1)) {
      await apiSend(page, 'PATCH', `/contacts/${contact.id}`, { notice_types: contact.notice_types })
    }
    const detail = await apiGet(page, `/customers/${scenario.customer.id}`)
    for (const contact of scenario.changed) {
      const now = detail.contacts.find((entry) => entry.id === contact.id)
      assert.ok(now.notice_types.includes('outage'), `${contact.name} takes outage notices again`)
    }
  })
})
