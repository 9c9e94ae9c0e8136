// Browser tests of the Lianxin web UI against a running server.
//   cd tests/e2e && npm ci && LIANXIN_URL=http://127.0.0.1:8080 npm test
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { pinyin } from 'pinyin-pro'
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
import { buildCustomerCsv, uniqueCreditCode } from '../lib/csv.mjs'

// Pinyin initials of the first Han characters of a name ("云南锡业…" → "ynxy").
function initialsOf(name, length = 4) {
  const han = Array.from(name).filter((ch) => /\p{Script=Han}/u.test(ch)).slice(0, length).join('')
  return pinyin(han, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase()
}

async function firstColumnTexts(page) {
  const rows = await tableRows(page, 'customer-table')
  return rows.locator('[data-testid="customer-name"]').allInnerTexts()
}

async function openCustomerList(page) {
  await page.goto(`${baseUrl}/customers`)
  await byTestId(page, 'customer-table').waitFor()
  await waitForLoaded(page, 'customer-table')
}

describe('Lianxin web UI', () => {
  let browser
  let page

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('rejects a wrong password and logs in as admin', async () => {
    await page.goto(`${baseUrl}/login`)
    await inputOf(page, 'login-username').waitFor()
    await screenshot(page, '01-login')
    // An unknown user, so that repeated runs never lock the admin account.
    await inputOf(page, 'login-username').fill('e2e-no-such-user')
    await inputOf(page, 'login-password').fill(password + '-wrong')
    await byTestId(page, 'login-submit').click()
    await byTestId(page, 'login-error').waitFor()

    await login(page, adminUser)
    // The home page is the customer list.
    await page.waitForURL(/\/customers/)
    await byTestId(page, 'customer-table').waitFor()
    const orgName = await byTestId(page, 'org-unit-name').innerText()
    assert.ok(orgName.trim().length > 0, 'the header shows the org unit name')
  })

  it('customer list shows rows and paginates', async () => {
    await openCustomerList(page)
    const rows = await tableRows(page, 'customer-table')
    assert.ok((await rows.count()) > 0, 'the customer list has rows')
    await screenshot(page, '02-customer-list')

    const pagination = byTestId(page, 'customer-pagination')
    const totalText = await pagination.locator('.el-pagination__total').innerText()
    const total = Number(totalText.replace(/\D/g, ''))
    const firstPage = await firstColumnTexts(page)
    assert.ok(total >= firstPage.length, `total ${total} covers the rows shown`)
    if (total <= firstPage.length) {
      // Not enough data for a second page at the default size: use a smaller page size.
      assert.ok(total > 1, 'at least two customers are needed to test pagination')
    }
    const next = pagination.locator('.btn-next')
    if (await next.isDisabled()) {
      // Shrink the page size to 10 via the sizes select.
      await pagination.locator('.el-pagination__sizes .el-select').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '10' }).first().click()
      await waitForLoaded(page, 'customer-table')
    }
    if (!(await next.isDisabled())) {
      const before = await firstColumnTexts(page)
      await next.click()
      await page.waitForFunction(() => document.querySelector('[data-testid="customer-pagination"] .el-pager .is-active')?.textContent?.trim() === '2')
      await waitForLoaded(page, 'customer-table')
      const after = await firstColumnTexts(page)
      assert.ok(after.length > 0, 'page 2 has rows')
      assert.notDeepEqual(after, before, 'page 2 shows other customers')
    } else {
      assert.ok(total <= 10, 'next page is disabled only when everything fits on one page')
    }
  })

  it('filters by key account', async () => {
    await openCustomerList(page)
    await Promise.all([
      page.waitForResponse((response) => response.url().includes('/api/v1/customers?') && response.url().includes('is_key_account=true')),
      byTestId(page, 'filter-key-account-yes').click(),
    ])
    await waitForLoaded(page, 'customer-table')
    const rows = await tableRows(page, 'customer-table')
    const count = await rows.count()
    assert.ok(count > 0, 'there are key accounts')
    for (let i = 0; i < count; i++) {
      const text = await rows.nth(i).innerText()
      assert.match(text, /大客户/, `row ${i + 1} is marked as a key account`)
    }
    await screenshot(page, '03-customer-list-key-accounts')
    await byTestId(page, 'filter-key-account-all').click()
  })

  it('global search by pinyin initials opens the customer 360', async () => {
    await openCustomerList(page)
    const names = await firstColumnTexts(page)
    const candidates = process.env.LIANXIN_SEARCH_QUERY
      ? [{ query: process.env.LIANXIN_SEARCH_QUERY, name: null }]
      : names.slice(0, 3).map((name) => ({ query: initialsOf(name), name }))
    assert.ok(candidates.length > 0 && candidates[0].query, 'a customer name with Chinese characters is available')

    const input = page.locator('[data-testid="global-search"] input')
    let opened = false
    for (const candidate of candidates) {
      await input.fill('')
      await input.fill(candidate.query)
      const suggestions = page.locator('.global-search-popper [data-testid="search-suggestion"]')
      try {
        await suggestions.first().waitFor({ timeout: 5000 })
      } catch {
        continue
      }
      const target = candidate.name ? suggestions.filter({ hasText: candidate.name }).first() : suggestions.first()
      if ((await target.count()) === 0) continue
      await screenshot(page, '04-global-search')
      await target.click()
      opened = true
      break
    }
    assert.ok(opened, `a pinyin-initials search (${candidates.map((c) => c.query).join(', ')}) found a customer`)
    await page.waitForURL(/\/customers\/\d+/)
    const customerName = (await byTestId(page, 'customer-360-name').innerText()).trim()
    assert.ok(customerName.length > 0, 'the 360 view shows the customer name')
  })

  it('customer 360 shows accounts and contacts; logging a call adds a timeline entry', async () => {
    // Prefer the customer opened by the search; otherwise (or if it has no
    // accounts or contacts) pick one from the list that has both.
    let detail = null
    const current = /\/customers\/(\d+)/.exec(page.url())
    if (current) detail = await apiGet(page, `/customers/${current[1]}`)
    if (!detail || detail.accounts.length === 0 || detail.contacts.length === 0) {
      detail = null
      const list = await apiGet(page, '/customers?page=1&page_size=50')
      for (const customer of list.items.filter((item) => item.account_count > 0).slice(0, 15)) {
        const candidate = await apiGet(page, `/customers/${customer.id}`)
        if (candidate.accounts.length > 0 && candidate.contacts.length > 0) {
          detail = candidate
          break
        }
      }
      assert.ok(detail, 'some customer has both accounts and contacts')
      await page.goto(`${baseUrl}/customers/${detail.customer.id}`)
    }
    await byTestId(page, 'customer-360-name').waitFor()
    await byTestId(page, 'accounts-table').waitFor()
    const accountRows = await tableRows(page, 'accounts-table')
    assert.ok((await accountRows.count()) > 0, 'the customer has at least one electricity account')
    await screenshot(page, '05-customer-360-accounts')

    await page.locator('.el-tabs__item', { hasText: /联系人|Contacts/ }).click()
    await byTestId(page, 'contacts-table').waitFor({ state: 'visible' })
    const contactRows = await tableRows(page, 'contacts-table')
    assert.ok((await contactRows.count()) > 0, 'the customer has at least one contact')
    await screenshot(page, '06-customer-360-contacts')

    const title = `E2E 来电记录 ${Date.now()}`
    await byTestId(page, 'log-interaction').click()
    await inputOf(page, 'interaction-title').waitFor({ state: 'visible' })
    await byTestId(page, 'interaction-kind-call').click()
    await inputOf(page, 'interaction-title').fill(title)
    // Markup in user text must render as text, never as HTML.
    await inputOf(page, 'interaction-body').fill('客户询问停电安排。<b>not bold</b>')
    await byTestId(page, 'interaction-save').click()
    const entry = page.locator('[data-testid="timeline-item"]', { hasText: title })
    await entry.waitFor({ state: 'visible' })
    assert.equal(await entry.locator('b').count(), 0, 'user text is rendered inertly')
    assert.match(await entry.innerText(), /<b>not bold<\/b>/)
    await screenshot(page, '07-customer-360-timeline')
  })

  it('import: a bad row fails all_or_nothing with row and field, a good file succeeds', async () => {
    await page.goto(`${baseUrl}/imports`)
    await byTestId(page, 'import-start').waitFor()
    await byTestId(page, 'import-kind-customers').click()
    await byTestId(page, 'import-mode-all_or_nothing').click()

    const [template, enums, industries, orgUnits, me] = await Promise.all([
      apiGet(page, '/imports/template?kind=customers&format=csv'),
      apiGet(page, '/reference/enums'),
      apiGet(page, '/reference/industries'),
      apiGet(page, '/org-units'),
      apiGet(page, '/auth/me'),
    ])
    const reference = { enums, industries: industries.items, orgUnits: orgUnits.items, userOrgUnitId: me.user.org_unit_id }
    const stamp = Date.now()
    const valid = uniqueCreditCode()
    const wrongCheckDigit = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')
    const badCsv = buildCustomerCsv(template, reference, [
      { name: `E2E导入客户甲${stamp}`, creditCode: uniqueCreditCode() },
      { name: `E2E导入客户乙${stamp}`, creditCode: wrongCheckDigit },
    ])
    const goodCsv = buildCustomerCsv(template, reference, [
      { name: `E2E导入客户丙${stamp}`, creditCode: uniqueCreditCode() },
    ])

    const fileInput = page.locator('[data-testid="import-upload"] input[type="file"]')
    const runImport = async (fileName, text) => {
      await fileInput.setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') })
      await byTestId(page, 'import-start').click()
      const job = page.locator(`[data-testid="import-job"]`, { hasText: fileName })
      await job.waitFor()
      await page.waitForFunction(
        (name) => {
          const element = document.querySelector('[data-testid="import-job"]')
          return !!element && element.textContent.includes(name) && ['succeeded', 'failed', 'cancelled'].includes(element.getAttribute('data-status'))
        },
        fileName,
        { timeout: 60_000 },
      )
      return job.getAttribute('data-status')
    }

    const badStatus = await runImport(`bad-${stamp}.csv`, badCsv)
    assert.equal(badStatus, 'failed', 'all_or_nothing with a bad row fails')
    const errorRows = await tableRows(page, 'import-errors')
    assert.ok((await errorRows.count()) > 0, 'the error table lists the bad row')
    const errorText = await byTestId(page, 'import-errors').innerText()
    // The bad row is data row 2 (line 3 of the file, counting the header).
    assert.match(errorText, /\b[23]\b/, 'the error names the row')
    assert.match(errorText, /credit|信用代码/i, 'the error names the field')
    await screenshot(page, '08-import-errors')

    const goodStatus = await runImport(`good-${stamp}.csv`, goodCsv)
    assert.equal(goodStatus, 'succeeded', 'a good file imports')
    await screenshot(page, '09-import-succeeded')
  })

  it('admin pages render (users, org tree, API keys, audit, caller lookup)', async () => {
    const pages = [
      ['/system/users', 'users-table', '10-users'],
      ['/system/org', 'org-tree', '11-org'],
      ['/system/api-keys', 'api-keys-table', '12-api-keys'],
      ['/audit', 'audit-table', '13-audit'],
      ['/lookup', 'lookup-phone', '14-lookup'],
    ]
    for (const [pathName, testId, shot] of pages) {
      await page.goto(`${baseUrl}${pathName}`)
      await byTestId(page, testId).first().waitFor()
      if (testId.endsWith('table')) await waitForLoaded(page, testId)
      await screenshot(page, shot)
    }
  })

  it('language switch to English changes the menu', async () => {
    await openCustomerList(page)
    const menuItem = byTestId(page, 'menu-customers')
    assert.match(await menuItem.innerText(), /客户档案/)
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="menu-customers"]')?.textContent?.includes('Customers'))
    assert.match(await menuItem.innerText(), /Customers/)
    await screenshot(page, '15-customer-list-en')
    await byTestId(page, 'lang-switch').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="menu-customers"]')?.textContent?.includes('客户档案'))
  })

  it('logs out', async () => {
    await logout(page)
    await inputOf(page, 'login-username').waitFor()
    // A protected page now leads back to the login page.
    await page.goto(`${baseUrl}/customers`)
    await page.waitForURL(/\/login/)
  })

  it('the dispatcher sees customers and caller lookup but no admin menu', async () => {
    await login(page, process.env.LIANXIN_DISPATCHER_USER ?? 'dispatcher01', process.env.LIANXIN_DISPATCHER_PASSWORD ?? password)
    await byTestId(page, 'menu-lookup').waitFor()
    assert.equal(await byTestId(page, 'menu-users').count(), 0, 'no user administration for a dispatcher')
    assert.equal(await byTestId(page, 'menu-system').count(), 0, 'no administration menu for a dispatcher')

    // Caller lookup with the mobile number of a contact the dispatcher can see.
    const list = await apiGet(page, '/customers?page=1&page_size=5')
    let mobile = null
    for (const customer of list.items) {
      const detail = await apiGet(page, `/customers/${customer.id}`)
      mobile = detail.contacts.find((contact) => contact.mobile && contact.active)?.mobile ?? null
      if (mobile) break
    }
    await byTestId(page, 'menu-lookup').click()
    await inputOf(page, 'lookup-phone').waitFor()
    if (mobile) {
      await inputOf(page, 'lookup-phone').fill(mobile)
      await byTestId(page, 'lookup-submit').click()
      const hit = byTestId(page, 'lookup-hit').first()
      await hit.waitFor()
      await screenshot(page, '16-lookup-result')
      await hit.click()
      await page.waitForURL(/\/customers\/\d+/)
      await byTestId(page, 'customer-360-name').waitFor()
    }
    await logout(page)
  })
  it('the deadline calculator skips National Day and counts the make-up Sunday', async () => {
    await login(page, process.env.LIANXIN_DISPATCHER_USER ?? 'dispatcher01', process.env.LIANXIN_DISPATCHER_PASSWORD ?? password)
    await byTestId(page, 'menu-deadline').click()
    const from = page.locator('[data-testid="deadline-from"] input, input[data-testid="deadline-from"]').first()
    await from.waitFor()
    await from.fill('2025-09-26 10:00:00')
    await from.press('Enter')
    await byTestId(page, 'deadline-calculate').click()
    const answer = byTestId(page, 'deadline-answer')
    await answer.waitFor()
    const text = await answer.innerText()
    assert.match(text, /2025-09-28/, 'the make-up working Sunday is counted')
    assert.match(text, /国庆节/, 'National Day is skipped')
    await screenshot(page, '17-deadline-calculator')
    await logout(page)
  })
})
