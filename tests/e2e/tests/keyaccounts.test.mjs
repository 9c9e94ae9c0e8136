// Browser test of the key-account identification (大客户识别) against a running server with the demo
// data: the marketing manager starts a run and reviews it (accepting the additions, rejecting the
// removals, an empty reason refused), the leader's apply is refused while items are pending and
// then applies the run; the first added customer's 360 shows the key-account history.
//   cd tests/e2e && LIANXIN_URL=http://127.0.0.1:8080 node --test tests/keyaccounts.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, baseUrl, byTestId, inputOf, launch, login, logout, password, screenshot, tableRows, waitForLoaded } from '../lib/harness.mjs'

const marketingUser = process.env.LIANXIN_MARKETING_USER ?? 'marketing01'
const leaderUser = process.env.LIANXIN_LEADER_USER ?? 'leader01'

async function shot(page, name) {
  await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 0))
  await page.locator('.el-message').first().waitFor({ state: 'detached' }).catch(() => {})
  await screenshot(page, name)
}

const isItems = (response) => response.url().includes('/key-accounts/identification-runs/') && response.url().includes('/items')

// Runs an action that reloads the proposal items and waits until the table shows them.
async function reloadingItems(page, action) {
  const loaded = page.waitForResponse(isItems)
  await action()
  await loaded
  await waitForLoaded(page, 'items-table')
}

async function openRun(page, runId) {
  await reloadingItems(page, () => page.goto(`${baseUrl}/key-accounts/identification?run=${runId}`))
  await byTestId(page, 'run-title').waitFor()
}

// Shows one tab of the run, only its pending items, 500 to a page.
async function showPending(page, tab) {
  if ((await page.locator(`.el-tabs__item.is-active [data-testid="tab-${tab}"]`).count()) === 0)
    await reloadingItems(page, () => byTestId(page, `tab-${tab}`).click())
  await reloadingItems(page, async () => {
    await page.locator('[data-testid="items-pagination"] .el-pagination__sizes .el-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '500' }).first().click()
  })
  await reloadingItems(page, async () => {
    await byTestId(page, 'items-filter-decision').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '待审核' }).first().click()
  })
}

// Decides every pending item of the tab shown, a page at a time; returns how many were decided.
async function decideAll(page, button, reason, onFirstDialog) {
  let decided = 0
  for (let round = 0; round < 20; round++) {
    const rows = await tableRows(page, 'items-table')
    const count = await rows.count()
    if (count === 0) break
    await page.locator('[data-testid="items-table"] .el-table__header .el-checkbox').first().click()
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="items-selected"]')?.textContent?.includes(String(n)),
      count,
    )
    await byTestId(page, button).click()
    await byTestId(page, 'decide-submit').waitFor({ state: 'visible' })
    if (round === 0 && onFirstDialog) await onFirstDialog()
    await inputOf(page, 'decide-reason').fill(reason)
    const response = page.waitForResponse((r) => r.url().includes('/decisions') && r.request().method() === 'POST')
    await reloadingItems(page, () => byTestId(page, 'decide-submit').click())
    assert.equal((await response).status(), 200)
    await byTestId(page, 'decide-submit').waitFor({ state: 'hidden' })
    decided += count
  }
  return decided
}

describe('Key-account identification (大客户识别)', () => {
  let browser
  let page
  const scenario = { run: null, firstAdded: null, addReason: `E2E 用电量与行业地位符合大客户标准 ${Date.now()}` }

  before(async () => {
    browser = await launch()
    page = browser.page
  })

  after(async () => {
    await browser?.close()
  })

  it('the marketing manager starts a run and accepts the proposed additions', async () => {
    await login(page, marketingUser, password)
    await byTestId(page, 'menu-key-accounts').click()
    await byTestId(page, 'menu-key-accounts-identification').click()
    await page.waitForURL(/\/key-accounts\/identification/)
    await byTestId(page, 'start-run').waitFor()

    await byTestId(page, 'start-run').click()
    await byTestId(page, 'start-submit').waitFor({ state: 'visible' })
    const created = page.waitForResponse((r) => r.url().endsWith('/key-accounts/identification-runs') && r.request().method() === 'POST')
    await reloadingItems(page, () => byTestId(page, 'start-submit').click())
    const createdResponse = await created
    assert.equal(createdResponse.status(), 201)
    scenario.run = await createdResponse.json()
    assert.ok(scenario.run.added > 0, 'the demo data proposes additions')
    assert.ok(scenario.run.removed > 0, 'the demo data proposes removals')

    // The new run is selected: its rules and counts are shown, the tabs carry the counts.
    await page.waitForFunction((id) => document.querySelector('[data-testid="run-title"]')?.textContent?.startsWith(`#${id} `), scenario.run.id)
    const rules = await byTestId(page, 'run-rules').innerText()
    assert.match(rules, new RegExp(`前 ${scenario.run.rules.top_n} 名`))
    assert.match(rules, /权重/)
    assert.match(await byTestId(page, 'tab-add').innerText(), new RegExp(`拟新增 \\(${scenario.run.added}\\)`))
    assert.match(await byTestId(page, 'tab-remove').innerText(), new RegExp(`拟移出 \\(${scenario.run.removed}\\)`))
    const firstRun = (await tableRows(page, 'runs-table')).first()
    assert.match(await firstRun.innerText(), new RegExp(`${scenario.run.added}[\\s\\S]*${scenario.run.removed}`))
    // Reasons show translated.
    const reasonTags = await page.locator('[data-testid="items-table"] [data-testid="item-reason"]').allInnerTexts()
    assert.ok(reasonTags.length > 0)
    for (const text of reasonTags) assert.ok(['用电量前N名', '重要用户', '重点行业', '价值评分'].includes(text.trim()), `reason tag ${text}`)
    scenario.firstAdded = { name: (await page.locator('[data-testid="items-table"] [data-testid="item-customer"]').first().innerText()).trim() }
    await shot(page, '50-key-accounts-run')

    await showPending(page, 'add')
    const accepted = await decideAll(page, 'items-accept', scenario.addReason, async () => {
      // An empty reason is refused; the server's message shows beside the field.
      await byTestId(page, 'decide-submit').click()
      const error = page.locator('[data-testid="decide-dialog"] .el-form-item__error')
      await error.waitFor()
      assert.ok((await error.innerText()).trim().length > 0, 'the reason field shows the server error')
      await shot(page, '51-key-accounts-reason-refused')
    })
    assert.equal(accepted, scenario.run.added)

    const run = await apiGet(page, `/key-accounts/identification-runs/${scenario.run.id}`)
    assert.equal(run.decisions.accepted, scenario.run.added)
    assert.equal(run.decisions.pending, scenario.run.removed)
    await logout(page)
  })

  it('the leader cannot apply while items are pending', async () => {
    await login(page, leaderUser, password)
    await openRun(page, scenario.run.id)
    // The leader approves but does not review: no decision buttons.
    assert.equal(await byTestId(page, 'items-accept').count(), 0)
    await byTestId(page, 'run-apply').click()
    await page.locator('.el-message-box .el-button--primary').click()
    const error = byTestId(page, 'apply-error')
    await error.waitFor()
    assert.match(await error.innerText(), new RegExp(`${scenario.run.removed}`), 'the message names the pending count')
    await shot(page, '52-key-accounts-apply-refused')
    await logout(page)
  })

  it('the marketing manager rejects the proposed removals', async () => {
    await login(page, marketingUser, password)
    await openRun(page, scenario.run.id)
    await showPending(page, 'remove')
    const rejected = await decideAll(page, 'items-reject', 'E2E 仍为重点服务对象，暂不移出')
    assert.equal(rejected, scenario.run.removed)
    // Every removal now shows as rejected.
    await reloadingItems(page, async () => {
      await byTestId(page, 'items-filter-decision').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '不同意' }).first().click()
    })
    const tags = await page.locator('[data-testid="items-table"] [data-testid="item-decision"]').evaluateAll((els) => els.map((e) => e.dataset.decision))
    assert.ok(tags.length > 0 && tags.every((d) => d === 'rejected'))
    assert.equal(await byTestId(page, 'run-pending').count(), 0, 'nothing is pending')
    await shot(page, '53-key-accounts-reviewed')
    await logout(page)
  })

  it('the leader applies the run and sees the counts', async () => {
    await login(page, leaderUser, password)
    await openRun(page, scenario.run.id)
    await byTestId(page, 'run-apply').click()
    const applied = page.waitForResponse((r) => r.url().endsWith('/apply') && r.request().method() === 'POST')
    await page.locator('.el-message-box .el-button--primary').click()
    const response = await applied
    assert.equal(response.status(), 200)
    const body = await response.json()
    assert.equal(body.status, 'applied')
    assert.ok(body.applied_added > 0)
    assert.equal(body.applied_removed, 0, 'every removal was rejected')
    const result = byTestId(page, 'apply-result')
    await result.waitFor()
    assert.equal((await result.innerText()).trim(), `已新增 ${body.applied_added} 户，移出 0 户`)
    await page.waitForFunction(() => document.querySelector('[data-testid="run-detail-status"]')?.getAttribute('data-status') === 'applied')
    assert.equal(await byTestId(page, 'run-apply').count(), 0, 'an applied run cannot be applied again')
    await shot(page, '54-key-accounts-applied')
  })

  it("the first added customer's 360 shows the key-account history", async () => {
    const link = page.locator('[data-testid="items-table"] [data-testid="item-customer"]', { hasText: scenario.firstAdded.name }).first()
    await byTestId(page, 'tab-add').click()
    await link.waitFor()
    await link.click()
    await page.waitForURL(/\/customers\/\d+/)
    await byTestId(page, 'customer-360-name').waitFor()
    assert.equal((await byTestId(page, 'customer-360-name').innerText()).trim(), scenario.firstAdded.name)
    await byTestId(page, 'badge-key-account').waitFor()
    await byTestId(page, 'tab-key-account-history').click()
    await waitForLoaded(page, 'key-account-history')
    const rows = await tableRows(page, 'key-account-history')
    await rows.first().waitFor()
    const text = await rows.last().innerText()
    assert.match(text, /列入大客户/)
    assert.ok(text.includes(scenario.addReason), 'the reviewer note is the reason')
    assert.match(text, new RegExp(`大客户识别 #${scenario.run.id}`))
    assert.match(text, /王营销/)
    assert.match(text, /李局长/)
    await shot(page, '55-key-accounts-customer-history')
  })
})
