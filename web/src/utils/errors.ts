import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, type ErrorDetail } from '@/api/http'
import { translate } from '@/i18n'

// Builds the user-facing text of an API error: the message plus field details.
export function describeError(error: ApiError): string {
  if (error.code === 'network_error') return translate('errors.network')
  let text = error.message || translate('errors.generic')
  if (error.status === 409 && error.code === 'conflict' && !error.message) text = translate('errors.conflict')
  const details = error.details
    .map((detail) => formatDetail(detail))
    .filter((line) => line !== '')
  if (details.length > 0) text += '：' + details.slice(0, 5).join('；')
  if (details.length > 5) text += ` …(+${details.length - 5})`
  return text
}

function formatDetail(detail: ErrorDetail): string {
  const parts: string[] = []
  if (detail.row !== undefined && detail.row !== null) parts.push(`#${detail.row}`)
  if (detail.field) parts.push(detail.field)
  const where = parts.join(' ')
  return where ? `${where}: ${detail.message}` : detail.message
}

export function showError(error: unknown): void {
  if (error instanceof ApiError) {
    ElMessage({ type: 'error', message: describeError(error), grouping: true, duration: 5000, showClose: true })
  } else if (error instanceof Error) {
    ElMessage({ type: 'error', message: error.message, grouping: true })
  }
}

// Form-field error state for el-form-item's `error` prop. Field names in the
// server's details map to form props of the same name.
export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  // Shows the error; field details that match a known form field are
  // highlighted on the form item. Returns true if it was an ApiError.
  function apply(error: unknown, knownFields?: string[]): boolean {
    clear()
    if (!(error instanceof ApiError)) {
      showError(error)
      return false
    }
    const add = (field: string, message: string) => {
      errors[field] = errors[field] ? `${errors[field]}; ${message}` : message
    }
    let unplaced = 0
    for (const detail of error.details) {
      if (!detail.field) {
        unplaced++
        continue
      }
      // A list element ("sensitive_marks[1]", "clocks[0].amount") also marks its list's field.
      const base = detail.field.replace(/\[\d+\].*$/, '')
      if (knownFields && !knownFields.includes(detail.field) && !knownFields.includes(base)) {
        unplaced++
        continue
      }
      add(detail.field, detail.message)
      if (base !== detail.field) add(base, detail.message)
    }
    // When the caller named its fields and every detail is shown beside one, the message alone
    // is enough (the details are not repeated in the toast).
    if (knownFields && unplaced === 0 && error.details.length > 0) {
      ElMessage({ type: 'error', message: error.message || translate('errors.generic'), grouping: true, duration: 4000, showClose: true })
    } else {
      showError(error)
    }
    return true
  }

  return { errors, clear, apply }
}
