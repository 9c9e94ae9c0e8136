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
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/analysis.test.mjs
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
    await shot(page, '145-analysis-curves')
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
})
