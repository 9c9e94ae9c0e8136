import { useI18n } from 'vue-i18n'

// Label groups in the expansion locale section (expansion.<group>.<code>).
export type ExpansionLabelGroup =
  | 'kinds'
  | 'categories'
  | 'stages'
  | 'statuses'
  | 'holders'
  | 'holderHints'
  | 'stageStatuses'
  | 'startEvents'

// Translates server codes; an unknown code (a newer server) shows as itself.
export function useExpansionLabels() {
  const { t, te } = useI18n()

  function label(group: ExpansionLabelGroup, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    const key = `expansion.${group}.${code}`
    return te(key) ? t(key) : code
  }

  // Working days with at most two decimals: 3, 2.5, 0.13.
  function daysText(days: number | null | undefined): string {
    if (days === null || days === undefined || !Number.isFinite(days)) return '—'
    return String(Math.round(days * 100) / 100)
  }

  return { label, daysText }
}

export function applicationStatusTagType(status: string): 'primary' | 'success' | 'info' {
  if (status === 'completed') return 'success'
  if (status === 'open') return 'primary'
  return 'info'
}

export function stageStatusTagType(status: string): 'primary' | 'success' | 'warning' | 'info' {
  switch (status) {
    case 'done':
      return 'success'
    case 'running':
      return 'primary'
    case 'waiting':
      return 'warning'
    default:
      return 'info'
  }
}

// Who holds the file: the supplier (blue), the customer (orange), nobody (grey).
export function holderTagType(holder: string): 'primary' | 'warning' | 'info' {
  if (holder === 'supplier') return 'primary'
  if (holder === 'customer') return 'warning'
  return 'info'
}
