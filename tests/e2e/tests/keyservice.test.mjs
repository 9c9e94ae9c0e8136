// Browser test of the key-account service (大客户服务) against a running server with the demo data:
// the marketing manager makes sure this year's “五个一” programmes exist (五个一看板 › 生成年度计划);
// an account manager (am01) records a leader visit with one need on the account's 走访 tab — the
// programme's leader-visit item turns done, completing the usage-plan item by hand is refused with
// the server's message — sees the need on 我的工作台 and closes it there; writes the emergency
// plan, records a drill with a finding, is refused a revision without a change note (the message
// beside the field) and revises the plan resolving the finding, which shows as resolved by
// version 2; the board shows the account's cells (leader visit and drill green) and the coverage
// chart; the visit calendar, the managers' workload and the request list render.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/keyservice.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, baseUrl, byTestId, inputOf, launch, login, logout, password, screenshot, tableRows, waitForLoaded } from '../lib/harness.mjs'

const marketingUser = process.env.LIANXIN_MARKETING_USER ?? 'marketing01'
const leaderUser = process.env.LIANXIN_LEADER_USER ?? 'leader01'
const managerUser = process.env.LIANXIN_MANAGER_USER ?? 'am01'

// Calendar days in the users' time zone (the server counts dates in Asia/Shanghai).
function shanghaiDate(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
}

async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await page.waitForTimeout(400) // tags and dialogs zoom in
  await screenshot(page, name)
}

// Fills an Element Plus date picker by typing the date.
async function fillDate(locator, date) {
  await locator.click()
  await locator.fill(date)
  await locator.press('Enter')
}

const isPost = (fragment) => (response) => response.url().includes(fragment) && response.request().method() === 'POST'

async function openTab(page, tab) {
  await byTestId(page, `tab-${tab}`).click()
  await page.locator(`.el-tabs__item.is-active [data-testid="tab-${tab}"]`).waitFor()
}

describe('Key-account service (大客户服务)', () => {
  let browser
  let page
  const stamp = Date.now()
  const scenario = {
    customer: null,
    need: `E2E 客户希望增设第二路电源 ${stamp}`,
    finding: `E2E 应急照明切换超时 ${stamp}`,
    year: Number(shanghaiDate().slice(0, 4)),
  }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it("the marketing manager makes sure this year's programmes exist", async () => {
    await login(page, marketingUser, password)
    await byTestId(page, 'menu-key-accounts').click()
    await byTestId(page, 'menu-key-accounts-board').click()
    await page.waitForURL(/\/key-accounts\/programmes/)
    await waitForLoaded(page, 'board-table')
    await (await tableRows(page, 'board-table')).first().waitFor()
    if ((await byTestId(page, 'board-without').count()) > 0) {
      await byTestId(page, 'board-generate').click()
      const generated = page.waitForResponse(isPost('/programmes/generate'))
      await page.locator('.el-message-box .el-button--primary').click()
      const response = await generated
      assert.equal(response.status(), 200)
      assert.ok((await response.json()).created > 0)
      await byTestId(page, 'board-without').waitFor({ state: 'detached' })
    }
    const board = await apiGet(page, `/programmes/board?year=${scenario.year}&page_size=1`)
    assert.equal(board.without_programme, 0, 'every key account in scope has a programme')
    await logout(page)
  })

  it('an account manager records a leader visit with a need; the leader-visit item is done', async () => {
    await login(page, managerUser, password)
    // The account manager starts on the workbench.
    await page.waitForURL(/\/key-accounts\/home/)
    await byTestId(page, 'home-title').waitFor()

    // An account of am01 without an emergency plan yet whose leader visit, drill and usage plan
    // are still to do this year (the demo has done some of them for some accounts).
    const list = await apiGet(page, '/key-accounts?page_size=100')
    assert.ok(list.items.length > 0, 'am01 has key accounts')
    for (const row of list.items) {
      const plans = await apiGet(page, `/customers/${row.customer_id}/emergency-plans`)
      if (plans.versions.length > 0) continue
      const { programme } = await apiGet(page, `/customers/${row.customer_id}/programme?year=${scenario.year}`)
      const pending = (kind) => programme?.items.some((item) => item.kind === kind && item.status === 'pending')
      if (pending('leader_visit') && pending('drill') && pending('usage_plan')) {
        scenario.customer = row
        break
      }
    }
    assert.ok(scenario.customer, 'an account without an emergency plan and with its programme to do')

    await byTestId(page, 'menu-key-accounts-list').click()
    await page.waitForURL(/\/key-accounts(\?|$)/)
    await waitForLoaded(page, 'key-account-table')
    await inputOf(page, 'ka-filter-q').fill(scenario.customer.name)
    await byTestId(page, 'ka-search').click()
    const link = page.locator('[data-testid="key-account-table"] [data-testid="ka-name"]', { hasText: scenario.customer.name }).first()
    await link.waitFor()
    assert.equal(await (await tableRows(page, 'key-account-table')).count(), 1)
    await shot(page, '60-key-account-list')
    await link.click()
    await page.waitForURL(new RegExp(`/key-accounts/${scenario.customer.customer_id}`))
    assert.equal((await byTestId(page, 'service-customer-name').innerText()).trim(), scenario.customer.name)
    await byTestId(page, 'card-team').waitFor()
    await shot(page, '61-key-account-card')

    // Plan the leader visit (the participants are required for a leader visit).
    await openTab(page, 'visits')
    await byTestId(page, 'visit-plan').click()
    await byTestId(page, 'visit-plan-save').waitFor({ state: 'visible' })
    await byTestId(page, 'visit-kind-leader').click()
    await inputOf(page, 'visit-plan-participants').fill('李局长、李经理1')
    await inputOf(page, 'visit-plan-purpose').fill('E2E 了解企业扩产计划和供电需求')
    const planned = page.waitForResponse((r) => r.url().endsWith('/api/v1/visits') && r.request().method() === 'POST')
    await byTestId(page, 'visit-plan-save').click()
    assert.equal((await planned).status(), 201)
    await byTestId(page, 'visit-plan-save').waitFor({ state: 'hidden' })

    // Record it with one need (owner: am01 by default, due in three days).
    const row = page.locator('[data-testid="visits-table"] tr.el-table__row', { has: page.locator('[data-kind="leader"]') }).first()
    await row.locator('[data-testid="visit-complete"]').click()
    await byTestId(page, 'visit-complete-save').waitFor({ state: 'visible' })
    await inputOf(page, 'visit-record').fill('E2E 企业计划明年扩产，新增负荷约 5000kVA，对供电可靠性要求高。')
    await byTestId(page, 'visit-needs-add').click()
    await inputOf(page, 'visit-needs-title').fill(scenario.need)
    await fillDate(inputOf(page, 'visit-needs-due'), shanghaiDate(3))
    const owner = await page.locator('[data-testid="visit-complete-dialog"] [data-testid="visit-needs-owner"]').innerText()
    assert.match(owner, /经理1/, 'the need is owned by the account manager')
    await shot(page, '62-visit-complete-dialog')
    const completed = page.waitForResponse(isPost('/complete'))
    await byTestId(page, 'visit-complete-save').click()
    const completedResponse = await completed
    assert.equal(completedResponse.status(), 200)
    const visit = await completedResponse.json()
    assert.equal(visit.status, 'done')
    assert.equal(visit.action_items.length, 1)
    await byTestId(page, 'visit-complete-save').waitFor({ state: 'hidden' })
    await page.locator('[data-testid="action-items-table"] [data-testid="action-title"]', { hasText: scenario.need }).waitFor()

    // The programme's leader-visit item is done by the visit; the usage plan cannot be completed by hand.
    await openTab(page, 'programme')
    await waitForLoaded(page, 'programme-tab')
    const leaderRow = page.locator('[data-testid="programme-items"] tr.el-table__row', { has: page.locator('[data-kind="leader_visit"]') })
    await leaderRow.locator('[data-testid="item-status"][data-status="done"]').waitFor()
    assert.match(await leaderRow.innerText(), /走访记录 #\d+/)
    const usageRow = page.locator('[data-testid="programme-items"] tr.el-table__row', { has: page.locator('[data-kind="usage_plan"]') })
    await usageRow.locator('[data-testid="programme-complete"]').click()
    await byTestId(page, 'programme-complete-save').waitFor({ state: 'visible' })
    const refused = page.waitForResponse(isPost('/complete'))
    await byTestId(page, 'programme-complete-save').click()
    assert.equal((await refused).status(), 409)
    const error = byTestId(page, 'programme-complete-error')
    await error.waitFor()
    assert.match(await error.innerText(), /交付本年度的用电策划/)
    await shot(page, '63-programme-complete-refused')
    await page.locator('[data-testid="programme-complete-dialog"] .el-dialog__footer .el-button').first().click()
    await byTestId(page, 'programme-complete-save').waitFor({ state: 'hidden' })
  })

  it('the account manager sees the need on the workbench and closes it', async () => {
    await byTestId(page, 'menu-key-accounts-home').click()
    await page.waitForURL(/\/key-accounts\/home/)
    const item = page.locator('[data-testid="home-due"] tr.el-table__row', { hasText: scenario.need })
    await item.waitFor()
    assert.match(await item.innerText(), new RegExp(scenario.customer.name))
    assert.match(await item.innerText(), new RegExp(shanghaiDate(3)))
    await shot(page, '64-home-due-this-week')

    await item.locator('[data-testid="home-close"]').click()
    await byTestId(page, 'action-close-save').waitFor({ state: 'visible' })
    assert.equal((await byTestId(page, 'action-close-title').innerText()).trim(), scenario.need)
    // An empty note is refused; the server's message shows beside the field.
    const refused = page.waitForResponse(isPost('/close'))
    await byTestId(page, 'action-close-save').click()
    assert.equal((await refused).status(), 422)
    await page.locator('[data-testid="action-close-dialog"] .el-form-item__error').waitFor()
    await inputOf(page, 'action-close-note').fill('E2E 已提交第二路电源接入方案，客户确认。')
    const closed = page.waitForResponse(isPost('/close'))
    await byTestId(page, 'action-close-save').click()
    const closedResponse = await closed
    assert.equal(closedResponse.status(), 200)
    assert.equal((await closedResponse.json()).status, 'closed')
    await item.waitFor({ state: 'detached' })
    await shot(page, '65-home-after-close')
  })

  it('a drill finding is resolved by revision 2 of the emergency plan', async () => {
    await page.goto(`${baseUrl}/key-accounts/${scenario.customer.customer_id}?tab=plan`)
    await byTestId(page, 'plan-create').click()
    await byTestId(page, 'plan-save').waitFor({ state: 'visible' })
    // Prefilled from the archive.
    assert.match(await inputOf(page, 'plan-supply').inputValue(), /路电源/)
    await inputOf(page, 'plan-load').fill('800')
    await inputOf(page, 'plan-risks').fill('10kV 进线电缆老化\n配电室防小动物措施不足')
    await inputOf(page, 'plan-contacts').fill('值班室 0871-12345678\n设备科 王工 13800000000')
    await inputOf(page, 'plan-steps').fill('1. 确认主供电源失电\n2. 断开主进线开关\n3. 合上备用电源进线开关\n4. 恢复保安负荷')
    const created = page.waitForResponse(isPost('/emergency-plans'))
    await byTestId(page, 'plan-save').click()
    assert.equal((await created).status(), 201)
    await page.locator('[data-testid="plan-current-version"][data-version="1"]').waitFor()
    await shot(page, '66-emergency-plan-v1')

    // A drill on version 1 with one finding.
    await openTab(page, 'drills')
    await byTestId(page, 'drill-record').click()
    await byTestId(page, 'drill-save').waitFor({ state: 'visible' })
    await inputOf(page, 'drill-scenario').fill('主供电源失电，切换至备用电源')
    await inputOf(page, 'drill-participants').fill('客户电气负责人、值班电工、李经理1')
    await inputOf(page, 'drill-summary').fill('切换完成，用时 6 分钟。')
    await byTestId(page, 'drill-findings-editor-add').click()
    await inputOf(page, 'drill-findings-editor-title').fill(scenario.finding)
    await fillDate(inputOf(page, 'drill-findings-editor-due'), shanghaiDate(10))
    const drilled = page.waitForResponse(isPost('/drills'))
    await byTestId(page, 'drill-save').click()
    const drillResponse = await drilled
    assert.equal(drillResponse.status(), 201)
    await byTestId(page, 'drill-save').waitFor({ state: 'hidden' })
    const finding = page.locator('[data-testid="drill-findings"] tr.el-table__row', { hasText: scenario.finding })
    await finding.waitFor()
    assert.equal(await finding.locator('[data-testid="finding-resolved"]').count(), 0, 'the finding is open')
    await shot(page, '67-drill-finding-open')

    // Revise the plan: a revision without a change note is refused beside the field.
    await byTestId(page, 'finding-goto-plan').first().click()
    await page.locator('.el-tabs__item.is-active [data-testid="tab-plan"]').waitFor()
    await byTestId(page, 'plan-open-findings').waitFor()
    await byTestId(page, 'plan-revise').click()
    await byTestId(page, 'plan-save').waitFor({ state: 'visible' })
    assert.match(await inputOf(page, 'plan-steps').inputValue(), /恢复保安负荷/, 'prefilled from version 1')
    await inputOf(page, 'plan-steps').fill('1. 确认主供电源失电\n2. 断开主进线开关\n3. 启用应急照明（手动切换）\n4. 合上备用电源进线开关\n5. 恢复保安负荷')
    await page.locator('[data-testid="plan-resolves"] .el-checkbox', { hasText: scenario.finding }).click()
    const refused = page.waitForResponse(isPost('/emergency-plans'))
    await byTestId(page, 'plan-save').click()
    assert.equal((await refused).status(), 422)
    const noteError = page.locator('[data-testid="plan-dialog"] .el-form-item.is-error .el-form-item__error')
    await noteError.waitFor()
    assert.match(await noteError.innerText(), /请说明本次修订的内容/)
    await shot(page, '68-plan-revision-refused')
    await inputOf(page, 'plan-change-note').fill('演练发现应急照明切换超时，增加手动切换步骤')
    const revised = page.waitForResponse(isPost('/emergency-plans'))
    await byTestId(page, 'plan-save').click()
    const revisedResponse = await revised
    assert.equal(revisedResponse.status(), 201)
    const plans = await revisedResponse.json()
    assert.equal(plans.versions[0].version, 2)
    assert.equal(plans.open_findings.length, 0)
    await page.locator('[data-testid="plan-current-version"][data-version="2"]').waitFor()
    // Version 2 shows what it changed.
    await page.locator('[data-testid="plan-versions"] .el-table__expand-icon').first().click()
    const diff = byTestId(page, 'plan-diff').first()
    await diff.waitFor()
    assert.match(await diff.locator('.diff-line.added').first().innerText(), /启用应急照明/)
    await shot(page, '69-emergency-plan-v2-diff')

    // The finding is resolved by version 2.
    await openTab(page, 'drills')
    const resolved = page.locator('[data-testid="drill-findings"] tr.el-table__row', { hasText: scenario.finding }).locator('[data-testid="finding-resolved"]')
    await resolved.waitFor()
    assert.equal(await resolved.getAttribute('data-version'), '2')
    assert.equal((await resolved.innerText()).trim(), '已整改 · 预案第 2 版')
    await shot(page, '70-drill-finding-resolved')
    await logout(page)
  })

  it("the programme board shows the account's cells and the coverage", async () => {
    await login(page, leaderUser, password)
    await page.goto(`${baseUrl}/key-accounts/programmes`)
    await waitForLoaded(page, 'board-table')
    await inputOf(page, 'board-q').fill(scenario.customer.name)
    const loaded = page.waitForResponse((r) => r.url().includes('/programmes/board'))
    await byTestId(page, 'board-search').click()
    await loaded
    await waitForLoaded(page, 'board-table')
    const row = page.locator('[data-testid="board-table"] .el-table__body-wrapper tr.el-table__row', { hasText: scenario.customer.name }).first()
    await row.waitFor()
    const states = await row
      .locator('[data-testid="board-cell"]')
      .evaluateAll((cells) => Object.fromEntries(cells.map((cell) => [cell.dataset.kind, cell.dataset.state])))
    assert.equal(states.leader_visit, 'done')
    assert.equal(states.drill, 'done')
    assert.ok(['pending', 'overdue'].includes(states.usage_plan), `usage plan ${states.usage_plan}`)
    assert.equal(Object.keys(states).length, 5)
    assert.equal((await row.locator('[data-testid="board-done"]').innerText()).trim(), `${Object.values(states).filter((s) => s === 'done').length}/5`)
    // Not 5/5 (the usage plan is to do): no sign-off yet.
    assert.equal(await row.locator('[data-testid="board-sign-off"]').count(), 0)
    await shot(page, '71-programme-board')

    await byTestId(page, 'board-tab-coverage').click()
    await byTestId(page, 'coverage-chart').waitFor()
    await page.locator('[data-testid="coverage-chart"] canvas').waitFor()
    assert.match(await byTestId(page, 'coverage-summary').innerText(), /覆盖率/)
    assert.ok((await (await tableRows(page, 'coverage-table')).count()) > 0)
    await page.waitForTimeout(600) // the chart's entry animation
    await shot(page, '72-programme-coverage')
    await logout(page)
  })

  it('the visit calendar, the managers and the requests render for marketing', async () => {
    await login(page, marketingUser, password)
    await byTestId(page, 'menu-key-accounts').click()
    await byTestId(page, 'menu-key-accounts-work').click()
    await page.waitForURL(/\/key-accounts\/work/)
    // Today is chosen: its visits are listed under the calendar, the leader visit done among them.
    await page.locator('[data-testid="calendar-visit"]').first().waitFor()
    const today = page.locator('[data-testid="day-visits"] tr.el-table__row', { hasText: scenario.customer.name })
    await today.locator('[data-testid="visit-status"][data-status="done"]').waitFor()
    assert.match(await today.innerText(), /领导走访/)
    await shot(page, '73-visit-calendar')
    await byTestId(page, 'work-tab-items').click()
    await waitForLoaded(page, 'action-items-table')
    await shot(page, '74-action-items')

    await byTestId(page, 'menu-key-accounts-managers').click()
    await page.waitForURL(/\/key-accounts\/managers/)
    await waitForLoaded(page, 'managers-table')
    assert.ok((await (await tableRows(page, 'managers-table')).count()) > 0)
    await shot(page, '75-account-managers')

    await byTestId(page, 'menu-key-accounts-requests').click()
    await page.waitForURL(/\/key-accounts\/requests/)
    await waitForLoaded(page, 'requests-table')
    await byTestId(page, 'request-new').waitFor()
    await shot(page, '76-list-change-requests')
    await logout(page)
  })
})
