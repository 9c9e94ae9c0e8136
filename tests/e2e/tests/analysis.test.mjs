// Browser test of the electricity-use analysis (用电分析) against a running server with the demo data.
// The administrator finds a two-part 10 kV account billed by capacity of a key account (through the
// API) with imported bills, and makes sure a tariff table is in force for its latest bill month (the
// demo seeds Hubei's January 2026 table only: if the evaluation refuses the month, an open-ended copy
// of it is created through the API). In the UI: 电价表 lists the tables with their verification marks
// and shows one with its rates and time-of-use band; the table form shows the server's errors beside
// the field and the rate row they name. 负荷曲线导入 imports a generated wide-layout file (a month of
// 96 quarter-hour loads a day, with a 户号 column) and shows its result; then a long-layout file of
// the month before together with a broken file: the good one is imported, the broken one refused with
// each error by row and column. The account's manager opens the customer 360 › 用电分析: the months
// with curves, the 15-minute curve and the heat map (canvases), the statistics, and 电费测算 for the
// month; changing the basic-charge mode (what-if) changes the total and shows the difference from the
// current way. 电费测算 opened from the tab shows the same bill.
// Then the year, the advice, the anomalies and the reports (screenshots 150–159): the manager sees the
// year overview (KPI cards, the monthly chart) and downloads the analysis report as PDF (%PDF) and XLSX
// (PK); recomputes the advice (重新计算), accepts one proposal (effective month by default: next month)
// which turns 已采纳 with its usage plan and its realised-saving table, is refused rejecting another
// without a note (the dialog does not send) and rejects it with one. The administrator runs 立即扫描 on
// 用电分析 › 异常核查; the owner of an open anomaly (its account manager, found through the API) reviews it
// as 疑似窃电 with a note; the administrator confirms the theft on the customer's tab with the amounts
// (the estimate shown as a hint) and sees 已认定窃电. am01 generates the reports of all their key
// accounts on 分析报告, waits for the batch to finish (the page polls) and downloads one report.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/analysis.test.mjs
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, baseUrl, byTestId, inputOf, launch, login, logout, password, screenshot, waitForLoaded } from '../lib/harness.mjs'

const adminUser = process.env.LIANXIN_ADMIN_USER ?? 'admin'

// The layout scrolls inside its main area: show the page from its top, after any toast has gone.
async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await page.waitForTimeout(400) // charts and tags settle
  await screenshot(page, name)
}

// A request through the API from inside the page (session cookie and CSRF token of the signed-in
// user); returns {status, body} without throwing.
async function apiCall(page, method, pathAndQuery, body) {
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
      return { status: response.status, body: text ? JSON.parse(text) : null }
    },
    [method, `/api/v1${pathAndQuery}`, body],
  )
}

async function apiSend(page, method, pathAndQuery, body) {
  const { status, body: answer } = await apiCall(page, method, pathAndQuery, body)
  if (status >= 400) throw new Error(`${method} ${pathAndQuery} -> HTTP ${status}: ${JSON.stringify(answer)}`)
  return answer
}

// Clicks a button that makes the browser download a file; returns {name, head} (the suggested file
// name and the first bytes of the file as latin1 text).
async function downloadVia(page, locator) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), locator.click()])
  const file = await download.path()
  const head = fs.readFileSync(file).subarray(0, 8).toString('latin1')
  return { name: download.suggestedFilename(), head }
}

const nextMonth = () => {
  const now = new Date()
  const date = new Date(now.getFullYear(), now.getMonth() + 1, 1)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}`
}

// Opens an entry of the 用电分析 menu group (the group opens first when it is closed).
async function openMenu(page, testId) {
  const item = byTestId(page, testId)
  if (!(await item.isVisible())) await byTestId(page, 'menu-analysis').click()
  await item.click()
}

// ---- generated load curves ---------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n) => String(n).padStart(2, '0')
const daysIn = (period) => {
  const [year, month] = period.split('-').map(Number)
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
const previousPeriod = (period) => {
  const [year, month] = period.split('-').map(Number)
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`
}
const slotName = (slot) => `T${pad(Math.floor(slot / 4))}${pad((slot % 4) * 15)}`

// A factory's day: a night base, the morning ramp, the working hours with a lunch dip, the evening
// shoulder; weekends at a third of the working load above the base; a few per cent of noise.
function load(peakKw, weekday, slot, random) {
  const hour = slot / 4
  let share = 0.25
  if (hour >= 7 && hour < 8) share = 0.25 + 0.45 * (hour - 7)
  else if (hour >= 8 && hour < 11.5) share = 0.78
  else if (hour >= 11.5 && hour < 13) share = 0.58
  else if (hour >= 13 && hour < 17.5) share = 0.82
  else if (hour >= 17.5 && hour < 20) share = 0.52
  else if (hour >= 20 && hour < 22) share = 0.4
  if (weekday === 0 || weekday === 6) share = 0.25 + (share - 0.25) * 0.35
  return Math.round(peakKw * share * (1 + (random() - 0.5) * 0.08) * 100) / 100
}

// Wide layout: 户号,YMD,T0000…T2345, a day a row.
function wideCsv(accountNo, period, peakKw, seed) {
  const random = mulberry32(seed)
  const [year, month] = period.split('-').map(Number)
  const lines = [['户号', 'YMD', ...Array.from({ length: 96 }, (_, slot) => slotName(slot))].join(',')]
  for (let day = 1; day <= daysIn(period); day++) {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
    const values = Array.from({ length: 96 }, (_, slot) => load(peakKw, weekday, slot, random).toFixed(2))
    lines.push([accountNo, `${year}${pad(month)}${pad(day)}`, ...values].join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

// Long layout: 户号,时间,负荷, a reading a row.
function longCsv(accountNo, period, peakKw, seed) {
  const random = mulberry32(seed)
  const [year, month] = period.split('-').map(Number)
  const lines = ['户号,时间,负荷']
  for (let day = 1; day <= daysIn(period); day++) {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
    for (let slot = 0; slot < 96; slot++) {
      lines.push(`${accountNo},${year}-${pad(month)}-${pad(day)} ${pad(Math.floor(slot / 4))}:${pad((slot % 4) * 15)},${load(peakKw, weekday, slot, random).toFixed(2)}`)
    }
  }
  return lines.join('\n') + '\n'
}

// A wide file without an account column (the 户号 comes from the form) with a reading that is not a
// number in its third line (column T0015) and an impossible date in its fourth.
function badCsv(period) {
  const [year, month] = period.split('-').map(Number)
  const header = ['YMD', ...Array.from({ length: 96 }, (_, slot) => slotName(slot))].join(',')
  const day = (d, values) => [`${year}${pad(month)}${pad(d)}`, ...values].join(',')
  const ok = Array.from({ length: 96 }, () => '100.00')
  const broken = [...ok]
  broken[1] = 'abc'
  return [header, day(1, ok), day(2, broken), [`${year}${pad(month)}32`, ...ok].join(',')].join('\n') + '\n'
}

// ---- the scenario ------------------------------------------------------------------------------

describe('Electricity-use analysis (用电分析)', () => {
  let browser
  let page
  const scenario = {
    customer: null, // {id, name, manager_id}
    account: null, // {id, account_no, contract_capacity_kva}
    period: null, // the latest bill month
    managerUser: null,
    janTableId: null,
    baselineFen: null,
  }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('admin finds a two-part 10 kV account of a key account with bills, and a tariff table for its month (API)', async () => {
    await login(page, adminUser, password)
    const keyAccounts = await apiGet(page, '/customers?is_key_account=true&status=active&page=1&page_size=100')
    const users = await apiGet(page, '/users?page=1&page_size=500').catch(() => ({ items: [] }))
    for (const customer of keyAccounts.items) {
      if (customer.status !== 'active') continue
      const detail = await apiGet(page, `/customers/${customer.id}`)
      const account = detail.accounts.find(
        (entry) => entry.tariff_category === 'ci_two_part' && entry.voltage_level === '10kV' && entry.basic_charge_mode === 'capacity' && entry.status === 'active',
      )
      if (!account) continue
      const bills = await apiGet(page, `/customers/${customer.id}/bills?account_id=${account.id}&page=1&page_size=100`)
      if (bills.items.length === 0) continue
      const manager = users.items.find((user) => user.id === customer.manager_id)
      scenario.customer = { id: customer.id, name: customer.name, manager_id: customer.manager_id }
      scenario.account = { id: account.id, account_no: account.account_no, contract_capacity_kva: account.contract_capacity_kva ?? 1000 }
      scenario.period = bills.items.map((bill) => bill.period).sort().at(-1)
      scenario.managerUser = manager && /^am\d+$/.test(manager.username) ? manager.username : null
      if (scenario.managerUser) break
    }
    assert.ok(scenario.account, 'a two-part 10 kV account billed by capacity, of a key account, with bills')

    const tables = await apiGet(page, '/tariff/tables?province=hubei')
    const january = tables.items.find((table) => table.valid_from === '2026-01-01')
    assert.ok(january, 'the demo seeds the January 2026 Hubei table')
    scenario.janTableId = january.id

    let evaluated = await apiCall(page, 'POST', '/tariff/evaluate', { account_id: scenario.account.id, period: scenario.period })
    if (evaluated.status === 422 && evaluated.body.error.details.some((detail) => detail.field === 'period')) {
      // No table in force that month: an open-ended copy of January's from February 2026 (or, for a
      // month of 2025, a copy covering 2025).
      const source = await apiGet(page, `/tariff/tables/${january.id}`)
      const later = scenario.period >= '2026-02'
      await apiSend(page, 'POST', '/tariff/tables', {
        province: source.province,
        name: later ? '国网湖北省电力有限公司代理购电工商业用户电价表（2026年2月起，测试用）' : '国网湖北省电力有限公司代理购电工商业用户电价表（2025年，测试用）',
        valid_from: later ? '2026-02-01' : `${scenario.period.slice(0, 4)}-01-01`,
        valid_to: later ? null : '2025-12-31',
        tou_schedule_id: source.tou_schedule_id,
        source: source.source,
        verification: 'U',
        notes: 'copied from the January 2026 table for the browser test',
        rates: source.rates,
      })
      evaluated = await apiCall(page, 'POST', '/tariff/evaluate', { account_id: scenario.account.id, period: scenario.period })
    }
    assert.equal(evaluated.status, 200, `the month ${scenario.period} evaluates: ${JSON.stringify(evaluated.body)}`)
    assert.ok(evaluated.body.baseline, 'an account billed by capacity has a baseline')
    assert.equal(evaluated.body.difference_fen, 0)
    scenario.baselineFen = evaluated.body.bill.total_fen
  })

  it('电价表 lists the tables with their verification; a table shows its rates and time-of-use band', async () => {
    await openMenu(page, 'menu-tariff-tables')
    await page.waitForURL(/\/tariff\/tables$/)
    await waitForLoaded(page, 'tariff-tables')
    const link = page.locator(`[data-testid="tariff-table-link"][data-id="${scenario.janTableId}"]`)
    await link.waitFor()
    const row = page.locator('[data-testid="tariff-tables"] tr.el-table__row', { has: link })
    assert.equal(await row.locator('[data-testid="verification-tag"]').getAttribute('data-verification'), 'S')
    assert.match(await row.innerText(), /2026-01-01/)
    await shot(page, '140-tariff-tables')

    await link.click()
    await page.waitForURL(new RegExp(`/tariff/tables/${scenario.janTableId}$`))
    await byTestId(page, 'tariff-rates').waitFor()
    const rates = await byTestId(page, 'tariff-rates').innerText()
    assert.match(rates, /0\.651886/, 'two-part 10 kV energy price with six decimals')
    assert.match(rates, /42\.00/, 'demand price')
    const band = byTestId(page, 'tou-band')
    await band.waitFor()
    assert.equal(await band.getAttribute('data-schedule'), 'hubei_2024')
    assert.equal(await page.locator('[data-testid="tou-band-row"]').count(), 2, 'July–August and the other months')
    assert.equal(await page.locator('[data-testid="tou-band-row"]').first().locator('[data-period="sharp"]').count(), 8, 'two hours of sharp peak')
    await shot(page, '141-tariff-table-detail')
  })

  it('the table form shows the server errors beside the field and the rate row they name', async () => {
    await page.goto(`${baseUrl}/tariff/tables/new?copy=${scenario.janTableId}`)
    const peak = inputOf(page, 'rate-3-peak_price')
    await peak.waitFor()
    assert.equal(await peak.inputValue(), '0.848961')
    // Overlaps January, and the two-part 10 kV row loses its peak price.
    await inputOf(page, 'tariff-form-valid-from').fill('2026-01-15')
    await page.keyboard.press('Enter')
    await inputOf(page, 'tariff-form-valid-to').fill('2026-01-20')
    await page.keyboard.press('Enter')
    await peak.fill('')
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/tariff/tables')
    await byTestId(page, 'tariff-form-save').click()
    assert.equal((await saved).status(), 422)
    const cellError = byTestId(page, 'rate-3-peak_price-error')
    await cellError.waitFor()
    assert.match(await cellError.innerText(), /高峰/)
    assert.equal(await page.locator('[data-testid="tariff-form-rates"] tr.el-table__row.row-error').count(), 1, 'the fourth row is marked')
    // (the error text appears with a transition: wait for it rather than read it at once)
    await page.locator('.el-form-item.is-error .el-form-item__error', { hasText: '重叠' }).first().waitFor()
    assert.match(await page.locator('.el-form-item.is-error').first().innerText(), /重叠/, 'the validity overlaps January')
    await shot(page, '142-tariff-form-errors')
  })

  it('负荷曲线导入 imports a generated wide-layout month and shows its result', async () => {
    await openMenu(page, 'menu-curve-import')
    await page.waitForURL(/\/curves\/import/)
    const peakKw = Math.round(scenario.account.contract_capacity_kva * 0.55)
    const csv = wideCsv(scenario.account.account_no, scenario.period, peakKw, 140)
    const fileName = `curve-${scenario.account.account_no}-${scenario.period}.csv`
    await page.locator('[data-testid="curve-upload"] input[type="file"]').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
    const uploaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/curves/import')
    await byTestId(page, 'curve-import-start').click()
    assert.equal((await uploaded).status(), 201)
    const result = page.locator(`[data-testid="curve-file-result"][data-file="${fileName}"]`)
    await result.waitFor()
    assert.equal(await result.getAttribute('data-status'), 'imported')
    assert.equal(await result.locator('[data-testid="curve-result-accounts"]').innerText(), '1')
    assert.equal(await result.locator('[data-testid="curve-result-months"]').innerText(), '1')
    await waitForLoaded(page, 'curve-batches')
    assert.match(await byTestId(page, 'curve-batches').innerText(), new RegExp(fileName.replace(/\./g, '\\.')))
    await shot(page, '143-curve-import-result')
  })

  it('two more files at once: a long-layout month is imported, a broken file refused with every error by row and column', async () => {
    const previous = previousPeriod(scenario.period)
    const peakKw = Math.round(scenario.account.contract_capacity_kva * 0.5)
    const longName = `curve-long-${scenario.account.account_no}-${previous}.csv`
    const badName = 'curve-broken.csv'
    await inputOf(page, 'curve-account-no').fill(scenario.account.account_no)
    await page.locator('[data-testid="curve-upload"] input[type="file"]').setInputFiles([
      { name: longName, mimeType: 'text/csv', buffer: Buffer.from(longCsv(scenario.account.account_no, previous, peakKw, 141), 'utf8') },
      { name: badName, mimeType: 'text/csv', buffer: Buffer.from(badCsv(scenario.period), 'utf8') },
    ])
    await byTestId(page, 'curve-import-start').click()
    const good = page.locator(`[data-testid="curve-file-result"][data-file="${longName}"][data-status="imported"]`)
    const bad = page.locator(`[data-testid="curve-file-result"][data-file="${badName}"][data-status="refused"]`)
    await good.waitFor()
    await bad.waitFor()
    assert.match(await bad.locator('[data-testid="curve-refused-message"]').innerText(), new RegExp(badName.replace(/\./g, '\\.')), 'the message names the file')
    const errors = bad.locator('[data-testid="curve-errors"] tr.el-table__row')
    assert.ok((await errors.count()) >= 2)
    const cells = await errors.evaluateAll((rows) =>
      rows.map((row) => ({
        row: row.querySelector('[data-testid="curve-error-row"]')?.textContent?.trim(),
        column: row.querySelector('[data-testid="curve-error-column"]')?.textContent?.trim(),
      })),
    )
    assert.ok(cells.some((cell) => cell.row === '3' && cell.column === 'T0015'), `line 3, column T0015: ${JSON.stringify(cells)}`)
    assert.ok(cells.some((cell) => cell.row === '4' && cell.column === 'YMD'), `line 4, column YMD: ${JSON.stringify(cells)}`)
    await bad.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await screenshot(page, '144-curve-import-refused')
  })

  it("the account's manager sees the curves, the heat map and the statistics on the customer's 用电分析 tab", async () => {
    if (scenario.managerUser) {
      await logout(page)
      await login(page, scenario.managerUser, password)
    }
    await page.goto(`${baseUrl}/customers/${scenario.customer.id}`)
    await byTestId(page, 'tab-customer-analysis').click()
    await byTestId(page, 'analysis-tab').waitFor()
    // The tab opens on an account with curves; make sure it is ours.
    const select = byTestId(page, 'analysis-account')
    await select.waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="analysis-account"]')?.textContent?.includes('个月曲线'))
    if (!(await select.innerText()).includes(scenario.account.account_no)) {
      await select.click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: scenario.account.account_no }).first().click()
    }
    const month = page.locator(`[data-testid="curve-month"][data-period="${scenario.period}"]`)
    await month.waitFor()
    assert.equal(await page.locator(`[data-testid="curve-month"][data-period="${previousPeriod(scenario.period)}"]`).count(), 1, 'the long-layout month too')
    await month.click()
    await byTestId(page, 'analysis-stats').waitFor()
    await page.locator('[data-testid="load-curve-chart"] canvas').first().waitFor()
    await page.locator('[data-testid="load-heatmap"] canvas').first().waitFor()
    await page.locator('[data-testid="typical-day-chart"] canvas').first().waitFor()
    const maxKw = Number(await byTestId(page, 'stat-max').getAttribute('data-kw'))
    assert.ok(maxKw > scenario.account.contract_capacity_kva * 0.4 && maxKw < scenario.account.contract_capacity_kva * 0.65, `maximum load ${maxKw} kW`)
    assert.match(await byTestId(page, 'analysis-stats').innerText(), /出现在 \d+ 日 \d\d:\d\d/)
    // The curves come below the year overview, the advice and the anomalies.
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await byTestId(page, 'curve-months').scrollIntoViewIfNeeded()
    await page.waitForTimeout(400)
    await screenshot(page, '145-analysis-curves')
  })

  it('电费测算 for the month: changing the basic-charge mode changes the total and shows the difference', async () => {
    const box = byTestId(page, 'analysis-whatif')
    await box.waitFor()
    const total = box.locator('[data-testid="whatif-total"]')
    await total.waitFor()
    assert.equal(Number(await total.getAttribute('data-fen')), scenario.baselineFen, 'the baseline as the API reconstructs it')
    assert.equal(await box.locator('[data-testid="whatif-difference"]').getAttribute('data-fen'), '0')
    assert.ok((await box.locator('[data-testid="bill-lines"] [data-testid="bill-line"][data-code="basic_capacity"]').count()) === 1, 'billed by capacity')
    assert.notEqual(await box.locator('[data-testid="whatif-billed"]').getAttribute('data-fen'), '', 'the imported bill beside it')
    await box.scrollIntoViewIfNeeded()
    await screenshot(page, '146-analysis-whatif-baseline')

    const evaluated = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/tariff/evaluate' && (r.request().postData() ?? '').includes('actual_demand'),
    )
    await box.locator('[data-testid="whatif-basic-mode"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '按实际最大需量' }).first().click()
    assert.equal((await evaluated).status(), 200)
    await page.waitForFunction(
      (baseline) => {
        const node = document.querySelector('[data-testid="analysis-whatif"] [data-testid="whatif-total"]')
        return node !== null && Number(node.getAttribute('data-fen')) !== baseline
      },
      scenario.baselineFen,
    )
    const whatIf = Number(await total.getAttribute('data-fen'))
    const difference = Number(await box.locator('[data-testid="whatif-difference"]').getAttribute('data-fen'))
    assert.equal(difference, whatIf - scenario.baselineFen)
    const differenceText = await box.locator('[data-testid="whatif-difference"]').innerText()
    assert.match(differenceText, difference < 0 ? /节省/ : /多付/)
    assert.ok((await box.locator('[data-testid="bill-lines"] [data-testid="bill-line"][data-code="basic_demand"]').count()) === 1, 'billed by demand')
    await box.locator('[data-testid="baseline-lines"]').waitFor()
    await box.scrollIntoViewIfNeeded()
    await screenshot(page, '147-analysis-whatif-changed')
  })

  it('电费测算 opened from the tab shows the same bill of the account and month', async () => {
    await byTestId(page, 'open-evaluate').click()
    await page.waitForURL(/\/tariff\/evaluate\?/)
    assert.match(page.url(), new RegExp(`account_id=${scenario.account.id}`))
    assert.match(page.url(), new RegExp(`period=${scenario.period}`))
    const total = page.locator('[data-testid="tariff-evaluate-page"] [data-testid="whatif-total"]')
    await total.waitFor()
    assert.equal(Number(await total.getAttribute('data-fen')), scenario.baselineFen)
    await page.waitForFunction((name) => document.querySelector('[data-testid="evaluate-customer"]')?.textContent?.includes(name) || document.querySelector('[data-testid="evaluate-customer"] input')?.value?.includes(name) || false, scenario.customer.name).catch(() => {})
    await shot(page, '148-evaluate-page')

    // Time of use off: all energy at the flat-rate price.
    const evaluated = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/tariff/evaluate' && (r.request().postData() ?? '').includes('"time_of_use":false'))
    await byTestId(page, 'whatif-time-of-use').click()
    assert.equal((await evaluated).status(), 200)
    await page.locator('[data-testid="tariff-evaluate-page"] [data-testid="bill-lines"] [data-testid="bill-line"][data-code="energy"]').waitFor()
    await shot(page, '149-evaluate-no-time-of-use')
  })

  // ---- the year, advice, anomalies and reports ------------------------------------------------

  it('the 用电分析 tab shows the year of each account and downloads the analysis report as PDF and XLSX', async () => {
    await page.goto(`${baseUrl}/customers/${scenario.customer.id}?tab=analysis`)
    await byTestId(page, 'analysis-tab').waitFor()
    const overview = byTestId(page, 'year-overview')
    await overview.locator('[data-testid="year-kpi"][data-kpi="kwh"]').first().waitFor()
    for (const kpi of ['kwh', 'max_demand', 'load_factor', 'peak_share', 'power_factor', 'utilisation', 'yoy', 'peers']) {
      assert.equal(await overview.locator(`[data-testid="year-account"]:visible [data-testid="year-kpi"][data-kpi="${kpi}"]`).count(), 1, `KPI ${kpi}`)
    }
    assert.match(await overview.locator('[data-testid="year-account"]:visible [data-kpi="max_demand"]').innerText(), /出现在 \d{4}-\d\d/)
    assert.match(await overview.locator('[data-testid="year-account"]:visible [data-kpi="peers"]').innerText(), /kWh\/kVA/)
    await overview.locator('[data-testid="year-account"]:visible [data-testid="year-chart"] canvas').first().waitFor()
    await shot(page, '150-analysis-year')

    const pdf = await downloadVia(page, byTestId(page, 'report-pdf'))
    assert.equal(pdf.head.slice(0, 4), '%PDF', `a PDF: ${JSON.stringify(pdf.head)}`)
    assert.match(pdf.name, /^用电分析报告-.+-\d{4}-\d\d-\d\d\.pdf$/)
    const xlsx = await downloadVia(page, byTestId(page, 'report-xlsx'))
    assert.equal(xlsx.head.slice(0, 2), 'PK', `a workbook (zip): ${JSON.stringify(xlsx.head)}`)
    assert.match(xlsx.name, /\.xlsx$/)
  })

  it('重新计算 the advice, accept one proposal and reject another (a note is required)', async () => {
    const list = byTestId(page, 'advice-list')
    await list.scrollIntoViewIfNeeded()
    const refreshed = page.waitForResponse((r) => r.request().method() === 'POST' && /\/advice\/refresh$/.test(new URL(r.url()).pathname))
    await byTestId(page, 'advice-refresh').click()
    assert.equal((await refreshed).status(), 200)
    const proposed = list.locator('[data-testid="advice-item"][data-status="proposed"]')
    await proposed.first().waitFor()
    assert.ok((await proposed.count()) >= 2, `at least two proposals: ${await proposed.count()}`)
    assert.match(await list.locator('[data-testid="advice-totals"]').innerText(), /待决策建议年节约/)
    const basic = list.locator('[data-testid="advice-item"][data-kind="basic_charge"][data-status="proposed"]').first()
    if ((await basic.count()) > 0) assert.ok((await basic.locator('[data-testid="advice-quarters"] tr.el-table__row').count()) >= 1, 'the quarters of the basic-charge advice')
    await list.locator('[data-testid="advice-item"]').first().scrollIntoViewIfNeeded()
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await screenshot(page, '151-advice-list')

    // Accept the first proposal with the default effective month (next month).
    const first = proposed.first()
    const acceptId = await first.getAttribute('data-id')
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await first.locator('[data-testid="advice-accept"]').click()
    const dialog = page.locator('[data-testid="advice-decision-dialog"]:visible')
    await dialog.waitFor()
    assert.equal(await inputOf(page, 'advice-effective-from').inputValue(), nextMonth())
    const accepted = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/advice/${acceptId}/decision`)
    await dialog.locator('[data-testid="advice-decision-submit"]').click()
    assert.equal((await accepted).status(), 200)
    const acceptedItem = list.locator(`[data-testid="advice-item"][data-id="${acceptId}"]`)
    await list.locator(`[data-testid="advice-item"][data-id="${acceptId}"][data-status="accepted"]`).waitFor()
    assert.match(await acceptedItem.locator('[data-testid="advice-status"]').innerText(), /已采纳/)
    await acceptedItem.locator('[data-testid="advice-plan"]').waitFor()
    assert.match(await acceptedItem.innerText(), new RegExp(`自 ${nextMonth()} 起执行`))
    await acceptedItem.locator('[data-testid="advice-realised"]').waitFor()

    // Reject another: without a note the dialog does not send.
    const other = list.locator('[data-testid="advice-item"][data-status="proposed"]').first()
    const rejectId = await other.getAttribute('data-id')
    let sent = false
    const watchDecision = (request) => {
      if (new URL(request.url()).pathname === `/api/v1/advice/${rejectId}/decision`) sent = true
    }
    page.on('request', watchDecision)
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await other.locator('[data-testid="advice-reject"]').click()
    await dialog.waitFor()
    await dialog.locator('[data-testid="advice-decision-submit"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '请填写不采纳的原因' }).waitFor()
    await page.waitForTimeout(400)
    assert.equal(sent, false, 'no request without a note')
    page.off('request', watchDecision)
    await screenshot(page, '152-advice-reject-needs-note')
    await inputOf(page, 'advice-note').fill('客户近期计划扩产，暂不调整（浏览器测试）')
    const rejected = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/advice/${rejectId}/decision`)
    await dialog.locator('[data-testid="advice-decision-submit"]').click()
    assert.equal((await rejected).status(), 200)
    const rejectedItem = list.locator(`[data-testid="advice-item"][data-id="${rejectId}"][data-status="rejected"]`)
    await rejectedItem.waitFor()
    assert.match(await rejectedItem.innerText(), /客户近期计划扩产/)
    assert.match(await rejectedItem.locator('[data-testid="advice-status"]').innerText(), /未采纳/)
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await acceptedItem.evaluate((node) => node.scrollIntoView({ block: 'start' }))
    await page.waitForTimeout(300)
    await screenshot(page, '153-advice-decided')
  })

  const anomaly = { id: null, customerId: null, owner: null }

  it('异常核查: the administrator scans now and sees the open anomalies', async () => {
    await logout(page)
    await login(page, adminUser, password)
    await openMenu(page, 'menu-analysis-anomalies')
    await page.waitForURL(/\/analysis\/anomalies/)
    await byTestId(page, 'anomaly-page').waitFor()
    const scanned = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/analysis/anomalies/scan')
    await byTestId(page, 'anomaly-scan').click()
    assert.equal((await scanned).status(), 200)
    await byTestId(page, 'anomaly-scan-result').waitFor()
    assert.match(await byTestId(page, 'anomaly-scan-result').innerText(), /扫描完成/)
    await waitForLoaded(page, 'anomaly-list')
    await page.locator('[data-testid="anomaly-list"] [data-testid="anomaly-item"]').first().waitFor()

    // An open anomaly and its owner (the customer's account manager) through the API.
    const open = await apiGet(page, '/analysis/anomalies?status=open&page=1&page_size=100')
    assert.ok(open.items.length > 0, 'the demo has open anomalies')
    const users = await apiGet(page, '/users?page=1&page_size=500')
    const pick = open.items.find((item) => users.items.some((user) => user.display_name === item.owner && /^am\d+$/.test(user.username))) ?? open.items[0]
    anomaly.id = pick.id
    anomaly.customerId = pick.customer_id
    anomaly.owner = users.items.find((user) => user.display_name === pick.owner && /^am\d+$/.test(user.username))?.username ?? null
    await shot(page, '154-anomaly-page')
  })

  it("the anomaly's owner reviews it as 疑似窃电 with a note", async () => {
    if (anomaly.owner) {
      await logout(page)
      await login(page, anomaly.owner, password)
    }
    await openMenu(page, 'menu-analysis-anomalies')
    await page.waitForURL(/\/analysis\/anomalies/)
    await waitForLoaded(page, 'anomaly-list')
    const review = page.locator(`[data-testid="anomaly-review"][data-id="${anomaly.id}"]`)
    if ((await review.count()) === 0) {
      // Not on the first page of the caller's pending reviews: all open ones.
      await page.goto(`${baseUrl}/analysis/anomalies?mine=false&status=open`)
      await waitForLoaded(page, 'anomaly-list')
      await page.locator('[data-testid="anomaly-list"] [data-testid="anomaly-item"]').first().waitFor()
      if ((await review.count()) === 0) {
        const sizes = page.locator('.pagination-bar .el-select')
        await sizes.click()
        await page.locator('.el-select-dropdown__item:visible', { hasText: '100' }).first().click()
        await waitForLoaded(page, 'anomaly-list')
      }
    }
    await review.waitFor()
    await review.click()
    const dialog = page.locator('[data-testid="anomaly-review-dialog"]:visible')
    await dialog.waitFor()
    await dialog.locator('[data-testid="anomaly-review-theft"]').click()
    await inputOf(page, 'anomaly-review-note').fill('现场核查发现计量装置封印异常，疑似绕越计量（浏览器测试）')
    await page.waitForTimeout(400) // the dialog's opening animation
    await screenshot(page, '155-anomaly-review-dialog')
    const reviewed = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/analysis/anomalies/${anomaly.id}/review`)
    await dialog.locator('[data-testid="anomaly-review-submit"]').click()
    assert.equal((await reviewed).status(), 200)
    const item = page.locator(`[data-testid="anomaly-item"][data-id="${anomaly.id}"][data-status="theft_suspected"]`)
    await item.waitFor()
    const row = page.locator('[data-testid="anomaly-list"] tr.el-table__row', { has: item })
    assert.match(await row.locator('[data-testid="anomaly-status"]').innerText(), /疑似窃电/)
    await shot(page, '156-anomaly-reviewed')
  })

  it('the administrator confirms the theft with the amounts on the customer tab and sees 已认定窃电', async () => {
    if (anomaly.owner) {
      await logout(page)
      await login(page, adminUser, password)
    }
    await page.goto(`${baseUrl}/customers/${anomaly.customerId}?tab=analysis`)
    const section = byTestId(page, 'anomaly-section')
    const confirm = section.locator(`[data-testid="anomaly-confirm"][data-id="${anomaly.id}"]`)
    await confirm.waitFor()
    await confirm.scrollIntoViewIfNeeded()
    await confirm.click()
    const dialog = page.locator('[data-testid="anomaly-confirm-dialog"]:visible')
    await dialog.waitFor()
    await dialog.locator('[data-testid="anomaly-confirm-estimate"]').waitFor()
    assert.match(await dialog.locator('[data-testid="anomaly-confirm-estimate"]').innerText(), /估算/)
    await inputOf(page, 'anomaly-confirm-kwh').fill('12000')
    await inputOf(page, 'anomaly-confirm-back').fill('8765.43')
    await inputOf(page, 'anomaly-confirm-penalty').fill('26296.29')
    await inputOf(page, 'anomaly-confirm-note').fill('用电检查现场认定绕越计量窃电，追补电费并收取三倍违约使用电费（浏览器测试）')
    await page.waitForTimeout(400) // the dialog's opening animation
    await screenshot(page, '157-anomaly-confirm-dialog')
    const confirmed = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/analysis/anomalies/${anomaly.id}/confirm`)
    await dialog.locator('[data-testid="anomaly-confirm-submit"]').click()
    const response = await confirmed
    assert.equal(response.status(), 200)
    assert.deepEqual(
      { back: JSON.parse(response.request().postData()).back_billing_fen, penalty: JSON.parse(response.request().postData()).penalty_fen },
      { back: 876543, penalty: 2629629 },
      'yuan sent as fen',
    )
    const item = page.locator(`[data-testid="anomaly-item"][data-id="${anomaly.id}"][data-status="theft_confirmed"]`)
    await section.locator(`[data-testid="anomaly-item"][data-id="${anomaly.id}"][data-status="theft_confirmed"]`).waitFor()
    const row = section.locator('tr.el-table__row', { has: item })
    assert.match(await row.locator('[data-testid="anomaly-status"]').innerText(), /已认定窃电/)
    assert.match(await row.innerText(), /8,765\.43/)
    await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
    await section.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await screenshot(page, '158-anomaly-confirmed')
  })

  it('分析报告: am01 generates the reports of all their key accounts, waits for the batch and downloads one', async () => {
    await logout(page)
    await login(page, process.env.LIANXIN_MANAGER_USER ?? 'am01', password)
    await openMenu(page, 'menu-analysis-reports')
    await page.waitForURL(/\/analysis\/reports/)
    await byTestId(page, 'report-batches').waitFor()
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/analysis/report-batches')
    await byTestId(page, 'report-batch-generate').click()
    const response = await created
    assert.equal(response.status(), 201)
    const batch = await response.json()
    assert.ok(batch.total > 0, 'am01 has key accounts')
    // The page polls every 3 seconds until the worker is done.
    await page.locator(`[data-testid="report-batch"][data-id="${batch.id}"][data-status="done"]`).waitFor({ timeout: 120_000 })
    const marker = page.locator(`[data-testid="report-batch"][data-id="${batch.id}"]`)
    assert.equal(await marker.getAttribute('data-done'), String(batch.total))
    const reports = page.locator(`[data-testid="report-batch-reports"][data-batch="${batch.id}"]`)
    if (!(await reports.isVisible())) {
      await page.locator('[data-testid="report-batches"] tr.el-table__row', { has: marker }).locator('.el-table__expand-icon').click()
    }
    await reports.locator('[data-testid="report-item"]').first().waitFor()
    assert.equal(await reports.locator('[data-testid="report-item"]').count(), batch.total)
    await shot(page, '159-report-batches')
    const pdf = await downloadVia(page, reports.locator('[data-testid="report-download-pdf"]').first())
    assert.equal(pdf.head.slice(0, 4), '%PDF')
    const xlsx = await downloadVia(page, reports.locator('[data-testid="report-download-xlsx"]').first())
    assert.equal(xlsx.head.slice(0, 2), 'PK')
  })
})
