// Browser test of the group settlement (统一结算) and the bill import against a running server with the
// demo data (group trees spanning bureaus, 22 months of bills): the marketing manager finds a group
// with a sub-group in another bureau, opens its group view (tree, members, totals), views last
// month's unified statement (region subtotals and the group total match the API), downloads it as
// XLSX and PDF, opens the reconciliation (all checks green for last month, missing bills for the
// current month), opens a member's bills; a bill file with bad rows is refused with the row-level
// errors, and re-importing an existing bill unchanged succeeds; an account manager who sees only some
// members of a group is warned that the group view and the statement are partial.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/groups.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { apiGet, baseUrl, byTestId, inputOf, launch, login, logout, password, screenshot, screenshotDir, tableRows, waitForLoaded } from '../lib/harness.mjs'
import { parseCsvLine } from '../lib/csv.mjs'

const marketingUser = process.env.LIANXIN_MARKETING_USER ?? 'marketing01'
// An account manager whose scope covers only some members of a demo group.
const scopedUser = process.env.LIANXIN_SCOPED_USER ?? 'am02'

async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await page.waitForTimeout(400) // Element Plus tags zoom in when mounted
  await screenshot(page, name)
}

// The UI's formats: yuan with two decimals and thousands separators, kWh with separators.
function yuan(fen) {
  const negative = fen < 0
  const abs = Math.abs(fen)
  const cents = abs % 100
  const whole = String((abs - cents) / 100).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`
}
const kwh = (value) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value)

// Months as the browser (Asia/Shanghai) and the server see them.
const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
  .format(new Date())
  .split('-')
  .map(Number)
const monthOf = (y, m) => `${y}-${String(m).padStart(2, '0')}`
const thisMonth = monthOf(year, month)
const lastMonth = month === 1 ? monthOf(year - 1, 12) : monthOf(year, month - 1)

async function downloadOf(page, testId) {
  const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()])
  const file = await download.path()
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) }
}

describe('Group settlement (统一结算) and bill import', () => {
  let browser
  let page
  const scenario = { group: null, statement: null }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('finds a group spanning bureaus and shows its group view', async () => {
    await login(page, marketingUser, password)
    // A top-level group with a sub-group (the demo puts one in a county bureau).
    const groups = await apiGet(page, '/groups?top_level=true&page_size=100')
    const group = groups.items.find((item) => item.sub_groups > 0)
    assert.ok(group, 'the demo data has a group with a sub-group')
    scenario.group = group

    await byTestId(page, 'menu-billing').click()
    await byTestId(page, 'menu-groups').click()
    await page.waitForURL(/\/groups$/)
    await waitForLoaded(page, 'group-table')
    assert.ok((await (await tableRows(page, 'group-table')).count()) > 0)
    await inputOf(page, 'group-filter-q').fill(group.name)
    const searched = page.waitForResponse((r) => r.url().includes('/api/v1/groups?') && r.url().includes('q='))
    await byTestId(page, 'group-search').click()
    await searched
    await waitForLoaded(page, 'group-table')
    await shot(page, '80-group-list')
    await page.locator('[data-testid="group-table"] [data-testid="group-name"]', { hasText: group.name }).first().click()
    await page.waitForURL(new RegExp(`/groups/${group.id}$`))
    await byTestId(page, 'group-title').waitFor()
    assert.equal((await byTestId(page, 'group-title').innerText()).trim(), group.name)

    const view = await apiGet(page, `/groups/${group.id}`)
    assert.ok(view.totals.regions >= 2, 'the group spans at least two bureaus')
    // The tree shows the sub-group; the members table lists every member with its bureau.
    const subGroup = view.tree.children[0]
    const treeNode = page.locator('[data-testid="group-tree"] .el-tree-node__content', { hasText: subGroup.name })
    await treeNode.waitFor()
    assert.equal(await (await tableRows(page, 'group-members')).count(), view.members.length)
    assert.equal((await byTestId(page, 'group-total-members').locator('.stat-value').innerText()).trim(), String(view.totals.members))
    assert.equal((await byTestId(page, 'group-total-regions').locator('.stat-value').innerText()).trim(), String(view.totals.regions))
    const membersText = await byTestId(page, 'group-members').innerText()
    for (const member of view.members) assert.ok(membersText.includes(member.bureau_name), `bureau ${member.bureau_name} shown`)
    assert.ok((await page.locator('[data-testid="group-members"] [data-testid="member-key-account"]').count()) > 0, 'key accounts tagged')
    await shot(page, '81-group-view')

    // Clicking the sub-group narrows the members to it.
    await treeNode.click()
    const inSubGroup = view.members.filter((member) => member.parent_group_id === subGroup.id).length
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="group-members"] .el-table__body-wrapper tr.el-table__row').length === n,
      inSubGroup,
    )
  })

  it('shows last month’s unified statement with region subtotals and the group total', async () => {
    const group = scenario.group
    await byTestId(page, 'tab-statement').click()
    await page.waitForURL(/tab=statement/)
    await waitForLoaded(page, 'statement-body')
    await byTestId(page, 'statement-table').waitFor()
    assert.equal(await byTestId(page, 'statement-panel').getAttribute('data-period'), lastMonth, 'last month by default')

    const statement = await apiGet(page, `/groups/${group.id}/statement?period=${lastMonth}`)
    scenario.statement = statement
    assert.ok(statement.regions.length >= 2)
    const subtotals = page.locator('[data-testid="statement-table"] [data-testid="statement-subtotal"]')
    assert.equal(await subtotals.count(), statement.regions.length)
    // A region's subtotal row shows its name and its billed amount; the total row the group's.
    const region = statement.regions[0]
    const subtotalRow = page.locator('[data-testid="statement-table"] tr.subtotal-row').first()
    const subtotalText = await subtotalRow.innerText()
    assert.match(subtotalText, new RegExp(`${region.bureau_name}\\s*小计`))
    assert.ok(subtotalText.includes(yuan(region.subtotal.amount_fen)), `subtotal ${yuan(region.subtotal.amount_fen)} in "${subtotalText}"`)
    assert.ok(subtotalText.includes(kwh(region.subtotal.kwh_total)))
    const totalRow = page.locator('[data-testid="statement-table"] tr.total-row')
    const totalText = await totalRow.innerText()
    assert.match(totalText, /集团合计/)
    assert.ok(totalText.includes(yuan(statement.total.amount_fen)), `total ${yuan(statement.total.amount_fen)} in "${totalText}"`)
    assert.ok(totalText.includes(yuan(statement.total.arrears_fen)))
    assert.equal((await byTestId(page, 'statement-card-amount').locator('.stat-value').innerText()).trim(), yuan(statement.total.amount_fen))
    // Every region is named in the table.
    const tableText = await byTestId(page, 'statement-table').innerText()
    for (const r of statement.regions) assert.ok(tableText.includes(r.bureau_name))
    await shot(page, '82-group-statement')

    // The time-of-use columns on demand.
    await byTestId(page, 'statement-show-tou').click()
    await page.locator('[data-testid="statement-table"] th', { hasText: '尖峰电量' }).first().waitFor()
    await shot(page, '83-group-statement-tou')
    await byTestId(page, 'statement-show-tou').click()
  })

  it('downloads the statement as XLSX and as PDF', async () => {
    const group = scenario.group
    const xlsx = await downloadOf(page, 'statement-export-xlsx')
    assert.equal(xlsx.name, `statement-${group.id}-${lastMonth}.xlsx`)
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX is a zip')
    const pdf = await downloadOf(page, 'statement-export-pdf')
    assert.equal(pdf.name, `statement-${group.id}-${lastMonth}.pdf`)
    assert.equal(pdf.bytes.subarray(0, 4).toString('latin1'), '%PDF')
    fs.mkdirSync(screenshotDir, { recursive: true })
    fs.writeFileSync(path.join(screenshotDir, '84-group-statement.pdf'), pdf.bytes)
  })

  it('opens the reconciliation: green for last month, missing bills for the current month', async () => {
    await byTestId(page, 'tab-reconciliation').click()
    await page.waitForURL(/tab=reconciliation/)
    await waitForLoaded(page, 'reconciliation-body')
    await byTestId(page, 'reconciliation-result').waitFor()
    const reconciliation = await apiGet(page, `/groups/${scenario.group.id}/reconciliation?period=${lastMonth}`)
    assert.equal(await byTestId(page, 'reconciliation-result').getAttribute('data-ok'), String(reconciliation.ok))
    for (const check of reconciliation.checks) {
      assert.equal(await byTestId(page, `check-${check.code}`).getAttribute('data-ok'), String(check.ok), check.code)
    }
    const regionsText = await byTestId(page, 'reconciliation-regions').innerText()
    for (const region of reconciliation.regions) assert.ok(regionsText.includes(region.bureau_name))
    await shot(page, '85-group-reconciliation')

    // The current month has no bills yet: the missing-bills check fails and lists the accounts.
    const loaded = page.waitForResponse((r) => r.url().includes('/reconciliation?') && r.url().includes(`period=${thisMonth}`))
    await byTestId(page, 'reconciliation-panel').locator('[data-testid="period-next"]').click()
    await loaded
    await waitForLoaded(page, 'reconciliation-body')
    await page.waitForFunction(() => document.querySelector('[data-testid="reconciliation-result"]')?.getAttribute('data-ok') === 'false')
    assert.equal(await byTestId(page, 'check-missing_bills').getAttribute('data-ok'), 'false')
    const current = await apiGet(page, `/groups/${scenario.group.id}/reconciliation?period=${thisMonth}`)
    assert.ok(current.missing_bills.length > 0)
    const missingRows = page.locator('[data-testid="list-missing"] .el-table__body-wrapper tr.el-table__row')
    await missingRows.first().waitFor()
    assert.equal(await missingRows.count(), current.missing_bills.length)
    await byTestId(page, 'reconciliation-lists').scrollIntoViewIfNeeded()
    await page.waitForTimeout(400)
    await screenshot(page, '86-group-reconciliation-missing')

    // The statement of that month shows the accounts as 未出账.
    await byTestId(page, 'tab-statement').click()
    await waitForLoaded(page, 'statement-body')
    await page.locator('[data-testid="statement-table"] [data-testid="statement-unbilled"]').first().waitFor()
    assert.equal(await byTestId(page, 'statement-panel').getAttribute('data-period'), thisMonth)
  })

  it('shows the statement in English', async () => {
    await page.goto(`${baseUrl}/groups/${scenario.group.id}?tab=statement`)
    await byTestId(page, 'lang-switch').click()
    await waitForLoaded(page, 'statement-body')
    await page.locator('[data-testid="statement-table"] tr.total-row', { hasText: 'Group total' }).waitFor()
    await page.locator('[data-testid="statement-table"] th', { hasText: 'Billed (yuan)' }).first().waitFor()
    await shot(page, '87-group-statement-en')
    await byTestId(page, 'lang-switch').click()
    await page.locator('[data-testid="statement-table"] tr.total-row', { hasText: '集团合计' }).waitFor()
  })

  it('opens a member’s monthly bills with the chart', async () => {
    await byTestId(page, 'tab-overview').click()
    const link = page.locator('[data-testid="group-members"] [data-testid="member-bills"]').first()
    await link.click()
    await page.waitForURL(/\/customers\/\d+\/bills/)
    await waitForLoaded(page, 'bills-table')
    await page.locator('[data-testid="bills-chart"] canvas').first().waitFor()
    assert.ok((await (await tableRows(page, 'bills-table')).count()) > 0)
    assert.ok((await page.locator('[data-testid="bills-year"]').count()) >= 1)
    const rowText = await (await tableRows(page, 'bills-table')).first().innerText()
    assert.ok(rowText.includes(lastMonth), 'newest bill first')
    await shot(page, '88-customer-bills')
  })

  it('refuses a bill file with bad rows, listing the problems by row; an unchanged re-import succeeds', async () => {
    await byTestId(page, 'menu-billing').click()
    await byTestId(page, 'menu-bill-imports').click()
    await page.waitForURL(/\/bill-imports$/)
    await byTestId(page, 'bill-import').waitFor()

    // The file follows the server's template: its header, then rows by column code.
    const template = await apiGet(page, '/bill-imports/template?format=csv')
    const header = parseCsvLine(template.replace(/^\uFEFF/, '').split(/\r?\n/)[0])
    const codes = ['account_no', 'period', 'kwh_sharp', 'kwh_peak', 'kwh_flat', 'kwh_valley', 'kwh_total', 'kvarh', 'max_demand_kw', 'amount_fen', 'paid_fen', 'arrears_fen']
    assert.equal(header.length, codes.length, 'template columns')
    const member = scenario.statement.regions[0].lines.find((line) => line.billed)
    const csv = (rows) => '\uFEFF' + [header.join(','), ...rows.map((row) => codes.map((code) => row[code] ?? '').join(','))].join('\r\n') + '\r\n'

    const bad = csv([
      { account_no: member.account_no, period: lastMonth, kwh_total: '1000', amount_fen: 'abc', paid_fen: '0' },
      { account_no: member.account_no, period: '2026-13', kwh_total: '1000', amount_fen: '60000', paid_fen: '60000' },
      { account_no: member.account_no, period: '2020-01', kwh_total: '-5', amount_fen: '100', paid_fen: '200' },
    ])
    await page.locator('[data-testid="bill-upload"] input[type="file"]').setInputFiles({ name: 'bad-bills.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') })
    const refused = page.waitForResponse((r) => r.url().includes('/api/v1/bill-imports?') && r.request().method() === 'POST')
    await byTestId(page, 'bill-import-start').click()
    assert.equal((await refused).status(), 422)
    await byTestId(page, 'bill-import-errors').waitFor()
    const errorRows = await tableRows(page, 'bill-import-errors')
    assert.ok((await errorRows.count()) >= 3)
    const errorsText = await byTestId(page, 'bill-import-errors').innerText()
    // 行号, 列 (the template's Chinese column names), 问题 (in Chinese).
    assert.match(errorsText, /行号[\s\S]*列[\s\S]*问题/)
    assert.match(errorsText, /2\s+应收电费\(分\)/)
    assert.match(errorsText, /3\s+账期/)
    assert.match(errorsText, /4\s+总电量/)
    assert.match(await byTestId(page, 'bill-import-failure').innerText(), /未导入任何数据/)
    await shot(page, '89-bill-import-errors')

    // The same bill again, unchanged: imported as a batch with nothing changed.
    const bill = (await apiGet(page, `/customers/${member.customer_id}/bills?account_id=${member.account_id}&from=${lastMonth}&to=${lastMonth}`)).items[0]
    const good = csv([
      Object.fromEntries(codes.map((code) => [code, bill[code] === null || bill[code] === undefined ? '' : String(bill[code])]).concat([['period', lastMonth]])),
    ])
    await page.locator('[data-testid="bill-upload"] input[type="file"]').setInputFiles({ name: 'same-bill.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') })
    const accepted = page.waitForResponse((r) => r.url().includes('/api/v1/bill-imports?') && r.request().method() === 'POST')
    await byTestId(page, 'bill-import-start').click()
    const response = await accepted
    assert.equal(response.status(), 201)
    const result = await response.json()
    assert.equal(result.unchanged, 1)
    await byTestId(page, 'bill-import-result').waitFor()
    assert.equal(await byTestId(page, 'bill-import-failure').count(), 0)
    await page.locator('[data-testid="bill-batches"] tr.el-table__row', { hasText: 'same-bill.csv' }).first().waitFor()
    await shot(page, '90-bill-import-done')
    await logout(page)
  })

  it('warns when members lie outside the user’s scope', async (t) => {
    // An account manager sees only the members they manage: the group view is partial.
    await login(page, scopedUser, password)
    const groups = await apiGet(page, '/groups?page_size=100')
    let partial = null
    for (const item of groups.items) {
      const view = await apiGet(page, `/groups/${item.id}`)
      if (view.partial) {
        partial = view
        break
      }
    }
    if (!partial) {
      t.skip(`no group is partial for ${scopedUser}`)
      await logout(page)
      return
    }
    await page.goto(`${baseUrl}/groups/${partial.group.id}`)
    await byTestId(page, 'group-partial').waitFor()
    assert.match(await byTestId(page, 'group-partial').innerText(), new RegExp(`另有 ${partial.omitted_members} 家成员单位不在您的管辖范围内`))
    assert.equal(await (await tableRows(page, 'group-members')).count(), partial.members.length)
    await shot(page, '91-group-partial')
    await byTestId(page, 'tab-statement').click()
    await byTestId(page, 'statement-partial').waitFor()
    await logout(page)
  })
})
