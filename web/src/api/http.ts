// Thin fetch wrapper implementing the Lianxin API conventions:
// JSON under /api/v1, CSRF header on every non-GET request, structured errors.
import { currentLocale } from '@/i18n'

export const API_BASE = '/api/v1'

export interface ErrorDetail {
  field?: string
  message: string
  row?: number
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ErrorDetail[]
  readonly requestId: string

  constructor(status: number, code: string, message: string, details: ErrorDetail[], requestId: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.requestId = requestId
  }
}

export interface ListResult<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface ItemsResult<T> {
  items: T[]
}

type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token
}

// Called when the server answers 401 for a request other than login itself.
type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler = () => {}
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler
}

// Called for every failed request unless the caller asked to handle it.
type ErrorReporter = (error: ApiError) => void
let reportError: ErrorReporter = () => {}
export function setErrorReporter(reporter: ErrorReporter): void {
  reportError = reporter
}

export function buildQuery(query?: Query): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  // Raw body (e.g. a File for imports); sent as-is with rawContentType.
  rawBody?: Blob
  rawContentType?: string
  // When true, the caller reports errors itself (no global message).
  silent?: boolean
  // When true, a 401 does not redirect to the login page (login itself).
  noAuthRedirect?: boolean
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = 'http_' + response.status
  let message = response.statusText || `HTTP ${response.status}`
  let details: ErrorDetail[] = []
  let requestId = response.headers.get('X-Request-Id') ?? ''
  try {
    const payload = await response.json()
    const error = payload?.error
    if (error) {
      code = error.code ?? code
      message = error.message ?? message
      details = Array.isArray(error.details) ? error.details : []
      requestId = error.request_id ?? requestId
    }
  } catch {
    // Not JSON (e.g. a proxy error page): keep the HTTP status text.
  }
  return new ApiError(response.status, code, message, details, requestId)
}

export async function rawRequest(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  // Accept-Language lets the server word its messages in the UI language.
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLocale() === 'en' ? 'en' : 'zh-CN,zh;q=0.9',
  }
  let body: BodyInit | undefined
  if (options.rawBody !== undefined) {
    body = options.rawBody
    headers['Content-Type'] = options.rawContentType ?? 'application/octet-stream'
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken
  }
  let response: Response
  try {
    response = await fetch(API_BASE + path + buildQuery(options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
    })
  } catch (cause) {
    const error = new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause), [], '')
    if (!options.silent) reportError(error)
    throw error
  }
  if (!response.ok) {
    const error = await toApiError(response)
    if (error.status === 401 && !options.noAuthRedirect) {
      onUnauthorized()
    } else if (!options.silent) {
      reportError(error)
    }
    throw error
  }
  return response
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await rawRequest(method, path, options)
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const http = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, options: RequestOptions = {}) =>
    request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options: RequestOptions = {}) => request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options: RequestOptions = {}) => request<T>('DELETE', path, options),
}

function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall through to the plain filename
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain?.[1]?.trim() ?? null
}

// Downloads a GET resource (export, template) as a file via a blob URL, so that
// errors are reported like any other API error instead of a broken page. preferFallback: name the file
// fallbackName even when the server names it (a friendlier name than the server's).
export async function download(
  path: string,
  query: Query | undefined,
  fallbackName: string,
  options: { preferFallback?: boolean } = {},
): Promise<void> {
  const response = await rawRequest('GET', path, { query })
  const blob = await response.blob()
  const name = options.preferFallback ? fallbackName : (fileNameFromDisposition(response.headers.get('Content-Disposition')) ?? fallbackName)
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
