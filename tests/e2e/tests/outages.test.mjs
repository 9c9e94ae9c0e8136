// Browser test of outage notices (停电/限电告知) against a running server with the demo data. The
// outage planner (planner01) first registers, through the API, another department's work (基建 迁改)
// on a line that feeds key accounts, 20 days after the outage under test, and checks it. Then, in
// the UI: 停电计划 › 新建停电 — a planned maintenance outage (计划检修, 运检, the city 运检部) on that
// line, picked from the topology tree, starting in five days (short of the 7-day notice); the
// planner checks it and sees the affected key accounts, the lead-time warning and the repeated-outage
// warning naming the other department's work with the proposal to merge them. The leader (leader01)
// approves it: refused without a justification (the server's message beside the field), then with
// one. The planner sends the notices; the notice board counts them by channel and status. Staff (the
// leader) log a customer's confirmation by phone and an on-site posting with its photo. The
// customer's confirmation link is read from the outbox (the SMS has no gateway in the test) and
// confirmed on the public page without a login, in a phone-sized window; the board shows the
// confirmation via the link. The outage is on the calendar and the list, the affected accounts
// export as XLSX, and the page switches to English.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/outages.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, baseUrl, byTestId, inputOf, launch, login, logout, password, screenshot, tableRows, waitForLoaded } from '../lib/harness.mjs'

const plannerUser = process.env.LIANXIN_PLANNER_USER ?? 'planner01'
const leaderUser = process.env.LIANXIN_LEADER_USER ?? 'leader01'
const adminUser = process.env.LIANXIN_ADMIN_USER ?? 'admin'

// The layout scrolls inside its main area: show the page from its top (or its end), after any
// toast has gone.
async function shot(page, name, { end = false } = {}) {
  await page.evaluate((toEnd) => {
    const main = document.querySelector('.el-main')
    main?.scrollTo(0, toEnd ? main.scrollHeight : 0)
  }, end)
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

// A calendar day in Asia/Shanghai, `days` from now: "YYYY-MM-DD".
function shanghaiDay(days) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  )
  return parts
}

const isOutageCommand = (id, action) => (response) =>
  response.request().method() === 'POST' && new URL(response.url()).pathname === `/api/v1/outages/${id}/${action}`

async function confirmBox(page) {
  const button = page.locator('.el-message-box .el-button--primary')
  await button.waitFor()
  await button.click()
}

async function waitForStatus(page, status) {
  await page.locator(`.head [data-testid="outage-status"][data-status="${status}"]`).waitFor()
}

// A 1×1 PNG for the posting photo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

describe('Outage notices (停电/限电告知)', () => {
  let browser
  let page
  const stamp = Date.now()
  const scenario = {
    line: null, // {id, code, name}
    keyCustomer: null,
    other: null, // the other department's work {id, number}
    id: null,
    number: null,
    day: shanghaiDay(5),
    title: `E2E 线路检修停电 ${stamp}`,
    token: null,
  }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it("sets up another department's work on a line that feeds key accounts (API)", async () => {
    await login(page, plannerUser, password)
    // A key account on a line, with a contact taking outage notices by SMS.
    const keyAccounts = await apiGet(page, '/customers?is_key_account=true&page=1&page_size=100')
    for (const customer of keyAccounts.items) {
      const detail = await apiGet(page, `/customers/${customer.id}`)
      const account = detail.accounts.find((entry) => entry.line_id && entry.supply_sources <= 1)
      const contact = detail.contacts.find((entry) => entry.active && entry.mobile && entry.notice_types.includes('outage'))
      if (!account || !contact) continue
      const outages = await apiGet(page, `/customers/${customer.id}/interruptions`).catch(() => null)
      if (outages && (outages.upcoming ?? []).length > 0) continue // keep clear of other tests' outages
      scenario.keyCustomer = customer
      scenario.line = { id: account.line_id, name: account.line_name }
      break
    }
    assert.ok(scenario.line, 'a key account on a line with an SMS contact')
    const tree = await apiGet(page, `/topology/lines/${scenario.line.id}`)
    scenario.line.code = tree.code
    scenario.line.substation = tree.substation_name

    // 基建 moves the line 20 days after our outage: within the 60-day coordination window.
    const departments = (await apiGet(page, '/org-units')).items.filter((unit) => unit.kind === 'department')
    const construction = departments.find((unit) => unit.name === '基建部' && unit.path.split('/').length <= 5) ?? null
    const otherDay = shanghaiDay(25)
    const other = await apiSend(page, 'POST', '/outages', {
      kind: 'planned',
      title: `E2E 基建线路迁改 ${stamp}`,
      work: '线路迁改',
      requester: 'construction',
      ...(construction ? { department_id: construction.id } : {}),
      planned_start: `${otherDay}T09:00:00+08:00`,
      planned_end: `${otherDay}T15:00:00+08:00`,
      scope: { lines: [scenario.line.id] },
    })
    const checked = await apiSend(page, 'POST', `/outages/${other.id}/check`, {})
    assert.equal(checked.status, 'checked')
    assert.ok(checked.affected_accounts > 0)
    scenario.other = { id: other.id, number: other.number }
  })

  it('the planner plans an outage on the line from the topology tree', async () => {
    await byTestId(page, 'menu-outages').click()
    await byTestId(page, 'menu-outages-plan').click()
    await page.waitForURL(/\/outages(\?|$)/)
    await byTestId(page, 'outage-calendar').waitFor()
    await byTestId(page, 'outage-new').click()
    await page.waitForURL(/\/outages\/new$/)

    await byTestId(page, 'outage-kind-planned').click()
    assert.match(await byTestId(page, 'outage-form-kind-hint').innerText(), /7\s*天/)
    await inputOf(page, 'outage-form-title').fill(scenario.title)
    await inputOf(page, 'outage-form-work').fill('更换柱上开关')
    await byTestId(page, 'outage-requester-maintenance').click()
    await page.locator('[data-testid="outage-form-department"]').click()
    await page.locator('[data-testid="outage-form-department"] input').fill('运检部')
    // The city bureau's 运检部 when the planner sees it, else any 运检部.
    const city = page.locator('.el-select-dropdown__item:visible', { hasText: /运检部 · 滇池市/ })
    await page.locator('.el-select-dropdown__item:visible', { hasText: '运检部' }).first().waitFor()
    await ((await city.count()) > 0 ? city.first() : page.locator('.el-select-dropdown__item:visible', { hasText: '运检部' }).first()).click()
    const range = page.locator('[data-testid="outage-form-planned"] input')
    await range.nth(0).click()
    await range.nth(0).fill(`${scenario.day} 09:00`)
    await range.nth(1).fill(`${scenario.day} 17:00`)
    await range.nth(1).press('Enter')
    await page.keyboard.press('Escape')

    // The line from the substations tree; opening it shows its sections and transformer areas.
    await inputOf(page, 'scope-filter').fill(scenario.line.code)
    const lineNode = page.locator(`[data-testid="scope-line"][data-code="${scenario.line.code}"]`)
    await lineNode.waitFor()
    await lineNode.locator('[data-testid="scope-line-check"]').click()
    await lineNode.click()
    await byTestId(page, 'scope-line-summary').waitFor()
    await page.locator(`[data-testid="scope-chosen-item"][data-part="lines"][data-id="${scenario.line.id}"]`).waitFor()
    await shot(page, '100-outage-new')

    const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/outages' && r.request().method() === 'POST')
    await byTestId(page, 'outage-form-save').click()
    const response = await created
    assert.equal(response.status(), 201, await response.text())
    const detail = await response.json()
    assert.equal(detail.kind, 'planned')
    assert.equal(detail.status, 'draft')
    assert.equal(detail.requester, 'maintenance')
    assert.deepEqual(
      detail.scope.lines.map((entry) => entry.id),
      [scenario.line.id],
    )
    scenario.id = detail.id
    scenario.number = detail.number
    await page.waitForURL(new RegExp(`/outages/${scenario.id}$`))
    assert.equal((await byTestId(page, 'outage-detail-number').innerText()).trim(), scenario.number)
    await waitForStatus(page, 'draft')
  })

  it('checks it: the affected key accounts, the short notice and the conflict with 基建', async () => {
    const checked = page.waitForResponse(isOutageCommand(scenario.id, 'check'))
    await byTestId(page, 'action-check').click()
    await confirmBox(page)
    const response = await checked
    assert.equal(response.status(), 200)
    const detail = await response.json()
    assert.equal(detail.status, 'checked')
    assert.ok(detail.key_accounts >= 1, 'the line feeds key accounts')
    await waitForStatus(page, 'checked')
    assert.ok(Number(await byTestId(page, 'count-key-accounts').innerText()) >= 1)

    // Five days ahead is short of the 7-day notice: the warning says so.
    assert.equal(detail.lead_check.short, true)
    await byTestId(page, 'outage-lead-short').waitFor()

    // The other department's work on the same accounts, with the proposal to merge.
    const conflict = (detail.conflicts ?? []).find((entry) => entry.outage_id === scenario.other.id)
    assert.ok(conflict, `the conflict with ${scenario.other.number} is reported`)
    assert.ok(conflict.shared_accounts > 0)
    const warning = byTestId(page, 'outage-conflicts-alert')
    await warning.waitFor()
    assert.match(await warning.innerText(), new RegExp(scenario.other.number))
    assert.match(await warning.innerText(), /基建/)
    assert.match(await warning.innerText(), /建议与该工作合并停电，避免重复停电/)
    await shot(page, '101-outage-checked')

    // The affected accounts, key accounts only.
    await waitForLoaded(page, 'affected-table')
    const filtered = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/outages/${scenario.id}/affected` && r.url().includes('key_only=true'))
    await byTestId(page, 'affected-key-only').click()
    await filtered
    await waitForLoaded(page, 'affected-table')
    const rows = await tableRows(page, 'affected-table')
    const count = await rows.count()
    assert.ok(count >= 1)
    assert.equal(await page.locator('[data-testid="affected-table"] [data-testid="affected-key-account"]').count(), count, 'only key accounts')
    await page.locator('[data-testid="affected-table"] [data-testid="affected-customer"]', { hasText: scenario.keyCustomer.name }).first().waitFor()
    await shot(page, '102-outage-affected-key-accounts', { end: true })

    // The XLSX of the affected accounts takes the same filters.
    const exported = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/outages/${scenario.id}/affected/export`)
    await byTestId(page, 'affected-export').click()
    const exportResponse = await exported
    assert.equal(exportResponse.status(), 200)
    assert.match(exportResponse.headers()['content-type'] ?? '', /spreadsheetml/)

    // 协调与冲突 lists the other work with its number, department and the proposal.
    await byTestId(page, 'tab-conflicts').click()
    const conflictRow = page.locator('[data-testid="conflicts-table"] tr.el-table__row', {
      has: page.locator('[data-testid="conflict-number"]', { hasText: scenario.other.number }),
    })
    await conflictRow.waitFor()
    assert.equal((await conflictRow.locator('[data-testid="conflict-requester"]').innerText()).trim(), '基建')
    assert.match(await conflictRow.locator('[data-testid="conflict-proposal"]').innerText(), /合并停电/)
    await shot(page, '103-outage-conflicts', { end: true })
  })

  it('the leader approves it, with the justification the short notice needs', async () => {
    await logout(page)
    await login(page, leaderUser, password)
    await page.goto(`${baseUrl}/outages/${scenario.id}`)
    await waitForStatus(page, 'checked')
    await byTestId(page, 'action-approve').click()
    const dialog = page.locator('[data-testid="outage-action-dialog"][data-action="approve"]')
    await dialog.locator('[data-testid="approve-lead-short"]').waitFor()
    // Blockers (the yearly limit of planned outages) need an override reason when there are any.
    const override = dialog.locator('textarea[data-testid="approve-override"], [data-testid="approve-override"] textarea')
    if (await override.count()) await override.fill('E2E 设备缺陷须在年内处理')

    // Without a justification: refused, the server's message beside the field.
    let answered = page.waitForResponse(isOutageCommand(scenario.id, 'approve'))
    await byTestId(page, 'outage-action-submit').click()
    assert.equal((await answered).status(), 422)
    const error = page.locator('[data-testid="approve-justification-item"] .el-form-item__error')
    await error.waitFor()
    assert.ok((await error.innerText()).trim().length > 0)
    await shot(page, '104-outage-approve-refused')

    await inputOf(page, 'approve-justification').fill('E2E 柱上开关缺陷危及安全运行，不能推迟')
    answered = page.waitForResponse(isOutageCommand(scenario.id, 'approve'))
    await byTestId(page, 'outage-action-submit').click()
    const response = await answered
    assert.equal(response.status(), 200)
    assert.equal((await response.json()).status, 'approved')
    await byTestId(page, 'outage-action-submit').waitFor({ state: 'hidden' })
    await waitForStatus(page, 'approved')
    await byTestId(page, 'outage-justification').waitFor()
  })

  it('the planner sends the notices; the board counts them by channel and status', async () => {
    await logout(page)
    await login(page, plannerUser, password)
    await page.goto(`${baseUrl}/outages/${scenario.id}`)
    await waitForStatus(page, 'approved')
    const notified = page.waitForResponse(isOutageCommand(scenario.id, 'notify'))
    await byTestId(page, 'action-notify').click()
    await confirmBox(page)
    const response = await notified
    assert.equal(response.status(), 200)
    assert.equal((await response.json()).status, 'notified')
    await waitForStatus(page, 'notified')

    await byTestId(page, 'tab-notices').click()
    await waitForLoaded(page, 'notice-table')
    const sms = page.locator('[data-testid="notice-matrix-cell"][data-channel="sms"][data-status="sent"]')
    await sms.waitFor()
    assert.ok(Number((await sms.innerText()).trim()) >= 1, 'SMS sent')
    // Calls and postings are the account managers' tasks: still to do.
    const calls = page.locator('[data-testid="notice-matrix-cell"][data-channel="call"][data-status="planned"]')
    assert.ok(Number((await calls.innerText()).trim()) >= 1, 'calls for the key accounts')
    assert.ok((await (await tableRows(page, 'notice-table')).count()) >= 1)
    // The planner has no interaction.write: no confirmation buttons.
    assert.equal(await byTestId(page, 'notice-ack').count(), 0)
    await shot(page, '105-outage-notice-board', { end: true })
  })

  it('staff log a confirmation by phone and an on-site posting with its photo', async () => {
    await logout(page)
    await login(page, leaderUser, password)
    await page.goto(`${baseUrl}/outages/${scenario.id}?tab=notices`)
    await waitForLoaded(page, 'notice-table')

    // A call notice: the customer confirmed on the phone.
    await page.locator('[data-testid="notice-matrix-cell"][data-channel="call"][data-status="planned"]').click()
    await waitForLoaded(page, 'notice-table')
    const callRow = (await tableRows(page, 'notice-table')).first()
    await callRow.locator('[data-testid="notice-channel"][data-channel="call"]').waitFor()
    await callRow.locator('[data-testid="notice-ack"]').click()
    await page.locator('[data-testid="notice-dialog"][data-mode="ack"]').waitFor()
    await byTestId(page, 'notice-ack-via-call').click()
    await inputOf(page, 'notice-ack-note').fill('E2E 已电话告知电气负责人')
    const acked = page.waitForResponse((r) => /\/api\/v1\/outage-notices\/\d+\/ack$/.test(new URL(r.url()).pathname))
    await byTestId(page, 'notice-dialog-submit').click()
    assert.equal((await acked).status(), 200)
    await byTestId(page, 'notice-dialog-submit').waitFor({ state: 'hidden' })

    // A posting notice: place, then the photo.
    await page.locator('[data-testid="notice-matrix-cell"][data-channel="posting"][data-status="planned"]').click()
    await waitForLoaded(page, 'notice-table')
    const postingRow = (await tableRows(page, 'notice-table')).first()
    await postingRow.locator('[data-testid="notice-channel"][data-channel="posting"]').waitFor()
    await postingRow.locator('[data-testid="notice-posting"]').click()
    await page.locator('[data-testid="notice-dialog"][data-mode="posting"]').waitFor()
    // Without a place: refused beside the field.
    let posted = page.waitForResponse((r) => /\/api\/v1\/outage-notices\/\d+\/posting$/.test(new URL(r.url()).pathname))
    await byTestId(page, 'notice-dialog-submit').click()
    assert.equal((await posted).status(), 422)
    await page.locator('[data-testid="notice-place-item"] .el-form-item__error').waitFor()
    await inputOf(page, 'notice-place').fill('E2E 厂区大门公告栏')
    await byTestId(page, 'notice-photo-input').setInputFiles({ name: 'posting.png', mimeType: 'image/png', buffer: PNG })
    posted = page.waitForResponse((r) => /\/api\/v1\/outage-notices\/\d+\/posting$/.test(new URL(r.url()).pathname))
    const photo = page.waitForResponse((r) => /\/api\/v1\/outage-notices\/\d+\/photo/.test(new URL(r.url()).pathname) && r.request().method() === 'POST')
    await byTestId(page, 'notice-dialog-submit').click()
    assert.equal((await posted).status(), 200)
    assert.ok([200, 201].includes((await photo).status()), 'photo uploaded')
    await byTestId(page, 'notice-dialog-submit').waitFor({ state: 'hidden' })

    // Both show on the board.
    await page.locator('[data-testid="notice-card"][data-status="posted"] [data-testid="notice-card-value"]', { hasText: /^[1-9]/ }).waitFor()
    await page.locator('[data-testid="notice-matrix-cell"][data-channel="call"][data-status="acknowledged"]', { hasText: /^\s*[1-9]/ }).waitFor()
    await page.locator('[data-testid="notice-matrix-cell"][data-channel="posting"][data-status="posted"]').click()
    await waitForLoaded(page, 'notice-table')
    const postedRow = (await tableRows(page, 'notice-table')).first()
    await postedRow.locator('[data-testid="notice-status"][data-status="posted"]').waitFor()
    await postedRow.locator('[data-testid="notice-photo-view"]').click()
    await byTestId(page, 'notice-photo-image').waitFor()
    await shot(page, '106-outage-posting-photo')
    await page.keyboard.press('Escape')
  })

  it('the customer confirms through the link in the SMS, without a login, on a phone', async () => {
    await logout(page)
    // The SMS in the outbox carries the link (no SMS gateway in the test: it is read from there).
    await login(page, adminUser, password)
    const outbox = await apiGet(page, `/outbox?ref_entity=outage&ref_id=${scenario.id}&channel=sms&page_size=20`)
    const link = outbox.items.map((item) => item.params?.url).find((url) => typeof url === 'string' && url.includes('/ack/'))
    assert.ok(link, 'an SMS with a confirmation link')
    scenario.token = link.slice(link.lastIndexOf('/ack/') + 5)
    await logout(page)

    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${baseUrl}/ack/${scenario.token}`)
      await byTestId(page, 'ack-notice').waitFor()
      assert.ok((await byTestId(page, 'ack-customer').innerText()).trim().length > 0)
      assert.equal((await byTestId(page, 'ack-title').innerText()).trim(), scenario.title)
      assert.match(await byTestId(page, 'ack-start').innerText(), new RegExp(`${scenario.day} 09:00`))
      assert.equal(await byTestId(page, 'user-menu').count(), 0, 'no app layout')
      await screenshot(page, '107-outage-ack-link')
      const confirmed = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/v1/public/outage-ack/') && r.request().method() === 'POST')
      await byTestId(page, 'ack-confirm').click()
      assert.equal((await confirmed).status(), 200)
      await byTestId(page, 'ack-done').waitFor()
      await screenshot(page, '108-outage-ack-done')
      // Opening the link again says it was confirmed.
      await page.reload()
      await byTestId(page, 'ack-done').waitFor()
      assert.equal(await byTestId(page, 'ack-confirm').count(), 0)
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 })
    }
  })

  it('the board shows the confirmation via the link; the outage is on the calendar and the list', async () => {
    await login(page, plannerUser, password)
    const confirmed = await apiGet(page, `/outages/${scenario.id}/notices?status=acknowledged&page_size=200`)
    assert.ok(confirmed.items.some((notice) => notice.ack_via === 'link'), 'confirmed via the link')
    assert.ok(confirmed.items.some((notice) => notice.ack_via === 'call'), 'confirmed by phone')

    await page.goto(`${baseUrl}/outages/${scenario.id}?tab=notices`)
    await waitForLoaded(page, 'notice-table')
    const acknowledged = page.locator('[data-testid="notice-card"][data-status="acknowledged"] [data-testid="notice-card-value"]')
    await acknowledged.waitFor()
    assert.ok(Number((await acknowledged.innerText()).trim()) >= 2)
    await page.locator('[data-testid="notice-matrix-cell"][data-channel="sms"][data-status="acknowledged"]').click()
    await waitForLoaded(page, 'notice-table')
    assert.ok((await (await tableRows(page, 'notice-table')).count()) >= 1)
    await shot(page, '109-outage-notices-confirmed', { end: true })

    // The calendar of its month has it on its day (in the planned-maintenance colour; a crowded day
    // shows three and "+n"); a click on the day lists it below. The list finds it too.
    await page.goto(`${baseUrl}/outages?month=${scenario.day.slice(0, 7)}`)
    const cell = page.locator(`[data-testid="outage-calendar"] .day[data-day="${scenario.day}"]`)
    await cell.locator('[data-testid="calendar-outage"][data-kind="planned"]').first().waitFor()
    await cell.locator('.day-number').click()
    await page.locator('[data-testid="outage-day-table"] [data-testid="outage-day-number"]', { hasText: scenario.number }).waitFor()
    await shot(page, '110-outage-calendar')
    await byTestId(page, 'outage-view-list').click()
    await waitForLoaded(page, 'outage-table')
    await page.locator('[data-testid="outage-table"] [data-testid="outage-number"]', { hasText: scenario.number }).waitFor()
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/outages' && r.url().includes('status=notified'))
    await byTestId(page, 'outage-filter-status').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '已通知' }).first().click()
    await listed
    await waitForLoaded(page, 'outage-table')
    await page.locator('[data-testid="outage-table"] [data-testid="outage-number"]', { hasText: scenario.number }).waitFor()
    await shot(page, '111-outage-list')
  })

  it('the outage page in English', async () => {
    await page.goto(`${baseUrl}/outages/${scenario.id}`)
    await waitForStatus(page, 'notified')
    await byTestId(page, 'lang-switch').click()
    await page.locator('[data-testid="tab-affected"]', { hasText: 'Affected customers' }).waitFor()
    assert.match(await page.locator('.head [data-testid="outage-status"]').innerText(), /Notified/)
    await shot(page, '112-outage-detail-en')
    await byTestId(page, 'lang-switch').click()
    await page.locator('[data-testid="tab-affected"]', { hasText: '受影响客户' }).waitFor()
  })
})
