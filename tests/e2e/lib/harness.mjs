// Shared browser harness: Debian's chromium driven by playwright-core.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))

export const baseUrl = (process.env.LIANXIN_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
export const adminUser = process.env.LIANXIN_ADMIN_USER ?? 'admin'
export const password = process.env.LIANXIN_ADMIN_PASSWORD ?? 'Lianxin@2026'
export const screenshotDir = path.resolve(here, '..', 'screenshots')
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Launches a fresh browser profile; returns { context, page, close }.
export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  })
  context.setDefaultTimeout(15_000)
  const page = context.pages()[0] ?? (await context.newPage())
  const close = async () => {
    await context.close()
    fs.rmSync(userDataDir, { recursive: true, force: true })
  }
  return { context, page, close }
}

export async function screenshot(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

// The native <input> of an Element Plus input carrying data-testid
// (the attribute lands on the <input> itself or on a wrapper).
export function inputOf(page, testId) {
  return page.locator(`input[data-testid="${testId}"], textarea[data-testid="${testId}"], [data-testid="${testId}"] input, [data-testid="${testId}"] textarea`).first()
}

export const byTestId = (page, testId) => page.locator(`[data-testid="${testId}"]`)

export async function login(page, username, secret = password) {
  await page.goto(`${baseUrl}/login`)
  await inputOf(page, 'login-username').fill(username)
  await inputOf(page, 'login-password').fill(secret)
  await byTestId(page, 'login-submit').click()
  await byTestId(page, 'user-menu').waitFor()
}

export async function logout(page) {
  await byTestId(page, 'user-menu').click()
  await byTestId(page, 'logout').click()
  await page.waitForURL(/\/login/)
}

// Calls the API from inside the page, so that the session cookie is used.
export async function apiGet(page, pathAndQuery) {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' })
    if (!response.ok) throw new Error(`${url} -> HTTP ${response.status}`)
    const type = response.headers.get('Content-Type') ?? ''
    return type.includes('json') ? response.json() : response.text()
  }, `/api/v1${pathAndQuery}`)
}

export async function tableRows(page, testId) {
  return page.locator(`[data-testid="${testId}"] .el-table__body-wrapper tr.el-table__row`)
}

// Waits until the element-plus loading mask of a container is gone.
export async function waitForLoaded(page, testId) {
  await page.waitForFunction(
    (id) => {
      const element = document.querySelector(`[data-testid="${id}"]`)
      return element !== null && element.querySelector('.el-loading-mask') === null
    },
    testId,
  )
}
