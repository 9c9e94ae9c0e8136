// Browser tests of the claims pages (诉求工单) against a running server with the demo data:
// intake with the screen pop, dispatch with an assignee, chase, the handling department's steps, a
// refused step, the callback, the claim on the customer timeline, the analysis with its export, and
// the SLA/calendar administration.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/claims.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {
  adminUser,
  apiGet,
  baseUrl,
  byTestId,
  inputOf,
  launch,
  login,
  logout,
  password,
  screenshot,
  tableRows,
  waitForLoaded,
} from '../lib/harness.mjs'

const dispatcherUser = process.env.LIANXIN_DISPATCHER_USER ?? 'dispatcher01'
const dispatcherPassword = process.env.LIANXIN_DISPATCHER_PASSWORD ?? password
const handlerUser = process.env.LIANXIN_HANDLER_USER ?? 'handler01'
const handlerPassword = process.env.LIANXIN_HANDLER_PASSWORD ?? password

// Picks an option of the open Element Plus select / tree-select by its text.
async function chooseOption(page, text) {
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor()
  await option.click()
}

async function openSelect(page, testId) {
  await byTestId(page, testId).first().click()
}

// The status the detail page shows (data-status of the header's status tag).
async function detailStatus(page) {
  return page.locator('[data-testid="claim-detail"] .head [data-testid="claim-status"]').getAttribute('data-status')
}

async function waitForStatus(page, status) {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="claim-detail"] .head [data-testid="claim-status"]')?.getAttribute('data-status') === expected,
    status,
  )
}

// Opens a step from the action bar and waits for its dialog.
async function openStep(page, action) {
  await byTestId(page, `action-${action}`).click()
  await byTestId(page, 'step-submit').waitFor({ state: 'visible' })
}

// The layout scrolls inside its main area: show the page from its top in the screenshot, after
// any toast has gone.
async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await screenshot(page, name)
}

async function submitStep(page) {
  await byTestId(page, 'step-submit').click()
  await byTestId(page, 'step-submit').waitFor({ state: 'hidden' })
}

describe('Claims (诉求工单)', () => {
  let browser
  let page
  // Shared between the steps of the scenario.
  const scenario = { claimId: null, number: null, customer: null, departmentLabel: null, departmentName: '运检部', handlerName: null }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('the dispatcher registers a complaint through the screen pop', async () => {
    await login(page, dispatcherUser, dispatcherPassword)
    // A dispatcher starts on the dispatch board.
    await page.waitForURL(/\/claims(\?|$)/)
    await byTestId(page, 'claims-board').waitFor()

    // A customer of the demo data with a reachable contact, found as the dispatcher can see it.
    const me = await apiGet(page, '/auth/me')
    const list = await apiGet(page, '/customers?page=1&page_size=30&is_key_account=true')
    let mobile = null
    for (const candidate of list.items) {
      const detail = await apiGet(page, `/customers/${candidate.id}`)
      mobile = detail.contacts.find((contact) => contact.mobile && contact.active)?.mobile ?? null
      if (mobile && candidate.manager_name) {
        scenario.customer = candidate
        break
      }
    }
    assert.ok(scenario.customer && mobile, 'a key account with a contact mobile and an account manager exists')

    // The department of the handler: the city's 运检部 (under the dispatcher's own bureau).
    const units = await apiGet(page, '/org-units')
    const department = units.items.find((unit) => unit.kind === 'department' && unit.parent_id === me.user.org_unit_id && unit.name === scenario.departmentName)
    assert.ok(department, `the bureau ${me.user.org_unit_name} has a ${scenario.departmentName}`)
    scenario.departmentLabel = `${department.name} · ${me.user.org_unit_name}`

    await page.goto(`${baseUrl}/claims/new`)
    await inputOf(page, 'intake-phone').fill(mobile)
    await byTestId(page, 'intake-lookup').click()
    const hit = page.locator('[data-testid="intake-hit"]', { hasText: scenario.customer.name }).first()
    await hit.waitFor()
    await hit.click()
    // The screen pop shows the customer with its account manager.
    const popName = byTestId(page, 'screen-pop-customer')
    await page.waitForFunction((name) => document.querySelector('[data-testid="screen-pop-customer"]')?.textContent?.includes(name), scenario.customer.name)
    assert.match(await popName.innerText(), new RegExp(scenario.customer.name))
    await byTestId(page, 'screen-pop-manager').waitFor()
    assert.equal((await byTestId(page, 'screen-pop-manager').innerText()).trim(), scenario.customer.manager_name)
    assert.equal(await inputOf(page, 'intake-caller-phone').inputValue(), mobile, 'the caller phone is taken from the lookup')

    await openSelect(page, 'intake-channel')
    await chooseOption(page, '95598')
    const stamp = Date.now()
    await byTestId(page, 'intake-type-complaint').click()
    await byTestId(page, 'intake-class-outage').click()
    await inputOf(page, 'intake-title').fill(`E2E 频繁停电投诉 ${stamp}`)
    await inputOf(page, 'intake-description').fill('客户反映本月线路多次停电，影响生产。<b>inert</b>')

    // Without the upstream order number a 95598 claim is refused, naming the field.
    await byTestId(page, 'intake-submit').click()
    const upstreamError = page.locator('.el-form-item', { has: page.locator('[data-testid="intake-upstream-no"]') }).locator('.el-form-item__error')
    await upstreamError.waitFor()
    assert.ok((await upstreamError.innerText()).trim().length > 0, 'the upstream number field shows the server error')
    assert.match(page.url(), /\/claims\/new/, 'nothing was registered')

    await inputOf(page, 'intake-upstream-no').fill(`95598-E2E-${stamp}`)
    await shot(page, '20-claim-intake-screen-pop')
    await byTestId(page, 'intake-submit').click()
    await page.waitForURL(/\/claims\/\d+$/)
    scenario.claimId = Number(/\/claims\/(\d+)$/.exec(page.url())[1])
    await byTestId(page, 'claim-detail-number').waitFor()
    scenario.number = (await byTestId(page, 'claim-detail-number').innerText()).trim()
    assert.match(scenario.number, /^GD\d{8}\d+$/, 'the claim got a number')
    const description = await byTestId(page, 'claim-description').innerText()
    assert.match(description, /<b>inert<\/b>/, 'user text is shown as text')
    // The complaint policy's deadlines are running.
    const clocks = page.locator('[data-testid="clock"]')
    assert.ok((await clocks.count()) >= 1, 'the claim has deadlines')
    assert.ok((await page.locator('[data-testid="clock"][data-state="running"]').count()) >= 1, 'a deadline is running')
    await shot(page, '21-claim-created')
  })

  it('the dispatcher dispatches it from the board to the city 运检部, assigned to the handler, and chases it', async () => {
    assert.ok(scenario.claimId, 'the claim was registered')
    // The department's staff as the dispatcher may list them (GET /claims/assignees).
    const me = await apiGet(page, '/auth/me')
    const units = await apiGet(page, '/org-units')
    const department = units.items.find((unit) => unit.kind === 'department' && unit.parent_id === me.user.org_unit_id && unit.name === scenario.departmentName)
    const staff = await apiGet(page, `/claims/assignees?department_id=${department.id}`)
    const handler = staff.items.find((user) => user.username === handlerUser)
    assert.ok(handler, `${handlerUser} can be assigned in ${scenario.departmentName}`)
    scenario.handlerName = handler.display_name
    // Picks the handler in the dialog's assignee list, once the department's staff are loaded.
    const pickAssignee = async () => {
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="step-assignee"]')?.getAttribute('data-count')) > 0)
      await openSelect(page, 'step-assignee')
      await chooseOption(page, `${handler.display_name}（${handler.username}）`)
      await page.locator('.el-select-dropdown__item', { hasText: `${handler.display_name}（${handler.username}）` }).waitFor({ state: 'hidden' })
      await shot(page, '22a-dispatch-assignee')
    }
    await page.goto(`${baseUrl}/claims`)
    await byTestId(page, 'awaiting-table').waitFor()
    await waitForLoaded(page, 'claims-table')
    const awaiting = page.locator('[data-testid="awaiting-table"] .el-table__row', { hasText: scenario.number })
    if ((await awaiting.count()) > 0) {
      // Waiting for dispatch: dispatch it from the board.
      await awaiting.locator('[data-testid="dispatch-button"]').click()
      await byTestId(page, 'step-submit').waitFor({ state: 'visible' })
      await openSelect(page, 'step-department')
      await chooseOption(page, scenario.departmentLabel)
      await pickAssignee()
      await submitStep(page)
      await awaiting.waitFor({ state: 'detached' })
      await page.goto(`${baseUrl}/claims/${scenario.claimId}`)
      await byTestId(page, 'claim-actions').waitFor()
    } else {
      // Routing rules dispatched it at intake: transfer it to the handler's department.
      await page.goto(`${baseUrl}/claims/${scenario.claimId}`)
      await byTestId(page, 'claim-actions').waitFor()
      await openStep(page, 'transfer')
      await inputOf(page, 'step-note').fill('转运检部处理')
      await openSelect(page, 'step-department')
      await chooseOption(page, scenario.departmentLabel)
      await pickAssignee()
      await submitStep(page)
    }
    await waitForStatus(page, 'dispatched')
    await page.waitForFunction((name) => document.querySelector('[data-testid="claim-department"]')?.textContent?.trim() === name, scenario.departmentName)
    await page.waitForFunction((name) => document.querySelector('[data-testid="claim-assignee"]')?.textContent?.trim() === name, handler.display_name)
    // The history names the dispatcher by display name, the user name beside it (tooltip).
    const dispatchEvent = page.locator('[data-testid="claim-event"][data-kind="dispatched"], [data-testid="claim-event"][data-kind="transferred"]').first()
    const actor = dispatchEvent.locator('[data-testid="event-actor"]')
    assert.equal((await actor.innerText()).trim(), me.user.display_name)
    assert.equal(await actor.getAttribute('data-username'), dispatcherUser)

    await openStep(page, 'chase')
    await inputOf(page, 'step-note').fill('客户再次来电催问处理进度')
    await submitStep(page)
    await byTestId(page, 'claim-chase-count').waitFor()
    assert.match(await byTestId(page, 'claim-chase-count').innerText(), /1/)
    const history = await byTestId(page, 'claim-history').innerText()
    assert.match(history, /催办/, 'the chase is in the history')
    assert.match(history, /派发|转派/, 'the dispatch is in the history')
    await shot(page, '22-claim-dispatched-chased')

    // The board lists the department's load.
    await page.goto(`${baseUrl}/claims`)
    await byTestId(page, 'department-load').waitFor()
    await page.locator('[data-testid="department-load"] .el-table__row', { hasText: scenario.departmentName }).first().waitFor()
    await waitForLoaded(page, 'claims-board')
    await waitForLoaded(page, 'claims-table')
    await shot(page, '23-dispatch-board')
    await logout(page)
  })

  it('the handler finds it in 我的工单 and the bell, accepts and records the contact', async () => {
    await login(page, handlerUser, handlerPassword)
    // A department handler starts on their queue.
    await page.waitForURL(/\/claims\/mine/)
    await waitForLoaded(page, 'mine-table')
    const row = page.locator('[data-testid="mine-table"] .el-table__row', { hasText: scenario.number })
    await row.waitFor()
    await shot(page, '24-my-queue')

    // The dispatch and the chase were notified in-app.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="notification-badge"]')?.getAttribute('data-unread')) > 0)
    await byTestId(page, 'notification-bell').click()
    const notice = page.locator('[data-testid="notification-item"]', { hasText: scenario.number }).first()
    await notice.waitFor()
    // The popover fades in; wait until it is fully shown.
    await page.waitForFunction(() => {
      const popper = document.querySelector('.notification-popper')
      return popper !== null && getComputedStyle(popper).opacity === '1'
    })
    await shot(page, '25-notifications')
    await notice.click()
    await page.waitForURL(new RegExp(`/claims/${scenario.claimId}$`))
    await byTestId(page, 'claim-actions').waitFor()

    await openStep(page, 'accept')
    await submitStep(page)
    await waitForStatus(page, 'accepted')
    const me = await apiGet(page, '/auth/me')
    await page.waitForFunction((name) => document.querySelector('[data-testid="claim-assignee"]')?.textContent?.trim() === name, me.user.display_name)

    await openStep(page, 'contact')
    await inputOf(page, 'step-note').fill('已电话联系客户，约定明日到现场')
    await submitStep(page)
    await page.locator('[data-testid="claim-event"][data-kind="contacted"]').first().waitFor()
    assert.equal(await byTestId(page, 'action-contact').count(), 0, 'the first contact can be recorded once')

    // A site photo as an attachment (raw body upload), listed and downloadable.
    await page.locator('.el-tabs__item', { hasText: /附件/ }).click()
    await page.locator('[data-testid="attachment-upload"] input[type="file"]').setInputFiles({
      name: '现场记录.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('现场检查记录：开关跳闸，已更换。\n', 'utf8'),
    })
    const attachment = page.locator('[data-testid="attachments-table"] .el-table__row', { hasText: '现场记录.txt' })
    await attachment.waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), attachment.locator('[data-testid="attachment-download"]').click()])
    assert.equal(download.suggestedFilename(), '现场记录.txt')
    assert.match(fs.readFileSync(await download.path(), 'utf8'), /开关跳闸/)
  })

  it('closing without a resolution shows the server field errors; then the handler closes it', async () => {
    await openStep(page, 'close')
    await byTestId(page, 'step-submit').click()
    const dialog = page.locator('.el-dialog', { has: page.locator('[data-testid="step-submit"]') })
    const resolutionError = dialog.locator('.el-form-item', { has: page.locator('[data-testid="step-resolution"]') }).locator('.el-form-item__error')
    await resolutionError.waitFor()
    assert.ok((await resolutionError.innerText()).trim().length > 0, 'the resolution field shows the server message')
    const rootCauseError = dialog.locator('.el-form-item', { has: page.locator('[data-testid="step-root-cause"]') }).locator('.el-form-item__error')
    assert.ok((await rootCauseError.innerText()).trim().length > 0, 'the root cause field shows the server message')
    assert.equal(await detailStatus(page), 'accepted', 'the refused step changed nothing')
    await shot(page, '26-claim-close-refused')

    await inputOf(page, 'step-resolution').fill('更换故障开关，线路恢复正常供电')
    await openSelect(page, 'step-root-cause')
    await chooseOption(page, '设备原因')
    await inputOf(page, 'step-measures').fill('对该线路开展专项巡视，缩短检修周期')
    await byTestId(page, 'step-valid-yes').click()
    await submitStep(page)
    await waitForStatus(page, 'closed')
    await byTestId(page, 'claim-close-info').waitFor()
    assert.match(await byTestId(page, 'claim-close-info').innerText(), /更换故障开关/)
    await logout(page)
  })

  it('the dispatcher calls back (satisfied) and the claim is archived', async () => {
    await login(page, dispatcherUser, dispatcherPassword)
    await page.goto(`${baseUrl}/claims/${scenario.claimId}`)
    await byTestId(page, 'claim-actions').waitFor()
    await waitForStatus(page, 'closed')
    await openStep(page, 'callback')
    await byTestId(page, 'step-satisfaction-satisfied').click()
    await inputOf(page, 'step-note').fill('客户对处理结果满意')
    await submitStep(page)
    await waitForStatus(page, 'archived')
    assert.equal((await byTestId(page, 'claim-satisfaction').innerText()).trim(), '满意')
    await page.locator('[data-testid="claim-event"][data-kind="archived"]').first().waitFor()
    await shot(page, '27-claim-archived')

    // The customer's service timeline has the claim's steps in the server's Chinese wording,
    // each linked to the claim.
    await page.goto(`${baseUrl}/customers/${scenario.customer.id}`)
    await page.locator('.el-tabs__item', { hasText: /服务轨迹/ }).click()
    await openSelect(page, 'timeline-kind-filter')
    await chooseOption(page, '工单')
    const closedEntry = page.locator('[data-testid="timeline-item"]', { hasText: `工单 ${scenario.number} 办结销号（已办结待回访）` }).first()
    await closedEntry.waitFor()
    // (A step whose name already says the status carries no status suffix: "派单", not "派单（已派单）".)
    await page.locator('[data-testid="timeline-item"]', { hasText: `工单 ${scenario.number} 派单` }).first().waitFor()
    await closedEntry.scrollIntoViewIfNeeded()
    await screenshot(page, '27a-customer-timeline-claim')
    await closedEntry.locator('[data-testid="timeline-claim-link"]').click()
    await page.waitForURL(new RegExp(`/claims/${scenario.claimId}$`))
    await byTestId(page, 'claim-actions').waitFor()

    // Accountability for the valid complaint, and a service-recovery task done.
    await page.locator('.el-tabs__item', { hasText: /责任认定/ }).click()
    await byTestId(page, 'add-accountability').click()
    // The responsible unit defaults to the handling department.
    await inputOf(page, 'accountability-person').waitFor({ state: 'visible' })
    await inputOf(page, 'accountability-person').fill('张班长')
    await inputOf(page, 'accountability-finding').fill('巡视不到位，开关老化未及时更换')
    await byTestId(page, 'accountability-save').click()
    await page.locator('[data-testid="accountability-table"] .el-table__row', { hasText: '张班长' }).waitFor()

    await page.locator('.el-tabs__item', { hasText: /服务补救/ }).click()
    await byTestId(page, 'add-recovery').click()
    await openSelect(page, 'recovery-kind')
    await chooseOption(page, '致歉')
    await byTestId(page, 'recovery-save').click()
    const task = page.locator('[data-testid="recovery-table"] .el-table__row', { hasText: '致歉' }).first()
    await task.waitFor()
    await task.locator('[data-testid="complete-recovery"]').click()
    await page.locator('.el-message-box textarea').fill('已上门致歉，客户接受')
    await page.locator('.el-message-box .el-button--primary').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="recovery-table"] .el-table__row')?.textContent?.includes('已完成'))

    // The same page in English.
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="claim-detail"] .head [data-testid="claim-status"]')?.textContent?.includes('Archived'))
    await shot(page, '28-claim-archived-en')
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="claim-detail"] .head [data-testid="claim-status"]')?.textContent?.includes('已归档'))
  })

  it('the analysis shows KPI cards and a chart and exports XLSX', async () => {
    await page.goto(`${baseUrl}/claims/analysis`)
    await page.locator('[data-testid="kpi-card"]').first().waitFor()
    assert.ok((await page.locator('[data-testid="kpi-card"]').count()) >= 5, 'the KPI cards are shown')
    const claimsValue = await page.locator('[data-testid="kpi-card"][data-kpi="claims"] [data-testid="kpi-value"]').innerText()
    assert.ok(Number(claimsValue) >= 1, `this month counts the claim just registered (${claimsValue})`)
    await page.locator('[data-testid="analysis-chart"] canvas').first().waitFor()
    const groups = await tableRows(page, 'analysis-groups')
    assert.ok((await groups.count()) >= 1, 'the groups table has rows')
    assert.match(await byTestId(page, 'analysis-groups').innerText(), /投诉/, 'the groups are labelled in Chinese')
    await shot(page, '29-claims-analysis')

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'analysis-export').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    const file = await download.path()
    const head = fs.readFileSync(file).subarray(0, 2).toString('latin1')
    assert.equal(head, 'PK', 'the export is an XLSX (zip) file')

    // By month: a line chart.
    await openSelect(page, 'analysis-group-by')
    await Promise.all([
      page.waitForResponse((response) => response.url().includes('/api/v1/claims/analysis?') && response.url().includes('group_by=month')),
      chooseOption(page, '按月份'),
    ])
    await waitForLoaded(page, 'kpi-cards')
    assert.match(await byTestId(page, 'analysis-groups').innerText(), /\d{4}-\d{2}/, 'the groups are months')
    await page.locator('[data-testid="analysis-chart"] canvas').first().waitFor()
    await logout(page)
  })

  it('the SLA administration marks unverified figures; routing rules and calendar days can be changed', async () => {
    await login(page, adminUser)
    await page.goto(`${baseUrl}/claims/admin?tab=settings`)
    await waitForLoaded(page, 'settings-table')
    const unverified = page.locator('[data-testid="settings-table"] [data-testid="verification-tag"][data-verification="U"]').first()
    await unverified.waitFor()
    assert.equal((await unverified.innerText()).trim(), '未核实')
    await shot(page, '30-claims-settings')

    await page.goto(`${baseUrl}/claims/admin?tab=policies`)
    await waitForLoaded(page, 'policies-table')
    assert.ok((await (await tableRows(page, 'policies-table')).count()) > 0, 'the SLA policies are listed')
    assert.ok((await byTestId(page, 'active-rule-set').innerText()).trim().length > 0, 'the active rule-set is shown')
    await shot(page, '31-sla-policies')

    // A routing rule for praise to the city 运检部, then removed again.
    await page.goto(`${baseUrl}/claims/admin?tab=routing`)
    await waitForLoaded(page, 'routing-table')
    await byTestId(page, 'new-rule').click()
    await byTestId(page, 'rule-save').waitFor({ state: 'visible' })
    await openSelect(page, 'rule-claim-type')
    await chooseOption(page, '表扬')
    await openSelect(page, 'rule-department')
    await chooseOption(page, scenario.departmentLabel)
    await byTestId(page, 'rule-save').click()
    const rule = page.locator('[data-testid="routing-table"] .el-table__row', { hasText: '诉求类型：表扬' }).first()
    await rule.waitFor()
    assert.match(await rule.innerText(), new RegExp(scenario.departmentName))
    await shot(page, '32-routing-rules')
    await rule.locator('[data-testid="delete-rule"]').click()
    await page.locator('.el-message-box .el-button--primary').click()
    await rule.waitFor({ state: 'detached' })

    // A temporary day off on the national calendar, then back to an ordinary day.
    await page.goto(`${baseUrl}/claims/admin?tab=calendars`)
    await byTestId(page, 'calendar-days').waitFor()
    const calendars = await apiGet(page, '/calendars')
    const national = calendars.items.find((calendar) => calendar.code === 'CN') ?? calendars.items[0]
    const lastYear = Math.max(...national.years)
    const date = `${lastYear}-12-30`
    await byTestId(page, 'calendar-edit-day').click()
    const dateInput = page.locator('[data-testid="day-date"] input, input[data-testid="day-date"]').first()
    await dateInput.fill(date)
    await dateInput.press('Enter')
    await byTestId(page, 'day-adjustment-off_day').click()
    await inputOf(page, 'day-name').fill('E2E临时调整')
    await byTestId(page, 'day-save').click()
    await byTestId(page, 'calendar-recomputed').waitFor()
    assert.match(await byTestId(page, 'calendar-recomputed').innerText(), /\d+/)
    await openSelect(page, 'calendar-year')
    await chooseOption(page, String(lastYear))
    const row = page.locator('[data-testid="calendar-days"] .el-table__row', { hasText: date })
    await row.waitFor()
    assert.match(await row.innerText(), /E2E临时调整/)
    await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
    await row.scrollIntoViewIfNeeded()
    await screenshot(page, '33-calendar-day-off')

    await row.getByRole('button').click()
    await byTestId(page, 'day-adjustment-none').click()
    await byTestId(page, 'day-save').click()
    await row.waitFor({ state: 'detached' })
    await logout(page)
  })
})
