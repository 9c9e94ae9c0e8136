// Browser test of business expansion (业扩报装) against a running server with the demo data: an
// account manager (am01) registers a high-voltage dual-source new connection (高压双电源 新装) for one
// of their customers through the 新建申请 dialog and sees it on 我的业扩; then moves it through every
// stage on the detail page — finishes 受理, is refused a customer pause without a reason (the
// server's message beside the field), pauses with a reason and resumes during 现场勘查, finishes
// 现场勘查 and 供电方案答复, starts the customer-started 设计审查, 中间检查 and 竣工检验 (客户已提交 /
// 客户已报验) and finishes each, finishes 装表接电: the application is completed and on time, and the
// pause reason is listed. The progress notice shows the next step, prints as a PDF and is sent by
// SMS (or refused with the server's message); the application is on the customer's 360 view. A
// file of historical applications (built from the server's template) with an unknown account number
// is refused naming the row and column, then imported. The stage analysis shows the KPI cards, the
// chart and tables with at least one completed application and exports XLSX.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/expansion.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, byTestId, inputOf, launch, login, password, screenshot, tableRows, waitForLoaded } from '../lib/harness.mjs'
import { parseCsvLine } from '../lib/csv.mjs'

const managerUser = process.env.LIANXIN_MANAGER_USER ?? 'am01'

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

// Picks an option of the open Element Plus select by its text.
async function chooseOption(page, text) {
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor()
  await option.click()
}

const commandPath = /\/api\/v1\/expansion\/applications\/\d+\/(stages\/[a-z_]+\/(finish|start)|pause|resume)$/
const isCommand = (response) => response.request().method() === 'POST' && commandPath.test(new URL(response.url()).pathname)

// The stage the detail page shows as current (running or waiting), or null when none.
async function currentStage(page) {
  return page.evaluate(() => {
    const element = document.querySelector('[data-testid="expansion-current"]')
    return element ? { stage: element.getAttribute('data-stage'), status: element.getAttribute('data-status') } : null
  })
}

async function waitForCurrent(page, stage, status) {
  await page.waitForFunction(
    ([expectedStage, expectedStatus]) => {
      const element = document.querySelector('[data-testid="expansion-current"]')
      return element?.getAttribute('data-stage') === expectedStage && element?.getAttribute('data-status') === expectedStatus
    },
    [stage, status],
  )
}

// Opens a command from the action bar, fills it, submits and returns the server's answer.
async function command(page, action, { reason, note } = {}) {
  await byTestId(page, `action-${action}`).click()
  const dialog = page.locator(`[data-testid="stage-action-dialog"][data-action="${action}"]`)
  await byTestId(page, 'stage-action-submit').waitFor({ state: 'visible' })
  if (reason !== undefined) await inputOf(page, 'stage-action-reason').fill(reason)
  if (note !== undefined) await inputOf(page, 'stage-action-note').fill(note)
  const answered = page.waitForResponse(isCommand)
  await byTestId(page, 'stage-action-submit').click()
  const response = await answered
  return { response, dialog }
}

async function finishCurrent(page, stage, note) {
  assert.deepEqual(await currentStage(page), { stage, status: 'running' })
  const { response } = await command(page, 'finish', { note })
  assert.equal(response.status(), 200, `finishing ${stage}`)
  await byTestId(page, 'stage-action-submit').waitFor({ state: 'hidden' })
  const detail = await response.json()
  assert.equal(detail.stages.find((row) => row.stage === stage).status, 'done')
  await page.locator(`[data-testid="stage-row"][data-stage="${stage}"][data-status="done"]`).waitFor()
  return detail
}

// A stage the customer starts (design submitted, inspection requested).
async function startWaiting(page, stage) {
  await waitForCurrent(page, stage, 'waiting')
  const marked = page.locator(`[data-testid="stage-row"][data-stage="${stage}"] [data-testid="stage-customer-started"]`)
  assert.equal(await marked.count(), 1, `${stage} is marked as started by the customer`)
  const { response } = await command(page, 'start')
  assert.equal(response.status(), 200, `starting ${stage}`)
  await byTestId(page, 'stage-action-submit').waitFor({ state: 'hidden' })
  await waitForCurrent(page, stage, 'running')
}

describe('Business expansion (业扩报装)', () => {
  let browser
  let page
  const stamp = Date.now()
  const scenario = {
    customer: null,
    me: null,
    id: null,
    number: null,
    title: `E2E 新建厂区10千伏双电源供电工程 ${stamp}`,
    reason: `E2E 客户要求调整用电容量，设计单位重新出图 ${stamp}`,
  }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('an account manager registers a high-voltage dual-source new connection', async () => {
    await login(page, managerUser, password)
    // One of the manager's own customers (they lead its applications by default).
    scenario.me = (await apiGet(page, '/auth/me')).user
    const list = await apiGet(page, '/customers?page=1&page_size=50')
    scenario.customer = list.items.find((customer) => customer.manager_id === scenario.me.id) ?? null
    assert.ok(scenario.customer, `${managerUser} manages a customer`)

    await byTestId(page, 'menu-expansion').click()
    await byTestId(page, 'menu-expansion-list').click()
    await page.waitForURL(/\/expansion(\?|$)/)
    await waitForLoaded(page, 'expansion-table')

    await byTestId(page, 'expansion-new').click()
    await byTestId(page, 'new-application-save').waitFor({ state: 'visible' })
    await page.locator('[data-testid="new-application-customer"] .el-select').click()
    await page.locator('[data-testid="new-application-customer"] input').fill(scenario.customer.name)
    await chooseOption(page, scenario.customer.name)
    await byTestId(page, 'kind-new_connection').click()
    await byTestId(page, 'category-hv_dual').click()
    // The dual-source plan has all seven stages.
    const plan = await byTestId(page, 'new-application-stages').innerText()
    assert.match(plan, /受理 → 现场勘查 → 供电方案答复 → 设计审查 → 中间检查 → 竣工检验 → 装表接电/)
    await inputOf(page, 'new-application-title').fill(scenario.title)
    await inputOf(page, 'new-application-capacity').fill('5000')
    // The assessment rule-set has a limit per stage (secondary source: marked 二手来源).
    await byTestId(page, 'new-application-rule-set').click()
    await chooseOption(page, '考核办法')
    await page.locator('[data-testid="new-application-limits"]', { hasText: '供电方案答复 30' }).waitFor()
    await shot(page, '80-expansion-new-dialog')

    const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/expansion/applications' && r.request().method() === 'POST')
    await byTestId(page, 'new-application-save').click()
    const response = await created
    assert.equal(response.status(), 201)
    const detail = await response.json()
    assert.equal(detail.kind, 'new_connection')
    assert.equal(detail.category, 'hv_dual')
    assert.equal(detail.stages.length, 7)
    scenario.id = detail.id
    scenario.number = detail.number
    await page.waitForURL(new RegExp(`/expansion/${scenario.id}$`))
    assert.equal((await byTestId(page, 'expansion-detail-number').innerText()).trim(), scenario.number)
    assert.equal((await byTestId(page, 'expansion-title').innerText()).trim(), scenario.title)
    await waitForCurrent(page, 'acceptance', 'running')
    assert.equal(await page.locator('.head [data-testid="holder-tag"]').getAttribute('data-holder'), 'supplier')
    assert.equal(detail.lead_name, scenario.me.display_name, 'the key account manager leads the project')
    await shot(page, '81-expansion-detail-new')
  })

  it('the application is on 我的业扩', async () => {
    await byTestId(page, 'menu-expansion-mine').click()
    await page.waitForURL(/\/expansion\/mine/)
    await waitForLoaded(page, 'expansion-table')
    const link = page.locator('[data-testid="expansion-table"] [data-testid="expansion-number"]', { hasText: scenario.number })
    await link.waitFor()
    const row = page.locator('[data-testid="expansion-table"] tr.el-table__row', {
      has: page.locator('[data-testid="expansion-number"]', { hasText: scenario.number }),
    })
    assert.match(await row.innerText(), /高压双电源/)
    assert.match(await row.innerText(), /受理/)
    await shot(page, '82-expansion-mine')
    await link.click()
    await page.waitForURL(new RegExp(`/expansion/${scenario.id}$`))
    await waitForCurrent(page, 'acceptance', 'running')
  })

  it('moves it through every stage, with a customer pause', async () => {
    await finishCurrent(page, 'acceptance', 'E2E 资料齐全，受理')
    await waitForCurrent(page, 'survey', 'running')

    // A customer pause needs a reason: the server's message shows beside the field.
    const refused = await command(page, 'pause')
    assert.equal(refused.response.status(), 422)
    const error = page.locator('[data-testid="stage-action-reason-item"] .el-form-item__error')
    await error.waitFor()
    assert.ok((await error.innerText()).trim().length > 0, 'the reason field shows the error')
    await shot(page, '83-expansion-pause-refused')
    await inputOf(page, 'stage-action-reason').fill(scenario.reason)
    const paused = page.waitForResponse(isCommand)
    await byTestId(page, 'stage-action-submit').click()
    assert.equal((await paused).status(), 200)
    await byTestId(page, 'stage-action-submit').waitFor({ state: 'hidden' })
    await byTestId(page, 'expansion-paused').waitFor()
    assert.equal(await page.locator('.head [data-testid="holder-tag"]').getAttribute('data-holder'), 'customer')
    await byTestId(page, 'action-finish').waitFor({ state: 'detached' })
    await shot(page, '84-expansion-paused')

    const { response: resumed } = await command(page, 'resume')
    assert.equal(resumed.status(), 200)
    await byTestId(page, 'stage-action-submit').waitFor({ state: 'hidden' })
    await byTestId(page, 'expansion-paused').waitFor({ state: 'detached' })
    assert.equal(await page.locator('.head [data-testid="holder-tag"]').getAttribute('data-holder'), 'supplier')

    await finishCurrent(page, 'survey', 'E2E 现场勘查完成，具备双电源接入条件')
    await finishCurrent(page, 'plan_reply', 'E2E 供电方案已答复客户')

    // The design review waits for the customer: the file is with the customer until they submit.
    await waitForCurrent(page, 'design_review', 'waiting')
    assert.equal(await page.locator('.head [data-testid="holder-tag"]').getAttribute('data-holder'), 'customer')
    assert.equal(await byTestId(page, 'action-finish').count(), 0)
    await shot(page, '85-expansion-waiting-customer')
    await startWaiting(page, 'design_review')
    // A running stage with a limit shows when it is due and how urgent it is.
    const running = page.locator('[data-testid="expansion-stages"] tr.el-table__row', {
      has: page.locator('[data-testid="stage-row"][data-stage="design_review"]'),
    })
    await running.locator('[data-testid="urgency"]').waitFor()
    await shot(page, '85a-expansion-design-review-running')
    await finishCurrent(page, 'design_review')
    await startWaiting(page, 'mid_inspection')
    await finishCurrent(page, 'mid_inspection')
    await startWaiting(page, 'completion_inspection')
    await finishCurrent(page, 'completion_inspection')
    await waitForCurrent(page, 'connection', 'running')
    const detail = await finishCurrent(page, 'connection', 'E2E 装表接电完成')
    assert.equal(detail.status, 'completed')
    assert.equal(detail.on_time, true)

    await page.locator('.head [data-testid="application-status"][data-status="completed"]').waitFor()
    await page.locator('.head [data-testid="on-time-tag"][data-on-time="true"]').waitFor()
    assert.equal(await currentStage(page), null)
    assert.equal(await byTestId(page, 'expansion-actions').count(), 0, 'no commands on a completed application')
    // Every stage done, none late; the pause is listed with its reason.
    assert.equal(await page.locator('[data-testid="stage-row"][data-status="done"]').count(), 7)
    assert.equal(await page.locator('[data-testid="stage-days"][data-late="true"]').count(), 0)
    const reasons = page.locator('[data-testid="pauses-table"] [data-testid="pause-reason"]')
    assert.equal(await reasons.count(), 1)
    assert.equal((await reasons.first().innerText()).trim(), scenario.reason)
    await shot(page, '86-expansion-completed')
  })

  it('tells the customer the progress: the notice prints as a PDF, the SMS is sent or refused', async () => {
    const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/expansion/applications/${scenario.id}/progress`)
    await byTestId(page, 'tab-progress').click()
    assert.equal((await loaded).status(), 200)
    const nextStep = byTestId(page, 'progress-next-step')
    await nextStep.waitFor()
    assert.match(await nextStep.innerText(), /办结/)
    assert.equal(await (await tableRows(page, 'progress-stages')).count(), 7)

    const pdf = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/expansion/applications/${scenario.id}/progress.pdf`)
    const download = page.waitForEvent('download')
    await byTestId(page, 'progress-print').click()
    const pdfResponse = await pdf
    assert.equal(pdfResponse.status(), 200)
    assert.match(pdfResponse.headers()['content-type'] ?? '', /application\/pdf/)
    assert.match((await download).suggestedFilename(), /\.pdf$/)

    await byTestId(page, 'progress-sms').click()
    const sent = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/expansion/applications/${scenario.id}/progress/sms`)
    await page.locator('.el-message-box .el-button--primary').click()
    const smsResponse = await sent
    if (smsResponse.status() === 200) {
      const result = await smsResponse.json()
      assert.ok(result.recipients.length > 0)
      const shown = byTestId(page, 'progress-sms-result')
      await shown.waitFor()
      assert.match(await shown.innerText(), new RegExp(result.recipients[0].mobile))
    } else {
      // No contact of the customer takes expansion notices: the server's message is shown.
      assert.equal(smsResponse.status(), 409)
      await byTestId(page, 'progress-sms-error').waitFor()
    }
    await shot(page, '87-expansion-progress', { end: true })
  })

  it("the application is on the customer's 360 view", async () => {
    await page.locator('[data-testid="expansion-detail"] [data-testid="expansion-customer"]').click()
    await page.waitForURL(new RegExp(`/customers/${scenario.customer.id}$`))
    await byTestId(page, 'tab-customer-expansion').click()
    await waitForLoaded(page, 'customer-expansion-table')
    await page.locator('[data-testid="customer-expansion-table"] [data-testid="customer-expansion-number"]', { hasText: scenario.number }).waitFor()
    await shot(page, '88-expansion-customer-tab')
  })

  it('imports historical applications from the template, all or nothing', async () => {
    await byTestId(page, 'menu-expansion').click()
    await byTestId(page, 'menu-expansion-import').click()
    await page.waitForURL(/\/expansion\/import/)
    // The columns of the server's own template, by their Chinese names ("申请编号*" → 申请编号).
    const template = await apiGet(page, '/expansion/imports/template?format=csv')
    const header = template.replace(/^\uFEFF/, '').split(/\r?\n/)[0]
    const names = parseCsvLine(header).map((name) => name.replace(/\*$/, '').trim())
    const { accounts } = await apiGet(page, `/customers/${scenario.customer.id}`)
    assert.ok(accounts.length > 0, 'the customer has an electricity account')
    // A change of name (更名): 受理 → 现场勘查 → 装表接电, finished in March 2026.
    const row = (number, accountNo) => {
      const values = {
        申请编号: number,
        户号: accountNo,
        业务类型: '更名',
        供电类别: '高压单电源',
        项目名称: `E2E 历史更名申请 ${number}`,
        受理时间: '2026-03-02 09:30',
        受理完成: '2026-03-02 10:00',
        现场勘查完成: '2026-03-03 16:00',
        装表接电完成: '2026-03-05 15:00',
      }
      return names.map((name) => values[name] ?? '').join(',')
    }
    const good = row(`E2E-HIST-${stamp}`, accounts[0].account_no)
    const fileInput = page.locator('[data-testid="expansion-upload"] input[type="file"]')
    const upload = async (name, lines) => {
      await fileInput.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from([header, ...lines].join('\n') + '\n', 'utf8') })
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/expansion/imports' && r.request().method() === 'POST')
      await byTestId(page, 'expansion-import-start').click()
      return answered
    }

    // An unknown account number on the second data row: nothing is imported, the row is named.
    const refused = await upload('bad-expansion.csv', [good, row(`E2E-HIST-${stamp}-2`, '0000000000')])
    assert.equal(refused.status(), 422)
    const errors = byTestId(page, 'expansion-import-errors')
    await errors.waitFor()
    const errorRows = await (await tableRows(page, 'expansion-import-errors')).allInnerTexts()
    assert.ok(errorRows.some((text) => /户号/.test(text) && /\b3\b/.test(text)), `the bad row and column are named: ${errorRows.join(' | ')}`)
    await shot(page, '89a-expansion-import-refused')

    const accepted = await upload('expansion.csv', [good])
    assert.equal(accepted.status(), 200)
    const result = await accepted.json()
    assert.equal(result.inserted, 1)
    await byTestId(page, 'expansion-import-result').waitFor()
    assert.equal((await byTestId(page, 'expansion-result-inserted').innerText()).trim(), '1')
    assert.equal(await byTestId(page, 'expansion-import-failure').count(), 0)
    await shot(page, '89b-expansion-import-done')
  })

  it('the stage analysis counts the completed application', async () => {
    const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/expansion/analysis')
    await byTestId(page, 'menu-expansion').click()
    await byTestId(page, 'menu-expansion-analysis').click()
    await page.waitForURL(/\/expansion\/analysis/)
    const response = await loaded
    assert.equal(response.status(), 200)
    const analysis = await response.json()
    assert.ok(analysis.totals.completed >= 1, 'at least one completed application in the period')
    assert.ok(analysis.totals.on_time >= 1)

    await page.locator('[data-testid="expansion-kpi"]').first().waitFor()
    assert.equal(await page.locator('[data-testid="expansion-kpi"]').count(), 6)
    const completed = page.locator('[data-testid="expansion-kpi"][data-kpi="completed"] [data-testid="expansion-kpi-value"]')
    assert.ok(Number((await completed.innerText()).trim()) >= 1)
    await byTestId(page, 'expansion-analysis-chart').locator('canvas').first().waitFor()
    assert.equal(await (await tableRows(page, 'expansion-analysis-stages')).count(), 7)
    const stageRows = await (await tableRows(page, 'expansion-analysis-stages')).allInnerTexts()
    assert.ok(stageRows.some((text) => /装表接电/.test(text)))
    assert.ok((await (await tableRows(page, 'expansion-analysis-bureaus')).count()) >= 1)
    await shot(page, '89c-expansion-analysis')

    const exported = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/v1/expansion/analysis/'))
    await byTestId(page, 'expansion-analysis-export').click()
    const exportResponse = await exported
    assert.equal(exportResponse.status(), 200)
    assert.match(exportResponse.headers()['content-type'] ?? '', /spreadsheetml/)
  })
})
